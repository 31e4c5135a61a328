// Tests of locket (impls/locket_lock.cc).
//
// Multi-process handshake of the `hold` role:
//
//   parent                         child (hold PATH)
//     | -- start ---------------------> |
//     |                                 | Acquire(NonBlocking)
//     | <---------------- "acquired" -- |
//     | timed acquire: LockTimeout      |
//     | -- "release" -----------------> |
//     |                                 | Release
//     | <---------------- "released" -- |
//     | <---------------------- exit 0 -|
//
// Thread handshake (WaiterGetsTheLockWhenTheHolderThreadReleases):
//
//   main (holds with a)          waiter thread (object b)
//     | -- start ---------------------> |
//     |                                 | Acquire(Forever): open, fstat
//     | <------ fstat seen (promise) -- |  (the next step is the wait)
//     | b has not acquired (100 ms)     |
//     | a.Release()                     |
//     | <----------- acquired (future) -|
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "impls/testing/child_process.h"
#include "impls/testing/lock_roles.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/os.h"
#include "lockstress/registry.h"

namespace lockstress {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::ChildProcess;
using testing::kChildBadUsage;
using testing::kChildOk;
using testing::kHandshake;
using testing::TempDir;

std::unique_ptr<Lock> Make(const std::string& path, Os* os = nullptr) {
  LockOptions options;
  options.path = path;
  options.os = os;
  return testing::MakeLockOrNull("locket", options);
}

// Tells when the lock object's thread has reached fstat, the last system
// call before the in-process wait.
class FstatSignal : public OsWrapper {
 public:
  FstatSignal() : OsWrapper(&Os::Default()) {}
  int Fstat(int fd, struct stat* st) override {
    int r = OsWrapper::Fstat(fd, st);
    if (!signalled_.exchange(true)) reached_.set_value();
    return r;
  }
  std::future<void> reached() { return reached_.get_future(); }

 private:
  std::atomic<bool> signalled_{false};
  std::promise<void> reached_;
};

LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() != 1) return kChildBadUsage;
  std::unique_ptr<Lock> lock = Make(args[0]);
  if (lock == nullptr) return kChildBadUsage;
  return testing::HoldForParent(*lock);
}

TEST(LocketLock, IsNotReentrant) {
  TempDir dir;
  std::unique_ptr<Lock> lock = Make(dir.File("x.lock"));
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());

  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);

  auto t0 = steady_clock::now();
  EXPECT_EQ(lock->Acquire(Timeout::After(milliseconds(100))).kind(),
            ErrorKind::kLockTimeout);
  auto waited = steady_clock::now() - t0;
  EXPECT_GE(waited, milliseconds(100));
  EXPECT_LT(waited, milliseconds(100) + std::chrono::seconds(2));

  t0 = steady_clock::now();
  Status forever = lock->Acquire(Timeout::Forever());
  EXPECT_EQ(forever.kind(), ErrorKind::kLockFailed);
  EXPECT_EQ(forever.sys_errno(), EDEADLK) << forever.ToString();
  EXPECT_LT(steady_clock::now() - t0, std::chrono::seconds(2));

  // Still held once: one release frees it.
  ASSERT_TRUE(lock->Release().ok());
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotLocked);
}

TEST(LocketLock, ThreadsExcludeEachOther) {
  TempDir dir;
  std::string path = dir.File("x.lock");
  std::unique_ptr<Lock> a = Make(path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  Status nonblocking, timed;
  milliseconds timed_wait{0};
  std::thread t([&] {
    std::unique_ptr<Lock> b = Make(path);
    nonblocking = b->Acquire(Timeout::NonBlocking());
    auto t0 = steady_clock::now();
    timed = b->Acquire(Timeout::After(milliseconds(150)));
    timed_wait =
        std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0);
  });
  t.join();
  EXPECT_EQ(nonblocking.kind(), ErrorKind::kAlreadyLocked);
  EXPECT_EQ(timed.kind(), ErrorKind::kLockTimeout);
  EXPECT_GE(timed_wait, milliseconds(150));
  // A non-holder's release sees the holder in /proc/locks.
  std::unique_ptr<Lock> c = Make(path);
  EXPECT_EQ(c->Release().kind(), ErrorKind::kNotMyLock);
  ASSERT_TRUE(a->Release().ok());
  EXPECT_EQ(c->Release().kind(), ErrorKind::kNotLocked);
  // The timed-out waiter gave its in-process lock back.
  EXPECT_TRUE(c->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(c->Release().ok());
}

TEST(LocketLock, WaiterGetsTheLockWhenTheHolderThreadReleases) {
  TempDir dir;
  std::string path = dir.File("x.lock");
  std::unique_ptr<Lock> a = Make(path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  FstatSignal os;
  std::future<void> reached = os.reached();
  std::unique_ptr<Lock> b = Make(path, &os);
  std::future<Status> got = std::async(std::launch::async, [&] {
    return b->Acquire(Timeout::After(kHandshake));
  });
  ASSERT_EQ(reached.wait_for(kHandshake), std::future_status::ready);
  // While a holds it, b does not get it.
  ASSERT_EQ(got.wait_for(milliseconds(100)), std::future_status::timeout);
  ASSERT_TRUE(a->Release().ok());
  ASSERT_EQ(got.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(got.get().ok());
  // Now b excludes a.
  EXPECT_EQ(a->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(b->Release().ok());
}

TEST(LocketLock, TimedAcquireAgainstAnotherProcessWaitsTheWholeTimeout) {
  TempDir dir;
  std::string path = dir.File("x.lock");
  ChildProcess child = ChildProcess::Start("hold", {path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  std::unique_ptr<Lock> lock = Make(path);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = steady_clock::now();
  EXPECT_EQ(lock->Acquire(Timeout::After(milliseconds(300))).kind(),
            ErrorKind::kLockTimeout);
  auto waited = steady_clock::now() - t0;
  EXPECT_GE(waited, milliseconds(300));
  EXPECT_LT(waited, milliseconds(300) + std::chrono::seconds(2));
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotMyLock);

  ASSERT_TRUE(child.WriteLine("release"));
  ASSERT_EQ(child.ReadLine(), "released");
  ASSERT_EQ(child.Wait(), kChildOk);
  // The timed-out acquire left no in-process lock behind.
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(lock->Release().ok());
  // The file is kept.
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"x.lock"});
}

TEST(LocketLock, BlockedWaiterGetsTheLockOfAKilledProcess) {
  TempDir dir;
  std::string path = dir.File("x.lock");
  ChildProcess child = ChildProcess::Start("hold", {path});
  ASSERT_EQ(child.ReadLine(), "acquired");
  std::unique_ptr<Lock> lock = Make(path);
  std::future<Status> got = std::async(
      std::launch::async, [&] { return lock->Acquire(Timeout::Forever()); });
  ASSERT_EQ(got.wait_for(milliseconds(100)), std::future_status::timeout);
  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);
  ASSERT_EQ(got.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(got.get().ok());
  ASSERT_TRUE(lock->Release().ok());
}

TEST(LocketLock, TwoSpellingsOfOnePathAreOneLock) {
  TempDir dir;
  std::string path = dir.File("x.lock");
  std::string other = dir.path() + "/./x.lock";
  std::unique_ptr<Lock> a = Make(path);
  std::unique_ptr<Lock> b = Make(other);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(b->Acquire(Timeout::After(milliseconds(60))).kind(),
            ErrorKind::kLockTimeout);
  ASSERT_TRUE(a->Release().ok());
  EXPECT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->Release().ok());
}

TEST(LocketLock, MissingDirectoryIsLockFailedNamingThePath) {
  TempDir dir;
  std::string path = dir.File("no/such/dir/x.lock");
  std::unique_ptr<Lock> lock = Make(path);
  Status s = lock->Acquire(Timeout::After(milliseconds(50)));
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace lockstress
