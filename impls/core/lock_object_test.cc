// LockObject: the contract logic of lock.h, over a small real in-process
// mechanism (testing/table_mechanism.h).
#include "impls/core/lock_object.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <thread>

#include "impls/testing/table_mechanism.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const FeatureSet kEverything = {Feature::kBlocking,   Feature::kNonblocking,
                                Feature::kTimeout,    Feature::kIsLocked,
                                Feature::kIAmLocking, Feature::kBreak,
                                Feature::kShared};

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(LockObjectTest, UndeclaredFeaturesAreUnsupported) {
  const ImplInfo info = TableInfo({Feature::kNonblocking});
  Table table;
  auto lock = NewTableLock(info, table);
  Status forever = lock->Acquire(Timeout::Forever());
  EXPECT_EQ(forever.kind(), ErrorKind::kUnsupported) << forever.ToString();
  EXPECT_EQ(forever.path(), "/t/lock");
  EXPECT_NE(forever.message().find("blocking"), std::string::npos);
  EXPECT_EQ(lock->Acquire(Timeout::After(milliseconds(10))).kind(),
            ErrorKind::kUnsupported);
  EXPECT_EQ(lock->AcquireShared(Timeout::NonBlocking()).kind(),
            ErrorKind::kUnsupported);
  EXPECT_EQ(lock->IsLocked().status().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(lock->IAmLocking().status().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(lock->BreakLock().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(table.tries.load(), 0) << "the mechanism was used anyway";
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
}

TEST(LockObjectTest, NonBlockingOnlyWithoutNonblocking) {
  const ImplInfo info = TableInfo({Feature::kBlocking});
  Table table;
  auto lock = NewTableLock(info, table);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kUnsupported);
  EXPECT_TRUE(lock->Acquire(Timeout::Forever()).ok());
}

TEST(LockObjectTest, ReentrantIsCounted) {
  FeatureSet features = kEverything;
  features.add(Feature::kReentrant);
  const ImplInfo info = TableInfo(features);
  Table table;
  auto lock = NewTableLock(info, table);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(lock->Acquire(Timeout::Forever()).ok());
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_NE(table.Owner(), 0) << "released after the first of two acquires";
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(table.Owner(), 0);
  EXPECT_EQ(table.releases.load(), 1);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotLocked);
}

TEST(LockObjectTest, NotReentrantIsASelfContender) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto lock = NewTableLock(info, table);
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  Clock::time_point start = Clock::now();
  Status timed = lock->Acquire(Timeout::After(milliseconds(100)));
  double took = Seconds(start);
  EXPECT_EQ(timed.kind(), ErrorKind::kLockTimeout) << timed.ToString();
  EXPECT_GE(took, 0.1);
  EXPECT_LE(took, 2.1);
  start = Clock::now();
  Status forever = lock->Acquire(Timeout::Forever());
  EXPECT_EQ(forever.kind(), ErrorKind::kLockFailed) << forever.ToString();
  EXPECT_EQ(forever.sys_errno(), EDEADLK);
  EXPECT_LT(Seconds(start), 1.0);
  // Still held exactly once.
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(table.Owner(), 0);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotLocked);
}

TEST(LockObjectTest, ReleaseByNonHolderDecidesNotLockedOrNotMyLock) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  EXPECT_EQ(b->Release().kind(), ErrorKind::kNotLocked);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  Status s = b->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock) << s.ToString();
  EXPECT_EQ(s.path(), "/t/lock");
  EXPECT_NE(table.Owner(), 0) << "a non-holder's Release freed the lock";
  EXPECT_EQ(table.releases.load(), 0);
  EXPECT_TRUE(a->Release().ok());
}

TEST(LockObjectTest, ReleaseAfterBreakReportsTheMechanismsAnswer) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->BreakLock().ok());
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotLocked);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->BreakLock().ok());
  ASSERT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotMyLock);
  EXPECT_TRUE(b->Release().ok());
}

TEST(LockObjectTest, NonBlockingAgainstAHolderIsAlreadyLocked) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  Status s = b->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kAlreadyLocked);
  EXPECT_EQ(s.path(), "/t/lock");
  EXPECT_EQ(table.tries.load(), 2) << "NonBlocking must try exactly once";
}

TEST(LockObjectTest, PollsUntilTheDeadlineThenLockTimeout) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  const int tries_before = table.tries.load();
  Clock::time_point start = Clock::now();
  Status s = b->Acquire(Timeout::After(milliseconds(150)));
  double took = Seconds(start);
  EXPECT_EQ(s.kind(), ErrorKind::kLockTimeout) << s.ToString();
  EXPECT_GE(took, 0.15) << "LockTimeout before the deadline";
  EXPECT_LE(took, 2.15);
  EXPECT_GT(table.tries.load() - tries_before, 2) << "it did not poll";
}

TEST(LockObjectTest, PollingAcquiresOnceFreed) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  const int tries_before = table.tries.load();
  // Frees the lock once b has polled at least twice (bounded by 20 s).
  std::thread releaser([&] {
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(20);
    while (table.tries.load() - tries_before < 2 && Clock::now() < deadline) {
      std::this_thread::yield();
    }
    (void)a->Release();
  });
  Status s = b->Acquire(Timeout::After(std::chrono::seconds(20)));
  releaser.join();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(b->IAmLocking().value());
  EXPECT_TRUE(b->Release().ok());
}

TEST(LockObjectTest, QueriesGoThroughTheMechanism) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  auto a = NewTableLock(info, table);
  auto b = NewTableLock(info, table);
  EXPECT_FALSE(a->IsLocked().value());
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(b->IsLocked().value());
  EXPECT_TRUE(a->IAmLocking().value());
  EXPECT_FALSE(b->IAmLocking().value());
  EXPECT_EQ(a->info().name, "table");
  EXPECT_EQ(a->path(), "/t/lock");
  EXPECT_EQ(a->lock_path(), "/t/lock");
}

TEST(LockObjectTest, DestructorReleases) {
  const ImplInfo info = TableInfo(kEverything);
  Table table;
  {
    auto a = NewTableLock(info, table);
    ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
    EXPECT_NE(table.Owner(), 0);
  }
  EXPECT_EQ(table.Owner(), 0);
  {
    auto idle = NewTableLock(info, table);  // never acquired: no release
  }
  EXPECT_EQ(table.releases.load(), 1);
}

}  // namespace
}  // namespace lockstress::testing
