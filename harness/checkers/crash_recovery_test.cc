#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "crash_recovery";

FeatureSet NoStaleRecovery() {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kStaleRecovery);
  return f;
}

TEST(CrashRecoveryTest, FreedAtOnceIsReported) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  b.Ok("w2.h0", "acquire", 12, 13, "0");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  EXPECT_NE(r.detail.find("w1 killed holding: freed at once after 2.000ms"),
            std::string::npos)
      << r.detail;
}

TEST(CrashRecoveryTest, TakenOverWithinTheBound) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 12, 13, "0");
  b.Ok("w2.h0", "acquire", 100, 1500, "inf");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  EXPECT_NE(r.detail.find("taken over after"), std::string::npos);
}

TEST(CrashRecoveryTest, StaleUntilBrokenWithoutTheFeatureIsFine) {
  HistoryBuilder b(NoStaleRecovery());
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 10, 11);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 12, 13, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 9000, 9001, "0");
  b.Ok("w3.h0", "break", 9100, 9101, "");
  b.Ok("w2.h0", "acquire", 9200, 9201, "0");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  EXPECT_NE(r.detail.find("stale until broken"), std::string::npos);
}

TEST(CrashRecoveryTest, DeclaredStaleRecoveryThatNeverRecoversFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t k = b.Nemesis("kill", 1, 10, 11);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 12, 13, "0");
  std::size_t late =
      b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 5000, 6000, "1");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, k, late}));
  EXPECT_NE(r.detail.find("declares stale_recovery"), std::string::npos);
}

TEST(CrashRecoveryTest, SkipsWhenNoHolderWasKilled) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 2, 3, "");
  b.Nemesis("kill", 2, 10, 11);  // w2 held nothing
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress
