#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "release_errors";

TEST(ReleaseErrorsTest, ContractAnswersPass) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Err("w2.h0", "release", ErrorKind::kNotMyLock, 2, 3, "");
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Err("w1.h0", "release", ErrorKind::kNotLocked, 6, 7, "");
  b.Err("w2.h0", "release", ErrorKind::kNotLocked, 8, 9, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(ReleaseErrorsTest, SilentDoubleReleaseFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 4, 5, "");
  std::size_t i = b.Ok("w1.h0", "release", 6, 7, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
  EXPECT_NE(r.detail.find("silent double release"), std::string::npos);
}

TEST(ReleaseErrorsTest, ReleaseByANonHolderThatSucceededFails) {
  HistoryBuilder b;
  std::size_t a = b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t i = b.Ok("w2.h0", "release", 2, 3, "");
  b.Ok("w1.h0", "release", 4, 5, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, i}));
  EXPECT_NE(r.detail.find("non-holder succeeded"), std::string::npos);
}

TEST(ReleaseErrorsTest, WrongKindsFail) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t i = b.Err("w2.h0", "release", ErrorKind::kNotLocked, 2, 3, "");
  b.Ok("w1.h0", "release", 4, 5, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence.back(), i);

  HistoryBuilder c;
  std::size_t j = c.Err("w2.h0", "release", ErrorKind::kNotMyLock, 2, 3, "");
  r = c.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{j});

  HistoryBuilder d;
  std::size_t a = d.Ok("w1.h0", "acquire", 0, 1);
  std::size_t k = d.Err("w1.h0", "release", ErrorKind::kNotLocked, 2, 3, "");
  r = d.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a, k}));
}

TEST(ReleaseErrorsTest, ProcessOwnershipLetsASiblingHandleRelease) {
  HistoryBuilder b(FeatureSet::All(), Ownership::kProcess);
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h1", "release", 2, 3, "");
  b.Err("w1.h0", "release", ErrorKind::kNotLocked, 4, 5, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(ReleaseErrorsTest, BrokenHolderAnswersNotLocked) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "break", 2, 3, "");
  b.Err("w1.h0", "release", ErrorKind::kNotLocked, 4, 5, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
  std::size_t i = b.Ok("w1.h0", "release", 6, 7, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
}

TEST(ReleaseErrorsTest, LostAcquireMakesEitherErrorAcceptable) {
  HistoryBuilder b;
  b.Lost("w1.h0", "acquire", 0, 100);
  b.Err("w2.h0", "release", ErrorKind::kNotMyLock, 150, 151, "");
  b.Err("w2.h0", "release", ErrorKind::kNotLocked, 160, 161, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
}

TEST(ReleaseErrorsTest, SkipsWithoutReleasesOrOwners) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
  HistoryBuilder c(FeatureSet::All(), Ownership::kNone);
  c.Ok("w1.h0", "release", 0, 1, "");
  EXPECT_EQ(c.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(ReleaseErrorsRaceTest, ReleaseRacingABreakMayAnswerEitherWay) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "break", 10, 12, "");
  b.Ok("w1.h0", "release", 11, 13, "");  // may have come first
  CheckResult r = b.Check("release_errors");
  EXPECT_EQ(r.verdict, Verdict::kSkip) << Show(r);
  EXPECT_EQ(b.Check("break_lock").verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress
