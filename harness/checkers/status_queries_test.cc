#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "status_queries";

HistoryBuilder Held(Ownership o = Ownership::kOpenFile) {
  HistoryBuilder b(FeatureSet::All(), o);
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 100, 101, "");
  return b;
}

TEST(StatusQueriesTest, TruthfulAnswersPass) {
  HistoryBuilder b = Held();
  b.Query("w2.h0", "is_locked", true, 10, 11);
  b.Query("w1.h0", "is_locked", true, 12, 13);
  b.Query("w1.h0", "i_am_locking", true, 14, 15);
  b.Query("w2.h0", "i_am_locking", false, 16, 17);
  b.Query("w2.h0", "is_locked", false, 200, 201);
  b.Query("w1.h0", "i_am_locking", false, 202, 203);
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  EXPECT_NE(r.detail.find("6 status"), std::string::npos) << r.detail;
}

TEST(StatusQueriesTest, IsLockedThatLiesFails) {
  HistoryBuilder b = Held();
  std::size_t i = b.Query("w2.h0", "is_locked", false, 10, 11);
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{0, i}));
  EXPECT_NE(r.detail.find("expected true while w1.h0 held"), std::string::npos)
      << r.detail;

  HistoryBuilder c = Held();
  std::size_t j = c.Query("w2.h0", "is_locked", true, 200, 201);
  r = c.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{j});
}

TEST(StatusQueriesTest, IAmLockingForANonHolderFails) {
  HistoryBuilder b = Held();
  std::size_t i = b.Query("w2.h0", "i_am_locking", true, 10, 11);
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, std::vector<std::size_t>{i});
}

TEST(StatusQueriesTest, ProcessOwnershipCountsSiblingHandles) {
  HistoryBuilder b = Held(Ownership::kProcess);
  b.Query("w1.h1", "i_am_locking", true, 10, 11);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
}

TEST(StatusQueriesTest, QueriesAtTheEdgesOrNearLostEventsAreNotJudged) {
  HistoryBuilder b = Held();
  b.Query("w2.h0", "is_locked", false, 0, 2);    // straddles the acquire
  b.Query("w2.h0", "is_locked", true, 99, 102);  // straddles the release
  b.Lost("w3.h0", "acquire", 300, 400);
  b.Query("w2.h0", "is_locked", true, 350, 351);
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip) << Show(r);
}

TEST(StatusQueriesTest, SkipsWhenUndeclared) {
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kIsLocked);
  f.remove(Feature::kIAmLocking);
  HistoryBuilder b(f);
  b.Query("w2.h0", "is_locked", true, 200, 201);
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_NE(r.detail.find("declared"), std::string::npos);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(StatusQueriesRaceTest, IsLockedTrueDuringAnothersProbeIsNotALie) {
  // A flock-style is_locked probes by trying the lock: two probes at once
  // may each see the other's.
  HistoryBuilder b;
  b.Query("w1.h0", "is_locked", true, 0, 10);
  b.Query("w2.h0", "is_locked", true, 5, 6);
  CheckResult r = b.Check("status_queries");
  EXPECT_EQ(r.verdict, Verdict::kSkip) << Show(r);
  b.Query("w2.h0", "is_locked", true, 20, 21);  // alone: a lie
  EXPECT_EQ(b.Check("status_queries").verdict, Verdict::kFail);
}

}  // namespace
}  // namespace lockstress
