#include "harness/checkers/intervals.h"

#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr auto Ns = HistoryBuilder::Ns;

TEST(IntervalsTest, SureFromAcquireT1ToReleaseT0MayFromT0ToT1) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 10, 11, "");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  const Interval& iv = h.intervals[0];
  EXPECT_TRUE(iv.certain);
  EXPECT_EQ(iv.sure_begin, Ns(1));
  EXPECT_EQ(iv.sure_end, Ns(10));
  EXPECT_EQ(iv.may_begin, Ns(0));
  EXPECT_EQ(iv.may_end, Ns(11));
  EXPECT_EQ(iv.end, IntervalEnd::kRelease);
  EXPECT_EQ(iv.end_event, 1u);
}

TEST(IntervalsTest, ReentrantNestingEndsAtTheLastRelease) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "acquire", 2, 3);
  b.Ok("w1.h0", "release", 4, 5, "");
  b.Ok("w1.h0", "release", 6, 7, "");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  EXPECT_EQ(h.intervals[0].max_depth, 2);
  EXPECT_EQ(h.intervals[0].sure_end, Ns(6));
  EXPECT_EQ(h.intervals[0].end_event, 3u);
}

TEST(IntervalsTest, LostAcquireIsPossibleUntilDeathAndStaleAfter) {
  HistoryBuilder b;
  b.Lost("w1.h0", "acquire", 0, 5);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 6, 7, "0");
  b.Ok("w2.h0", "acquire", 20, 21, "inf");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 2u);
  const Interval& lost = h.intervals[0];
  EXPECT_FALSE(lost.certain);
  EXPECT_EQ(lost.end, IntervalEnd::kDeath);
  EXPECT_EQ(lost.may_begin, Ns(0));
  EXPECT_EQ(lost.may_end, Ns(21));  // until somebody else took it
  EXPECT_FALSE(lost.SureOverlaps(0, Ns(100)));
}

TEST(IntervalsTest, BreakEndsEveryHolding) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w2.h0", "break", 5, 6, "");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  EXPECT_EQ(h.intervals[0].end, IntervalEnd::kBreak);
  EXPECT_EQ(h.intervals[0].sure_end, Ns(5));
  EXPECT_EQ(h.intervals[0].may_end, Ns(6));
}

TEST(IntervalsTest, KillEndsTheSureRangeAndLeavesAPossibleStaleLock) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Nemesis("kill", 1, 5, 6);
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 7, 8, "0");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  EXPECT_EQ(h.intervals[0].end, IntervalEnd::kDeath);
  EXPECT_EQ(h.intervals[0].sure_end, Ns(5));
  EXPECT_EQ(h.intervals[0].may_end, Ns(8));  // the end of the history
}

TEST(IntervalsTest, SameOwnerReleaseEndsTheOwnersHolding) {
  HistoryBuilder b(FeatureSet::All(), Ownership::kProcess);
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h1", "release", 5, 6, "");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  EXPECT_EQ(h.intervals[0].end_event, 1u);
  EXPECT_EQ(h.intervals[0].sure_end, Ns(5));
}

TEST(IntervalsTest, Ownership) {
  HistoryHeader hd;
  hd.features = FeatureSet{};
  hd.ownership = Ownership::kProcess;
  EXPECT_TRUE(SameOwner(hd, "w1.h0", 1, "w1.h1", 1));
  EXPECT_FALSE(SameOwner(hd, "w1.h0", 1, "w2.h0", 2));
  hd.ownership = Ownership::kOpenFile;
  EXPECT_FALSE(SameOwner(hd, "w1.h0", 1, "w1.h1", 1));
  hd.ownership = Ownership::kThread;
  EXPECT_TRUE(SameOwner(hd, "w1.h0", 1, "w1.h1", 1));
  hd.features.add(Feature::kThreads);
  EXPECT_FALSE(SameOwner(hd, "w1.h0", 1, "w1.h1", 1));
}

TEST(IntervalsTest, TimeoutNanos) {
  EXPECT_EQ(TimeoutNanos("inf"), std::nullopt);
  EXPECT_EQ(TimeoutNanos("0"), 0);
  EXPECT_EQ(TimeoutNanos("-1"), 0);
  EXPECT_EQ(TimeoutNanos("0.25"), 250000000);
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(IntervalsRaceTest, CloseEndsTheHolding) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "close", 5, 6, "");
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 1u);
  EXPECT_EQ(h.intervals[0].end_event, 1u);
  EXPECT_EQ(h.intervals[0].sure_end, HistoryBuilder::Ns(5));
}

TEST(IntervalsRaceTest, AcquireRacingABreakIsUncertain) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 10);
  b.Ok("w2.h0", "break", 5, 6, "");  // reply order: acquire first
  b.Ok("w3.h0", "break", 20, 30, "");
  b.Ok("w4.h0", "acquire", 25, 35);  // after the break in reply order
  Holdings h = DeriveIntervals(b.history());
  ASSERT_EQ(h.intervals.size(), 2u);
  EXPECT_FALSE(h.intervals[0].certain);
  EXPECT_EQ(h.intervals[0].end, IntervalEnd::kBreak);  // ended by w3's
  EXPECT_FALSE(h.intervals[1].certain);
}

TEST(IntervalsRaceTest, ContendedCountsCallsInFlight) {
  HistoryBuilder b;
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 0, 10, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 5, 6, "0");
  b.Err("w2.h0", "acquire", ErrorKind::kAlreadyLocked, 20, 21, "0");
  Holdings h = DeriveIntervals(b.history());
  EXPECT_TRUE(Contended(b.history(), h, 0));
  EXPECT_TRUE(Contended(b.history(), h, 1));
  EXPECT_FALSE(Contended(b.history(), h, 2));
}

}  // namespace
}  // namespace lockstress

namespace lockstress {
namespace {

TEST(IntervalsIndexTest, ContendedAgreesWithAPlainScan) {
  // A pseudo-random history: the indexed answers equal a brute-force scan.
  HistoryBuilder b;
  unsigned x = 12345;
  auto next = [&x] { return x = x * 1103515245 + 12345, (x >> 8) % 1000; };
  for (int i = 0; i < 300; ++i) {
    double t0 = next() * 10.0;
    double t1 = t0 + next() % 50;
    std::string handle = "w" + std::to_string(next() % 4) + ".h0";
    switch (next() % 4) {
      case 0:
        b.Ok(handle, "acquire", t0, t1);
        break;
      case 1:
        b.Ok(handle, "release", t0, t1, "");
        break;
      case 2:
        b.Err(handle, "acquire", ErrorKind::kAlreadyLocked, t0, t1, "0");
        break;
      default:
        b.Query(handle, "is_locked", true, t0, t1);
        break;
    }
  }
  const History& hist = b.history();
  Holdings h = DeriveIntervals(hist);
  for (std::size_t i = 0; i < hist.events.size(); ++i) {
    const Event& e = hist.events[i];
    bool expect = false;
    for (const Interval& iv : h.intervals) {
      if (iv.MayOverlaps(e.t0, e.t1)) expect = true;
    }
    for (const Event& o : hist.events) {
      if (o.handle != e.handle && o.op != "release" && o.t0 <= e.t1 &&
          o.t1 >= e.t0) {
        expect = true;
      }
    }
    EXPECT_EQ(Contended(hist, h, i), expect) << i;
  }
}

TEST(IntervalsIndexTest, StoppedDuring) {
  HistoryBuilder b;
  b.Nemesis("stop", 2, 10, 11);
  b.Nemesis("cont", 2, 20, 21);
  b.Nemesis("stop", 3, 30, 31);
  Holdings h = DeriveIntervals(b.history());
  EXPECT_TRUE(StoppedDuring(h, 2, Ns(0), Ns(12)));
  EXPECT_TRUE(StoppedDuring(h, 2, Ns(15), Ns(16)));
  EXPECT_FALSE(StoppedDuring(h, 2, Ns(0), Ns(5)));
  EXPECT_FALSE(StoppedDuring(h, 2, Ns(22), Ns(25)));
  EXPECT_TRUE(StoppedDuring(h, 3, Ns(1000), Ns(2000)));  // never continued
  EXPECT_FALSE(StoppedDuring(h, 1, Ns(0), Ns(2000)));
}

}  // namespace
}  // namespace lockstress
