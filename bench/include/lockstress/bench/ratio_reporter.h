// RatioReporter: a reporter plug-in that gives every row its ratio to its
// raw row, then hands the rows on to another reporter (console, JSON).
//
// Every row carries the user counter `ops_per_s`. For a row whose raw row is
// known (RatioPlan), the reporter adds `raw_ops_per_s` and `ratio_to_raw` =
// ops_per_s / raw_ops_per_s, taken against the raw row's run with the same
// repetition index (so each ratio compares two measurements of one run of
// the program), and recomputes the aggregate rows (mean, median, stddev,
// cv) of the ratio from the repetitions. A raw row's ratio is 1.
//
// Rows whose raw row has not been reported yet are held back and handed on
// as soon as it is (raw rows are registered first, so normally nothing
// waits; a filter or --benchmark_enable_random_interleaving can change the
// order). Finalize hands on whatever still waits, without a ratio.
//
// Thread safety: Google Benchmark calls reporters from one thread; a
// RatioTable is shared by the reporters of one program run.
#ifndef LOCKSTRESS_BENCH_RATIO_REPORTER_H_
#define LOCKSTRESS_BENCH_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lockstress::bench {

// Row name -> the name of its raw row.
using RatioPlan = std::map<std::string, std::string>;

// The raw rows' rates seen so far: (row name, repetition) -> ops/s.
class RatioTable {
 public:
  void Record(const std::string& name, long repetition, double ops_per_s);
  // The rate of `name` at `repetition`; else the mean of its repetitions;
  // 0 when never seen.
  double Rate(const std::string& name, long repetition) const;

 private:
  std::map<std::pair<std::string, long>, double> rates_;
};

class RatioReporter : public benchmark::BenchmarkReporter {
 public:
  RatioReporter(const RatioPlan* plan, RatioTable* table,
                std::unique_ptr<benchmark::BenchmarkReporter> inner);
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // The runs with their ratios (exposed for the unit test).
  std::vector<Run> WithRatios(const std::vector<Run>& runs);

 private:
  // True when every row of `runs` that has a raw row can get its ratio.
  bool Ready(const std::vector<Run>& runs) const;
  void RecordRaws(const std::vector<Run>& runs);

  std::vector<std::vector<Run>> waiting_;
  const RatioPlan* plan_;
  RatioTable* table_;
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_RATIO_REPORTER_H_
