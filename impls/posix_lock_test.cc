// Tests of the 'posix' implementation: the per-process inode table against
// the POSIX rule that closing any descriptor of a file drops the process's
// locks on it (fcntl(2)).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "impls/kernel_lock_test_helper.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "posix";

TEST(PosixLockTest, DeclaresWhatItOffers) {
  CheckDeclares(kImpl,
                "blocking,nonblocking,timeout,is_locked,i_am_locking,reentrant,"
                "stale_recovery,threads",
                {"posix/after_open", "posix/after_unlock_before_close"});
}

// The platform fact the table exists for: a raw open + close of the file by
// anybody in the holding process frees the lock for other processes.
TEST(PosixLockTest, RawOpenCloseDropsTheLock) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> a = NewLock(kImpl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_EQ(TryInChild(kImpl, path), "AlreadyLocked");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ::close(fd);
  // The object still believes it holds the lock, but the kernel dropped it.
  EXPECT_EQ(TryInChild(kImpl, path), "Ok");
  EXPECT_TRUE(a->Release().ok());
}

// Object B of the same process, same path, does what a contender does and
// is destroyed: A's lock survives for other processes.
TEST(PosixLockTest, OtherObjectDoesNotDropTheLock) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> a = NewLock(kImpl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  {
    std::unique_ptr<Lock> b = NewLock(kImpl, path);
    EXPECT_EQ(b->IsLocked().value(), true);
    EXPECT_EQ(b->IAmLocking().value(), false);
    EXPECT_EQ(b->Acquire(Timeout::NonBlocking()).kind(),
              ErrorKind::kAlreadyLocked);
    EXPECT_EQ(b->Acquire(Timeout::After(std::chrono::milliseconds(50))).kind(),
              ErrorKind::kLockTimeout);
    EXPECT_EQ(b->Release().kind(), ErrorKind::kNotMyLock);
  }
  EXPECT_EQ(TryInChild(kImpl, path), "AlreadyLocked");
  EXPECT_EQ(a->IAmLocking().value(), true);
  ASSERT_TRUE(a->Release().ok());
  EXPECT_EQ(TryInChild(kImpl, path), "Ok");
}

// A waiter of this process hands over to the holder of this process
// without any process-level gap being visible as "two holders".
TEST(PosixLockTest, InProcessWaiterGetsTheLockOnRelease) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> a = NewLock(kImpl, path);
  std::unique_ptr<Lock> b = NewLock(kImpl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  auto waited = std::async(std::launch::async, [&] {
    return b->Acquire(Timeout::After(kHandshake));
  });
  EXPECT_EQ(waited.wait_for(std::chrono::milliseconds(100)),
            std::future_status::timeout);
  ASSERT_TRUE(a->Release().ok());
  ASSERT_EQ(waited.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(waited.get().ok());
  EXPECT_EQ(TryInChild(kImpl, path), "AlreadyLocked");
  EXPECT_TRUE(b->Release().ok());
}

TEST(PosixLockTest, ReentrantHoldsAreCounted) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> a = NewLock(kImpl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(a->Acquire(Timeout::Forever()).ok());
  ASSERT_TRUE(a->Acquire(Timeout::After(std::chrono::seconds(1))).ok());
  ASSERT_TRUE(a->Release().ok());
  ASSERT_TRUE(a->Release().ok());
  EXPECT_EQ(TryInChild(kImpl, path), "AlreadyLocked");
  EXPECT_EQ(a->IAmLocking().value(), true);
  ASSERT_TRUE(a->Release().ok());
  EXPECT_EQ(TryInChild(kImpl, path), "Ok");
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotLocked);
}

TEST(PosixLockTest, BadPathIsLockFailedAndLeavesNothing) {
  CheckBadPathIsLockFailed(kImpl);
}

TEST(PosixLockTest, FailpointsArePassed) { CheckFailpointsArePassed(kImpl); }

TEST(PosixLockTest, ThreadsExclude) { CheckThreadsExclude(kImpl); }

TEST(PosixLockTest, ChildHolderExcludes) { CheckChildHolderExcludes(kImpl); }

TEST(PosixLockTest, FreedWhenHolderIsKilled) {
  CheckFreedWhenHolderIsKilled(kImpl);
}

TEST(PosixLockTest, NoLockDescriptorLeaksAcrossExec) {
  CheckNoLockDescriptorLeaksAcrossExec(kImpl);
}

}  // namespace
}  // namespace lockstress::testing
