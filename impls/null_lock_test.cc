// The negative control: the null lock excludes nobody, so the conformance
// expectations that are about exclusion must FAIL for it. If one of these
// tests fails, that check has gone blind and the suite proves nothing.
//
// Which expectation catches null, and how:
//   MutualExclusionAcrossProcesses   a child acquires while we hold (Ok, not
//                                    AlreadyLocked)
//   NoLostIncrementsAcrossProcesses  two children inside at once, and the
//                                    witness counter file loses increments
//   MutualExclusionAcrossThreads     two threads inside at once, and the
//                                    witness counter loses increments
//   NonBlockingIsPrompt              NonBlocking against a holder gives Ok
//   TimeoutWaitsTheWholeDuration     After(d) against a holder gives Ok
//   ForeverWaitsForRelease           Forever returns before the release
//   ReleaseErrors                    Release while another process holds
//                                    gives NotLocked, not NotMyLock
//   IsLocked                         another object says "not locked"
//   BreakLock                        the former holder's Release gives Ok
//   Reentry, DestructorReleases      the probe from a child is not refused
//   ErrorsCarryContext               acquire in a missing directory is Ok
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "impls/testing/conformance_checks.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::testing {
namespace {

class NullLockTest : public ::testing::Test {
 protected:
  // Expects the check to fail and shows how it caught the null lock.
  void ExpectCaught(const char* expectation, const AssertionResult& r) {
    EXPECT_FALSE(r) << expectation << " did not catch the null lock";
    if (!r) std::printf("caught by %s: %s\n", expectation, r.message());
  }
  const std::string impl_ = "null";
  TempDir dir_;
};

#define EXPECT_CAUGHT(check) ExpectCaught(#check, check(impl_, dir_.path()))

TEST_F(NullLockTest, FailsMutualExclusionAcrossProcesses) {
  EXPECT_CAUGHT(ChecksMutualExclusionAcrossProcesses);
}

TEST_F(NullLockTest, FailsMutualExclusionAcrossThreads) {
  EXPECT_CAUGHT(ChecksMutualExclusionAcrossThreads);
}

TEST_F(NullLockTest, LosesIncrementsOrOverlapsAcrossProcesses) {
  AssertionResult r = ChecksNoLostIncrementsAcrossProcesses(impl_, dir_.path());
  ExpectCaught("NoLostIncrementsAcrossProcesses", r);
  // The failure is the witness's, not a broken child.
  std::string why = r.message();
  EXPECT_TRUE(why.find("increments lost") != std::string::npos ||
              why.find("while the other was inside") != std::string::npos)
      << why;
}

TEST_F(NullLockTest, LosesIncrementsOrOverlapsAcrossThreads) {
  AssertionResult r = ChecksMutualExclusionAcrossThreads(impl_, dir_.path());
  ExpectCaught("MutualExclusionAcrossThreads", r);
  std::string why = r.message();
  EXPECT_TRUE(why.find("increments lost") != std::string::npos ||
              why.find("inside at once") != std::string::npos)
      << why;
}

TEST_F(NullLockTest, FailsTimeoutExpectations) {
  EXPECT_CAUGHT(ChecksNonBlockingIsPrompt);
  EXPECT_CAUGHT(ChecksTimeoutWaitsTheWholeDuration);
  EXPECT_CAUGHT(ChecksForeverWaitsForRelease);
}

TEST_F(NullLockTest, FailsOwnershipExpectations) {
  EXPECT_CAUGHT(ChecksReleaseErrors);
  EXPECT_CAUGHT(ChecksIsLocked);
  EXPECT_CAUGHT(ChecksBreakLock);
  EXPECT_CAUGHT(ChecksReentry);
  EXPECT_CAUGHT(ChecksDestructorReleases);
  EXPECT_CAUGHT(ChecksErrorsCarryContext);
}

// What null does pass: it declares no `shared`, and its undeclared calls
// answer Unsupported through LockObject, like any implementation's.
TEST_F(NullLockTest, PassesWhatItHonestlyDeclares) {
  EXPECT_TRUE(ChecksUndeclaredFeaturesAreUnsupported(impl_, dir_.path()));
  EXPECT_TRUE(ChecksIAmLocking(impl_, dir_.path()));
}

}  // namespace
}  // namespace lockstress::testing
