#include "lockstress/bench/stats.h"

#include <gtest/gtest.h>

namespace lockstress::bench {
namespace {

TEST(JainIndex, EqualSharesAreOne) {
  EXPECT_DOUBLE_EQ(JainIndex({5, 5, 5, 5}), 1.0);
}

TEST(JainIndex, OneTakesAllIsOneOverN) {
  EXPECT_DOUBLE_EQ(JainIndex({10, 0, 0, 0}), 0.25);
}

TEST(JainIndex, InBetween) {
  // (1+3)^2 / (2 * (1+9)) = 16/20
  EXPECT_DOUBLE_EQ(JainIndex({1, 3}), 0.8);
}

TEST(JainIndex, NothingIsZero) {
  EXPECT_EQ(JainIndex({}), 0);
  EXPECT_EQ(JainIndex({0, 0}), 0);
}

TEST(Percentile, NearestRank) {
  std::vector<double> v = {5, 1, 4, 2, 3};
  EXPECT_EQ(Percentile(v, 50), 3);
  EXPECT_EQ(Percentile(v, 0), 1);
  EXPECT_EQ(Percentile(v, 100), 5);
  EXPECT_EQ(Percentile(v, 99), 5);
  EXPECT_EQ(Percentile(v, 20), 1);
  EXPECT_EQ(Percentile(v, 21), 2);
}

TEST(Percentile, EmptyIsZero) {
  std::vector<double> v;
  EXPECT_EQ(Percentile(v, 50), 0);
}

}  // namespace
}  // namespace lockstress::bench
