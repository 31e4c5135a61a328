#include "harness/orchestrator/scenario_runner.h"

#include <gtest/gtest.h>

#include "harness/orchestrator/nemesis_target.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

using std::chrono::milliseconds;
using Kind = PlannedOp::Kind;

std::string WorkerBin() {
  return std::string(LOCKSTRESS_BIN_DIR) + "/lockstress-worker";
}

std::vector<PlannedOp> HoldTwice() {
  std::vector<PlannedOp> ops;
  for (int i = 0; i < 2; ++i) {
    ops.push_back({.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()});
    ops.push_back({.kind = Kind::kSleep, .sleep = milliseconds(50)});
    ops.push_back({.kind = Kind::kIsLocked});
    ops.push_back({.kind = Kind::kRelease});
  }
  return ops;
}

RunSpec Spec(const testing::TempDir& dir, int workers) {
  RunSpec spec{.impl = "null",
               .driver_argv = {WorkerBin(), "--impl", "null"},
               .scenario = "test/hold_twice",
               .seed = 7,
               .test_dir = dir.path(),
               .log_dir = dir.path()};
  for (int w = 0; w < workers; ++w)
    spec.schedule.workers.push_back({HoldTwice()});
  return spec;
}

int Count(const History& h, const std::string& op, Outcome outcome) {
  int n = 0;
  for (const Event& e : h.events) n += e.op == op && e.outcome == outcome;
  return n;
}

TEST(RunSchedule, NullWorkersMakeAHistoryWithWitness) {
  testing::TempDir dir;
  StatusOr<History> h = RunSchedule(Spec(dir, 3), nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->header.impl, "null");
  EXPECT_EQ(h->header.workers, 3);
  EXPECT_TRUE(h->header.features.has(Feature::kThreads));
  EXPECT_EQ(Count(*h, "open", Outcome::kOk), 3);
  EXPECT_EQ(Count(*h, "acquire", Outcome::kOk), 6);
  EXPECT_EQ(Count(*h, "witness", Outcome::kOk), 6);
  EXPECT_EQ(Count(*h, "release", Outcome::kOk), 6);
  EXPECT_EQ(Count(*h, "close", Outcome::kOk), 3);
  for (const Event& e : h->events) {
    EXPECT_LE(e.t0, e.t1);
    EXPECT_GT(e.pid, 0);
    if (e.op == "is_locked") {
      EXPECT_EQ(e.value, std::optional<bool>(true));
    }
  }
  // Every worker's stderr went to its own log.
  std::vector<std::string> files = testing::ListDir(dir.path());
  EXPECT_NE(std::find(files.begin(), files.end(), "worker-2.log"), files.end());
}

TEST(RunSchedule, DriverThatDoesNotGreetIsAnErrorQuotingTheLine) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 2);
  spec.driver_argv = {"/bin/sh", "-c", "echo hello there; exec sleep 100"};
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("'hello there'"), std::string::npos)
      << h.status().message();
}

TEST(RunSchedule, SilentDriverTimesOut) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 1);
  spec.driver_argv = {"/bin/sh", "-c", "exec sleep 100"};
  spec.greeting_timeout = milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("did not greet"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(RunSchedule, HungDriverIsKilledByTheWatchdog) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 2);
  spec.driver_argv = {"/bin/sh", "-c",
                      "echo lockstress-driver 1 hung nonblocking; "
                      "exec sleep 1000"};
  spec.request_margin = milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  ASSERT_EQ(h->events.size(), 2u);  // each worker's open, lost
  for (const Event& e : h->events) {
    EXPECT_EQ(e.op, "open");
    EXPECT_EQ(e.outcome, Outcome::kLost);
    EXPECT_NE(e.message.find("killed"), std::string::npos) << e.message;
  }
}

TEST(RunSchedule, MalformedReplyIsAProtocolError) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 1);
  spec.driver_argv = {"/bin/sh", "-c",
                      "echo lockstress-driver 1 bad nonblocking; read x; "
                      "echo '1 maybe'; exec sleep 1000"};
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("'1 maybe'"), std::string::npos)
      << h.status().message();
}

TEST(RunSchedule, NemesisKillsAHolder) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 2);
  for (auto& worker : spec.schedule.workers) {
    worker[0] = {{.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()},
                 {.kind = Kind::kSleep, .sleep = milliseconds(2000)},
                 {.kind = Kind::kRelease}};
  }
  spec.schedule.nemesis = {{.kind = NemesisAction::Kind::kKill,
                            .target = NemesisAction::Target::kHolder,
                            .at = milliseconds(200)}};
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  int kills = 0;
  for (const Event& e : h->events) {
    if (e.type == Event::Type::kNemesis) {
      ++kills;
      EXPECT_EQ(e.op, "kill");
      EXPECT_GE(e.target, 0);
    }
  }
  EXPECT_EQ(kills, 1);
  // The killed worker's release is lost; the other's is ok.
  EXPECT_EQ(Count(*h, "release", Outcome::kLost), 1);
  EXPECT_EQ(Count(*h, "release", Outcome::kOk), 1);
}

// Four null workers hold at once; the kill hits the holder the seeded
// chooser draws, not the lowest-numbered one.
TEST(RunSchedule, NemesisDrawsItsTargetFromTheSeed) {
  const std::vector<int> all = {0, 1, 2, 3};
  std::uint64_t seed = 0;
  while (NemesisChooser(seed).Choose(0, all) == 0) ++seed;
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 4);
  spec.seed = seed;
  for (auto& worker : spec.schedule.workers) {
    worker[0] = {{.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()},
                 {.kind = Kind::kSleep, .sleep = milliseconds(3000)},
                 {.kind = Kind::kRelease}};
  }
  spec.schedule.nemesis = {{.kind = NemesisAction::Kind::kKill,
                            .target = NemesisAction::Target::kHolder,
                            .at = milliseconds(1000)}};
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  int target = -1;
  for (const Event& e : h->events) {
    if (e.type == Event::Type::kNemesis) target = e.target;
  }
  EXPECT_EQ(target, NemesisChooser(seed).Choose(0, all));
  EXPECT_NE(target, 0);
}

TEST(RunSchedule, StopThenContinue) {
  testing::TempDir dir;
  RunSpec spec = Spec(dir, 1);
  spec.schedule.workers[0][0] = {
      {.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()},
      {.kind = Kind::kSleep, .sleep = milliseconds(100)},
      {.kind = Kind::kRelease}};
  spec.schedule.nemesis = {{.kind = NemesisAction::Kind::kStop,
                            .target = NemesisAction::Target::kHolder,
                            .at = milliseconds(20),
                            .duration = milliseconds(500)}};
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(Count(*h, "stop", Outcome::kOk), 1);
  EXPECT_EQ(Count(*h, "cont", Outcome::kOk), 1);
  EXPECT_EQ(Count(*h, "release", Outcome::kOk), 1);
}

}  // namespace
}  // namespace lockstress
