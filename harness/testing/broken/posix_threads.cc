// BUG posix_threads: raw POSIX record locks (fcntl F_SETLK, F_WRLCK over the
// whole file), one descriptor per lock object and NO per-process table,
// while declaring `threads`. POSIX record locks belong to the PROCESS
// (fcntl(2), "Advisory record locking": a process cannot conflict with its
// own locks, and F_SETLK by a second descriptor of the same process simply
// succeeds). So two threads of one driver both "get" the lock, and the
// first one to release (or close its descriptor) drops it for both.
// Correct POSIX-lock libraries keep a per-process table (SQLite's
// unixInodeInfo, LevelDB's PosixLockTable) and exclude threads themselves.
//
// Must be caught by: mutual_exclusion (handles of one adapter that declares
// threads overlap). Scenario: scenarios/conformance/exclusion_threads.toml.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "harness/testing/broken/broken_locks.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"

namespace lockstress::broken {
namespace {

class PosixThreadsMechanism final : public Mechanism {
 public:
  PosixThreadsMechanism(const LockOptions& /*options*/,
                        const std::string& lock_path)
      : lock_path_(lock_path) {}
  ~PosixThreadsMechanism() override {
    if (fd_ >= 0) ::close(fd_);  // drops every lock of this process, too
  }

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    if (Status s = Open(ErrorKind::kLockFailed); !s.ok()) return s;
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd_, F_SETLK, &fl) == 0) return TryResult::kAcquired;
    if (errno == EAGAIN || errno == EACCES) return TryResult::kBusy;
    return PosixError(ErrorKind::kLockFailed, "fcntl(F_SETLK)", lock_path_,
                      errno);
  }

  Status Release() override {
    struct flock fl = {};
    fl.l_type = F_UNLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd_, F_SETLK, &fl) != 0) {
      return PosixError(ErrorKind::kUnlockError, "fcntl(F_UNLCK)", lock_path_,
                        errno);
    }
    return Status::Ok();
  }

  // F_GETLK sees only other processes' locks; our own hold is bookkeeping.
  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    if (Status s = Open(ErrorKind::kError); !s.ok()) return s;
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd_, F_GETLK, &fl) != 0) {
      return PosixError(ErrorKind::kError, "fcntl(F_GETLK)", lock_path_, errno);
    }
    return fl.l_type != F_UNLCK;
  }
  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }
  Status Break() override {
    return Status(ErrorKind::kUnsupported, lock_path_, "no break");
  }

 private:
  Status Open(ErrorKind kind) {
    if (fd_ >= 0) return Status::Ok();
    fd_ =
        ::open(lock_path_.c_str(), O_RDWR | O_CREAT | kLockFileOpenFlags, 0644);
    if (fd_ < 0) return LockPathError(kind, "open", lock_path_, errno);
    return Status::Ok();
  }

  const std::string lock_path_;
  int fd_ = -1;  // this object's own descriptor: the bug
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-posix_threads",
      .model = "deliberately broken: fcntl record locks, no per-process table",
      .mechanism = "fcntl(F_SETLK) on one descriptor per object",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kThreads},
      .ownership = Ownership::kProcess,
      .wait_policy = "backoff polling (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock PosixThreads() {
  return {"posix_threads",
          "mutual_exclusion",
          "exclusion_threads",
          {Info(), [](const LockOptions& options) {
             return MakeLockObject<PosixThreadsMechanism>(Info(), options,
                                                          options.path);
           }}};
}

}  // namespace lockstress::broken
