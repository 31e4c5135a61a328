#include "lockstress/bench/ratio_reporter.h"

#include <algorithm>
#include <cmath>

namespace lockstress::bench {
namespace {

constexpr const char* kOps = "ops_per_s";

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}
double Stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = Mean(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

double Aggregate(const std::string& name, const std::vector<double>& v) {
  if (name == "mean") return Mean(v);
  if (name == "median") return Median(v);
  if (name == "stddev") return Stddev(v);
  if (name == "cv") return Mean(v) == 0 ? 0 : Stddev(v) / Mean(v);
  return 0;
}

}  // namespace

void RatioTable::Record(const std::string& name, long repetition,
                        double ops_per_s) {
  rates_[{name, repetition}] = ops_per_s;
}

double RatioTable::Rate(const std::string& name, long repetition) const {
  auto it = rates_.find({name, repetition});
  if (it != rates_.end()) return it->second;
  double sum = 0;
  int n = 0;
  for (const auto& [key, rate] : rates_) {
    if (key.first == name) sum += rate, ++n;
  }
  return n == 0 ? 0 : sum / n;
}

RatioReporter::RatioReporter(const RatioPlan* plan, RatioTable* table,
                             std::unique_ptr<BenchmarkReporter> inner)
    : plan_(plan), table_(table), inner_(std::move(inner)) {}

bool RatioReporter::ReportContext(const Context& context) {
  // Google Benchmark sets the streams on this object; the inner one writes.
  inner_->SetOutputStream(&GetOutputStream());
  inner_->SetErrorStream(&GetErrorStream());
  return inner_->ReportContext(context);
}

std::vector<RatioReporter::Run> RatioReporter::WithRatios(
    const std::vector<Run>& runs) {
  std::vector<Run> out = runs;
  std::vector<double> ratios, raws;
  for (Run& run : out) {
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    const std::string name = run.run_name.function_name;
    auto ops = run.counters.find(kOps);
    if (ops == run.counters.end()) continue;
    auto raw = plan_->find(name);
    if (raw == plan_->end()) continue;
    double raw_rate = table_->Rate(raw->second, run.repetition_index);
    if (raw_rate <= 0) continue;
    double ratio = ops->second / raw_rate;
    run.counters["raw_ops_per_s"] = raw_rate;
    run.counters["ratio_to_raw"] = ratio;
    ratios.push_back(ratio);
    raws.push_back(raw_rate);
  }
  for (Run& run : out) {
    if (run.run_type != Run::RT_Aggregate || ratios.empty()) continue;
    // Relative aggregates (cv) are unitless; the others follow the values.
    run.counters["ratio_to_raw"] = Aggregate(run.aggregate_name, ratios);
    run.counters["raw_ops_per_s"] = Aggregate(run.aggregate_name, raws);
  }
  return out;
}

void RatioReporter::RecordRaws(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    const std::string name = run.run_name.function_name;
    auto raw = plan_->find(name);
    auto ops = run.counters.find(kOps);
    if (raw != plan_->end() && raw->second == name && ops != run.counters.end())
      table_->Record(name, run.repetition_index, ops->second);
  }
}

bool RatioReporter::Ready(const std::vector<Run>& runs) const {
  for (const Run& run : runs) {
    auto raw = plan_->find(run.run_name.function_name);
    if (raw == plan_->end()) continue;
    if (table_->Rate(raw->second, run.repetition_index) <= 0) return false;
  }
  return true;
}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  RecordRaws(runs);
  waiting_.push_back(runs);
  // Hand on, in order, every group whose raw rows are known now.
  std::vector<std::vector<Run>> still;
  for (std::vector<Run>& group : waiting_) {
    if (Ready(group)) {
      inner_->ReportRuns(WithRatios(group));
    } else {
      still.push_back(std::move(group));
    }
  }
  waiting_ = std::move(still);
}

void RatioReporter::Finalize() {
  for (const std::vector<Run>& group : waiting_) {
    inner_->ReportRuns(WithRatios(group));
  }
  waiting_.clear();
  inner_->Finalize();
}

}  // namespace lockstress::bench
