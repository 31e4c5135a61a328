#include "harness/stress/stress_mode.h"

#include <gtest/gtest.h>

#include <sstream>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

double Field(const std::string& line, const std::string& key) {
  size_t at = line.find(" " + key + "=");
  EXPECT_NE(at, std::string::npos) << key << " in " << line;
  return at == std::string::npos
             ? -1
             : std::atof(line.c_str() + at + key.size() + 2);
}

TEST(StressMode, RecordsEveryOperationAndTheLockHolds) {
  testing::TempDir dir;
  StressOptions o{dir.File("lock"), 3, 0.2, 5, dir.File("events")};
  std::ostringstream out, err;
  ASSERT_EQ(RunStress(*FindImpl("flock"), o, out, err), 0) << err.str();
  std::string line = out.str();
  ASSERT_EQ(line.rfind("stress ops=", 0), 0u) << line;
  double ops = Field(line, "ops");
  EXPECT_GT(ops, 0);
  EXPECT_EQ(Field(line, "events"), 2 * ops);
  EXPECT_EQ(Field(line, "errors"), 0);
  EXPECT_GT(Field(line, "rss_end_kb"), 0);
  StatusOr<std::vector<StressEvent>> events = ReadStressEvents(o.events_file);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(static_cast<double>(events->size()), 2 * ops);
  EXPECT_EQ(CountOverlaps(*events), 0u);
}

TEST(StressMode, TheNullControlIsCaughtOverlapping) {
  testing::TempDir dir;
  StressOptions o{dir.File("lock"), 4, 0.2, 50, dir.File("events")};
  std::ostringstream out, err;
  ASSERT_EQ(RunStress(*FindImpl("null"), o, out, err), 0) << err.str();
  StatusOr<std::vector<StressEvent>> events = ReadStressEvents(o.events_file);
  ASSERT_TRUE(events.ok());
  EXPECT_GT(CountOverlaps(*events), 0u);
}

TEST(StressMode, BareLoopWritesNoEvents) {
  testing::TempDir dir;
  StressOptions o{dir.File("lock"), 2, 0.1, 0, ""};
  std::ostringstream out, err;
  ASSERT_EQ(RunStress(*FindImpl("link"), o, out, err), 0) << err.str();
  EXPECT_GT(Field(out.str(), "ops"), 0);
  EXPECT_EQ(Field(out.str(), "events"), 0);
}

TEST(StressMode, AnUnwritableEventFileIsAUsageError) {
  StressOptions o{"/nonexistent/lock", 1, 0.1, 0, "/nonexistent/dir/events"};
  std::ostringstream out, err;
  EXPECT_EQ(RunStress(*FindImpl("flock"), o, out, err), 2);
  EXPECT_NE(err.str().find("/nonexistent/dir/events"), std::string::npos);
}

TEST(StressMode, AFailingOperationIsExit1NamingIt) {
  testing::TempDir dir;
  StressOptions o{"/nonexistent/lockstress/lock", 2, 5, 0, ""};
  std::ostringstream out, err;
  EXPECT_EQ(RunStress(*FindImpl("flock"), o, out, err), 1);
  EXPECT_NE(err.str().find("/nonexistent/lockstress"), std::string::npos)
      << err.str();
}

TEST(CountOverlaps, PairsEachAcquireWithItsRelease) {
  // Thread 1 holds [10, 20], thread 2 [20, 30] (touching is not
  // overlapping), thread 3 [25, 40] overlaps thread 2.
  std::vector<StressEvent> e = {
      {1, 1, 0, 1, 0, 10},  {1, 2, 0, 1, 0, 20}, {1, 1, 1, 1, 20, 21},
      {1, 2, 1, 1, 30, 31}, {1, 3, 0, 1, 0, 25}, {1, 3, 1, 1, 40, 41},
      {1, 4, 0, 0, 0, 26},  // a failed acquire holds nothing
  };
  EXPECT_EQ(CountOverlaps(e), 1u);
}

}  // namespace
}  // namespace lockstress
