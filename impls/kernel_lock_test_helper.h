// Test-only helpers shared by the kernel-lock tests (flock, posix, ofd, rw):
// child roles that hold or try a lock, and checks every kernel lock must
// pass. Included by exactly one .cc per test binary.
//
// Handshakes (child_process.h), each step bounded by kHandshake:
//
//   hold IMPL PATH MODE               try IMPL PATH MODE
//   parent            child           parent            child
//     | -- start ------> |              | -- start ------> |
//     |                  | acquire      |                  | acquire(0)
//     | <-- "acquired" - |              | <---- KIND ----- | release if Ok
//     | -- "release" --> |              | <---- exit 0 --- |
//     | <----- KIND ---- | release
//     | -- "exit" -----> |
//     | <---- exit 0 --- |
//
//   exec_probe IMPL PATH   (started while the parent holds the lock)
//   parent                        child
//     | -- start (fork+exec) ---> |
//     | <------- "fds N" -------- | N = descriptors on PATH's inode
//     | release                   |
//     | -- "try" ---------------> | acquire(0)
//     | <------- KIND ----------- |
#ifndef LOCKSTRESS_IMPLS_KERNEL_LOCK_TEST_HELPER_H_
#define LOCKSTRESS_IMPLS_KERNEL_LOCK_TEST_HELPER_H_

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "impls/testing/child_process.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/lock.h"
#include "lockstress/os.h"
#include "lockstress/registry.h"

namespace lockstress::testing {

inline std::unique_ptr<Lock> NewLock(const std::string& impl,
                                     const std::string& path) {
  LockOptions options;
  options.path = path;
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  if (!lock.ok() || *lock == nullptr) return nullptr;
  return std::move(*lock);
}

inline Status AcquireIn(Lock& lock, const std::string& mode, Timeout t) {
  return mode == "sh" ? lock.AcquireShared(t) : lock.Acquire(t);
}

inline std::string Kind(const Status& s) {
  return std::string(KindName(s.kind()));
}

// Descriptors of this process open on the inode of `path`.
inline int DescriptorsOn(const std::string& path) {
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return 0;
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int dir_fd = ::dirfd(dir);
  while (struct dirent* d = ::readdir(dir)) {
    if (d->d_name[0] == '.') continue;
    int fd = std::atoi(d->d_name);
    if (fd == dir_fd) continue;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_dev == target.st_dev &&
        st.st_ino == target.st_ino) {
      ++count;
    }
  }
  ::closedir(dir);
  return count;
}

LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() != 3) return kChildBadUsage;
  std::unique_ptr<Lock> lock = NewLock(args[0], args[1]);
  if (lock == nullptr) return kChildBadUsage;
  Status s = AcquireIn(*lock, args[2], Timeout::Forever());
  ChildSay(s.ok() ? "acquired" : "error " + s.ToString());
  if (!s.ok()) return kChildFailed;
  for (;;) {
    std::optional<std::string> line = ChildReadLine();
    if (!line) return kChildNoParent;
    if (*line == "release") ChildSay(Kind(lock->Release()));
    if (*line == "exit") return kChildOk;
  }
}

LOCKSTRESS_CHILD_ROLE(try) {
  if (args.size() != 3) return kChildBadUsage;
  std::unique_ptr<Lock> lock = NewLock(args[0], args[1]);
  if (lock == nullptr) return kChildBadUsage;
  Status s = AcquireIn(*lock, args[2], Timeout::NonBlocking());
  ChildSay(Kind(s));
  if (s.ok()) (void)lock->Release();
  return kChildOk;
}

LOCKSTRESS_CHILD_ROLE(exec_probe) {
  if (args.size() != 2) return kChildBadUsage;
  ChildSay("fds " + std::to_string(DescriptorsOn(args[1])));
  std::optional<std::string> line = ChildReadLine();
  if (line != "try") return kChildNoParent;
  std::unique_ptr<Lock> lock = NewLock(args[0], args[1]);
  if (lock == nullptr) return kChildBadUsage;
  Status s = lock->Acquire(Timeout::NonBlocking());
  ChildSay(Kind(s));
  return kChildOk;
}

// A child that holds the lock until told to release.
inline ChildProcess HoldInChild(const std::string& impl,
                                const std::string& path,
                                const std::string& mode = "ex") {
  ChildProcess child = ChildProcess::Start("hold", {impl, path, mode});
  EXPECT_EQ(child.ReadLine(), "acquired");
  return child;
}

// The kind a fresh object in a fresh process gets from a non-blocking try.
inline std::string TryInChild(const std::string& impl, const std::string& path,
                              const std::string& mode = "ex") {
  ChildProcess child = ChildProcess::Start("try", {impl, path, mode});
  std::optional<std::string> kind = child.ReadLine();
  EXPECT_EQ(child.Wait(), kChildOk);
  return kind.value_or("<no answer>");
}

inline void ReleaseChild(ChildProcess& child) {
  ASSERT_TRUE(child.WriteLine("release"));
  EXPECT_EQ(child.ReadLine(), "Ok");
  ASSERT_TRUE(child.WriteLine("exit"));
  EXPECT_EQ(child.Wait(), kChildOk);
}

// What every kernel lock declares: `features`, open-file ownership, not
// NFS-safe, and `failpoints` in order.
inline void CheckDeclares(const std::string& impl, const std::string& features,
                          const std::vector<std::string>& failpoints) {
  const ImplEntry* entry = FindImpl(impl);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->info.features.ToString(), features);
  EXPECT_EQ(entry->info.ownership, Ownership::kOpenFile);
  EXPECT_FALSE(entry->info.nfs_safe);
  EXPECT_EQ(entry->info.failpoints, failpoints);
}

// A second object of this process is a contender like another process,
// and nobody can break the holder's lock.
inline void CheckTwoObjectsOfOneProcessExclude(const std::string& impl) {
  TempDir dir;
  std::unique_ptr<Lock> a = NewLock(impl, dir.File("lock"));
  std::unique_ptr<Lock> b = NewLock(impl, dir.File("lock"));
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

// A path in a missing directory: LockFailed naming the path, timed or not;
// not locked, and nothing left behind.
inline void CheckBadPathIsLockFailed(const std::string& impl) {
  TempDir dir;
  std::unique_ptr<Lock> lock = NewLock(impl, dir.File("missing/lock"));
  Status s = lock->Acquire(Timeout::After(std::chrono::seconds(1)));
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(dir.File("missing/lock")), std::string::npos);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kLockFailed);
  EXPECT_EQ(lock->IsLocked().value(), false);
  EXPECT_TRUE(ListDir(dir.path()).empty());
}

// Objects in threads exclude each other: never two inside at once.
inline void CheckThreadsExclude(const std::string& impl) {
  TempDir dir;
  const std::string path = dir.File("lock");
  constexpr int kThreads = 4;
  constexpr int kRounds = 60;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> entered{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Lock> lock = NewLock(impl, path);
      if (lock == nullptr) {
        ++failures;
        return;
      }
      for (int i = 0; i < kRounds; ++i) {
        // Mix the three waits: blocking, timed, and non-blocking retries.
        Status s;
        switch ((t + i) % 3) {
          case 0:
            s = lock->Acquire(Timeout::Forever());
            break;
          case 1:
            s = lock->Acquire(Timeout::After(std::chrono::seconds(60)));
            break;
          default:
            while ((s = lock->Acquire(Timeout::NonBlocking())).kind() ==
                   ErrorKind::kAlreadyLocked) {
              std::this_thread::yield();
            }
        }
        if (!s.ok()) {
          ++failures;
          continue;
        }
        if (inside.fetch_add(1) != 0) ++overlaps;
        ++entered;
        std::this_thread::yield();
        inside.fetch_sub(1);
        if (!lock->Release().ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(entered.load(), kThreads * kRounds);
}

// A child holds; the parent sees it held, times out no earlier than asked.
inline void CheckChildHolderExcludes(const std::string& impl) {
  TempDir dir;
  const std::string path = dir.File("lock");
  ChildProcess child = HoldInChild(impl, path);
  std::unique_ptr<Lock> lock = NewLock(impl, path);
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->IsLocked().value(), true);
  EXPECT_EQ(lock->IAmLocking().value(), false);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotMyLock);
  constexpr auto kWait = std::chrono::milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  Status s = lock->Acquire(Timeout::After(kWait));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(s.kind(), ErrorKind::kLockTimeout) << s.ToString();
  EXPECT_GE(waited, kWait);
  EXPECT_LT(waited, kWait + std::chrono::seconds(2));
  // A blocking acquire returns once the child releases.
  auto acquired = std::async(std::launch::async,
                             [&] { return lock->Acquire(Timeout::Forever()); });
  ReleaseChild(child);
  ASSERT_EQ(acquired.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(acquired.get().ok());
  EXPECT_EQ(lock->IAmLocking().value(), true);
  EXPECT_EQ(TryInChild(impl, path), "AlreadyLocked");
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(lock->IsLocked().value(), false);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotLocked);
  EXPECT_EQ(TryInChild(impl, path), "Ok");
}

// The kernel frees the lock of a SIGKILLed holder within the stale bound,
// without break.
inline void CheckFreedWhenHolderIsKilled(const std::string& impl) {
  TempDir dir;
  const std::string path = dir.File("lock");
  ChildProcess child = HoldInChild(impl, path);
  std::unique_ptr<Lock> lock = NewLock(impl, path);
  ASSERT_NE(lock, nullptr);
  ASSERT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = std::chrono::steady_clock::now();
  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);
  const auto bound = lock->info().stale_bound;
  Status s = lock->Acquire(Timeout::After(bound + std::chrono::seconds(2)));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0,
            bound + std::chrono::seconds(2));
  EXPECT_TRUE(lock->Release().ok());
}

// A child exec'd while we hold the lock has no descriptor of the lock file
// (O_CLOEXEC) and can take the lock once we release it.
inline void CheckNoLockDescriptorLeaksAcrossExec(const std::string& impl) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> lock = NewLock(impl, path);
  ASSERT_NE(lock, nullptr);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_GE(DescriptorsOn(path), 1);  // the probe below can see descriptors
  ChildProcess child = ChildProcess::Start("exec_probe", {impl, path});
  EXPECT_EQ(child.ReadLine(), "fds 0");
  ASSERT_TRUE(lock->Release().ok());
  ASSERT_TRUE(child.WriteLine("try"));
  EXPECT_EQ(child.ReadLine(), "Ok");
  EXPECT_EQ(child.Wait(), kChildOk);
}

// Records the failpoints an implementation passes, in order.
class FailpointRecorder : public OsWrapper {
 public:
  FailpointRecorder() : OsWrapper(&Os::Default()) {}
  void Failpoint(std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.emplace_back(name);
  }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> seen_;  // guarded by mu_
};

// Every declared failpoint is passed, in the declared order, by one
// acquire (non-blocking, then timed) and release.
inline void CheckFailpointsArePassed(const std::string& impl) {
  TempDir dir;
  FailpointRecorder os;
  LockOptions options;
  options.path = dir.File("lock");
  options.os = &os;
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  ASSERT_TRUE(lock.ok());
  const std::vector<std::string>& declared = (*lock)->info().failpoints;
  ASSERT_TRUE((*lock)->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE((*lock)->Release().ok());
  EXPECT_EQ(os.seen(), declared);
  ASSERT_TRUE((*lock)->Acquire(Timeout::After(std::chrono::seconds(1))).ok());
  ASSERT_TRUE((*lock)->Release().ok());
  std::vector<std::string> twice = declared;
  twice.insert(twice.end(), declared.begin(), declared.end());
  EXPECT_EQ(os.seen(), twice);
}

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_KERNEL_LOCK_TEST_HELPER_H_
