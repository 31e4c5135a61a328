// Fault placement end to end: the commands FaultWorkerArgvs builds, run by
// RunSchedule with real workers, seed a real stale lock (and place workers
// in real namespaces when allowed).
#include "harness/orchestrator/fault_launch.h"

#include <gtest/gtest.h>

#include "harness/launcher/ns_launch.h"
#include "harness/orchestrator/scenario_runner.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

using Kind = PlannedOp::Kind;

const std::string kBin = LOCKSTRESS_BIN_DIR;

FaultTarget Builtin(const std::string& impl) {
  return {.driver_argv = {kBin + "/lockstress-worker", "--impl", impl},
          .seeds_stale = true,
          .impl = impl};
}

TEST(FaultLaunch, NothingPlacedMeansTheDriverAsItIs) {
  EXPECT_TRUE(
      FaultWorkerArgvs({}, Builtin("flock"), 2, "/x", "/d/lock").empty());
  EXPECT_EQ(FaultSkipReason({}, Builtin("flock")), "");
}

TEST(FaultLaunch, WorkerZeroSeedsAndEveryWorkerIsLaunched) {
  FaultTables f;
  f.stale = StalePlacement{.owner = "reused_pid", .record = "garbage"};
  f.namespaces =
      NamespacePlacement{.pid = true, .uts = true, .holder_pid = 4242};
  auto argvs =
      FaultWorkerArgvs(f, Builtin("pidfile"), 2, "/bin/launch", "/d/lock");
  ASSERT_EQ(argvs.size(), 2u);
  for (std::size_t w = 0; w < 2; ++w) {
    EXPECT_EQ(argvs[w][0], "/bin/launch");
    StatusOr<LaunchPlan> plan = ParseLaunchArgs(
        std::vector<std::string>(argvs[w].begin() + 1, argvs[w].end()));
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_TRUE(plan->pid_ns);
    EXPECT_EQ(plan->hostname, "w" + std::to_string(w) + ".lockstress.test");
    EXPECT_EQ(plan->decoy_at, 4242);  // PID reuse everywhere
    EXPECT_EQ(plan->command, Builtin("pidfile").driver_argv);
    EXPECT_EQ(plan->seed.empty(), w != 0);
  }
  StatusOr<LaunchPlan> w0 = ParseLaunchArgs(
      std::vector<std::string>(argvs[0].begin() + 1, argvs[0].end()));
  EXPECT_EQ(w0->seed_at, 4242);
  std::string seed;
  for (const std::string& a : w0->seed) seed += a + " ";
  EXPECT_NE(seed.find("--seed-stale --lock /d/lock --record garbage"),
            std::string::npos)
      << seed;
}

TEST(FaultLaunch, OutsideDriversCannotSeed) {
  FaultTables f;
  f.stale = StalePlacement{};
  FaultTarget outside{.driver_argv = {"/bin/sh", "-c", "x"}, .impl = "ext"};
  EXPECT_NE(FaultSkipReason(f, outside).find("no stale-state writer"),
            std::string::npos);
}

// A pidfile lock seeded by a dead holder: the history starts with the
// seeding, and the worker finds the lock taken (pidfile has no
// stale_recovery) until it breaks it.
TEST(FaultLaunch, SeededStaleLockMeetsTheWorker) {
  testing::TempDir dir;
  FaultTables f;
  f.stale = StalePlacement{};
  FaultTarget t = Builtin("pidfile");
  ASSERT_EQ(FaultSkipReason(f, t), "");
  RunSpec spec{.impl = "pidfile",
               .driver_argv = t.driver_argv,
               .scenario = "test/seeded",
               .test_dir = dir.path(),
               .log_dir = dir.path()};
  spec.schedule.workers.push_back(
      {{{.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()},
        {.kind = Kind::kBreak},
        {.kind = Kind::kAcquire, .timeout = Timeout::NonBlocking()},
        {.kind = Kind::kRelease}}});
  spec.worker_argvs = FaultWorkerArgvs(f, t, 1, kBin + "/lockstress-ns-launch",
                                       dir.path() + "/lock");
  spec.stale_event = f.Describe();
  StatusOr<History> h = RunSchedule(spec, nullptr);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_FALSE(h->events.empty());
  EXPECT_EQ(h->events[0].type, Event::Type::kNemesis);
  EXPECT_EQ(h->events[0].op, "stale");
  std::vector<std::string> acquires;
  for (const Event& e : h->events) {
    if (e.op == "acquire") {
      acquires.push_back(
          e.outcome == Outcome::kOk ? "ok" : std::string(KindName(e.kind)));
    }
  }
  EXPECT_EQ(acquires, (std::vector<std::string>{"AlreadyLocked", "ok"}));
}

}  // namespace
}  // namespace lockstress
