#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "break_lock";

TEST(BreakLockTest, BreakFreesTheLock) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "break", 10, 11, "");
  b.Ok("w3.h0", "acquire", 12, 13, "0");
  b.Err("w1.h0", "release", ErrorKind::kNotMyLock, 14, 15, "");
  b.Ok("w3.h0", "release", 16, 17, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(BreakLockTest, BrokenHoldersReleaseThatSucceededFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t br = b.Ok("w2.h0", "break", 10, 11, "");
  std::size_t rel = b.Ok("w1.h0", "release", 14, 15, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, br, rel}));
}

TEST(BreakLockTest, LockStillHeldAfterBreakFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t br = b.Ok("w2.h0", "break", 10, 11, "");
  std::size_t i =
      b.Err("w3.h0", "acquire", ErrorKind::kAlreadyLocked, 12, 13, "0");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{br, i}));
}

TEST(BreakLockTest, Skips) {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kBreak);
  HistoryBuilder b(f);
  b.Ok("w2.h0", "break", 10, 11, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
  HistoryBuilder c;
  c.Ok("w1.h0", "acquire", 0, 1);
  CheckResult r = c.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_NE(r.detail.find("no successful break"), std::string::npos);
}

}  // namespace
}  // namespace lockstress
