// Tests of the 'rw' implementation: readers together, writers alone.
#include <gtest/gtest.h>

#include "impls/kernel_lock_test_helper.h"

namespace lockstress::testing {
namespace {

constexpr char kImpl[] = "rw";
constexpr std::chrono::milliseconds kShort{200};

TEST(RwLockTest, DeclaresWhatItOffers) {
  CheckDeclares(kImpl,
                "blocking,nonblocking,timeout,is_locked,i_am_locking,shared,"
                "stale_recovery,threads",
                {"rw/after_open", "rw/after_unlock_before_close"});
}

TEST(RwLockTest, TwoReadersTogetherAcrossProcesses) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::unique_ptr<Lock> reader = NewLock(kImpl, path);
  ASSERT_TRUE(reader->AcquireShared(Timeout::NonBlocking()).ok());
  ChildProcess child = HoldInChild(kImpl, path, "sh");  // a second reader
  // And a third, in this process.
  std::unique_ptr<Lock> third = NewLock(kImpl, path);
  EXPECT_TRUE(third->AcquireShared(Timeout::After(kShort)).ok());
  EXPECT_TRUE(third->Release().ok());
  EXPECT_EQ(reader->IsLocked().value(), true);
  ReleaseChild(child);
  EXPECT_TRUE(reader->Release().ok());
  EXPECT_EQ(reader->IsLocked().value(), false);
}

TEST(RwLockTest, WriterExcludedWhileReaderHolds) {
  TempDir dir;
  const std::string path = dir.File("lock");
  ChildProcess child = HoldInChild(kImpl, path, "sh");
  std::unique_ptr<Lock> writer = NewLock(kImpl, path);
  EXPECT_EQ(writer->IsLocked().value(), true);
  EXPECT_EQ(writer->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(writer->Acquire(Timeout::After(kShort)).kind(),
            ErrorKind::kLockTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kShort);
  EXPECT_EQ(TryInChild(kImpl, path, "ex"), "AlreadyLocked");
  EXPECT_EQ(TryInChild(kImpl, path, "sh"), "Ok");
  ReleaseChild(child);
  EXPECT_TRUE(writer->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(writer->Release().ok());
}

TEST(RwLockTest, ReaderExcludedWhileWriterHolds) {
  TempDir dir;
  const std::string path = dir.File("lock");
  ChildProcess child = HoldInChild(kImpl, path, "ex");
  std::unique_ptr<Lock> reader = NewLock(kImpl, path);
  EXPECT_EQ(reader->IsLocked().value(), true);
  EXPECT_EQ(reader->AcquireShared(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(reader->AcquireShared(Timeout::After(kShort)).kind(),
            ErrorKind::kLockTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, kShort);
  EXPECT_EQ(TryInChild(kImpl, path, "sh"), "AlreadyLocked");
  // A blocked reader gets in once the writer goes.
  auto got = std::async(std::launch::async, [&] {
    return reader->AcquireShared(Timeout::Forever());
  });
  ReleaseChild(child);
  ASSERT_EQ(got.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(got.get().ok());
  EXPECT_EQ(TryInChild(kImpl, path, "sh"), "Ok");
  EXPECT_EQ(TryInChild(kImpl, path, "ex"), "AlreadyLocked");
  EXPECT_TRUE(reader->Release().ok());
}

TEST(RwLockTest, ReadersAndWritersInThreads) {
  TempDir dir;
  const std::string path = dir.File("lock");
  std::atomic<int> readers{0};
  std::atomic<int> writers{0};
  std::atomic<int> violations{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Lock> lock = NewLock(kImpl, path);
      const bool write = t % 2 == 0;
      for (int i = 0; i < 50; ++i) {
        Status s = write ? lock->Acquire(Timeout::Forever())
                         : lock->AcquireShared(Timeout::After(kHandshake));
        if (!s.ok()) {
          ++failures;
          continue;
        }
        if (write) {
          if (writers.fetch_add(1) != 0 || readers.load() != 0) ++violations;
        } else {
          readers.fetch_add(1);
          if (writers.load() != 0) ++violations;
        }
        std::this_thread::yield();
        (write ? writers : readers).fetch_sub(1);
        if (!lock->Release().ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(failures.load(), 0);
}

TEST(RwLockTest, FailpointsArePassed) { CheckFailpointsArePassed(kImpl); }

TEST(RwLockTest, ThreadsExclude) { CheckThreadsExclude(kImpl); }

TEST(RwLockTest, ChildHolderExcludes) { CheckChildHolderExcludes(kImpl); }

TEST(RwLockTest, FreedWhenHolderIsKilled) {
  CheckFreedWhenHolderIsKilled(kImpl);
}

TEST(RwLockTest, NoLockDescriptorLeaksAcrossExec) {
  CheckNoLockDescriptorLeaksAcrossExec(kImpl);
}

}  // namespace
}  // namespace lockstress::testing
