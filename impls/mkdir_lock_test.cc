// Tests of mkdir_lock.cc: the owner file inside the lock directory, the
// ownerless lock a crash between mkdir and the owner file leaves, stale
// locks after SIGKILL, break_lock that never follows a symlink, threads.
// Real files, real processes, real threads.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "impls/core/lock_files.h"
#include "impls/polling_lock_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "mkdir";

// Creating anything inside `dir` fails with ENOSPC.
class FullInsideOs final : public OsWrapper {
 public:
  explicit FullInsideOs(std::string dir)
      : OsWrapper(&Os::Default()), prefix_(std::move(dir) + "/") {}
  int Open(const char* path, int flags, mode_t mode) override {
    if ((flags & O_CREAT) != 0 &&
        std::string(path).compare(0, prefix_.size(), prefix_) == 0) {
      errno = ENOSPC;
      return -1;
    }
    return target()->Open(path, flags, mode);
  }

 private:
  std::string prefix_;
};

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(MkdirLockTest, InfoIsLockfilesMkdirLockFile) {
  const ImplEntry* entry = FindImpl(kImpl);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->info.ownership, Ownership::kThread);
  EXPECT_TRUE(entry->info.nfs_safe);
  EXPECT_TRUE(entry->info.features.has(Feature::kThreads));
  EXPECT_FALSE(entry->info.features.has(Feature::kStaleRecovery));
  EXPECT_EQ(entry->info.failpoints,
            (std::vector<std::string>{"mkdir/after_mkdir_before_owner",
                                      "mkdir/between_unlink_and_rmdir"}));
}

TEST(MkdirLockTest, LockIsADirectoryHoldingTheOwnerFile) {
  TempDir dir;
  auto lock = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(lock->lock_path(), dir.File("f.lock"));
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"f.lock"});
  ASSERT_TRUE(IsDirectory(dir.File("f.lock")));
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(ListDir(dir.File("f.lock")),
            std::vector<std::string>{HostName(Os::Default()) + "-" + pid + "-" +
                                     pid});
  EXPECT_TRUE(*lock->IAmLocking());
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// A holder that dies between mkdir and creating its owner file leaves an
// empty lock directory: held, by nobody, until break_lock.
TEST(MkdirLockTest, CrashBeforeOwnerFileLeavesOwnerlessLock) {
  TempDir dir;
  const std::string path = dir.File("f");
  ChildProcess child = ChildProcess::Start(
      "crash_at", {kImpl, path, "mkdir/after_mkdir_before_owner"});
  ASSERT_EQ(child.Wait(), kChildCrashed) << child.ReadLine().value_or("");
  ASSERT_TRUE(IsDirectory(dir.File("f.lock")));
  EXPECT_EQ(ListDir(dir.File("f.lock")), std::vector<std::string>{});

  auto me = MakeTestLock(kImpl, path);
  EXPECT_TRUE(*me->IsLocked());
  EXPECT_FALSE(*me->IAmLocking());
  auto other = HoldInThread(kImpl, path);
  EXPECT_EQ(other, nullptr);
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(me->Release().kind(), ErrorKind::kNotMyLock);

  ASSERT_TRUE(me->BreakLock().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
}

// The owner file cannot be created: acquire fails and removes the lock
// directory it made.
TEST(MkdirLockTest, OwnerFileFailureRemovesTheLockDirectory) {
  TempDir dir;
  FullInsideOs os(dir.File("f.lock"));
  auto lock = MakeTestLock(kImpl, dir.File("f"), &os);
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_EQ(s.sys_errno(), ENOSPC);
  EXPECT_NE(s.ToString().find(dir.File("f.lock")), std::string::npos)
      << s.ToString();
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(MkdirLockTest, ChildHolderExcludesThenIsStaleUntilBreak) {
  TempDir dir;
  CheckChildHolderThenStaleUntilBreak(kImpl, dir.File("f"));
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(MkdirLockTest, ReleaseAfterBreak) {
  TempDir dir;
  CheckReleaseAfterBreak(kImpl, dir, dir.File("f"));
}

TEST(MkdirLockTest, BusyAcquireLeavesNothing) {
  TempDir dir;
  CheckBusyAcquireLeavesNothing(kImpl, dir, dir.File("f"));
  // Inside the lock directory too: only the holder's owner file.
  auto holder = HoldInThread(kImpl, dir.File("f"));
  ASSERT_NE(holder, nullptr);
  auto inside = ListDir(dir.File("f.lock"));
  EXPECT_EQ(inside.size(), 1u);
  auto other = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(other->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(ListDir(dir.File("f.lock")), inside);
  holder.reset();  // destroying a holder releases (best effort)
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(MkdirLockTest, ThreadsExclude) {
  TempDir dir;
  CheckThreadsExclude(kImpl, dir, dir.File("f"));
}

// lockfile's "Already locked by me": another object of the holding thread
// finds its owner file inside and counts as the holder.
TEST(MkdirLockTest, TwoObjectsOfOneThreadAreOneOwner) {
  TempDir dir;
  CheckTwoObjectsOfOneOwnerAreOneOwner(kImpl, dir, dir.File("f"));
}

// mkdir(2) never follows a symlink at its path: EEXIST, i.e. busy
// (AlreadyLocked); the victim is untouched and break_lock removes the
// symlink only.
TEST(MkdirLockTest, PlantedSymlinkIsBusyAndVictimUntouched) {
  TempDir dir;
  CheckPlantedSymlinkRefused(kImpl, dir, dir.File("f"), dir.File("f.lock"),
                             ErrorKind::kAlreadyLocked);
}

// The symlink points at a directory full of files: break_lock must not
// descend into it, and is_locked / i_am_locking must not be fooled by a
// file there named like our owner file.
TEST(MkdirLockTest, BreakNeverDescendsIntoASymlinkedDirectory) {
  TempDir dir;
  const std::string victim_dir = dir.File("victim-dir");
  ASSERT_EQ(::mkdir(victim_dir.c_str(), 0755), 0);
  const std::string pid = std::to_string(::getpid());
  const std::string owner_name =
      HostName(Os::Default()) + "-" + pid + "-" + pid;
  ASSERT_TRUE(WriteFile(victim_dir + "/" + owner_name, "mine?"));
  ASSERT_TRUE(WriteFile(victim_dir + "/keep", "keep me"));
  ASSERT_EQ(::symlink(victim_dir.c_str(), dir.File("f.lock").c_str()), 0);

  auto lock = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_TRUE(*lock->IsLocked());
  EXPECT_FALSE(*lock->IAmLocking());
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(lock->BreakLock().ok());
  std::vector<std::string> expected = {owner_name, "keep"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ListDir(victim_dir), expected);
  EXPECT_EQ(ReadFileOrMissing(victim_dir + "/keep"), "keep me");
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"victim-dir"});
}

// break_lock of a real lock directory with foreign files inside removes
// them all, then the directory.
TEST(MkdirLockTest, BreakRemovesEveryEntryOfARealLockDirectory) {
  TempDir dir;
  auto holder = HoldInThread(kImpl, dir.File("f"));
  ASSERT_NE(holder, nullptr);
  ASSERT_TRUE(WriteFile(dir.File("f.lock/stray"), "x"));
  ASSERT_EQ(::mkdir(dir.File("f.lock/empty-sub").c_str(), 0755), 0);
  auto breaker = MakeTestLock(kImpl, dir.File("f"));
  Status s = breaker->BreakLock();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  EXPECT_EQ(holder->Release().kind(), ErrorKind::kNotLocked);
}

TEST(MkdirLockTest, MissingDirectoryIsLockFailed) {
  TempDir dir;
  CheckMissingDirectory(kImpl, dir);
}

}  // namespace
}  // namespace lockstress::testing
