// The raw system-call sequences (subjects.h lists them): the physical limit
// each implementation is built on, measured by the same workloads.
//
// Platform facts:
//  - flock(2) and OFD locks (fcntl(2), F_OFD_SETLKW) belong to the open
//    file description: each contender opens its own, so threads exclude
//    each other too.
//  - POSIX record locks (F_SETLKW) belong to the process: threads of one
//    process never conflict, so raw-fcntl is only measured with processes.
//  - O_EXCL, link(2), mkdir(2) fail with EEXIST when the name exists: the
//    try is atomic on a local filesystem, and a busy try is retried after
//    sched_yield() (these mechanisms have no way to wait).
//  - link(2): success is confirmed by stat() of the unique file showing
//    st_nlink == 2, as lockfile's LinkLockFile does (the return value of
//    link over NFS can lie).
//  - SQLite: SQLITE_BUSY when another connection writes; the row's INSERT
//    fails with SQLITE_CONSTRAINT when the row is there (the lock is held).
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "impls/core/whole_file_lock.h"
#include "lockstress/bench/cycle.h"
#include "lockstress/bench/subjects.h"

namespace lockstress::bench {
namespace {

Status SysError(const char* call, const std::string& path) {
  int err = errno;
  return Status(ErrorKind::kLockFailed, path, "raw sequence failed", call, err);
}

// open + lock + unlock + close, for flock, POSIX and OFD locks.
class KernelPairCycle final : public Cycle {
 public:
  enum class Kind { kFlock, kFcntl, kOfd };
  KernelPairCycle(Kind kind, std::string path)
      : kind_(kind), path_(std::move(path)) {}
  ~KernelPairCycle() override {
    if (fd_ >= 0) close(fd_);
  }

  Status Acquire() override {
    fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return SysError("open", path_);
    int r;
    do {
      r = Lock();
    } while (r != 0 && errno == EINTR);
    if (r != 0) return SysError("lock", path_);
    return Status::Ok();
  }
  Status Release() override {
    int r = 0;
    if (kind_ == Kind::kFlock) {
      r = flock(fd_, LOCK_UN);
    } else {
      struct flock fl = WholeFileLock(F_UNLCK);
      r = fcntl(fd_, kind_ == Kind::kOfd ? F_OFD_SETLK : F_SETLK, &fl);
    }
    Status s = r == 0 ? Status::Ok() : SysError("unlock", path_);
    close(fd_);
    fd_ = -1;
    return s;
  }

 private:
  int Lock() {
    if (kind_ == Kind::kFlock) return flock(fd_, LOCK_EX);
    struct flock fl = WholeFileLock(F_WRLCK);
    return fcntl(fd_, kind_ == Kind::kOfd ? F_OFD_SETLKW : F_SETLKW, &fl);
  }
  Kind kind_;
  std::string path_;
  int fd_ = -1;
};

// A name-creating try (O_EXCL, link, mkdir) retried after sched_yield.
class NameCycle final : public Cycle {
 public:
  enum class Kind { kExcl, kLink, kMkdir };
  NameCycle(Kind kind, std::string path, std::string unique)
      : kind_(kind), path_(std::move(path)), unique_(std::move(unique)) {}
  ~NameCycle() override {
    if (kind_ == Kind::kLink) unlink(unique_.c_str());
  }

  Status Prepare() {
    if (kind_ != Kind::kLink) return Status::Ok();
    int fd = open(unique_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return SysError("open", unique_);
    close(fd);
    return Status::Ok();
  }
  Status Acquire() override {
    for (;;) {
      int r = Try();
      if (r == 0) return Status::Ok();
      if (errno != EEXIST) return SysError("try", path_);
      sched_yield();
    }
  }
  Status Release() override {
    int r =
        kind_ == Kind::kMkdir ? rmdir(path_.c_str()) : unlink(path_.c_str());
    return r == 0 ? Status::Ok() : SysError("remove", path_);
  }

 private:
  int Try() {
    switch (kind_) {
      case Kind::kExcl: {
        int fd =
            open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) return -1;
        close(fd);
        return 0;
      }
      case Kind::kLink: {
        if (link(unique_.c_str(), path_.c_str()) != 0) return -1;
        struct stat st {};
        if (stat(unique_.c_str(), &st) != 0) return -1;
        if (st.st_nlink != 2) {
          errno = EEXIST;
          return -1;
        }
        return 0;
      }
      case Kind::kMkdir:
      default:
        return mkdir(path_.c_str(), 0755);
    }
  }
  Kind kind_;
  std::string path_, unique_;
};

// One row in a table: INSERT takes, DELETE gives back.
class SqliteCycle final : public Cycle {
 public:
  explicit SqliteCycle(std::string path) : path_(std::move(path)) {}
  ~SqliteCycle() override {
    sqlite3_finalize(insert_);
    sqlite3_finalize(delete_);
    sqlite3_close(db_);
  }
  Status Open() {
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) return Error("open");
    sqlite3_busy_timeout(db_, 2000);
    if (sqlite3_exec(db_,
                     "CREATE TABLE IF NOT EXISTS locks "
                     "(name TEXT PRIMARY KEY, owner TEXT)",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Error("create table");
    }
    if (sqlite3_prepare_v2(db_, "INSERT INTO locks VALUES ('lock', 'me')", -1,
                           &insert_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "DELETE FROM locks WHERE name = 'lock'", -1,
                           &delete_, nullptr) != SQLITE_OK) {
      return Error("prepare");
    }
    return Status::Ok();
  }
  Status Acquire() override {
    for (;;) {
      int rc = Step(insert_);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_CONSTRAINT && rc != SQLITE_BUSY) return Error("insert");
      sched_yield();
    }
  }
  Status Release() override {
    return Step(delete_) == SQLITE_DONE ? Status::Ok() : Error("delete");
  }

 private:
  int Step(sqlite3_stmt* stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc & 0xff;  // primary code
  }
  Status Error(const char* what) {
    return Status(ErrorKind::kLockFailed, path_,
                  std::string(what) + ": " +
                      (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* delete_ = nullptr;
};

class MutexCycle final : public Cycle {
 public:
  explicit MutexCycle(pthread_mutex_t* mu) : mu_(mu) {}
  Status Acquire() override {
    int err = pthread_mutex_lock(mu_);
    return err == 0 ? Status::Ok()
                    : Status(ErrorKind::kLockFailed, "", "pthread_mutex_lock",
                             "pthread_mutex_lock", err);
  }
  Status Release() override {
    pthread_mutex_unlock(mu_);
    return Status::Ok();
  }

 private:
  pthread_mutex_t* mu_;
};

std::string LockPath(const CycleContext& c) { return c.dir + "/raw.lock"; }

CycleFactory Kernel(KernelPairCycle::Kind kind) {
  return [kind](const CycleContext& c) -> StatusOr<std::unique_ptr<Cycle>> {
    return std::unique_ptr<Cycle>(new KernelPairCycle(kind, LockPath(c)));
  };
}

CycleFactory Name(NameCycle::Kind kind) {
  return [kind](const CycleContext& c) -> StatusOr<std::unique_ptr<Cycle>> {
    std::string unique = c.dir + "/raw-unique-" + std::to_string(getpid()) +
                         "-" + std::to_string(gettid());
    auto cycle = std::make_unique<NameCycle>(kind, LockPath(c), unique);
    Status s = cycle->Prepare();
    if (!s.ok()) return s;
    return std::unique_ptr<Cycle>(std::move(cycle));
  };
}

Subject Raw(const std::string& name, bool kernel, CycleFactory make) {
  Subject s;
  s.name = name;
  s.raw = true;
  s.raw_for_threads = name;
  s.raw_for_processes = name;
  s.kernel_lock = kernel;
  s.polling = !kernel && name != "raw-pthread-mutex";
  s.make = std::move(make);
  return s;
}

}  // namespace

std::vector<Subject> RawSubjects() {
  std::vector<Subject> out;
  out.push_back(Raw("raw-flock", true, Kernel(KernelPairCycle::Kind::kFlock)));
  Subject fcntl_raw =
      Raw("raw-fcntl", true, Kernel(KernelPairCycle::Kind::kFcntl));
  fcntl_raw.raw_for_threads.clear();  // threads of a process do not exclude
  out.push_back(std::move(fcntl_raw));
  out.push_back(Raw("raw-ofd", true, Kernel(KernelPairCycle::Kind::kOfd)));
  out.push_back(Raw("raw-excl", false, Name(NameCycle::Kind::kExcl)));
  out.push_back(Raw("raw-link", false, Name(NameCycle::Kind::kLink)));
  out.push_back(Raw("raw-mkdir", false, Name(NameCycle::Kind::kMkdir)));
  out.push_back(
      Raw("raw-sqlite", false,
          [](const CycleContext& c) -> StatusOr<std::unique_ptr<Cycle>> {
            auto cycle = std::make_unique<SqliteCycle>(c.dir + "/raw.sqlite");
            Status s = cycle->Open();
            if (!s.ok()) return s;
            return std::unique_ptr<Cycle>(std::move(cycle));
          }));
  out.push_back(
      Raw("raw-pthread-mutex", false,
          [](const CycleContext& c) -> StatusOr<std::unique_ptr<Cycle>> {
            return std::unique_ptr<Cycle>(new MutexCycle(c.shared_mutex));
          }));
  return out;
}

}  // namespace lockstress::bench
