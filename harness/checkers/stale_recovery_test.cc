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

}  // namespace
}  // namespace lockstress
