// Tests of sqlite (impls/sqlite_lock.cc), against a real SQLite database.
//
// Multi-process handshake of the `hold` role:
//
//   parent                         child (hold PATH)
//     | -- start ---------------------> |
//     |                                 | Acquire(NonBlocking)
//     | <---------------- "acquired" -- |
//     | AlreadyLocked, NotMyLock, rows, |
//     |   or SIGKILL the child          |
//     | -- "release" -----------------> |
//     |                                 | Release
//     | <---------------- "released" -- |
//     | <---------------------- exit 0 -|
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "impls/core/lock_files.h"
#include "impls/testing/child_process.h"
#include "impls/testing/lock_roles.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/os.h"
#include "lockstress/registry.h"

namespace lockstress {
namespace {

using std::chrono::milliseconds;
using testing::ChildProcess;
using testing::kChildBadUsage;
using testing::kChildOk;
using testing::kHandshake;
using testing::TempDir;

constexpr char kDb[] = ".lockstress-locks.sqlite";

std::unique_ptr<Lock> Make(const std::string& path) {
  LockOptions options;
  options.path = path;
  return testing::MakeLockOrNull("sqlite", options);
}

using Row = std::pair<std::string, std::string>;  // lock_file, unique_name

// All rows of the lock table, read with our own connection.
std::vector<Row> Rows(const std::string& db_path) {
  std::vector<Row> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << db_path;
    return rows;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT lock_file, unique_name FROM locks "
                         "ORDER BY lock_file",
                         -1, &q, nullptr) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      rows.emplace_back(
          reinterpret_cast<const char*>(sqlite3_column_text(q, 0)),
          reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
    }
  } else {
    ADD_FAILURE() << sqlite3_errmsg(db);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return rows;
}

std::string MyUniqueName() {
  Os& os = Os::Default();
  return HostName(os) + "-" + std::to_string(os.Gettid()) + "-" +
         std::to_string(os.Getpid());
}

LOCKSTRESS_CHILD_ROLE(hold) {
  if (args.size() != 1) return kChildBadUsage;
  std::unique_ptr<Lock> lock = Make(args[0]);
  if (lock == nullptr) return kChildBadUsage;
  return testing::HoldForParent(*lock, " " + MyUniqueName());
}

TEST(SqliteLock, RowIsVisibleToAnotherConnectionAndGoneAfterRelease) {
  TempDir dir;
  std::string path = dir.File("data");
  std::unique_ptr<Lock> lock = Make(path);
  EXPECT_EQ(lock->lock_path(), dir.File(kDb));
  // Objects touch nothing until used.
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(Rows(lock->lock_path()),
            (std::vector<Row>{{path + ".lock", MyUniqueName()}}));
  EXPECT_EQ(lock->IsLocked().value(), true);
  EXPECT_EQ(lock->IAmLocking().value(), true);
  ASSERT_TRUE(lock->Release().ok());
  EXPECT_TRUE(Rows(lock->lock_path()).empty());
  EXPECT_EQ(lock->IsLocked().value(), false);
  EXPECT_EQ(lock->IAmLocking().value(), false);
  // Rollback journal mode: the journal is gone after each commit.
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{kDb});
}

TEST(SqliteLock, HolderInAnotherProcessExcludes) {
  TempDir dir;
  std::string path = dir.File("data");
  ChildProcess child = ChildProcess::Start("hold", {path});
  std::optional<std::string> line = child.ReadLine();
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(line->rfind("acquired ", 0), 0u) << *line;
  std::string child_name = line->substr(9);
  EXPECT_EQ(child_name.substr(child_name.rfind('-') + 1),
            std::to_string(child.pid()));

  std::unique_ptr<Lock> lock = Make(path);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(lock->Acquire(Timeout::After(milliseconds(200))).kind(),
            ErrorKind::kLockTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(200));
  EXPECT_EQ(lock->IsLocked().value(), true);
  EXPECT_EQ(lock->IAmLocking().value(), false);
  EXPECT_EQ(lock->Release().kind(), ErrorKind::kNotMyLock);
  // Failed tries left only the holder's row.
  EXPECT_EQ(Rows(lock->lock_path()),
            (std::vector<Row>{{path + ".lock", child_name}}));

  // A blocked waiter gets it when the holder releases. The row names the
  // thread that acquired, not the one that made the object.
  std::string waiter_name;
  std::future<Status> got = std::async(std::launch::async, [&] {
    waiter_name = MyUniqueName();
    return lock->Acquire(Timeout::After(kHandshake));
  });
  ASSERT_TRUE(child.WriteLine("release"));
  ASSERT_EQ(child.ReadLine(), "released");
  ASSERT_EQ(child.Wait(), kChildOk);
  ASSERT_EQ(got.wait_for(kHandshake), std::future_status::ready);
  EXPECT_TRUE(got.get().ok());
  EXPECT_EQ(Rows(lock->lock_path()),
            (std::vector<Row>{{path + ".lock", waiter_name}}));
  EXPECT_NE(waiter_name, MyUniqueName());
  ASSERT_TRUE(lock->Release().ok());
}

TEST(SqliteLock, ThreadsExcludeEachOther) {
  TempDir dir;
  std::string path = dir.File("data");
  std::unique_ptr<Lock> a = Make(path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  Status nonblocking, release;
  StatusOr<bool> mine = false;
  std::thread t([&] {
    std::unique_ptr<Lock> b = Make(path);  // made here: this thread's name
    nonblocking = b->Acquire(Timeout::NonBlocking());
    mine = b->IAmLocking();
    release = b->Release();
  });
  t.join();
  EXPECT_EQ(nonblocking.kind(), ErrorKind::kAlreadyLocked);
  ASSERT_TRUE(mine.ok());
  EXPECT_FALSE(*mine);
  EXPECT_EQ(release.kind(), ErrorKind::kNotMyLock);
  ASSERT_TRUE(a->Release().ok());
}

TEST(SqliteLock, KilledHolderLeavesAStaleRowUntilBreak) {
  TempDir dir;
  std::string path = dir.File("data");
  ChildProcess child = ChildProcess::Start("hold", {path});
  std::optional<std::string> line = child.ReadLine();
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(line->rfind("acquired ", 0), 0u) << *line;
  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);

  std::unique_ptr<Lock> lock = Make(path);
  EXPECT_EQ(lock->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_EQ(lock->IsLocked().value(), true);
  EXPECT_EQ(Rows(lock->lock_path()).size(), 1u);
  ASSERT_TRUE(lock->BreakLock().ok());
  EXPECT_TRUE(Rows(lock->lock_path()).empty());
  EXPECT_EQ(lock->IsLocked().value(), false);
  EXPECT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(lock->Release().ok());
}

TEST(SqliteLock, BrokenLockReleaseAnswersNotLockedThenNotMyLock) {
  TempDir dir;
  std::string path = dir.File("data");
  std::unique_ptr<Lock> a = Make(path);
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  std::unique_ptr<Lock> breaker = Make(path);
  ASSERT_TRUE(breaker->BreakLock().ok());
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotLocked);

  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(breaker->BreakLock().ok());
  // Retaken by another process: the former holder must not delete its row.
  ChildProcess child = ChildProcess::Start("hold", {path});
  std::optional<std::string> line = child.ReadLine();
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(line->rfind("acquired ", 0), 0u) << *line;
  EXPECT_EQ(a->Release().kind(), ErrorKind::kNotMyLock);
  EXPECT_EQ(Rows(a->lock_path()).size(), 1u);
  ASSERT_TRUE(child.WriteLine("release"));
  ASSERT_EQ(child.ReadLine(), "released");
  ASSERT_EQ(child.Wait(), kChildOk);
}

TEST(SqliteLock, PathsInOneDirectoryShareTheDatabaseButNotTheLock) {
  TempDir dir;
  std::unique_ptr<Lock> a = Make(dir.File("one"));
  std::unique_ptr<Lock> b = Make(dir.File("two"));
  EXPECT_EQ(a->lock_path(), b->lock_path());
  ASSERT_TRUE(a->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(b->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(Rows(a->lock_path()),
            (std::vector<Row>{{dir.File("one.lock"), MyUniqueName()},
                              {dir.File("two.lock"), MyUniqueName()}}));
  ASSERT_TRUE(a->Release().ok());
  EXPECT_EQ(b->IsLocked().value(), true);
  EXPECT_EQ(a->IsLocked().value(), false);
  ASSERT_TRUE(b->Release().ok());
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{kDb});
}

TEST(SqliteLock, SymlinkedDatabaseIsRefused) {
  TempDir dir;
  std::string victim = dir.File("victim");
  ASSERT_EQ(symlink(victim.c_str(), dir.File(kDb).c_str()), 0);
  std::unique_ptr<Lock> lock = Make(dir.File("data"));
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(dir.File(kDb)), std::string::npos)
      << s.ToString();
  EXPECT_NE(access(dir.File(kDb).c_str(), F_OK), 0);  // dangling still
  EXPECT_NE(access(victim.c_str(), F_OK), 0);         // nothing created
}

TEST(SqliteLock, MissingDirectoryIsLockFailedNamingIt) {
  TempDir dir;
  std::unique_ptr<Lock> lock = Make(dir.File("no/such/data"));
  Status s = lock->Acquire(Timeout::NonBlocking());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_NE(s.ToString().find(dir.File("no/such")), std::string::npos)
      << s.ToString();
}

}  // namespace
}  // namespace lockstress
