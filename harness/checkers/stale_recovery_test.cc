#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "stale_recovery";

TEST(StaleRecoveryTest, DeadHoldersLockTakenOverInTimePasses) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 12, 13, "0");
  b.Ok("w2.h0", "acquire", 14, 900, "2");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(StaleRecoveryTest, NeverRecoveringFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t k = b.Nemesis("kill", 1, 10, 11);
  std::size_t w =
      b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 12, 8000, "8");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, k, w}));
  CheckOptions opt;
  opt.recovery_bound = std::chrono::milliseconds(10000);
  EXPECT_EQ(b.Check(kP, opt).verdict, Verdict::kSkip);
}

TEST(StaleRecoveryTest, BlockingWaiterGettingTheLockLateFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  std::size_t w = b.Ok("w2.h0", "acquire", 12, 9000, "inf");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence.back(), w);
}

TEST(StaleRecoveryTest, TakingOverALiveHoldersLockFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("stop", 1, 2, 3);  // stopped, not dead
  std::size_t t = b.Ok("w2.h0", "acquire", 4, 6000, "inf");
  b.Nemesis("cont", 1, 7000, 7001);
  b.Err("w1.h0", "release", ErrorKind::kNotMyLock, 7002, 7003, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, t}));
  EXPECT_NE(r.detail.find("live holder"), std::string::npos);
}

TEST(StaleRecoveryTest, Skips) {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kStaleRecovery);
  HistoryBuilder b(f);
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
  HistoryBuilder c;
  c.Ok("w1.h0", "acquire", 0, 1);
  c.Ok("w1.h0", "release", 2, 3, "");
  EXPECT_EQ(c.Check(kP).verdict, Verdict::kSkip);
}

// Seeded stale locks (scenarios/faults/): the nemesis "stale" event is a
// holder that died before the run.
TEST(StaleRecoveryTest, SeededStaleLockTakenOverInTimePasses) {
  HistoryBuilder b;
  b.Nemesis("stale", -1, 0, 5);
  b.Err("w0.h0", "acquire", ErrorKind::kAlreadyLocked, 6, 7, "0");
  b.Ok("w1.h0", "acquire", 6, 1500, "12");
  b.Ok("w1.h0", "release", 1501, 1502, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  // The refusal was not a lie: the seeded lock may have been held.
  EXPECT_EQ(b.Check("timeout_semantics").verdict, Verdict::kPass)
      << Show(b.Check("timeout_semantics"));
  EXPECT_EQ(b.Check("mutual_exclusion").verdict, Verdict::kSkip);
}

TEST(StaleRecoveryTest, SeededStaleLockNeverRecoveredFails) {
  HistoryBuilder b;
  std::size_t seed = b.Nemesis("stale", -1, 0, 5);
  std::size_t w =
      b.Err("w1.h0", "acquire", ErrorKind::kLockTimeout, 6, 12006, "12");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{seed, seed, w}));
  EXPECT_NE(r.detail.find("seeded stale lock"), std::string::npos) << r.detail;
  // crash_recovery agrees (stale_recovery is declared).
  EXPECT_EQ(b.Check("crash_recovery").verdict, Verdict::kFail);
  // Within a longer declared bound it is not judged.
  CheckOptions opt;
  opt.recovery_bound = std::chrono::milliseconds(20000);
  EXPECT_EQ(b.Check(kP, opt).verdict, Verdict::kSkip);
}

TEST(StaleRecoveryTest, SeededStaleLockWithoutTheFeatureSkips) {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kStaleRecovery);
  HistoryBuilder b(f);
  b.Nemesis("stale", -1, 0, 5);
  b.Err("w1.h0", "acquire", ErrorKind::kLockTimeout, 6, 12006, "12");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
  // A stale lock is the contract without the feature.
  EXPECT_EQ(b.Check("crash_recovery").verdict, Verdict::kPass);
}

TEST(StaleRecoveryTest, TwoContendersTakingOverTheSameStaleLockFailExclusion) {
  HistoryBuilder b;
  b.Nemesis("stale", -1, 0, 5);
  b.Ok("w0.h0", "acquire", 6, 10, "12");
  b.Ok("w1.h0", "acquire", 6, 12, "12");
  b.Ok("w0.h0", "release", 50, 51, "");
  b.Ok("w1.h0", "release", 52, 53, "");
  EXPECT_EQ(b.Check("mutual_exclusion").verdict, Verdict::kFail);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kFail);
}

// Containers and hosts (scenarios/faults/container_live_holder.toml): a
// live holder whose lock withstands a contender passes; one whose lock a
// contender breaks (a PID check in the wrong namespace) fails.
TEST(StaleRecoveryTest, LiveHolderWithstandingAttemptsPasses) {
  HistoryBuilder b;
  b.Ok("w0.h0", "acquire", 0, 1, "0");
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 300, 301, "0");
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 700, 701, "0");
  b.Ok("w0.h0", "release", 1500, 1501, "");
  b.Ok("w1.h0", "acquire", 2200, 2201, "0");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  EXPECT_NE(r.detail.find("2 attempts"), std::string::npos) << r.detail;
}

TEST(StaleRecoveryTest, LiveHolderInAnotherNamespaceBrokenFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w0.h0", "acquire", 0, 1, "0");
  std::size_t t = b.Ok("w1.h0", "acquire", 300, 302, "0");
  b.Err("w0.h0", "release", ErrorKind::kNotMyLock, 1500, 1501, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, t}));
}

}  // namespace
}  // namespace lockstress
