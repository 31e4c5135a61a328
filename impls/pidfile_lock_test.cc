// Tests of pidfile_lock.cc: the PID in the file, what garbage and empty
// files mean, the crash between create and write, cleanup after a failed
// write, process ownership, stale locks after SIGKILL, planted symlinks.
// Real files, real processes, real threads.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <vector>

#include "impls/polling_lock_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "pidfile";

// Every pwrite fails with ENOSPC: the create succeeds, the write does not.
class FullDiskOs final : public OsWrapper {
 public:
  FullDiskOs() : OsWrapper(&Os::Default()) {}
  ssize_t Pwrite(int /*fd*/, const void* /*buf*/, size_t /*n*/,
                 off_t /*offset*/) override {
    errno = ENOSPC;
    return -1;
  }
  ssize_t Write(int /*fd*/, const void* /*buf*/, size_t /*n*/) override {
    errno = ENOSPC;
    return -1;
  }
};

std::string Pid() { return std::to_string(::getpid()); }

TEST(PidfileLockTest, InfoIsLockfilesPIDLockFile) {
  const ImplEntry* entry = FindImpl(kImpl);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->info.ownership, Ownership::kProcess);
  EXPECT_FALSE(entry->info.nfs_safe);
  EXPECT_TRUE(entry->info.features.has(Feature::kThreads));
  EXPECT_FALSE(entry->info.features.has(Feature::kStaleRecovery));
  EXPECT_EQ(entry->info.failpoints,
            std::vector<std::string>{"pidfile/after_create_before_write"});
}

TEST(PidfileLockTest, FileIsPathAndHoldsOurPid) {
  TempDir dir;
  auto lock = MakeTestLock(kImpl, dir.File("f.pid"));
  EXPECT_EQ(lock->lock_path(), dir.File("f.pid"));
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(ReadFileOrMissing(dir.File("f.pid")), Pid() + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("f.pid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777 & ~0644u, 0u);  // 0644 less the umask
  EXPECT_TRUE(*lock->IAmLocking());
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(PidfileLockTest, ChildHolderWritesItsPid) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  ChildProcess child = ChildProcess::Start("hold", {kImpl, path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  EXPECT_EQ(ReadFileOrMissing(path), std::to_string(child.pid()) + "\n");
  ASSERT_TRUE(child.WriteLine("release"));
  EXPECT_EQ(child.ReadLine(), "released");
  EXPECT_EQ(child.Wait(), kChildOk);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// read_pid is lenient about whitespace and leading zeros only.
TEST(PidfileLockTest, ReadPidAcceptsWhitespaceOnly) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  auto lock = MakeTestLock(kImpl, path);
  struct Case {
    std::string content;
    bool mine;
  };
  for (const Case& c :
       {Case{Pid(), true}, Case{"  \t" + Pid() + " \n\n", true},
        Case{"000" + Pid() + "\n", true}, Case{Pid() + "x\n", false},
        Case{"+" + Pid(), false}, Case{Pid() + "\n" + Pid() + "\n", false},
        Case{"-" + Pid(), false}}) {
    SCOPED_TRACE("content '" + c.content + "'");
    ASSERT_TRUE(WriteFile(path, c.content));
    EXPECT_TRUE(*lock->IsLocked());
    EXPECT_EQ(*lock->IAmLocking(), c.mine);
  }
}

TEST(PidfileLockTest, GarbageContentIsHeldByNobodyIdentifiable) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  ASSERT_TRUE(WriteFile(path, "garbage"));
  auto lock = MakeTestLock(kImpl, path);
  EXPECT_TRUE(*lock->IsLocked());
  EXPECT_FALSE(*lock->IAmLocking());
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  Status s = lock->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock) << s.ToString();
  EXPECT_EQ(s.path(), path);
  EXPECT_EQ(ReadFileOrMissing(path), "garbage");
}

// The holder's lock was broken and garbage planted: its release says what
// the file holds, and leaves it alone.
TEST(PidfileLockTest, ReleaseOfABrokenLockQuotesTheContent) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  auto holder = MakeTestLock(kImpl, path);
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(MakeTestLock(kImpl, path)->BreakLock().ok());
  ASSERT_TRUE(WriteFile(path, "garbage"));
  Status s = holder->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("contains 'garbage', not a PID"),
            std::string::npos)
      << s.ToString();
  EXPECT_EQ(ReadFileOrMissing(path), "garbage");

  ASSERT_TRUE(::unlink(path.c_str()) == 0);
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(holder->BreakLock().ok());
  ASSERT_TRUE(WriteFile(path, "123\n"));
  s = holder->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock);
  EXPECT_NE(s.message().find("held by PID 123"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(ReadFileOrMissing(path), "123\n");
}

// Another object of this same process retook a broken lock, writing the
// same PID: the former holder's release must not delete it.
TEST(PidfileLockTest, ReleaseAfterRetakeBySameProcessIsNotMyLock) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  auto a = MakeTestLock(kImpl, path);
  auto b = MakeTestLock(kImpl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->BreakLock().ok());
  ASSERT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotMyLock);
  EXPECT_EQ(ReadFileOrMissing(path), Pid() + "\n");
  EXPECT_TRUE(b->Release().ok());
}

// A holder that dies between create and write leaves an empty file.
TEST(PidfileLockTest, EmptyFileIsHeldByNobody) {
  TempDir dir;
  const std::string path = dir.File("f.pid");
  ChildProcess child = ChildProcess::Start(
      "crash_at", {kImpl, path, "pidfile/after_create_before_write"});
  ASSERT_EQ(child.Wait(), kChildCrashed) << child.ReadLine().value_or("");
  EXPECT_EQ(ReadFileOrMissing(path), "");

  auto lock = MakeTestLock(kImpl, path);
  EXPECT_TRUE(*lock->IsLocked());
  EXPECT_FALSE(*lock->IAmLocking());
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotMyLock);
  ASSERT_TRUE(lock->BreakLock().ok());
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());

  // And a holder finding its broken lock replaced by an empty file says so.
  ASSERT_TRUE(lock->BreakLock().ok());
  ASSERT_TRUE(WriteFile(path, ""));
  Status s = lock->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock);
  EXPECT_NE(s.message().find("is empty"), std::string::npos) << s.ToString();
}

TEST(PidfileLockTest, FailedWriteRemovesTheCreatedFile) {
  TempDir dir;
  FullDiskOs os;
  auto lock = MakeTestLock(kImpl, dir.File("f.pid"), &os);
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_EQ(s.sys_errno(), ENOSPC);
  EXPECT_EQ(s.path(), dir.File("f.pid"));
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// Process ownership: another object of the holding process is "locking"
// too, yet O_EXCL still excludes it from acquiring (threads).
TEST(PidfileLockTest, ObjectsOfOneProcessShareOwnershipButExclude) {
  TempDir dir;
  auto holder = HoldInThread(kImpl, dir.File("f.pid"));
  ASSERT_NE(holder, nullptr);
  auto other = MakeTestLock(kImpl, dir.File("f.pid"));
  EXPECT_TRUE(*other->IAmLocking());
  EXPECT_EQ(other->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(holder->Release().ok());
  EXPECT_FALSE(*other->IAmLocking());
}

TEST(PidfileLockTest, ChildHolderExcludesThenIsStaleUntilBreak) {
  TempDir dir;
  CheckChildHolderThenStaleUntilBreak(kImpl, dir.File("f.pid"));
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(PidfileLockTest, ReleaseAfterBreak) {
  TempDir dir;
  CheckReleaseAfterBreak(kImpl, dir, dir.File("f.pid"));
}

TEST(PidfileLockTest, BusyAcquireLeavesNothing) {
  TempDir dir;
  CheckBusyAcquireLeavesNothing(kImpl, dir, dir.File("f.pid"));
}

TEST(PidfileLockTest, ThreadsExclude) {
  TempDir dir;
  CheckThreadsExclude(kImpl, dir, dir.File("f.pid"));
}

// open(O_CREAT|O_EXCL) fails with EEXIST on a symlink wherever it points:
// busy (AlreadyLocked), and the victim is never opened.
TEST(PidfileLockTest, PlantedSymlinkIsBusyAndVictimUntouched) {
  TempDir dir;
  CheckPlantedSymlinkRefused(kImpl, dir, dir.File("f.pid"), dir.File("f.pid"),
                             ErrorKind::kAlreadyLocked);
}

TEST(PidfileLockTest, MissingDirectoryIsLockFailed) {
  TempDir dir;
  CheckMissingDirectory(kImpl, dir);
}

}  // namespace
}  // namespace lockstress::testing
