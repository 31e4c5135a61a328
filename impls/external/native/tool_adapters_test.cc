// The command-line tool adapters (flock-tool, dotlockfile, lockfile-progs)
// against the real tools: their exit codes read as the documented kinds,
// and `lockstress run` over a few conformance scenarios gives the verdicts
// recorded in the README's findings. Each test is skipped, naming the
// Debian package, when its tool is not installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "impls/external/native/native_adapters.h"
#include "impls/external/native/testing/adapter_run.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::native {
namespace {

using std::chrono::milliseconds;
using testing::AdapterRun;
using testing::MissingTool;
using testing::RunAdapter;

#define SKIP_IF_MISSING(tools, package)            \
  do {                                             \
    std::string why = MissingTool(tools, package); \
    if (!why.empty()) GTEST_SKIP() << why;         \
  } while (0)

const std::vector<std::string> kFlock = {"/usr/bin/flock", "/bin/cat"};
const std::vector<std::string> kDotlockfile = {"/usr/bin/dotlockfile"};
const std::vector<std::string> kLockfileProgs = {"/usr/bin/lockfile-create",
                                                 "/usr/bin/lockfile-remove",
                                                 "/usr/bin/lockfile-check"};

std::unique_ptr<Lock> Make(const std::string& adapter,
                           const std::string& path) {
  // flock-tool writes to pipes of tools that may have ended (lockstress-
  // native-driver ignores SIGPIPE too).
  ::signal(SIGPIPE, SIG_IGN);
  const ImplEntry* e = FindNativeAdapter(adapter);
  EXPECT_NE(e, nullptr) << adapter;
  return e == nullptr ? nullptr : e->make({.path = path});
}

// A pid that belonged to a process that has ended and been reaped.
pid_t DeadPid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

// ---- flock(1) ----

TEST(FlockTool, ConflictExitCodesReadAsAlreadyLockedAndLockTimeout) {
  SKIP_IF_MISSING(kFlock, "util-linux");
  lockstress::testing::TempDir dir;
  auto holder = Make("flock-tool", dir.File("lock"));
  auto other = Make("flock-tool", dir.File("lock"));
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  Status tried = other->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(tried.kind(), ErrorKind::kAlreadyLocked) << tried.ToString();
  EXPECT_NE(tried.message().find("exit 1"), std::string::npos);
  Status waited = other->Acquire(Timeout::After(milliseconds(200)));
  EXPECT_EQ(waited.kind(), ErrorKind::kLockTimeout) << waited.ToString();
  ASSERT_TRUE(holder->Release().ok());
  EXPECT_TRUE(other->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(other->Release().ok());
}

TEST(FlockTool, UnopenableLockFileIsLockFailed) {
  SKIP_IF_MISSING(kFlock, "util-linux");
  lockstress::testing::TempDir dir;
  auto lock = Make("flock-tool", dir.File("missing/lock"));
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_NE(s.message().find("exit 66"), std::string::npos) << s.ToString();
}

TEST(FlockTool, SharedHoldersTogetherExclusiveAlone) {
  SKIP_IF_MISSING(kFlock, "util-linux");
  lockstress::testing::TempDir dir;
  auto a = Make("flock-tool", dir.File("lock"));
  auto b = Make("flock-tool", dir.File("lock"));
  auto c = Make("flock-tool", dir.File("lock"));
  ASSERT_TRUE(a->AcquireShared(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->AcquireShared(Timeout::NonBlocking()).ok());
  EXPECT_EQ(c->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(a->Release().ok());
  EXPECT_TRUE(b->Release().ok());
  EXPECT_TRUE(c->Acquire(Timeout::NonBlocking()).ok());
}

TEST(FlockTool, WhatTheToolCannotDo) {
  SKIP_IF_MISSING(kFlock, "util-linux");
  lockstress::testing::TempDir dir;
  auto lock = Make("flock-tool", dir.File("lock"));
  // No command runs: nothing of flock(1) can release.
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kUnsupported);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  // A blocking flock(1) by the holder would wait for itself for ever.
  Status again = lock->Acquire(Timeout::Forever());
  EXPECT_EQ(again.kind(), ErrorKind::kLockFailed);
  EXPECT_EQ(again.sys_errno(), EDEADLK);
  // -n by the holder runs the tool: its own lock conflicts.
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(lock->Release().ok());
}

TEST(FlockTool, ConformanceScenariosPass) {
  SKIP_IF_MISSING(kFlock, "util-linux");
  lockstress::testing::TempDir dir;
  AdapterRun run =
      RunAdapter(dir.path(), "flock-tool",
                 {"exclusion_nonblocking", "exclusion_threads",
                  "timeout_not_early", "crash_holder", "shared_readers"});
  ASSERT_TRUE(run.exit_code.has_value()) << run.output;
  EXPECT_EQ(*run.exit_code, 0) << run.output;
  EXPECT_EQ(run.Verdict("conformance/exclusion_threads", "mutual_exclusion"),
            "pass");
  EXPECT_EQ(run.Verdict("conformance/crash_holder", "stale_recovery"), "pass");
  EXPECT_EQ(run.Verdict("conformance/shared_readers", "shared_locks"), "pass");
  EXPECT_EQ(run.Verdict("conformance/timeout_not_early", "timeout_semantics"),
            "pass");
}

// ---- dotlockfile ----

TEST(Dotlockfile, ExitCodesAreLockfileCreateCodes) {
  SKIP_IF_MISSING(kDotlockfile, "liblockfile-bin");
  lockstress::testing::TempDir dir;
  auto holder = Make("dotlockfile", dir.File("mbox"));
  auto other = Make("dotlockfile", dir.File("mbox"));
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  // -p: the lock file holds our pid (the tool's parent).
  std::ifstream in(dir.File("mbox.lock"));
  int pid = 0;
  in >> pid;
  EXPECT_EQ(pid, ::getpid());
  Status tried = other->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(tried.kind(), ErrorKind::kAlreadyLocked) << tried.ToString();
  EXPECT_NE(tried.message().find("4 (L_MAXTRYS)"), std::string::npos)
      << tried.ToString();
  EXPECT_TRUE(holder->Release().ok());
  // A missing directory: dotlockfile 1.17 exits 5 (L_ERROR), not L_TMPLOCK.
  auto lost = Make("dotlockfile", dir.File("missing/mbox"));
  Status s = lost->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockError) << s.ToString();
  EXPECT_NE(s.message().find("5 (L_ERROR)"), std::string::npos) << s.ToString();
}

TEST(Dotlockfile, StaleLockOfADeadPidIsTakenOver) {
  SKIP_IF_MISSING(kDotlockfile, "liblockfile-bin");
  lockstress::testing::TempDir dir;
  std::ofstream(dir.File("mbox.lock")) << DeadPid() << "\n";
  auto lock = Make("dotlockfile", dir.File("mbox"));
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(lock->Release().ok());
}

TEST(Dotlockfile, UnlockRemovesAnybodysLockAsDocumented) {
  SKIP_IF_MISSING(kDotlockfile, "liblockfile-bin");
  lockstress::testing::TempDir dir;
  auto holder = Make("dotlockfile", dir.File("mbox"));
  auto stranger = Make("dotlockfile", dir.File("mbox"));
  // "Unlocking a non-existent lockfile is not an error."
  EXPECT_TRUE(stranger->Release().ok());
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(stranger->Release().ok());  // no owner check
  EXPECT_TRUE(stranger->Acquire(Timeout::NonBlocking()).ok());
}

// ---- lockfile-progs ----

TEST(LockfileProgs, ExitCodesAndCheck) {
  SKIP_IF_MISSING(kLockfileProgs, "lockfile-progs");
  lockstress::testing::TempDir dir;
  auto holder = Make("lockfile-progs", dir.File("file"));
  auto other = Make("lockfile-progs", dir.File("file"));
  EXPECT_FALSE(*other->IsLocked());
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(::access(dir.File("file.lock").c_str(), F_OK), 0);
  EXPECT_TRUE(*other->IsLocked());
  Status tried = other->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(tried.kind(), ErrorKind::kAlreadyLocked) << tried.ToString();
  EXPECT_NE(tried.message().find("4 (L_MAXTRYS)"), std::string::npos);
  EXPECT_TRUE(holder->Release().ok());
  EXPECT_FALSE(*other->IsLocked());
  auto lost = Make("lockfile-progs", dir.File("missing/file"));
  Status s = lost->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_NE(s.message().find("2 (L_TMPLOCK)"), std::string::npos)
      << s.ToString();
}

TEST(LockfileProgs, StaleLockOfADeadPidIsNotValid) {
  SKIP_IF_MISSING(kLockfileProgs, "lockfile-progs");
  lockstress::testing::TempDir dir;
  std::ofstream(dir.File("file.lock")) << DeadPid() << "\n";
  auto lock = Make("lockfile-progs", dir.File("file"));
  EXPECT_FALSE(*lock->IsLocked());
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*lock->IsLocked());
  EXPECT_TRUE(lock->Release().ok());
}

}  // namespace
}  // namespace lockstress::native
