// Tests of WaitInKernel with real lock calls, real processes and real
// signals.
//
// Handshake of the raw holder (raw_hold KIND PATH):
//   parent                        child
//     | -- start --------------> |
//     |                          | flock / F_SETLK / F_OFD_SETLK
//     | <------ "held" --------- |
//     | -- "release" ----------> |
//     |                          | unlock
//     | <------ "released" ----- |
//     | <------ exit 0 --------- |
#include "impls/core/kernel_wait.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "impls/testing/child_process.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct flock WholeFile(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  return fl;
}

// Takes (nonblocking) or drops a lock of `kind` on fd; 0 or -1.
int RawLock(const std::string& kind, int fd, bool lock) {
  if (kind == "flock") return ::flock(fd, lock ? LOCK_EX | LOCK_NB : LOCK_UN);
  struct flock fl = WholeFile(lock ? F_WRLCK : F_UNLCK);
  return ::fcntl(fd, kind == "posix" ? F_SETLK : F_OFD_SETLK, &fl);
}

// The blocking call WaitInKernel runs for `kind`.
std::function<int()> BlockingCall(const std::string& kind, int fd) {
  return [kind, fd] {
    if (kind == "flock") return ::flock(fd, LOCK_EX);
    struct flock fl = WholeFile(F_WRLCK);
    return ::fcntl(fd, kind == "posix" ? F_SETLKW : F_OFD_SETLKW, &fl);
  };
}

LOCKSTRESS_CHILD_ROLE(raw_hold) {
  if (args.size() != 2) return kChildBadUsage;
  int fd = ::open(args[1].c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || RawLock(args[0], fd, true) != 0) return kChildFailed;
  ChildSay("held");
  if (ChildReadLine() != "release") return kChildNoParent;
  if (RawLock(args[0], fd, false) != 0) return kChildFailed;
  ChildSay("released");
  return kChildOk;
}

int OpenFile(const std::string& path) {
  return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

// Whether /proc/locks shows a blocked waiter ("->") on path's inode.
bool KernelShowsWaiter(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::ifstream in("/proc/locks");
  std::string line;
  const std::string suffix = ":" + std::to_string(st.st_ino);
  while (std::getline(in, line)) {
    if (line.find("->") == std::string::npos) continue;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      if (word.size() > suffix.size() &&
          word.compare(word.size() - suffix.size(), suffix.size(), suffix) ==
              0) {
        return true;
      }
    }
  }
  return false;
}

// Bounded wait for the kernel to list our waiter (not a sleep-based
// handshake: it polls the condition, with a deadline).
bool AwaitWaiter(const std::string& path) {
  auto deadline = Clock::now() + kHandshake;
  while (Clock::now() < deadline) {
    if (KernelShowsWaiter(path)) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return false;
}

class KernelWaitTest : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelWaitTest, TimedWaitOnChildHeldLockTimesOutNotEarlier) {
  TempDir dir;
  const std::string path = dir.File("lock");
  ChildProcess child = ChildProcess::Start("raw_hold", {GetParam(), path});
  ASSERT_EQ(child.ReadLine(), "held");
  int fd = OpenFile(path);
  ASSERT_GE(fd, 0);
  constexpr milliseconds kWait(300);
  auto t0 = Clock::now();
  Status s = WaitInKernel(BlockingCall(GetParam(), fd), Deadline(t0 + kWait),
                          path, GetParam());
  auto waited = Clock::now() - t0;
  EXPECT_EQ(s.kind(), ErrorKind::kLockTimeout) << s.ToString();
  EXPECT_NE(s.message().find("after waiting 0."), std::string::npos)
      << s.message();
  EXPECT_GE(waited, kWait);
  EXPECT_LT(waited, kWait + std::chrono::seconds(2));
  ::close(fd);
  ASSERT_TRUE(child.WriteLine("release"));
  EXPECT_EQ(child.ReadLine(), "released");
  EXPECT_EQ(child.Wait(), kChildOk);
}

TEST_P(KernelWaitTest, WaitReturnsWhenChildReleases) {
  for (bool forever : {true, false}) {
    SCOPED_TRACE(forever ? "Deadline::Never" : "finite deadline");
    TempDir dir;
    const std::string path = dir.File("lock");
    ChildProcess child = ChildProcess::Start("raw_hold", {GetParam(), path});
    ASSERT_EQ(child.ReadLine(), "held");
    int fd = OpenFile(path);
    ASSERT_GE(fd, 0);
    Deadline deadline =
        forever ? Deadline::Never() : Deadline(Clock::now() + kHandshake * 2);
    auto result = std::async(std::launch::async, [&] {
      return WaitInKernel(BlockingCall(GetParam(), fd), deadline, path,
                          GetParam());
    });
    ASSERT_TRUE(AwaitWaiter(path)) << "the wait never reached the kernel";
    EXPECT_EQ(result.wait_for(milliseconds(0)), std::future_status::timeout);
    ASSERT_TRUE(child.WriteLine("release"));
    EXPECT_EQ(child.ReadLine(), "released");
    ASSERT_EQ(result.wait_for(kHandshake), std::future_status::ready);
    Status s = result.get();
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(child.Wait(), kChildOk);
    ::close(fd);
  }
}

INSTANTIATE_TEST_SUITE_P(Calls, KernelWaitTest,
                         ::testing::Values("flock", "posix", "ofd"));

// The race: the timer may fire just before the call enters the kernel.
// Without the periodic re-fire one of these iterations blocks for ever.
// flock and OFD locks conflict between two opens of one process, so the
// holder can be in-process here.
TEST(KernelWaitRaceTest, ShortDeadlinesNeverHang) {
  for (std::string kind : {"flock", "ofd"}) {
    SCOPED_TRACE(kind);
    TempDir dir;
    const std::string path = dir.File("lock");
    int holder = OpenFile(path);
    ASSERT_EQ(RawLock(kind, holder, true), 0);
    constexpr int kThreads = 4;
    constexpr int kRounds = 150;
    std::atomic<int> timeouts{0};
    std::atomic<int> others{0};
    std::vector<std::future<void>> workers;
    for (int t = 0; t < kThreads; ++t) {
      workers.push_back(std::async(std::launch::async, [&, t] {
        int fd = OpenFile(path);
        for (int i = 0; i < kRounds; ++i) {
          // 0 (already passed), then 1..3 ms.
          auto d = std::chrono::microseconds((i + t) % 4 * 1000);
          Status s = WaitInKernel(BlockingCall(kind, fd),
                                  Deadline(Clock::now() + d), path, kind);
          ++(s.kind() == ErrorKind::kLockTimeout ? timeouts : others);
        }
        ::close(fd);
      }));
    }
    bool hung = false;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    for (auto& w : workers) {
      if (w.wait_until(deadline) != std::future_status::ready) hung = true;
    }
    // Free a stuck waiter so the test can end, then report.
    ::close(holder);
    EXPECT_FALSE(hung) << "a timed wait blocked past its deadline";
    EXPECT_EQ(timeouts.load(), kThreads * kRounds);
    EXPECT_EQ(others.load(), 0);
  }
}

TEST(KernelWaitSignalTest, BlockedSignalStillTimesOutAndMaskIsRestored) {
  TempDir dir;
  const std::string path = dir.File("lock");
  int holder = OpenFile(path);
  ASSERT_EQ(::flock(holder, LOCK_EX), 0);
  auto result = std::async(std::launch::async, [&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, KernelWaitSignal());
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    int fd = OpenFile(path);
    Status s =
        WaitInKernel(BlockingCall("flock", fd),
                     Deadline(Clock::now() + milliseconds(50)), path, "flock");
    ::close(fd);
    sigset_t mask, pending;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    sigpending(&pending);
    bool ok = s.kind() == ErrorKind::kLockTimeout &&
              sigismember(&mask, KernelWaitSignal()) == 1 &&
              sigismember(&pending, KernelWaitSignal()) == 0;
    return ok;
  });
  bool ready = result.wait_for(kHandshake) == std::future_status::ready;
  ::close(holder);
  ASSERT_TRUE(ready) << "a thread blocking the signal waited for ever";
  EXPECT_TRUE(result.get());
}

void NoOp(int) {}

// EINTR from another signal before the deadline is retried, not a timeout.
TEST(KernelWaitSignalTest, OtherSignalsBeforeTheDeadlineAreRetried) {
  struct sigaction sa {};
  sa.sa_handler = NoOp;  // no SA_RESTART: the wait sees EINTR
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  TempDir dir;
  const std::string path = dir.File("lock");
  int holder = OpenFile(path);
  ASSERT_EQ(::flock(holder, LOCK_EX), 0);
  int fd = OpenFile(path);
  std::promise<pthread_t> waiter_id;
  constexpr milliseconds kWait(400);
  auto t0 = Clock::now();
  auto result = std::async(std::launch::async, [&] {
    waiter_id.set_value(pthread_self());
    return WaitInKernel(BlockingCall("flock", fd), Deadline(t0 + kWait), path,
                        "flock");
  });
  pthread_t waiter = waiter_id.get_future().get();
  // Pacing, not synchronisation: interrupt the wait repeatedly while the
  // deadline has not come.
  while (result.wait_for(milliseconds(10)) == std::future_status::timeout &&
         Clock::now() < t0 + kWait - milliseconds(50)) {
    pthread_kill(waiter, SIGUSR1);
  }
  ASSERT_EQ(result.wait_for(kHandshake), std::future_status::ready);
  auto waited = Clock::now() - t0;
  Status s = result.get();
  EXPECT_EQ(s.kind(), ErrorKind::kLockTimeout) << s.ToString();
  EXPECT_GE(waited, kWait);
  ::close(fd);
  ::close(holder);
  sigaction(SIGUSR1, &old, nullptr);
}

TEST(KernelWaitErrorTest, FailuresAreLockFailedWithTheCall) {
  for (Deadline d : {Deadline::Never(), Deadline(Clock::now() + kHandshake)}) {
    Status s =
        WaitInKernel([] { return ::flock(-1, LOCK_EX); }, d, "/x", "flock");
    EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
    EXPECT_EQ(s.syscall(), "flock");
    EXPECT_EQ(s.sys_errno(), EBADF);
    EXPECT_EQ(s.path(), "/x");
  }
}

TEST(KernelWaitErrorTest, FreeLockSucceedsEvenAfterTheDeadline) {
  TempDir dir;
  int fd = OpenFile(dir.File("lock"));
  Status s = WaitInKernel(BlockingCall("flock", fd),
                          Deadline(Clock::now() - milliseconds(5)),
                          dir.File("lock"), "flock");
  EXPECT_TRUE(s.ok()) << s.ToString();
  ::close(fd);
}

}  // namespace
}  // namespace lockstress::testing
