// sqlite: lockfile.SQLiteLockFile, made atomic.
//
// Model: lockfile 0.12 SQLiteLockFile(path, threaded=True). A lock is a row
// (lock_file, unique_name) in a table `locks`; lock_file is
// os.path.abspath(path) + ".lock", unique_name is HOSTNAME-TID-PID
// (HOSTNAME-PID without threaded). A row for lock_file means "held". lockfile
// kept one database in a temporary file for all its locks, inserted, then
// looked for rivals and backed off; we put the read and the insert in one
// BEGIN IMMEDIATE transaction, so the check-then-insert is atomic.
//
// Mechanism: one database per directory, DIR/.lockstress-locks.sqlite
// (lock_path() names it), with
//   CREATE TABLE locks(lock_file TEXT NOT NULL, unique_name TEXT NOT NULL)
// keyed by the absolute, lexically normalised PATH.lock. Several locks of
// one directory share the database and are independent rows. Each object
// has its own connection, opened at first use with
// SQLITE_OPEN_READWRITE | CREATE | NOFOLLOW | NOMUTEX:
//   TryAcquire  BEGIN IMMEDIATE; SELECT unique_name WHERE lock_file=?;
//               none: INSERT (lock_file, our unique name); COMMIT: acquired.
//               A row (of any other object): busy, ROLLBACK.
//   Release     in one transaction: no row: NotLocked; another's row:
//               NotMyLock (both left untouched); ours: DELETE it.
//   IsLocked    a row exists. IAmLocking: a row with our unique name exists.
//   Break       DELETE every row of this lock_file.
// The unique name is fixed when the object is made, in the making thread,
// as lockfile fixes it in __init__ (ownership: thread). Two objects made in
// one thread therefore share a name; TryAcquire still treats any existing
// row as busy, so they exclude each other, but after a break_lock the
// first one's Release cannot tell the second one's row from its own.
//
// Platform facts (SQLite 3.40, https://sqlite.org):
//  - SQLITE_OPEN_NOFOLLOW (since 3.31): a symlink at the database path is
//    refused (sqlite3_open_v2). A FIFO there is refused by our own lstat
//    check before the open (SQLite would block reading it).
//  - Concurrency comes from SQLite's file locks on the database (POSIX
//    fcntl byte-range locks; lockingv3.html). BEGIN IMMEDIATE takes the
//    RESERVED lock at once, so two writers cannot both read "no row".
//  - journal_mode=DELETE (rollback journal): WAL needs a shared-memory
//    index (-shm, mmap) that does not work across hosts, and its docs say
//    WAL does not work over a network filesystem (wal.html). DELETE removes
//    the -journal file at each commit: that IN_DELETE in the directory
//    (inotify(7)) wakes polled waiters (WatchDirectory).
//  - synchronous=FULL: a commit is on disk before it returns, so a power
//    loss cannot resurrect or lose a lock row (pragma.html#pragma_synchronous).
//  - A process that dies mid-transaction leaves a hot journal, which the
//    next connection rolls back (atomiccommit.html): a half-made acquire
//    leaves no row.
//  - POSIX advisory locks are unreliable on many NFS implementations
//    (faq.html#q5, "How To Corrupt An SQLite Database File" 2.1): nfs_safe is
//    false.
//  - SQLite's own calls do not go through our Os layer (it has its own VFS
//    syscall table); failpoints still do.
//
// Wait policy: the database's write lock is held only for a few statements,
// so waiting for it is bounded separately with sqlite3_busy_timeout: 100 ms
// in a try, after which the try counts as busy (contention, not failure),
// and 2 s for release and queries, after which SQLITE_BUSY is an error with
// SQLite's message. The
// lock itself is polled by LockObject: back-off 1..max_poll_interval ms,
// woken early by inotify on the directory.
//
// Process death: the holder's row stays: a stale lock until break_lock
// (no stale_recovery), as with lockfile.
//
// Checked by impls/sqlite_lock_test.cc: rows read back with the sqlite3
// API, processes and threads, the stale row of a SIGKILLed holder until
// break, release after a break, two locks sharing one database, symlinks.
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/stale_writer.h"
#include "lockstress/os.h"

namespace lockstress {
namespace {

constexpr char kDatabaseName[] = ".lockstress-locks.sqlite";
constexpr int kBusyTimeoutMs = 2000;
// A try's wait for the database's own write lock (see TryAcquire).
constexpr int kTryBusyTimeoutMs = 100;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// The absolute, lexically normalised PATH.lock (os.path.abspath + ".lock").
std::string LockFileName(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) abs = path;
  return abs.lexically_normal().string() + ".lock";
}

std::string DatabaseFor(const std::string& lock_file_name) {
  return DirectoryOf(lock_file_name) + "/" + kDatabaseName;
}

// An open transaction; rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (db_ != nullptr)
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Committed() { db_ = nullptr; }

 private:
  sqlite3* db_;
};

// Thread safety: used by its one LockObject, one thread at a time; the
// connection is opened NOMUTEX and never shared.
class SqliteMechanism final : public Mechanism {
 public:
  SqliteMechanism(const LockOptions& options, const std::string& db_path,
                  std::string lock_file_name)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        db_path_(db_path),
        lock_file_(std::move(lock_file_name)),
        threaded_(options.threaded),
        unique_name_(UniqueName(os_, threaded_)) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    const ErrorKind kind = ErrorKind::kLockFailed;
    // The owner is the thread that acquires (HOSTNAME-TID-PID), which need
    // not be the thread that made the object: named afresh at each try.
    unique_name_ = UniqueName(os_, threaded_);
    if (Status s = Open(kind); !s.ok()) return s;
    // The database's write lock held by a contender's transaction is
    // contention, not failure: after a short wait it counts as busy, and the
    // LockObject's deadline decides how long to keep trying.
    sqlite3_busy_timeout(db_.get(), kTryBusyTimeoutMs);
    int rc =
        sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return TryResult::kBusy;
    if (rc != SQLITE_OK) return Error("BEGIN IMMEDIATE", kind);
    Transaction txn(db_.get());
    os_.Failpoint("sqlite/after_begin");
    StatusOr<std::optional<std::string>> holder = Holder(kind);
    if (!holder.ok()) return holder.status();
    if (holder->has_value()) return TryResult::kBusy;  // rolled back
    StatusOr<StmtPtr> insert = Prepare(
        "INSERT INTO locks (lock_file, unique_name) VALUES (?1, ?2)", kind);
    if (!insert.ok()) return insert.status();
    sqlite3_bind_text(insert->get(), 1, lock_file_.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insert->get(), 2, unique_name_.c_str(), -1,
                      SQLITE_STATIC);
    if (sqlite3_step(insert->get()) != SQLITE_DONE) {
      return Error("INSERT", kind);
    }
    os_.Failpoint("sqlite/after_insert_before_commit");
    if (Status s = Exec("COMMIT", kind); !s.ok()) return s;
    txn.Committed();
    return TryResult::kAcquired;
  }

  Status Release() override {
    const ErrorKind kind = ErrorKind::kUnlockError;
    if (Status s = Open(kind); !s.ok()) return s;
    if (Status s = Exec("BEGIN IMMEDIATE", kind); !s.ok()) return s;
    Transaction txn(db_.get());
    StatusOr<bool> mine = HasRow(true, kind);
    if (!mine.ok()) return mine.status();
    if (!*mine) {
      StatusOr<bool> any = HasRow(false, kind);
      if (!any.ok()) return any.status();
      if (*any) {
        return Status(ErrorKind::kNotMyLock, db_path_,
                      lock_file_ + " was broken and is held by another owner");
      }
      return Status(ErrorKind::kNotLocked, db_path_,
                    lock_file_ + " was broken and is not held");
    }
    if (Status s = Delete(true, kind); !s.ok()) return s;
    if (Status s = Exec("COMMIT", kind); !s.ok()) return s;
    txn.Committed();
    return Status::Ok();
  }

  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    if (Status s = Open(ErrorKind::kError); !s.ok()) return s;
    return HasRow(false, ErrorKind::kError);
  }

  StatusOr<bool> IAmLocking(bool /*object_holds*/) override {
    if (Status s = Open(ErrorKind::kError); !s.ok()) return s;
    return HasRow(true, ErrorKind::kError);
  }

  Status Break() override {
    if (Status s = Open(ErrorKind::kError); !s.ok()) return s;
    return Delete(false, ErrorKind::kError);
  }

  std::string WatchDirectory() const override { return DirectoryOf(db_path_); }

 private:
  // Opens the connection and makes the table, once.
  Status Open(ErrorKind kind) {
    if (db_ != nullptr) return Status::Ok();
    struct stat st {};
    if (os_.Lstat(db_path_.c_str(), &st) == 0) {
      if (!S_ISREG(st.st_mode)) {
        return Status(kind, db_path_,
                      S_ISLNK(st.st_mode)
                          ? "the lock database is a symbolic link, and lock "
                            "files are never followed"
                          : "the lock database is not a regular file; "
                            "refusing to use it");
      }
    } else if (errno != ENOENT) {
      return LockPathError(kind, "lstat", db_path_, errno);
    } else if (os_.Lstat(DirectoryOf(db_path_).c_str(), &st) != 0) {
      return LockPathError(kind, "open", db_path_, errno);
    } else if (access(DirectoryOf(db_path_).c_str(), W_OK | X_OK) != 0) {
      // SQLite falls back to a read-only open of the missing file and then
      // reports that open's ENOENT; the real cause is the directory.
      return LockPathError(kind, "open", db_path_, errno);
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(db_path_.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK) {
      int err = raw != nullptr ? sqlite3_system_errno(raw) : 0;
      std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : "out of memory";
      if (err != 0) {
        Status why = LockPathError(kind, "open", db_path_, err);
        return Status(kind, db_path_,
                      "sqlite3_open_v2: " + msg + ": " + why.message(), "open",
                      err);
      }
      return Status(kind, db_path_, "sqlite3_open_v2: " + msg);
    }
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
    db_ = std::move(db);
    Status s = Exec(
        "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; "
        "CREATE TABLE IF NOT EXISTS locks (lock_file TEXT NOT NULL, "
        "unique_name TEXT NOT NULL); "
        "CREATE INDEX IF NOT EXISTS locks_by_file ON locks (lock_file)",
        kind, "setting up the lock table (journal_mode, synchronous, schema)");
    if (!s.ok()) db_.reset();  // try again from the start next time
    return s;
  }

  Status Error(std::string_view what, ErrorKind kind) const {
    std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_.get());
    int rc = sqlite3_errcode(db_.get());
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      msg += " (the database stayed locked for the whole " +
             std::to_string(kBusyTimeoutMs) + " ms busy timeout)";
    }
    return Status(kind, db_path_, msg + " [lock " + lock_file_ + "]");
  }

  // Runs `sql`; an error names `what` (the SQL itself by default).
  Status Exec(const char* sql, ErrorKind kind, const char* what = nullptr) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
    sqlite3_free(err);  // sqlite3_errmsg has the same text
    if (rc != SQLITE_OK) return Error(what != nullptr ? what : sql, kind);
    return Status::Ok();
  }

  StatusOr<StmtPtr> Prepare(const char* sql, ErrorKind kind) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      return Error(sql, kind);
    }
    return StmtPtr(raw);
  }

  // The unique name of the row for our lock file, if there is one.
  StatusOr<std::optional<std::string>> Holder(ErrorKind kind) {
    StatusOr<StmtPtr> q = Prepare(
        "SELECT unique_name FROM locks WHERE lock_file = ?1 LIMIT 1", kind);
    if (!q.ok()) return q.status();
    sqlite3_bind_text(q->get(), 1, lock_file_.c_str(), -1, SQLITE_STATIC);
    int rc = sqlite3_step(q->get());
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return Error("SELECT", kind);
    const unsigned char* text = sqlite3_column_text(q->get(), 0);
    return std::optional<std::string>(
        text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }

  // Whether a row for our lock file exists (only ours when `mine`).
  StatusOr<bool> HasRow(bool mine, ErrorKind kind) {
    StatusOr<StmtPtr> q = Prepare(
        mine ? "SELECT 1 FROM locks WHERE lock_file = ?1 AND unique_name = ?2"
             : "SELECT 1 FROM locks WHERE lock_file = ?1",
        kind);
    if (!q.ok()) return q.status();
    sqlite3_bind_text(q->get(), 1, lock_file_.c_str(), -1, SQLITE_STATIC);
    if (mine) {
      sqlite3_bind_text(q->get(), 2, unique_name_.c_str(), -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(q->get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Error("SELECT", kind);
  }

  // Deletes the rows of our lock file (only ours when `mine`).
  Status Delete(bool mine, ErrorKind kind) {
    StatusOr<StmtPtr> q = Prepare(
        mine ? "DELETE FROM locks WHERE lock_file = ?1 AND unique_name = ?2"
             : "DELETE FROM locks WHERE lock_file = ?1",
        kind);
    if (!q.ok()) return q.status();
    sqlite3_bind_text(q->get(), 1, lock_file_.c_str(), -1, SQLITE_STATIC);
    if (mine) {
      sqlite3_bind_text(q->get(), 2, unique_name_.c_str(), -1, SQLITE_STATIC);
    }
    if (sqlite3_step(q->get()) != SQLITE_DONE) return Error("DELETE", kind);
    return Status::Ok();
  }

  Os& os_;
  const std::string db_path_;
  const std::string lock_file_;  // the key: absolute PATH.lock
  const bool threaded_;
  std::string unique_name_;  // HOSTNAME-TID-PID of the last try's thread
  DbPtr db_;                 // opened at first use
};

const ImplInfo& SqliteInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "sqlite",
      .model = "lockfile.SQLiteLockFile",
      .mechanism =
          "a row (PATH.lock, HOSTNAME-TID-PID) in table locks of "
          "DIR/.lockstress-locks.sqlite, inserted in BEGIN IMMEDIATE",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kBreak,
                   Feature::kThreads},
      .ownership = Ownership::kThread,
      .nfs_safe = false,
      .wait_policy =
          "inotify + back-off 1..max_poll_interval ms; the "
          "database's own lock: busy timeout 2 s",
      .failpoints = {"sqlite/after_begin", "sqlite/after_insert_before_commit"},
  };
  return *info;
}

// The owner record is the row's unique_name: rewritten in the database
// (empty, its first half, or bytes that name nobody).
Status SpoilRow(const std::string& path, StaleRecord record) {
  std::string lock_file = LockFileName(path);
  std::string db_path = DatabaseFor(lock_file);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return Status(ErrorKind::kError, db_path,
                  std::string("sqlite3_open_v2: ") + sqlite3_errstr(rc));
  }
  const char* sql =
      record == StaleRecord::kEmpty
          ? "UPDATE locks SET unique_name = '' WHERE lock_file = ?1"
      : record == StaleRecord::kTruncated
          ? "UPDATE locks SET unique_name = substr(unique_name, 1, "
            "length(unique_name) / 2) WHERE lock_file = ?1"
          : "UPDATE locks SET unique_name = X'FFFE00' || 'garbage' "
            "WHERE lock_file = ?1";
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr);
  StmtPtr stmt(st);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(stmt.get(), 1, lock_file.c_str(), -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt.get());
  }
  if (rc != SQLITE_DONE) {
    return Status(
        ErrorKind::kError, db_path,
        std::string("spoiling the lock row: ") + sqlite3_errmsg(db.get()));
  }
  return Status::Ok();
}

}  // namespace

ImplEntry SqliteLockEntry() {
  ImplEntry entry{SqliteInfo(), [](const LockOptions& options) {
                    std::string lock_file = LockFileName(options.path);
                    return MakeLockObject<SqliteMechanism>(
                        SqliteInfo(), options, DatabaseFor(lock_file),
                        lock_file);
                  }};
  entry.write_stale = [make = entry.make](const StaleSeed& seed) {
    return AbandonHeldLock(make, seed, SpoilRow);
  };
  return entry;
}

}  // namespace lockstress
