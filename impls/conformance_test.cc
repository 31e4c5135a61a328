// The conformance suite: every expectation of lock.h, against every
// implementation in the registry except the null lock (null_lock_test.cc
// asserts that it fails them). The checks live in
// testing/conformance_checks.h so that both tests share them.
//
// Placeholders (a factory returning nullptr) are skipped with that reason;
// a check whose feature is not declared is skipped with that reason, and
// UndeclaredFeatures checks that those calls answer Unsupported.
#include <gtest/gtest.h>

#include <string>

#include "impls/testing/conformance_checks.h"
#include "impls/testing/conformance_util.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::testing {
namespace {

class ConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (IsPlaceholder(GetParam())) {
      GTEST_SKIP() << GetParam() << " is a placeholder: its factory "
                   << "returns nullptr";
    }
  }
  void SkipWithout(Feature feature) {
    if (auto reason = FeatureSkipReason(GetParam(), feature)) {
      GTEST_SKIP() << *reason;
    }
  }
  const std::string& impl() const { return GetParam(); }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
};

TEST_P(ConformanceTest, UndeclaredFeatures) {
  EXPECT_TRUE(ChecksUndeclaredFeaturesAreUnsupported(impl(), dir()));
}

TEST_P(ConformanceTest, NonBlockingIsPrompt) {
  SkipWithout(Feature::kNonblocking);
  EXPECT_TRUE(ChecksNonBlockingIsPrompt(impl(), dir()));
}

TEST_P(ConformanceTest, TimeoutWaitsTheWholeDuration) {
  SkipWithout(Feature::kTimeout);
  EXPECT_TRUE(ChecksTimeoutWaitsTheWholeDuration(impl(), dir()));
}

TEST_P(ConformanceTest, ForeverWaitsForRelease) {
  SkipWithout(Feature::kBlocking);
  EXPECT_TRUE(ChecksForeverWaitsForRelease(impl(), dir()));
}

TEST_P(ConformanceTest, ReleaseErrors) {
  EXPECT_TRUE(ChecksReleaseErrors(impl(), dir()));
}

TEST_P(ConformanceTest, IsLocked) {
  SkipWithout(Feature::kIsLocked);
  EXPECT_TRUE(ChecksIsLocked(impl(), dir()));
}

TEST_P(ConformanceTest, IAmLocking) {
  SkipWithout(Feature::kIAmLocking);
  EXPECT_TRUE(ChecksIAmLocking(impl(), dir()));
}

TEST_P(ConformanceTest, BreakLock) {
  SkipWithout(Feature::kBreak);
  EXPECT_TRUE(ChecksBreakLock(impl(), dir()));
}

TEST_P(ConformanceTest, Reentry) { EXPECT_TRUE(ChecksReentry(impl(), dir())); }

TEST_P(ConformanceTest, DestructorReleases) {
  EXPECT_TRUE(ChecksDestructorReleases(impl(), dir()));
}

TEST_P(ConformanceTest, ErrorsCarryContext) {
  EXPECT_TRUE(ChecksErrorsCarryContext(impl(), dir()));
}

TEST_P(ConformanceTest, MutualExclusionAcrossProcesses) {
  EXPECT_TRUE(ChecksMutualExclusionAcrossProcesses(impl(), dir()));
}

TEST_P(ConformanceTest, NoLostIncrementsAcrossProcesses) {
  EXPECT_TRUE(ChecksNoLostIncrementsAcrossProcesses(impl(), dir()));
}

TEST_P(ConformanceTest, NoDescriptorLeakAcrossExec) {
  EXPECT_TRUE(ChecksNoDescriptorLeakAcrossExec(impl(), dir()));
}

TEST_P(ConformanceTest, MutualExclusionAcrossThreads) {
  SkipWithout(Feature::kThreads);
  EXPECT_TRUE(ChecksMutualExclusionAcrossThreads(impl(), dir()));
}

TEST_P(ConformanceTest, SharedReadersExcludeWriter) {
  SkipWithout(Feature::kShared);
  EXPECT_TRUE(ChecksSharedReadersExcludeWriter(impl(), dir()));
}

INSTANTIATE_TEST_SUITE_P(Registry, ConformanceTest,
                         ::testing::ValuesIn(ImplNames(false)), TestNameOf);

}  // namespace
}  // namespace lockstress::testing
