#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "reentrancy";

FeatureSet NotReentrant() {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kReentrant);
  return f;
}

TEST(ReentrancyTest, ReentrantNestingPasses) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "acquire", 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 6, 7, "0");
  b.Ok("w1.h0", "release", 8, 9, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(ReentrancyTest, NestingNotCountedFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "acquire", 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  std::size_t o = b.Ok("w2.h0", "acquire", 6, 7, "0");  // freed too early
  b.Ok("w1.h0", "release", 8, 9, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, o}));
}

TEST(ReentrancyTest, ReentrantReentryRefusedFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t i =
      b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 2, 3, "0");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{0, i}));
}

TEST(ReentrancyTest, NonReentrantReentryMustBeRefused) {
  HistoryBuilder b(NotReentrant());
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 2, 3, "0");
  b.Err("w1.h0", "acquire", ErrorKind::kLockTimeout, 4, 300, "0.25");
  b.Err("w1.h0", "acquire", ErrorKind::kLockFailed, 301, 302, "inf");
  b.Ok("w1.h0", "release", 400, 401, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
  std::size_t i = b.Ok("w1.h0", "acquire", 402, 403);
  std::size_t j = b.Ok("w1.h0", "acquire", 404, 405);  // silent ok
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{i, j}));
  EXPECT_NE(r.detail.find("silent ok"), std::string::npos);
}

TEST(ReentrancyTest, SkipsWithoutReentry) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 2, 3, "");
  b.Ok("w1.h0", "acquire", 4, 5);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress
