// ScopedLock: releases on destruction, reports through Release(), moves.
#include "lockstress/scoped_lock.h"

#include <gtest/gtest.h>

#include <utility>

#include "impls/testing/table_mechanism.h"
#include "lockstress/registry.h"

namespace lockstress::testing {
namespace {

class ScopedLockTest : public ::testing::Test {
 protected:
  const ImplInfo info_ =
      TableInfo({Feature::kNonblocking, Feature::kBreak, Feature::kShared});
  Table table_;
};

TEST_F(ScopedLockTest, ReleasesOnDestruction) {
  auto lock = NewTableLock(info_, table_);
  {
    auto held = ScopedLock::Acquire(*lock, Timeout::NonBlocking());
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    EXPECT_TRUE(held->owns_lock());
    EXPECT_NE(table_.Owner(), 0);
  }
  EXPECT_EQ(table_.Owner(), 0);
  EXPECT_EQ(table_.releases.load(), 1);
}

TEST_F(ScopedLockTest, FailedAcquireGivesTheStatus) {
  auto a = NewTableLock(info_, table_);
  auto b = NewTableLock(info_, table_);
  auto held = ScopedLock::Acquire(*a, Timeout::NonBlocking());
  ASSERT_TRUE(held.ok());
  auto other = ScopedLock::Acquire(*b, Timeout::NonBlocking());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().kind(), ErrorKind::kAlreadyLocked);
  auto unsupported = ScopedLock::Acquire(*b, Timeout::Forever());
  EXPECT_EQ(unsupported.status().kind(), ErrorKind::kUnsupported);
}

TEST_F(ScopedLockTest, ReleaseReportsAndEmptiesTheGuard) {
  auto a = NewTableLock(info_, table_);
  auto b = NewTableLock(info_, table_);
  auto held = ScopedLock::Acquire(*a, Timeout::NonBlocking());
  ASSERT_TRUE(held.ok());
  // Broken and retaken meanwhile: Release() shows it.
  ASSERT_TRUE(b->BreakLock().ok());
  ASSERT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  Status s = held->Release();
  EXPECT_EQ(s.kind(), ErrorKind::kNotMyLock) << s.ToString();
  EXPECT_FALSE(held->owns_lock());
  EXPECT_EQ(held->Release().kind(), ErrorKind::kNotLocked);
  EXPECT_EQ(table_.Owner(), 2) << "the new holder's lock was touched";
  EXPECT_TRUE(b->Release().ok());
}

TEST_F(ScopedLockTest, MoveTransfersOwnership) {
  auto lock = NewTableLock(info_, table_);
  auto held = ScopedLock::Acquire(*lock, Timeout::NonBlocking());
  ASSERT_TRUE(held.ok());
  ScopedLock first = std::move(held).value();
  ScopedLock second = std::move(first);
  EXPECT_FALSE(first.owns_lock());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(second.owns_lock());
  EXPECT_NE(table_.Owner(), 0);
  EXPECT_TRUE(second.Release().ok());
  EXPECT_EQ(table_.Owner(), 0);
  EXPECT_EQ(table_.releases.load(), 1);
}

TEST_F(ScopedLockTest, MoveAssignmentReleasesTheOldLock) {
  Table other_table;
  auto a = NewTableLock(info_, table_);
  auto b = NewTableLock(info_, other_table);
  auto held_a = ScopedLock::Acquire(*a, Timeout::NonBlocking());
  auto held_b = ScopedLock::Acquire(*b, Timeout::NonBlocking());
  ASSERT_TRUE(held_a.ok() && held_b.ok());
  ScopedLock guard = std::move(held_a).value();
  guard = std::move(held_b).value();
  EXPECT_EQ(table_.Owner(), 0) << "the overwritten guard's lock was kept";
  EXPECT_NE(other_table.Owner(), 0);
  EXPECT_TRUE(guard.Release().ok());
  EXPECT_EQ(other_table.Owner(), 0);
}

TEST_F(ScopedLockTest, SharedGuard) {
  auto lock = NewTableLock(info_, table_);
  {
    auto held = ScopedLock::AcquireShared(*lock, Timeout::NonBlocking());
    ASSERT_TRUE(held.ok()) << held.status().ToString();
  }
  EXPECT_EQ(table_.Owner(), 0);
}

TEST_F(ScopedLockTest, WorksWithTheNullLock) {
  auto lock = MakeLock("null", LockOptions{.path = "/nonexistent/lock"});
  ASSERT_TRUE(lock.ok());
  auto held = ScopedLock::Acquire(**lock, Timeout::NonBlocking());
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE((*lock)->IAmLocking().value());
  EXPECT_TRUE(held->Release().ok());
  EXPECT_FALSE((*lock)->IAmLocking().value());
}

}  // namespace
}  // namespace lockstress::testing
