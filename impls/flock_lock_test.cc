// Tests of the 'flock' implementation against real files and processes.
#include <gtest/gtest.h>

#include "impls/kernel_lock_test_helper.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "flock";

TEST(FlockLockTest, DeclaresWhatItOffers) {
  const ImplEntry* entry = FindImpl(kImpl);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->info.features.ToString(),
            "blocking,nonblocking,timeout,is_locked,i_am_locking,"
            "stale_recovery,threads");
  EXPECT_EQ(entry->info.ownership, Ownership::kOpenFile);
  EXPECT_FALSE(entry->info.nfs_safe);
  EXPECT_EQ(entry->info.failpoints,
            (std::vector<std::string>{"flock/after_open",
                                      "flock/after_unlock_before_close"}));
}

TEST(FlockLockTest, TwoObjectsOfOneProcessExclude) {
  TempDir dir;
  std::unique_ptr<Lock> a = NewLock(kImpl, dir.File("lock"));
  std::unique_ptr<Lock> b = NewLock(kImpl, dir.File("lock"));
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(b->IsLocked().value(), true);
  EXPECT_EQ(b->IAmLocking().value(), false);
  EXPECT_EQ(b->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(b->Acquire(Timeout::After(std::chrono::milliseconds(50))).kind(),
            ErrorKind::kLockTimeout);
  EXPECT_EQ(b->BreakLock().kind(), ErrorKind::kUnsupported);
  ASSERT_TRUE(a->Release().ok());
  EXPECT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(b->Release().ok());
}

TEST(FlockLockTest, BadPathIsLockFailed) {
  TempDir dir;
  std::unique_ptr<Lock> lock = NewLock(kImpl, dir.File("missing/lock"));
  Status s = lock->Acquire(Timeout::After(std::chrono::seconds(1)));
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(dir.File("missing/lock")), std::string::npos);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kLockFailed);
  EXPECT_EQ(lock->IsLocked().value(), false);
}

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
