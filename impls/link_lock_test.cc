// Tests of link_lock.cc: the link-count check for NFS's lost reply, what a
// failed link leaves behind, stale locks after SIGKILL, break_lock, threads
// and planted symlinks. Real files, real processes, real threads.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "impls/core/lock_files.h"
#include "impls/polling_lock_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "link";

// NFS's lost reply: the server made the link, the reply was lost, and the
// retransmitted LINK answers EEXIST.
class LostReplyOs final : public OsWrapper {
 public:
  explicit LostReplyOs(int err) : OsWrapper(&Os::Default()), err_(err) {}
  int Link(const char* from, const char* to) override {
    int r = target()->Link(from, to);
    if (r == 0) {
      ++lost_;
      errno = err_;
      return -1;
    }
    return r;
  }
  int lost() const { return lost_; }

 private:
  int err_;
  int lost_ = 0;
};

// link(2) fails with `err` and makes no link; before failing it runs
// `race`, which may take the lock for somebody else (the lock was free at
// our pre-check and is taken by the time of our link).
class FailingLinkOs final : public OsWrapper {
 public:
  explicit FailingLinkOs(int err, std::function<void()> race = {})
      : OsWrapper(&Os::Default()), err_(err), race_(std::move(race)) {}
  int Link(const char* /*from*/, const char* /*to*/) override {
    ++calls_;
    if (race_) race_();
    errno = err_;
    return -1;
  }
  int calls() const { return calls_; }

 private:
  int err_;
  std::function<void()> race_;
  int calls_ = 0;
};

TEST(LinkLockTest, InfoIsLockfilesLinkLockFile) {
  const ImplEntry* entry = FindImpl(kImpl);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->info.ownership, Ownership::kThread);
  EXPECT_TRUE(entry->info.nfs_safe);
  EXPECT_TRUE(entry->info.features.has(Feature::kThreads));
  EXPECT_FALSE(entry->info.features.has(Feature::kStaleRecovery));
  EXPECT_EQ(entry->info.failpoints,
            (std::vector<std::string>{"link/after_unique_file",
                                      "link/after_link_before_count",
                                      "link/between_unlinks"}));
  TempDir dir;
  auto unthreaded = MakeTestLock(kImpl, dir.File("x"), nullptr, false);
  EXPECT_EQ(unthreaded->info().ownership, Ownership::kProcess);
  EXPECT_FALSE(unthreaded->info().features.has(Feature::kThreads));
}

TEST(LinkLockTest, LockPathIsPathDotLockAndHoldsAUniqueFile) {
  TempDir dir;
  auto lock = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(lock->lock_path(), dir.File("f.lock"));
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  std::vector<std::string> names = ListDir(dir.path());
  ASSERT_EQ(names.size(), 2u);  // f.lock and the unique file
  ASSERT_EQ(names[0], "f.lock");
  // HOSTNAME-TID-PID.HASH(PATH); in the main thread TID == PID.
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(
      names[1].find(HostName(Os::Default()) + "-" + pid + "-" + pid + "."), 0u)
      << names[1];
  struct stat unique {
  }, locked{};
  ASSERT_EQ(::stat(dir.File(names[1]).c_str(), &unique), 0);
  ASSERT_EQ(::stat(dir.File("f.lock").c_str(), &locked), 0);
  EXPECT_EQ(unique.st_ino, locked.st_ino);
  EXPECT_EQ(unique.st_nlink, 2u);
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LinkLockTest, LostReplyIsResolvedByTheLinkCount) {
  for (int err : {EEXIST, EIO}) {
    SCOPED_TRACE(ErrnoName(err));
    TempDir dir;
    LostReplyOs os(err);
    auto lock = MakeTestLock(kImpl, dir.File("f"), &os);
    Status s = lock->Acquire(Timeout::NonBlocking());
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(os.lost(), 1);
    EXPECT_TRUE(*lock->IAmLocking());
    auto other = HoldInThread(kImpl, dir.File("f"));
    EXPECT_EQ(other, nullptr);  // the other thread found it held
    auto observer = MakeTestLock(kImpl, dir.File("f"));
    EXPECT_TRUE(*observer->IsLocked());
    EXPECT_TRUE(lock->Release().ok());
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  }
}

TEST(LinkLockTest, FailedLinkWhileHeldIsBusyAndLeavesNoUniqueFile) {
  TempDir dir;
  std::unique_ptr<Lock> holder;
  std::vector<std::string> during;
  FailingLinkOs os(EEXIST, [&] {
    holder = HoldInThread(kImpl, dir.File("f"));
    during = ListDir(dir.path());
  });
  auto lock = MakeTestLock(kImpl, dir.File("f"), &os);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ASSERT_NE(holder, nullptr);
  EXPECT_EQ(os.calls(), 1);
  // During our link: f.lock, the holder's unique file and ours.
  EXPECT_EQ(during.size(), 3u);
  // After: ours is gone; what is left is f.lock and its other link.
  std::vector<std::string> after = ListDir(dir.path());
  ASSERT_EQ(after.size(), 2u);
  ASSERT_EQ(after[0], "f.lock");
  struct stat lock_st {
  }, other_st{};
  ASSERT_EQ(::lstat(dir.File("f.lock").c_str(), &lock_st), 0);
  ASSERT_EQ(::lstat(dir.File(after[1]).c_str(), &other_st), 0);
  EXPECT_EQ(lock_st.st_ino, other_st.st_ino);
  EXPECT_FALSE(*lock->IAmLocking());
  EXPECT_TRUE(*holder->IAmLocking());
  EXPECT_TRUE(holder->Release().ok());
}

// While PATH.lock exists a try does not even create its unique file (no
// directory churn to wake the other waiters).
TEST(LinkLockTest, HeldLockIsBusyWithoutTouchingTheDirectory) {
  TempDir dir;
  auto holder = HoldInThread(kImpl, dir.File("f"));
  ASSERT_NE(holder, nullptr);
  auto before = ListDir(dir.path());
  FailingLinkOs os(EEXIST);
  auto lock = MakeTestLock(kImpl, dir.File("f"), &os);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(os.calls(), 0);
  EXPECT_EQ(ListDir(dir.path()), before);
  EXPECT_TRUE(holder->Release().ok());
}

TEST(LinkLockTest, LinkErrorsOtherThanEexistAreLockFailedAndLeaveNothing) {
  for (int err : {EXDEV, EPERM, EIO}) {
    SCOPED_TRACE(ErrnoName(err));
    TempDir dir;
    FailingLinkOs os(err);
    auto lock = MakeTestLock(kImpl, dir.File("f"), &os);
    Status s = lock->Acquire(Timeout::After(std::chrono::seconds(5)));
    EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
    EXPECT_EQ(s.sys_errno(), err);
    EXPECT_EQ(s.path(), dir.File("f.lock"));
    EXPECT_EQ(os.calls(), 1);  // failed at once, not polled
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  }
}

TEST(LinkLockTest, ChildHolderExcludesThenIsStaleUntilBreak) {
  TempDir dir;
  CheckChildHolderThenStaleUntilBreak(kImpl, dir.File("f"));
  // The dead holder's unique file stays behind as litter (as in lockfile):
  // break_lock removes PATH.lock only.
  std::vector<std::string> left = ListDir(dir.path());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0], "f.lock");
}

TEST(LinkLockTest, ReleaseAfterBreak) {
  TempDir dir;
  CheckReleaseAfterBreak(kImpl, dir, dir.File("f"));
}

TEST(LinkLockTest, BusyAcquireLeavesNothing) {
  TempDir dir;
  CheckBusyAcquireLeavesNothing(kImpl, dir, dir.File("f"));
}

TEST(LinkLockTest, ThreadsExclude) {
  TempDir dir;
  CheckThreadsExclude(kImpl, dir, dir.File("f"));
}

// Two objects of one thread share the unique file and are one owner, as in
// lockfile: the second "acquires" through st_nlink == 2.
TEST(LinkLockTest, TwoObjectsOfOneThreadAreOneOwner) {
  TempDir dir;
  CheckTwoObjectsOfOneOwnerAreOneOwner(kImpl, dir, dir.File("f"));
}

// One thread may hold two paths of one directory: the unique names differ.
TEST(LinkLockTest, OneThreadHoldsTwoPathsInOneDirectory) {
  TempDir dir;
  auto a = MakeTestLock(kImpl, dir.File("a"));
  auto b = MakeTestLock(kImpl, dir.File("b"));
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*a->IAmLocking());
  EXPECT_TRUE(*b->IAmLocking());
  EXPECT_TRUE(a->Release().ok());
  EXPECT_TRUE(*b->IAmLocking());
  EXPECT_TRUE(b->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// link(2) never follows its new path: a symlink at PATH.lock is EEXIST,
// i.e. busy (AlreadyLocked), and the victim is untouched.
TEST(LinkLockTest, PlantedSymlinkIsBusyAndVictimUntouched) {
  TempDir dir;
  CheckPlantedSymlinkRefused(kImpl, dir, dir.File("f"), dir.File("f.lock"),
                             ErrorKind::kAlreadyLocked);
}

TEST(LinkLockTest, MissingDirectoryIsLockFailed) {
  TempDir dir;
  CheckMissingDirectory(kImpl, dir);
}

}  // namespace
}  // namespace lockstress::testing
