#include "harness/scenario/generator.h"

#include <gtest/gtest.h>

#include <set>

namespace lockstress {
namespace {

Scenario MixScenario() {
  Scenario s;
  s.name = "t/mix";
  s.processes = 3;
  s.handles = 2;
  OpMix mix;
  mix.ops = 50;
  mix.timeouts = {Timeout::NonBlocking(), Timeout::Forever(),
                  Timeout::After(std::chrono::milliseconds(20))};
  mix.release_non_holder = 2;
  mix.double_release = 2;
  mix.status = 5;
  mix.break_lock = 1;
  s.mix = mix;
  s.steps = {{.worker = 1,
              .handle = 0,
              .op = {.kind = PlannedOp::Kind::kAcquire,
                     .at = std::chrono::milliseconds(5)}}};
  return s;
}

FeatureSet Most() {
  return {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
          Feature::kIsLocked, Feature::kIAmLocking,  Feature::kBreak};
}

TEST(Generator, SameSeedSameSchedule) {
  Schedule a = Generate(MixScenario(), 42, Most());
  Schedule b = Generate(MixScenario(), 42, Most());
  EXPECT_EQ(a, b);
  Schedule c = Generate(MixScenario(), 43, Most());
  EXPECT_NE(a, c);
}

TEST(Generator, ShapeFollowsTopologyAndSteps) {
  Schedule s = Generate(MixScenario(), 1, Most());
  ASSERT_EQ(s.workers.size(), 3u);
  for (const auto& w : s.workers) EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(s.workers[1][0].front().at, std::chrono::milliseconds(5));
  std::set<PlannedOp::Kind> kinds;
  for (const auto& w : s.workers) {
    for (const auto& h : w) {
      for (const PlannedOp& op : h) kinds.insert(op.kind);
    }
  }
  for (auto k : {PlannedOp::Kind::kAcquire, PlannedOp::Kind::kRelease,
                 PlannedOp::Kind::kIsLocked, PlannedOp::Kind::kIAmLocking,
                 PlannedOp::Kind::kBreak, PlannedOp::Kind::kSleep}) {
    EXPECT_TRUE(kinds.count(k)) << PlannedOpName(k);
  }
}

TEST(Generator, LeavesOutWhatTheImplementationLacks) {
  Schedule s = Generate(MixScenario(), 9, {Feature::kNonblocking});
  for (const auto& w : s.workers) {
    for (const auto& h : w) {
      for (const PlannedOp& op : h) {
        if (op.at.count() >= 0) continue;  // the scripted step stays
        EXPECT_NE(op.kind, PlannedOp::Kind::kBreak);
        EXPECT_NE(op.kind, PlannedOp::Kind::kIsLocked);
        if (op.kind == PlannedOp::Kind::kAcquire) {
          EXPECT_TRUE(op.timeout.is_nonblocking());
        }
      }
    }
  }
}

TEST(Generator, StressFillsTheDuration) {
  Scenario sc = MixScenario();
  sc.stress = true;
  sc.mix->hold_min = sc.mix->hold_max = std::chrono::milliseconds(10);
  Schedule s = Generate(sc, 3, Most(), std::chrono::milliseconds(2000));
  EXPECT_EQ(s.duration, std::chrono::milliseconds(2000));
  std::chrono::milliseconds planned{0};
  for (const PlannedOp& op : s.workers[0][0]) planned += op.sleep;
  EXPECT_GE(planned, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace lockstress
