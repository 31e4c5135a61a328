// Tests of zc and zc-simple (impls/zc_lock.cc).
//
// Multi-process handshake of the `hold` role:
//
//   parent                               child (hold IMPL PATH [TEMPLATE])
//     | -- start ---------------------------> |
//     |                                       | Acquire(NonBlocking)
//     | <---------------- "acquired" (pid) -- |
//     | checks: file content, AlreadyLocked,  |
//     |   NotMyLock, or SIGKILL the child     |
//     | -- "release" -----------------------> |
//     |                                       | Release
//     | <----------------------- "released" - |
//     | <---------------------------- exit 0 -|
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "impls/core/lock_files.h"
#include "impls/testing/child_process.h"
#include "impls/testing/lock_roles.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress {
namespace {

using testing::ChildProcess;
using testing::kChildBadUsage;
using testing::kChildOk;
using testing::TempDir;

std::unique_ptr<Lock> Make(const std::string& impl, const std::string& path,
                           const std::string& content_template = "{pid}") {
  LockOptions options;
  options.path = path;
  options.content_template = content_template;
  return testing::MakeLockOrNull(impl, options);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() < 2) return kChildBadUsage;
  std::unique_ptr<Lock> lock =
      Make(args[0], args[1], args.size() > 2 ? args[2] : "{pid}");
  if (lock == nullptr) return kChildBadUsage;
  return testing::HoldForParent(*lock);
}

TEST(ZcLock, HolderInAnotherProcessExcludesAndWritesItsPid) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  ChildProcess child = ChildProcess::Start("hold", {"zc", path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  // zc writes " %s\n" % content: a space, the PID, a newline.
  std::string expected = " " + std::to_string(child.pid()) + "\n";
  EXPECT_EQ(ReadAll(path), expected);

  std::unique_ptr<Lock> lock = Make("zc", path);
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  // A failed acquire truncated nothing at open.
  EXPECT_EQ(ReadAll(path), expected);
  // Not the holder: /proc/locks shows the child's flock.
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotMyLock);

  ASSERT_TRUE(child.WriteLine("release"));
  ASSERT_EQ(child.ReadLine(), "released");
  ASSERT_EQ(child.Wait(), kChildOk);
  // zc keeps its file, with the last holder's content.
  EXPECT_TRUE(Exists(path));
  EXPECT_EQ(ReadAll(path), expected);

  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotLocked);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(ReadAll(path), " " + std::to_string(getpid()) + "\n");
  ASSERT_TRUE(lock->Release().ok());
  EXPECT_TRUE(Exists(path));
}

TEST(ZcLock, ContentTemplateExpandsHostnameAndPid) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  std::unique_ptr<Lock> lock = Make("zc", path, "{hostname}:{pid}");
  ASSERT_NE(lock, nullptr);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  std::string expected =
      " " + HostName(Os::Default()) + ":" + std::to_string(getpid()) + "\n";
  EXPECT_EQ(ReadAll(path), expected);
  ASSERT_TRUE(lock->Release().ok());
  EXPECT_EQ(ReadAll(path), expected);
}

TEST(ZcLock, LongerOldContentIsCutToTheNewContent) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  std::ofstream(path) << "a much longer content than a pid\n";
  std::unique_ptr<Lock> lock = Make("zc", path);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(ReadAll(path), " " + std::to_string(getpid()) + "\n");
  ASSERT_TRUE(lock->Release().ok());
}

TEST(ZcSimpleLock, WritesNothingAndKeepsTheFile) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  ChildProcess child = ChildProcess::Start("hold", {"zc-simple", path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  EXPECT_TRUE(Exists(path));
  EXPECT_EQ(ReadAll(path), "");
  std::unique_ptr<Lock> lock = Make("zc-simple", path);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(child.WriteLine("release"));
  ASSERT_EQ(child.ReadLine(), "released");
  ASSERT_EQ(child.Wait(), kChildOk);
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"db.lock"});
  EXPECT_EQ(ReadAll(path), "");
}

TEST(ZcLock, FailedAcquireDoesNotTruncateExistingContent) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  const std::string precious = "precious content\nsecond line\n";
  std::ofstream(path) << precious;
  // zc-simple holds without writing, so the content stays as it was...
  std::unique_ptr<Lock> holder = Make("zc-simple", path);
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_EQ(ReadAll(path), precious);
  // ... and a zc contender that fails must not have cut it at open.
  for (const char* impl : {"zc", "zc-simple"}) {
    std::unique_ptr<Lock> contender = Make(impl, path);
    EXPECT_EQ(contender->Acquire(Timeout::NonBlocking()).kind(),
              ErrorKind::kAlreadyLocked)
        << impl;
    EXPECT_EQ(ReadAll(path), precious) << impl;
  }
  ASSERT_TRUE(holder->Release().ok());
  EXPECT_EQ(ReadAll(path), precious);
}

TEST(ZcLock, ObjectsInThreadsExcludeEachOther) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  std::unique_ptr<Lock> a = Make("zc", path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  Status seen;
  std::thread t([&] {
    std::unique_ptr<Lock> b = Make("zc", path);
    seen = b->Acquire(Timeout::NonBlocking());
  });
  t.join();
  EXPECT_EQ(seen.kind(), ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(a->Release().ok());
}

TEST(ZcLock, BlockingAndTimedAcquireAreUnsupported) {
  TempDir dir;
  for (const char* impl : {"zc", "zc-simple"}) {
    std::unique_ptr<Lock> lock = Make(impl, dir.File("db.lock"));
    EXPECT_EQ(lock->Acquire(Timeout::Forever()).kind(), ErrorKind::kUnsupported)
        << impl;
    EXPECT_EQ(lock->Acquire(Timeout::After(std::chrono::seconds(1))).kind(),
              ErrorKind::kUnsupported)
        << impl;
    EXPECT_EQ(lock->IsLocked().status().kind(), ErrorKind::kUnsupported);
    EXPECT_EQ(lock->IAmLocking().status().kind(), ErrorKind::kUnsupported);
    EXPECT_EQ(lock->BreakLock().kind(), ErrorKind::kUnsupported);
  }
  // Nothing was tried: no file was made.
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
}

TEST(ZcLock, KilledHoldersLockIsFreeAtOnce) {
  TempDir dir;
  std::string path = dir.File("db.lock");
  ChildProcess child = ChildProcess::Start("hold", {"zc", path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  std::unique_ptr<Lock> lock = Make("zc", path);
  ASSERT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);
  // Reaped: the kernel has closed its descriptors and freed the flock.
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(lock->Release().ok());
}

TEST(ZcLock, SymlinkAtThePathIsRefused) {
  TempDir dir;
  std::string victim = dir.File("victim");
  std::ofstream(victim) << "keep me\n";
  std::string path = dir.File("db.lock");
  ASSERT_EQ(symlink(victim.c_str(), path.c_str()), 0);
  std::unique_ptr<Lock> lock = Make("zc", path);
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_EQ(ReadAll(victim), "keep me\n");
}

}  // namespace
}  // namespace lockstress
