// Tests of the 'flock' implementation against real files and processes.
#include <gtest/gtest.h>

#include "impls/kernel_lock_test_helper.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "flock";

TEST(FlockLockTest, DeclaresWhatItOffers) {
  CheckDeclares(kImpl,
                "blocking,nonblocking,timeout,is_locked,i_am_locking,"
                "stale_recovery,threads",
                {"flock/after_open", "flock/after_unlock_before_close"});
}

TEST(FlockLockTest, TwoObjectsOfOneProcessExclude) {
  CheckTwoObjectsOfOneProcessExclude(kImpl);
}

TEST(FlockLockTest, BadPathIsLockFailed) { CheckBadPathIsLockFailed(kImpl); }

TEST(FlockLockTest, FailpointsArePassed) { CheckFailpointsArePassed(kImpl); }

TEST(FlockLockTest, ThreadsExclude) { CheckThreadsExclude(kImpl); }

TEST(FlockLockTest, ChildHolderExcludes) { CheckChildHolderExcludes(kImpl); }

TEST(FlockLockTest, FreedWhenHolderIsKilled) {
  CheckFreedWhenHolderIsKilled(kImpl);
}

TEST(FlockLockTest, NoLockDescriptorLeaksAcrossExec) {
  CheckNoLockDescriptorLeaksAcrossExec(kImpl);
}

}  // namespace
}  // namespace lockstress::testing
