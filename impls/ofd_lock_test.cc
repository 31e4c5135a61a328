// Tests of the 'ofd' implementation against real files and processes.
#include <gtest/gtest.h>

#include "impls/kernel_lock_test_helper.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "ofd";

TEST(OfdLockTest, DeclaresWhatItOffers) {
  CheckDeclares(kImpl,
                "blocking,nonblocking,timeout,is_locked,i_am_locking,"
                "stale_recovery,threads",
                {"ofd/after_open", "ofd/after_unlock_before_close"});
}

TEST(OfdLockTest, TwoObjectsOfOneProcessExclude) {
  CheckTwoObjectsOfOneProcessExclude(kImpl);
}

TEST(OfdLockTest, BadPathIsLockFailed) { CheckBadPathIsLockFailed(kImpl); }

TEST(OfdLockTest, FailpointsArePassed) { CheckFailpointsArePassed(kImpl); }

TEST(OfdLockTest, ThreadsExclude) { CheckThreadsExclude(kImpl); }

TEST(OfdLockTest, ChildHolderExcludes) { CheckChildHolderExcludes(kImpl); }

TEST(OfdLockTest, FreedWhenHolderIsKilled) {
  CheckFreedWhenHolderIsKilled(kImpl);
}

TEST(OfdLockTest, NoLockDescriptorLeaksAcrossExec) {
  CheckNoLockDescriptorLeaksAcrossExec(kImpl);
}

}  // namespace
}  // namespace lockstress::testing
