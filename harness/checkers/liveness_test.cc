#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "liveness";

TEST(LivenessTest, FreeLockTakenAndWaitersServedPasses) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 2, 3, "0");
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Ok("w2.h0", "acquire", 3, 6, "inf");
  b.Ok("w2.h0", "release", 7, 8, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(LivenessTest, FreeLockRefusedFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1, "0");
  b.Ok("w1.h0", "release", 4, 5, "");
  std::size_t i =
      b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 10, 11, "0");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
}

TEST(LivenessTest, StarvedWaiterFails) {
  HistoryBuilder b;
  std::size_t w = b.Ok("w9.h0", "acquire", 0, 20000, "inf");
  std::size_t first = b.Ok("w1.h0", "acquire", 1, 2, "inf");
  b.Ok("w1.h0", "release", 100, 101, "");
  std::size_t second = b.Ok("w2.h0", "acquire", 1, 102, "inf");
  b.Ok("w2.h0", "release", 200, 201, "");
  b.Ok("w9.h0", "release", 20001, 20002, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{w, first, second}));
  CheckOptions opt;
  opt.starvation_bound = std::chrono::milliseconds(30000);
  EXPECT_EQ(b.Check(kP, opt).verdict, Verdict::kPass);
}

TEST(LivenessTest, LongWaitForAStaleLockIsNoStarvation) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 2, 3);
  b.Err("w2.h0", "acquire", ErrorKind::kLockTimeout, 4, 15004, "15");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(LivenessTest, SkipsWithoutAcquires) {
  HistoryBuilder b;
  b.Lost("w1.h0", "acquire", 0, 1);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(LivenessStopTest, AStoppedWaiterIsNotStarved) {
  HistoryBuilder b;
  b.Nemesis("stop", 9, 1, 2);
  b.Ok("w1.h0", "acquire", 1, 2, "inf");
  b.Ok("w1.h0", "release", 100, 101, "");
  b.Ok("w2.h0", "acquire", 1, 102, "inf");
  b.Ok("w2.h0", "release", 200, 201, "");
  b.Nemesis("cont", 9, 19000, 19001);
  b.Ok("w9.h0", "acquire", 0, 20000, "inf");
  CheckResult r = b.Check("liveness");
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

}  // namespace
}  // namespace lockstress
