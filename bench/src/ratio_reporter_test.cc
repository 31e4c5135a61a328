#include "lockstress/bench/ratio_reporter.h"

#include <gtest/gtest.h>

namespace lockstress::bench {
namespace {

using BenchRun = benchmark::BenchmarkReporter::Run;

BenchRun MakeRun(const std::string& name, long rep, double ops) {
  BenchRun r;
  r.run_name.function_name = name;
  r.repetition_index = rep;
  r.counters["ops_per_s"] = ops;
  return r;
}

BenchRun Aggregate(const std::string& name, const std::string& which) {
  BenchRun r;
  r.run_name.function_name = name;
  r.run_type = BenchRun::RT_Aggregate;
  r.aggregate_name = which;
  return r;
}

// Collects what it is handed on.
class Collect : public benchmark::BenchmarkReporter {
 public:
  explicit Collect(std::vector<BenchRun>* out) : out_(out) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<BenchRun>& runs) override {
    out_->insert(out_->end(), runs.begin(), runs.end());
  }

 private:
  std::vector<BenchRun>* out_;
};

class RatioReporterTest : public ::testing::Test {
 protected:
  RatioPlan plan_ = {{"u/raw", "u/raw"}, {"u/impl", "u/raw"}};
  RatioTable table_;
  std::vector<BenchRun> seen_;
  RatioReporter reporter_{&plan_, &table_, std::make_unique<Collect>(&seen_)};
};

TEST_F(RatioReporterTest, EveryRowGetsItsRatioByRepetition) {
  reporter_.ReportRuns({MakeRun("u/raw", 0, 100), MakeRun("u/raw", 1, 200)});
  reporter_.ReportRuns({MakeRun("u/impl", 0, 50), MakeRun("u/impl", 1, 100),
                        Aggregate("u/impl", "mean"),
                        Aggregate("u/impl", "stddev")});
  ASSERT_EQ(seen_.size(), 6u);
  EXPECT_DOUBLE_EQ(seen_[0].counters["ratio_to_raw"], 1.0);
  EXPECT_DOUBLE_EQ(seen_[1].counters["ratio_to_raw"], 1.0);
  EXPECT_DOUBLE_EQ(seen_[2].counters["ratio_to_raw"], 0.5);
  EXPECT_DOUBLE_EQ(seen_[2].counters["raw_ops_per_s"], 100);
  EXPECT_DOUBLE_EQ(seen_[3].counters["ratio_to_raw"], 0.5);
  EXPECT_DOUBLE_EQ(seen_[3].counters["raw_ops_per_s"], 200);
  EXPECT_DOUBLE_EQ(seen_[4].counters["ratio_to_raw"], 0.5);  // mean
  EXPECT_DOUBLE_EQ(seen_[5].counters["ratio_to_raw"], 0.0);  // stddev
}

TEST_F(RatioReporterTest, RowsWaitForTheirRawRow) {
  reporter_.ReportRuns({MakeRun("u/impl", 0, 30)});
  EXPECT_TRUE(seen_.empty());
  reporter_.ReportRuns({MakeRun("u/raw", 0, 60)});
  ASSERT_EQ(seen_.size(), 2u);
  // Handed on in the order they came.
  EXPECT_EQ(seen_[0].run_name.function_name, "u/impl");
  EXPECT_DOUBLE_EQ(seen_[0].counters["ratio_to_raw"], 0.5);
  EXPECT_EQ(seen_[1].run_name.function_name, "u/raw");
  EXPECT_DOUBLE_EQ(seen_[1].counters["ratio_to_raw"], 1.0);
}

TEST_F(RatioReporterTest, FinalizeHandsOnRowsWhoseRawNeverCame) {
  reporter_.ReportRuns({MakeRun("u/impl", 0, 30)});
  reporter_.Finalize();
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].counters.count("ratio_to_raw"), 0u);
}

TEST_F(RatioReporterTest, RowsWithoutAPlanPassThrough) {
  reporter_.ReportRuns({MakeRun("other", 0, 7)});
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].counters.count("ratio_to_raw"), 0u);
}

}  // namespace
}  // namespace lockstress::bench
