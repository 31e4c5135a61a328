#include "harness/orchestrator/nemesis_target.h"

#include <gtest/gtest.h>

#include <set>

namespace lockstress {
namespace {

TEST(NemesisChooser, SameSeedSameChoice) {
  const std::vector<int> candidates = {0, 1, 2, 3, 4};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    for (std::size_t action = 0; action < 4; ++action) {
      EXPECT_EQ(NemesisChooser(seed).Choose(action, candidates),
                NemesisChooser(seed).Choose(action, candidates));
    }
  }
}

TEST(NemesisChooser, ChoosesOnlyCandidatesAndEachOfThem) {
  const std::vector<int> candidates = {1, 4, 6};
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    int c = NemesisChooser(seed).Choose(0, candidates);
    EXPECT_TRUE(c == 1 || c == 4 || c == 6) << c;
    seen.insert(c);
  }
  // Not the lowest-numbered every time: all three are hit.
  EXPECT_EQ(seen.size(), 3u);
}

TEST(NemesisChooser, ActionsOfOneRunDrawIndependently) {
  const std::vector<int> candidates = {0, 1, 2, 3, 4, 5, 6, 7};
  std::set<int> seen;
  NemesisChooser chooser(42);
  for (std::size_t action = 0; action < 32; ++action) {
    seen.insert(chooser.Choose(action, candidates));
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(NemesisChooser, OneCandidateIsChosen) {
  EXPECT_EQ(NemesisChooser(9).Choose(3, {5}), 5);
}

}  // namespace
}  // namespace lockstress
