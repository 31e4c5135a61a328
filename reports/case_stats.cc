#include "reports/case_stats.h"

#include <algorithm>
#include <cmath>

namespace lockstress::report {
namespace {

constexpr int kBinsPerDecade = 4;
constexpr int kThroughputBins = 60;

double Us(std::int64_t ns) { return std::round(ns / 100.0) / 10.0; }

// The value at quantile q of sorted values.
std::int64_t Quantile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto k = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[k];
}

}  // namespace

void CaseStats::Add(const Event& e) {
  if (e.type == Event::Type::kNemesis) {
    ++nemesis_;
    return;
  }
  ++ops_;
  ok_ += e.outcome == Outcome::kOk;
  err_ += e.outcome == Outcome::kErr;
  lost_ += e.outcome == Outcome::kLost;
  if (e.op != "acquire" && e.op != "acquire_shared") return;
  PerHandle& h = per_handle_[e.handle];
  h.worker = e.worker;
  if (e.outcome == Outcome::kOk) {
    ++h.acquired;
    waits_.push_back(std::max<std::int64_t>(e.t1 - e.t0, 0));
    acquired_.push_back(e.t1);
  } else if (e.outcome == Outcome::kErr &&
             (e.kind == ErrorKind::kAlreadyLocked ||
              e.kind == ErrorKind::kLockTimeout)) {
    ++h.refused;
  }
}

nlohmann::json CaseStats::Finish(std::int64_t origin, std::int64_t end) {
  std::sort(waits_.begin(), waits_.end());
  nlohmann::json bins = nlohmann::json::array();
  if (!waits_.empty()) {
    // Bin k covers [10^(k/4), 10^((k+1)/4)) microseconds; waits under 1 us
    // share the first bin.
    auto bin_of = [](std::int64_t ns) {
      double us = std::max(ns / 1000.0, 1.0);
      return static_cast<int>(std::floor(std::log10(us) * kBinsPerDecade));
    };
    int first = bin_of(waits_.front()), last = bin_of(waits_.back());
    std::vector<std::int64_t> counts(last - first + 1, 0);
    for (std::int64_t w : waits_) ++counts[bin_of(w) - first];
    for (int k = first; k <= last; ++k) {
      auto edge = [](int b) {
        return std::round(
                   std::pow(10.0, static_cast<double>(b) / kBinsPerDecade) *
                   10) /
               10;
      };
      bins.push_back(
          {k == first ? 0.0 : edge(k), edge(k + 1), counts[k - first]});
    }
  }
  nlohmann::json wait = {{"count", waits_.size()},
                         {"p50_us", Us(Quantile(waits_, 0.5))},
                         {"p90_us", Us(Quantile(waits_, 0.9))},
                         {"p99_us", Us(Quantile(waits_, 0.99))},
                         {"max_us", Us(waits_.empty() ? 0 : waits_.back())},
                         {"bins", bins}};

  std::vector<std::pair<std::pair<int, std::string>, const PerHandle*>> rows;
  for (const auto& [handle, h] : per_handle_)
    rows.push_back({{h.worker, handle}, &h});
  std::sort(rows.begin(), rows.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  nlohmann::json per_handle = nlohmann::json::array();
  for (const auto& [key, h] : rows)
    per_handle.push_back({key.second, h->acquired, h->refused});

  std::int64_t span = std::max<std::int64_t>(end - origin, 1);
  std::int64_t bin_ns = std::max<std::int64_t>(span / kThroughputBins, 1);
  std::vector<double> per_s((span + bin_ns - 1) / bin_ns + 1, 0);
  for (std::int64_t t : acquired_) {
    auto k = static_cast<std::size_t>(std::clamp<std::int64_t>(
        (t - origin) / bin_ns, 0, static_cast<std::int64_t>(per_s.size()) - 1));
    per_s[k] += 1;
  }
  for (double& v : per_s) v = std::round(v * 1e9 / bin_ns * 10) / 10;
  return {{"ops", ops_},
          {"ok", ok_},
          {"err", err_},
          {"lost", lost_},
          {"nemesis", nemesis_},
          {"wait", wait},
          {"per_handle", per_handle},
          {"throughput", {{"bin_us", Us(bin_ns)}, {"per_s", per_s}}}};
}

}  // namespace lockstress::report
