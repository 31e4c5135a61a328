// Test-only helpers shared by link_lock_test, mkdir_lock_test and
// pidfile_lock_test: making objects, reading and planting files, holding a
// lock from another thread, and the child roles that hold a lock in another
// process.
//
// Child handshake (role "hold": args IMPL PATH):
//
//   parent                              child
//     | -- start ---------------------->  |
//     |                                   | Acquire(NonBlocking)
//     | <------------------ "acquired" -- |   (or "error KIND ...", exit 61)
//     | ... checks, maybe SIGKILL ...     |
//     | -- "release" ------------------>  |
//     |                                   | Release()
//     | <------------- "released"/KIND -- |
//     | <-------------------- exit 0 ---- |
//
// Role "crash_at": args IMPL PATH FAILPOINT: acquires through an Os whose
// failpoint FAILPOINT ends the process with _exit(kChildCrashed), like a
// holder killed between two steps.
//
// Thread safety: the helpers are free functions; HoldInThread joins its
// thread before returning.
#ifndef LOCKSTRESS_IMPLS_POLLING_LOCK_TEST_HELPER_H_
#define LOCKSTRESS_IMPLS_POLLING_LOCK_TEST_HELPER_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "impls/testing/child_process.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/lock.h"
#include "lockstress/os.h"
#include "lockstress/registry.h"

namespace lockstress::testing {

// Exit code of a child that "crashed" at a failpoint.
inline constexpr int kChildCrashed = 70;

inline std::unique_ptr<Lock> MakeTestLock(const std::string& impl,
                                          const std::string& path,
                                          Os* os = nullptr,
                                          bool threaded = true) {
  LockOptions options;
  options.path = path;
  options.os = os;
  options.threaded = threaded;
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  if (!lock.ok() || *lock == nullptr) {
    std::fprintf(stderr, "MakeLock(%s): %s\n", impl.c_str(),
                 lock.status().ToString().c_str());
    std::abort();
  }
  return std::move(*lock);
}

// The whole content of a file, or "<missing>".
inline std::string ReadFileOrMissing(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "<missing>";
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Creates or replaces `path` with `content` (a test fixture, not a lock).
inline bool WriteFile(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = ::write(fd, content.data(), content.size()) ==
            static_cast<ssize_t>(content.size());
  return ::close(fd) == 0 && ok;
}

// An object made and acquired in another thread (another owner for the
// thread-owned locks); returned holding, or null when the acquire failed.
inline std::unique_ptr<Lock> HoldInThread(const std::string& impl,
                                          const std::string& path) {
  std::unique_ptr<Lock> lock;
  std::thread t([&] {
    auto l = MakeTestLock(impl, path);
    if (l->Acquire(Timeout::NonBlocking()).ok()) lock = std::move(l);
  });
  t.join();
  return lock;
}

// Fails the current process at one failpoint.
class CrashAtOs final : public OsWrapper {
 public:
  explicit CrashAtOs(std::string failpoint)
      : OsWrapper(&Os::Default()), failpoint_(std::move(failpoint)) {}
  void Failpoint(std::string_view name) override {
    if (name == failpoint_) _exit(kChildCrashed);
  }

 private:
  std::string failpoint_;
};

LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() != 2) return kChildBadUsage;
  auto lock = MakeTestLock(args[0], args[1]);
  Status s = lock->Acquire(Timeout::NonBlocking());
  if (!s.ok()) {
    ChildSay("error " + s.ToString());
    return kChildFailed;
  }
  ChildSay("acquired");
  std::optional<std::string> line = ChildReadLine();
  if (!line) return kChildNoParent;
  if (*line != "release") return kChildBadUsage;
  Status r = lock->Release();
  ChildSay(r.ok() ? "released" : std::string(KindName(r.kind())));
  return kChildOk;
}

LOCKSTRESS_CHILD_ROLE(crash_at) {
  if (args.size() != 3) return kChildBadUsage;
  CrashAtOs os(args[2]);
  auto lock = MakeTestLock(args[0], args[1], &os);
  Status s = lock->Acquire(Timeout::NonBlocking());
  // Reaching here means the failpoint was not hit.
  ChildSay("survived " + s.ToString());
  return kChildFailed;
}

// --- Checks every polling lock must pass; `impl` names it in the registry.

// A holder in a child process excludes us; after SIGKILL its lock is stale
// (still held) until BreakLock, after which we acquire.
inline void CheckChildHolderThenStaleUntilBreak(const std::string& impl,
                                                const std::string& path) {
  ChildProcess child = ChildProcess::Start("hold", {impl, path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  auto me = MakeTestLock(impl, path);
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(*me->IsLocked());
  EXPECT_FALSE(*me->IAmLocking());
  Status not_mine = me->Release();
  EXPECT_EQ(not_mine.kind(), ErrorKind::kNotMyLock) << not_mine.ToString();

  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);
  // Stale: nobody clears a dead holder's lock (no stale_recovery).
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(me->Acquire(Timeout::After(std::chrono::milliseconds(60))).kind(),
            ErrorKind::kLockTimeout);
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(60));
  EXPECT_LT(waited, std::chrono::milliseconds(60) + std::chrono::seconds(2));
  EXPECT_TRUE(*me->IsLocked());

  ASSERT_TRUE(me->BreakLock().ok());
  EXPECT_FALSE(*me->IsLocked());
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*me->IAmLocking());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_FALSE(*me->IsLocked());
}

// The former holder's release after a break: NotLocked when the lock is
// free, NotMyLock when it was retaken (and the new lock stays intact).
// Nothing is left in `dir` afterwards.
inline void CheckReleaseAfterBreak(const std::string& impl, const TempDir& dir,
                                   const std::string& path) {
  {
    ChildProcess child = ChildProcess::Start("hold", {impl, path});
    ASSERT_EQ(child.ReadLine(), "acquired");
    auto breaker = MakeTestLock(impl, path);
    ASSERT_TRUE(breaker->BreakLock().ok());
    ASSERT_TRUE(child.WriteLine("release"));
    EXPECT_EQ(child.ReadLine(), "NotLocked");
    EXPECT_EQ(child.Wait(), kChildOk);
  }
  {
    ChildProcess child = ChildProcess::Start("hold", {impl, path});
    ASSERT_EQ(child.ReadLine(), "acquired");
    auto taker = MakeTestLock(impl, path);
    ASSERT_TRUE(taker->BreakLock().ok());
    ASSERT_TRUE(taker->Acquire(Timeout::NonBlocking()).ok());
    ASSERT_TRUE(child.WriteLine("release"));
    EXPECT_EQ(child.ReadLine(), "NotMyLock");
    EXPECT_EQ(child.Wait(), kChildOk);
    EXPECT_TRUE(*taker->IAmLocking());  // untouched by the failed release
    EXPECT_TRUE(taker->Release().ok());
  }
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// A symlink planted at the lock path, pointing at a victim file: acquire
// fails with `expected` and the victim keeps its content and size.
inline void CheckPlantedSymlinkRefused(const std::string& impl,
                                       const TempDir& dir,
                                       const std::string& path,
                                       const std::string& lock_path,
                                       ErrorKind expected) {
  const std::string victim = dir.File("victim");
  const std::string precious = "precious data, do not truncate\n";
  ASSERT_TRUE(WriteFile(victim, precious));
  ASSERT_EQ(::symlink(victim.c_str(), lock_path.c_str()), 0);
  auto before = ListDir(dir.path());
  auto lock = MakeTestLock(impl, path);
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), expected) << s.ToString();
  EXPECT_EQ(ReadFileOrMissing(victim), precious);
  struct stat st {};
  ASSERT_EQ(::stat(victim.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(precious.size()));
  EXPECT_EQ(ListDir(dir.path()), before);
  // Breaking removes the symlink itself, never its target.
  ASSERT_TRUE(lock->BreakLock().ok());
  EXPECT_EQ(ReadFileOrMissing(victim), precious);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(ReadFileOrMissing(victim), precious);
}

// A failed (busy) acquire leaves the directory exactly as it was.
inline void CheckBusyAcquireLeavesNothing(const std::string& impl,
                                          const TempDir& dir,
                                          const std::string& path) {
  auto holder = HoldInThread(impl, path);
  ASSERT_NE(holder, nullptr);
  auto before = ListDir(dir.path());
  auto other = MakeTestLock(impl, path);
  EXPECT_EQ(other->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(
      other->Acquire(Timeout::After(std::chrono::milliseconds(20))).kind(),
      ErrorKind::kLockTimeout);
  EXPECT_EQ(ListDir(dir.path()), before);
  EXPECT_TRUE(holder->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// Objects in two threads exclude each other, and a waiter is woken by the
// release (well before its deadline). Nothing is left in `dir` afterwards.
inline void CheckThreadsExclude(const std::string& impl, const TempDir& dir,
                                const std::string& path) {
  auto holder = HoldInThread(impl, path);
  ASSERT_NE(holder, nullptr);
  Status busy;
  std::thread contender([&] {
    auto lock = MakeTestLock(impl, path);
    busy = lock->Acquire(Timeout::NonBlocking());
  });
  contender.join();
  EXPECT_EQ(busy.kind(), ErrorKind::kAlreadyLocked);

  // A short exclusivity run: threads take turns; the counter must never see
  // two holders.
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> failures{0};
  ASSERT_TRUE(holder->Release().ok());
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&] {
      auto lock = MakeTestLock(impl, path);
      for (int i = 0; i < 10; ++i) {
        if (!lock->Acquire(Timeout::After(std::chrono::seconds(10))).ok()) {
          ++failures;
          return;
        }
        if (inside.fetch_add(1) != 0) ++overlaps;
        std::this_thread::yield();
        inside.fetch_sub(1);
        if (!lock->Release().ok()) ++failures;
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// Two objects of one owner (thread or process) are one owner, as in
// lockfile: the second "acquires" the first one's lock, and the first
// release frees it for both.
inline void CheckTwoObjectsOfOneOwnerAreOneOwner(const std::string& impl,
                                                 const TempDir& dir,
                                                 const std::string& path) {
  auto a = MakeTestLock(impl, path);
  auto b = MakeTestLock(impl, path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*b->IAmLocking());
  EXPECT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(a->Release().ok());
  EXPECT_EQ(b->Release().kind(), ErrorKind::kNotLocked);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// A missing directory: LockFailed naming the path and the cause.
inline void CheckMissingDirectory(const std::string& impl, const TempDir& dir) {
  const std::string path = dir.File("no-such-dir/x");
  auto lock = MakeTestLock(impl, path);
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find("no-such-dir"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(s.sys_errno(), ENOENT) << s.ToString();
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_POLLING_LOCK_TEST_HELPER_H_
