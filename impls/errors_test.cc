// The exception form: ThrowStatus maps each kind to its class in lockfile's
// hierarchy, and LockFile throws.
#include "lockstress/errors.h"

#include <gtest/gtest.h>

#include "impls/testing/table_mechanism.h"

namespace lockstress {
namespace {

template <typename E>
void ExpectThrowsAs(ErrorKind kind) {
  Status s(kind, "/p/lock", "why");
  try {
    ThrowStatus(s);
    ADD_FAILURE() << KindName(kind) << " did not throw";
  } catch (const E& e) {
    EXPECT_EQ(e.status().kind(), kind);
    EXPECT_EQ(e.status().path(), "/p/lock");
    EXPECT_NE(std::string(e.what()).find("/p/lock"), std::string::npos);
  } catch (...) {
    ADD_FAILURE() << KindName(kind) << " threw the wrong class";
  }
}

TEST(ErrorsTest, EachKindThrowsItsClass) {
  ExpectThrowsAs<AlreadyLocked>(ErrorKind::kAlreadyLocked);
  ExpectThrowsAs<LockTimeout>(ErrorKind::kLockTimeout);
  ExpectThrowsAs<LockFailed>(ErrorKind::kLockFailed);
  ExpectThrowsAs<NotLocked>(ErrorKind::kNotLocked);
  ExpectThrowsAs<NotMyLock>(ErrorKind::kNotMyLock);
  ExpectThrowsAs<UnsupportedError>(ErrorKind::kUnsupported);
}

TEST(ErrorsTest, FamiliesAreCatchableByTheirBase) {
  ExpectThrowsAs<LockError>(ErrorKind::kAlreadyLocked);
  ExpectThrowsAs<LockError>(ErrorKind::kLockTimeout);
  ExpectThrowsAs<LockError>(ErrorKind::kLockFailed);
  ExpectThrowsAs<LockError>(ErrorKind::kLockError);
  ExpectThrowsAs<UnlockError>(ErrorKind::kNotLocked);
  ExpectThrowsAs<UnlockError>(ErrorKind::kNotMyLock);
  ExpectThrowsAs<UnlockError>(ErrorKind::kUnlockError);
  ExpectThrowsAs<Error>(ErrorKind::kError);
  ExpectThrowsAs<Error>(ErrorKind::kUnsupported);
  ExpectThrowsAs<Error>(ErrorKind::kNotMyLock);
}

TEST(ErrorsTest, UnlockKindsAreNotLockErrors) {
  EXPECT_THROW(
      {
        try {
          ThrowStatus(Status(ErrorKind::kNotLocked, "/p", ""));
        } catch (const LockError&) {
          FAIL() << "NotLocked caught as LockError";
        }
      },
      NotLocked);
}

TEST(ErrorsTest, ValueOrThrow) {
  EXPECT_EQ(ValueOrThrow(StatusOr<int>(3)), 3);
  EXPECT_THROW(ValueOrThrow(StatusOr<int>(Status(ErrorKind::kError, "/p", ""))),
               Error);
  EXPECT_NO_THROW(ThrowIfError(Status::Ok()));
}

TEST(LockFileTest, UnknownImplementationThrowsLockFailed) {
  try {
    LockFile lock("no-such-impl", "/tmp/x");
    FAIL() << "no exception";
  } catch (const LockFailed& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-impl"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("null"), std::string::npos)
        << "the known names are listed";
  }
}

TEST(LockFileTest, ThrowsThroughTheLockedObject) {
  const ImplInfo info = testing::TableInfo(
      {Feature::kNonblocking, Feature::kIsLocked, Feature::kIAmLocking});
  testing::Table table;
  LockFile a(testing::NewTableLock(info, table));
  LockFile b(testing::NewTableLock(info, table));
  a.Acquire(Timeout::NonBlocking());
  EXPECT_TRUE(a.IAmLocking());
  EXPECT_TRUE(b.IsLocked());
  EXPECT_THROW(b.Acquire(Timeout::NonBlocking()), AlreadyLocked);
  EXPECT_THROW(b.Release(), NotMyLock);
  EXPECT_THROW(b.BreakLock(), UnsupportedError);
  EXPECT_THROW(b.Acquire(Timeout::Forever()), UnsupportedError);
  a.Release();
  EXPECT_THROW(a.Release(), NotLocked);
  EXPECT_EQ(a.path(), "/t/lock");
}

TEST(LockFileTest, NullByName) {
  LockFile lock("null", "/nonexistent/dir/lock");
  lock.Acquire(Timeout::NonBlocking());
  EXPECT_TRUE(lock.IAmLocking());
  lock.Release();
  EXPECT_THROW(lock.Release(), NotLocked);
}

}  // namespace
}  // namespace lockstress
