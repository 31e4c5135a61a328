#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "mutual_exclusion";

TEST(MutualExclusionTest, SequentialHoldingsPass) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Witness("w1.h0", 0, 1, 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Ok("w2.h0", "acquire", 3, 6);
  b.Witness("w2.h0", 1, 2, 7, 8);
  b.Ok("w2.h0", "release", 9, 10, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(MutualExclusionTest, OverlappingIntervalsFailWithTheirEvents) {
  HistoryBuilder b;
  std::size_t a1 = b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t a2 = b.Ok("w2.h0", "acquire", 2, 3);
  std::size_t r1 = b.Ok("w1.h0", "release", 10, 11, "");
  std::size_t r2 = b.Ok("w2.h0", "release", 12, 13, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{a1, r1, a2, r2}));
  EXPECT_NE(r.detail.find("w1.h0 held [1.000ms..10.000ms] while w2.h0"),
            std::string::npos)
      << r.detail;
}

TEST(MutualExclusionTest, ClockSlackIsNotAnOverlap) {
  // w2's acquire call began before w1's release returned, but answered
  // after w1's release began: the sure ranges touch at most.
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "acquire", 5, 10);
  b.Ok("w1.h0", "release", 10, 11, "");
  b.Ok("w2.h0", "release", 12, 13, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
}

TEST(MutualExclusionTest, SharedHoldersMayOverlapButNotAWriter) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire_shared", 0, 1);
  b.Ok("w2.h0", "acquire_shared", 2, 3);
  b.Ok("w1.h0", "release", 10, 11, "");
  b.Ok("w2.h0", "release", 12, 13, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
  std::size_t w = b.Ok("w3.h0", "acquire", 10, 11);  // inside w2's read
  b.Ok("w3.h0", "release", 14, 15, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence.back(), w + 1);
}

TEST(MutualExclusionTest, HandlesOfOneWorkerExcludeOnlyWithThreads) {
  FeatureSet no_threads = FeatureSet::All();
  no_threads.remove(Feature::kThreads);
  HistoryBuilder b(no_threads, Ownership::kProcess);
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h1", "acquire", 2, 3);
  b.Ok("w1.h1", "release", 10, 11, "");
  b.Ok("w1.h0", "release", 12, 13, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
  b.history().header.features = FeatureSet::All();
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kFail);
}

TEST(MutualExclusionTest, LostIncrementFailsWithoutClocks) {
  // Clocks say nothing overlapped, but two sections read the same value.
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  std::size_t x = b.Witness("w1.h0", 5, 6, 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Ok("w2.h0", "acquire", 6, 7);
  std::size_t y = b.Witness("w2.h0", 5, 6, 8, 9);
  b.Ok("w2.h0", "release", 10, 11, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{x, y}));
  EXPECT_NE(r.detail.find("lost increment"), std::string::npos);
}

TEST(MutualExclusionTest, FinalCountBelowIncrementsFails) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Witness("w1.h0", 0, 1, 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Ok("w2.h0", "acquire", 6, 7);
  b.Witness("w2.h0", 1, 1, 8, 9);  // wrote back what it read
  b.Ok("w2.h0", "release", 10, 11, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kFail);
}

TEST(MutualExclusionTest, LostEventsDoNotFail) {
  // w1 lost its acquire (maybe got it, then was killed), w2 acquires while
  // w1 possibly holds; the witness value repeats after w1's death.
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Witness("w1.h0", 0, 1, 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Lost("w1.h0", "acquire", 6, 50);
  b.Lost("w1.h0", "witness", 7, 50, "");
  b.Ok("w2.h0", "acquire", 8, 60);
  b.Witness("w2.h0", 1, 2, 61, 62);
  b.Ok("w2.h0", "release", 63, 64, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(MutualExclusionTest, KilledHolderTakenOverIsNotAnOverlap) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 5, 6);
  b.Ok("w2.h0", "acquire", 7, 8);
  b.Ok("w2.h0", "release", 9, 10, "");
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kPass);
}

TEST(MutualExclusionTest, SkipsWithFewerThanTwoAcquirers) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 2, 3, "0");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_NE(r.detail.find("fewer than two"), std::string::npos);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(MutualExclusionBreakTest, RepeatedReadAfterABreakIsNoViolation) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "break", 2, 3, "");
  b.Ok("w2.h0", "acquire", 4, 5);
  b.Witness("w2.h0", 7, 8, 6, 7);
  b.Witness("w1.h0", 7, 8, 1, 8);  // was inside when broken
  b.Ok("w2.h0", "release", 9, 10, "");
  CheckResult r = b.Check("mutual_exclusion");
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

}  // namespace
}  // namespace lockstress
