#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "timeout_semantics";

// w1 holds [1, 3000]; everybody else contends.
HistoryBuilder Held() {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 3000, 3001, "");
  return b;
}

TEST(TimeoutSemanticsTest, WellBehavedAcquiresPass) {
  HistoryBuilder b = Held();
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 10, 11, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 20, 270, "0.25");
  b.Ok("w2.h0", "acquire", 300, 3002, "inf");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(TimeoutSemanticsTest, EarlyTimeoutFails) {
  HistoryBuilder b = Held();
  std::size_t i =
      b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 20, 200, "0.25");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
  EXPECT_NE(r.detail.find("early"), std::string::npos) << r.detail;
}

TEST(TimeoutSemanticsTest, EarlyToleranceIsAnOption) {
  HistoryBuilder b = Held();
  b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 20, 265, "0.25");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kFail);
  CheckOptions opt;
  opt.timeout_early = std::chrono::milliseconds(10);
  EXPECT_EQ(b.Check(kP, opt).verdict, Verdict::kPass);
}

TEST(TimeoutSemanticsTest, LateTimeoutFails) {
  HistoryBuilder b = Held();
  std::size_t i =
      b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 20, 1400, "0.25");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
  EXPECT_NE(r.detail.find("late"), std::string::npos) << r.detail;
  CheckOptions opt;
  opt.timeout_late = std::chrono::milliseconds(2000);
  EXPECT_EQ(b.Check(kP, opt).verdict, Verdict::kPass);
}

TEST(TimeoutSemanticsTest, NonBlockingAcquireThatWaitedFails) {
  HistoryBuilder b = Held();
  std::size_t i = b.Ok("w2.h0", "acquire", 10, 3005, "0");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
  EXPECT_NE(r.detail.find("non-blocking"), std::string::npos) << r.detail;
}

TEST(TimeoutSemanticsTest, BlockingAcquireThatGaveUpFails) {
  HistoryBuilder b = Held();
  std::size_t i =
      b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 10, 500, "inf");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
}

TEST(TimeoutSemanticsTest, RefusalWhileNobodyHeldIsALie) {
  HistoryBuilder b = Held();
  std::size_t i =
      b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 4000, 4001, "0");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
  EXPECT_NE(r.detail.find("nobody held"), std::string::npos);
}

TEST(TimeoutSemanticsTest, RefusalWhileALostAcquireMayHoldIsNoLie) {
  HistoryBuilder b;
  b.Lost("w1.h0", "acquire", 0, 100);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 150, 151, "0");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(TimeoutSemanticsTest, UndeclaredKindsAreNotJudgedAndSkip) {
  HistoryBuilder b(FeatureSet{Feature::kBlocking});
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Err("w2.h0", "acquire", ErrorKind::kUnsupported, 2, 3, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 2, 3, "0.25");
  b.Ok("w1.h0", "release", 4, 5, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);  // the blocking one
  HistoryBuilder c(FeatureSet{Feature::kBlocking});
  c.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 2, 3, "0.25");
  CheckResult r = c.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip) << Show(r);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(TimeoutSemanticsRaceTest, RefusalDuringAContendersAttemptIsNoLie) {
  HistoryBuilder b;
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 0, 10, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 5, 6, "0");
  CheckResult r = b.Check("timeout_semantics");
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(TimeoutSemanticsStopTest, AStoppedWorkersLateAnswerIsNotJudged) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("stop", 2, 20, 21);
  b.Nemesis("cont", 2, 5000, 5001);
  b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 10, 5010, "0.25");
  b.Ok("w1.h0", "release", 6000, 6001, "");
  CheckResult r = b.Check("timeout_semantics");
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

}  // namespace
}  // namespace lockstress
