// BUG query_drops_posix_lock: a POSIX record lock (fcntl F_SETLK) done
// right for threads — a per-process table excludes the threads of one
// process, and the one descriptor is opened only while nobody in the
// process holds the lock — but whose is_locked() opens the lock file, asks
// F_GETLK, and CLOSES that second descriptor. fcntl(2): "If a process closes
// any file descriptor referring to a file, then all of the process's locks
// on that file are released, regardless of the file descriptor(s) on which
// the locks were obtained." So a holder that asks is_locked() silently
// loses its lock, and another process gets in while it still believes it
// holds. (SQLite's "POSIX advisory locks are broken by design".)
//
// Must be caught by: mutual_exclusion. Scenario:
// scenarios/conformance/status_query_keeps_lock.toml (the holder asks
// is_locked, then keeps holding while another process tries), and, by
// chance, status_while_holding.toml.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <set>

#include "harness/testing/broken/broken_locks.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"

namespace lockstress::broken {
namespace {

// Paths held by some object of this process. Guarded by TableMutex().
std::mutex& TableMutex() {
  static auto* mu = new std::mutex;
  return *mu;
}
std::set<std::string>& HeldPaths() {
  static auto* held = new std::set<std::string>;
  return *held;
}

class QueryDropsMechanism final : public Mechanism {
 public:
  QueryDropsMechanism(const LockOptions& /*options*/,
                      const std::string& lock_path)
      : lock_path_(lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    std::lock_guard<std::mutex> lock(TableMutex());
    if (HeldPaths().count(lock_path_) > 0) return TryResult::kBusy;
    int fd =
        ::open(lock_path_.c_str(), O_RDWR | O_CREAT | kLockFileOpenFlags, 0644);
    if (fd < 0) {
      return LockPathError(ErrorKind::kLockFailed, "open", lock_path_, errno);
    }
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &fl) != 0) {
      int err = errno;
      ::close(fd);  // safe: nobody in this process holds a lock on the file
      if (err == EAGAIN || err == EACCES) return TryResult::kBusy;
      return PosixError(ErrorKind::kLockFailed, "fcntl(F_SETLK)", lock_path_,
                        err);
    }
    fd_ = fd;
    HeldPaths().insert(lock_path_);
    return TryResult::kAcquired;
  }

  Status Release() override {
    std::lock_guard<std::mutex> lock(TableMutex());
    HeldPaths().erase(lock_path_);
    ::close(fd_);  // releases the record lock
    fd_ = -1;
    return Status::Ok();
  }

  StatusOr<bool> IsLocked(bool object_holds) override {
    std::lock_guard<std::mutex> lock(TableMutex());
    bool ours = object_holds || HeldPaths().count(lock_path_) > 0;
    int fd = ::open(lock_path_.c_str(), O_RDONLY | kLockFileOpenFlags);
    if (fd < 0) {
      if (errno == ENOENT) return ours;
      return LockPathError(ErrorKind::kError, "open", lock_path_, errno);
    }
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    int rc = ::fcntl(fd, F_GETLK, &fl);
    int err = errno;
    ::close(fd);  // THE BUG: drops this process's lock on the file
    if (rc != 0) {
      return PosixError(ErrorKind::kError, "fcntl(F_GETLK)", lock_path_, err);
    }
    return ours || fl.l_type != F_UNLCK;
  }
  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }
  Status Break() override {
    return Status(ErrorKind::kUnsupported, lock_path_, "no break");
  }

 private:
  const std::string lock_path_;
  int fd_ = -1;  // open only while this object holds
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-query_drops_posix_lock",
      .model = "deliberately broken: is_locked closes a second descriptor",
      .mechanism = "fcntl(F_SETLK) plus a per-process table",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kThreads},
      .ownership = Ownership::kThread,
      .wait_policy = "backoff polling (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock QueryDropsPosixLock() {
  return {"query_drops_posix_lock",
          "mutual_exclusion",
          "status_query_keeps_lock",
          {Info(), [](const LockOptions& options) {
             return MakeLockObject<QueryDropsMechanism>(Info(), options,
                                                        options.path);
           }}};
}

}  // namespace lockstress::broken
