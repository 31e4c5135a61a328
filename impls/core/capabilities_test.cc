// FeatureSet and the feature words.
#include "lockstress/capabilities.h"

#include <gtest/gtest.h>

namespace lockstress {
namespace {

TEST(FeatureTest, NamesRoundTrip) {
  for (int i = 0; i < kFeatureCount; ++i) {
    Feature f = static_cast<Feature>(i);
    auto back = ParseFeature(FeatureName(f));
    ASSERT_TRUE(back.has_value()) << FeatureName(f);
    EXPECT_EQ(*back, f);
  }
  EXPECT_FALSE(ParseFeature("Blocking").has_value());
}

TEST(FeatureSetTest, ParseAndFormat) {
  auto set = FeatureSet::Parse("threads,blocking,break");
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->has(Feature::kBlocking));
  EXPECT_TRUE(set->has(Feature::kBreak));
  EXPECT_TRUE(set->has(Feature::kThreads));
  EXPECT_FALSE(set->has(Feature::kShared));
  // Canonical order, whatever the input order.
  EXPECT_EQ(set->ToString(), "blocking,break,threads");
  auto back = FeatureSet::Parse(set->ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *set);
}

TEST(FeatureSetTest, EmptyAndAll) {
  auto empty = FeatureSet::Parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(empty->ToString(), "");
  FeatureSet all = FeatureSet::All();
  EXPECT_EQ(all.list().size(), static_cast<size_t>(kFeatureCount));
  auto back = FeatureSet::Parse(all.ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
}

TEST(FeatureSetTest, UnknownWordIsAnErrorNamingIt) {
  auto set = FeatureSet::Parse("blocking,teleport");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().ToString().find("teleport"), std::string::npos)
      << set.status().ToString();
}

TEST(FeatureSetTest, AddAndRemove) {
  FeatureSet s{Feature::kShared};
  s.add(Feature::kReentrant);
  EXPECT_TRUE(s.has(Feature::kReentrant));
  s.remove(Feature::kShared);
  EXPECT_FALSE(s.has(Feature::kShared));
  EXPECT_EQ(s.ToString(), "reentrant");
}

TEST(OwnershipTest, Names) {
  EXPECT_EQ(OwnershipName(Ownership::kThread), "thread");
  EXPECT_EQ(OwnershipName(Ownership::kOpenFile), "open_file");
  EXPECT_EQ(OwnershipName(Ownership::kProcess), "process");
  EXPECT_EQ(OwnershipName(Ownership::kHost), "host");
  EXPECT_EQ(OwnershipName(Ownership::kNone), "none");
}

}  // namespace
}  // namespace lockstress
