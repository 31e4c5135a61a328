// The C/C++ library adapters (liblockfile, boost-file-lock) against the
// real libraries: return codes and exceptions read as the documented kinds,
// and `lockstress run` over a few conformance scenarios gives the verdicts
// recorded in the README's findings (threads outside the libraries'
// promise included).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "impls/external/native/native_adapters.h"
#include "impls/external/native/testing/adapter_run.h"
#include "impls/testing/child_process.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::native {
namespace {

using std::chrono::milliseconds;
using testing::AdapterRun;
using testing::RunAdapter;

std::unique_ptr<Lock> Make(const std::string& adapter,
                           const std::string& path) {
  const ImplEntry* e = FindNativeAdapter(adapter);
  return e == nullptr ? nullptr : e->make({.path = path});
}

// Holds the lock of adapter args[0] on args[1] in a separate process until
// told to release.
//
//   parent                        child (--lockstress-child=hold)
//     | -- fork/exec -------------> | Acquire(NonBlocking)
//     | <------------ "acquired" -- |
//     | -- "release" ------------->  | Release, exit 0
LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() != 2) return lockstress::testing::kChildBadUsage;
  std::unique_ptr<Lock> lock = Make(args[0], args[1]);
  if (lock == nullptr || !lock->Acquire(Timeout::NonBlocking()).ok()) {
    return lockstress::testing::kChildFailed;
  }
  lockstress::testing::ChildSay("acquired");
  std::optional<std::string> line = lockstress::testing::ChildReadLine();
  if (!line.has_value()) return lockstress::testing::kChildNoParent;
  return lock->Release().ok() ? lockstress::testing::kChildOk
                              : lockstress::testing::kChildFailed;
}

// ---- liblockfile ----

#define SKIP_WITHOUT_LIBLOCKFILE()                                 \
  do {                                                             \
    if (FindNativeAdapter("liblockfile") == nullptr) {             \
      GTEST_SKIP() << "built without liblockfile (Debian package " \
                      "liblockfile-dev; tools/bootstrap --libs)";  \
    }                                                              \
  } while (0)

TEST(Liblockfile, ReturnCodesReadAsKinds) {
  SKIP_WITHOUT_LIBLOCKFILE();
  lockstress::testing::TempDir dir;
  auto holder = Make("liblockfile", dir.File("mbox"));
  auto other = Make("liblockfile", dir.File("mbox"));
  EXPECT_FALSE(*other->IsLocked());
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*other->IsLocked());
  Status tried = other->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(tried.kind(), ErrorKind::kAlreadyLocked) << tried.ToString();
  EXPECT_NE(tried.message().find("L_MAXTRYS"), std::string::npos);
  EXPECT_TRUE(holder->Release().ok());
  // A missing directory: the temporary file cannot be made.
  auto lost = Make("liblockfile", dir.File("missing/mbox"));
  Status s = lost->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_NE(s.message().find("L_TMPLOCK"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.sys_errno(), ENOENT) << s.ToString();
}

TEST(Liblockfile, RemoveChecksNoOwnerAsDocumented) {
  SKIP_WITHOUT_LIBLOCKFILE();
  lockstress::testing::TempDir dir;
  auto holder = Make("liblockfile", dir.File("mbox"));
  auto stranger = Make("liblockfile", dir.File("mbox"));
  // "It is not an error to lockfile_remove() a non-existing lockfile."
  EXPECT_TRUE(stranger->Release().ok());
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(stranger->Release().ok());
  EXPECT_FALSE(*holder->IsLocked());
}

// L_PID: a lock file whose pid is no process is stale, and taken over.
TEST(Liblockfile, StaleLockOfADeadPidIsTakenOver) {
  SKIP_WITHOUT_LIBLOCKFILE();
  lockstress::testing::TempDir dir;
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);  // reaped: kill(pid, 0) now fails
  std::ofstream(dir.File("mbox.lock")) << pid << "\n";
  auto lock = Make("liblockfile", dir.File("mbox"));
  EXPECT_FALSE(*lock->IsLocked());
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(lock->Release().ok());
}

TEST(Liblockfile, ConformanceVerdicts) {
  SKIP_WITHOUT_LIBLOCKFILE();
  lockstress::testing::TempDir dir;
  AdapterRun run = RunAdapter(dir.path(), "liblockfile",
                              {"release_not_my_lock", "release_not_locked"});
  ASSERT_TRUE(run.exit_code.has_value()) << run.output;
  EXPECT_EQ(*run.exit_code, 1) << run.output;
  // lockfile_remove removes the holder's lock: two holders follow.
  EXPECT_EQ(run.Verdict("conformance/release_not_my_lock", "release_errors"),
            "fail");
  EXPECT_EQ(run.Verdict("conformance/release_not_my_lock", "mutual_exclusion"),
            "fail");
  EXPECT_EQ(run.Verdict("conformance/release_not_locked", "release_errors"),
            "fail");
}

// ---- boost::interprocess::file_lock ----

TEST(BoostFileLock, HeldByAnotherProcessReadsAsAlreadyLockedAndTimeout) {
  lockstress::testing::TempDir dir;
  std::string path = dir.File("lock");
  auto child = lockstress::testing::ChildProcess::Start(
      "hold", {"boost-file-lock", path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  auto lock = Make("boost-file-lock", path);
  Status tried = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(tried.kind(), ErrorKind::kAlreadyLocked) << tried.ToString();
  Status waited = lock->Acquire(Timeout::After(milliseconds(200)));
  EXPECT_EQ(waited.kind(), ErrorKind::kLockTimeout) << waited.ToString();
  EXPECT_EQ(lock->AcquireShared(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(child.WriteLine("release"));
  EXPECT_EQ(child.Wait(), lockstress::testing::kChildOk);
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(lock->Release().ok());
}

TEST(BoostFileLock, MissingDirectoryIsLockFailed) {
  lockstress::testing::TempDir dir;
  auto lock = Make("boost-file-lock", dir.File("missing/lock"));
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_EQ(s.sys_errno(), ENOENT) << s.ToString();
}

// Documented: "A file lock can't guarantee synchronization between threads
// of the same process" — two file_locks of one process both "hold".
TEST(BoostFileLock, TwoObjectsOfOneProcessBothHoldAsDocumented) {
  lockstress::testing::TempDir dir;
  auto a = Make("boost-file-lock", dir.File("lock"));
  auto b = Make("boost-file-lock", dir.File("lock"));
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  // And b's unlock drops a's lock too: the lock is the process's.
  EXPECT_TRUE(b->Release().ok());
  auto child = lockstress::testing::ChildProcess::Start(
      "hold", {"boost-file-lock", dir.File("lock")});
  EXPECT_EQ(child.ReadLine(), "acquired");
  child.WriteLine("release");
  EXPECT_EQ(child.Wait(), lockstress::testing::kChildOk);
}

TEST(BoostFileLock, ConformanceVerdicts) {
  lockstress::testing::TempDir dir;
  AdapterRun run = RunAdapter(dir.path(), "boost-file-lock",
                              {"exclusion_nonblocking", "crash_holder",
                               "exclusion_threads", "timeout_not_early"});
  ASSERT_TRUE(run.exit_code.has_value()) << run.output;
  EXPECT_EQ(*run.exit_code, 1) << run.output;
  EXPECT_EQ(
      run.Verdict("conformance/exclusion_nonblocking", "mutual_exclusion"),
      "pass")
      << run.Detail("conformance/exclusion_nonblocking", "mutual_exclusion");
  EXPECT_EQ(run.Verdict("conformance/crash_holder", "stale_recovery"), "pass");
  EXPECT_EQ(run.Verdict("conformance/timeout_not_early", "timeout_semantics"),
            "pass");
  // Outside the promise: handles on threads of one process.
  EXPECT_EQ(run.Verdict("conformance/exclusion_threads", "mutual_exclusion"),
            "fail");
}

}  // namespace
}  // namespace lockstress::native
