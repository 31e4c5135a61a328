// rw: a reader/writer lock on all of PATH with OFD locks.
//
// Model: fasteners' InterProcessReaderWriterLock (acquire_read_lock /
//   acquire_write_lock), the shared lock lockfile's docs wish they had.
// Mechanism: each object opens PATH (O_RDWR|O_CREAT, never truncated, never
//   followed: lock_files.h). AcquireShared sets F_RDLCK, Acquire sets
//   F_WRLCK, on the whole file with F_OFD_SETLK / F_OFD_SETLKW. Release is
//   F_UNLCK, then close. The file is never deleted.
// Platform facts (fcntl(2), "Open file description locks (non-POSIX)"):
//  - Any number of F_RDLCK locks coexist; an F_WRLCK excludes every other
//    lock. Both conflict across open file descriptions, even of one
//    process, so "threads" holds without a per-process table.
//  - F_RDLCK needs a descriptor open for reading, F_WRLCK one open for
//    writing (else EBADF): hence O_RDWR.
//  - An object does not convert its lock: re-acquiring while holding is the
//    contract's non-reentrant case (lock.h), not an upgrade. (fcntl would
//    convert atomically on the same description, but a blocked upgrade of
//    two readers deadlocks, which the kernel does not detect for OFD locks.)
//  - Writer starvation: Linux grants a read lock while a writer waits, so a
//    stream of overlapping readers can keep a writer out indefinitely.
//  - is_locked asks F_OFD_GETLK for F_WRLCK from a separate read-only
//    descriptor: any read or write lock by anybody conflicts with it.
//  - Every descriptor is O_CLOEXEC (checked by rw_lock_test,
//    NoLockDescriptorLeaksAcrossExec). nfs_safe is false, as for ofd.
// Wait policy: kernel wait (F_OFD_SETLKW); deadline by a per-thread timer
//   signal (kernel_wait.h).
// Process death: the kernel drops the holder's lock, read or write, when
//   its last descriptor closes at exit; `break` is not declared.
#include <cerrno>

#include "impls/core/impl_entries.h"
#include "impls/core/kernel_wait.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"

namespace lockstress {
namespace {

struct flock WholeFile(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // to the end of the file, however it grows
  fl.l_pid = 0;  // required for OFD locks
  return fl;
}

short TypeOf(LockMode mode) {
  return mode == LockMode::kShared ? F_RDLCK : F_WRLCK;
}

// Thread safety: used by its one LockObject, one thread at a time.
class RwMechanism final : public Mechanism {
 public:
  RwMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode mode) override {
    StatusOr<UniqueFd> fd = Open();
    if (!fd.ok()) return fd.status();
    struct flock fl = WholeFile(TypeOf(mode));
    if (os_.FcntlLock(fd->get(), F_OFD_SETLK, &fl) == 0) {
      fd_ = std::move(*fd);
      return TryResult::kAcquired;
    }
    int err = errno;
    if (err == EAGAIN || err == EACCES) return TryResult::kBusy;
    return PosixError(ErrorKind::kLockFailed, "fcntl(F_OFD_SETLK)", path_, err);
  }

  bool WaitsInKernel() const override { return true; }

  Status BlockingAcquire(LockMode mode, const Deadline& deadline) override {
    StatusOr<UniqueFd> fd = Open();
    if (!fd.ok()) return fd.status();
    const int raw = fd->get();
    Status s = WaitInKernel(
        [&] {
          struct flock fl = WholeFile(TypeOf(mode));
          return os_.FcntlLock(raw, F_OFD_SETLKW, &fl);
        },
        deadline, path_, "fcntl(F_OFD_SETLKW)");
    if (s.ok()) fd_ = std::move(*fd);
    return s;
  }

  Status Release() override {
    Status s;
    struct flock fl = WholeFile(F_UNLCK);
    if (os_.FcntlLock(fd_.get(), F_OFD_SETLK, &fl) != 0) {
      s = PosixError(ErrorKind::kUnlockError, "fcntl(F_OFD_SETLK)", path_,
                     errno, "F_UNLCK failed; closing the descriptor drops it");
    }
    os_.Failpoint("rw/after_unlock_before_close");
    fd_.reset();
    return s;
  }

  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    StatusOr<UniqueFd> probe =
        OpenLockFile(os_, path_, O_RDONLY, ErrorKind::kError);
    if (!probe.ok()) {
      if (probe.status().sys_errno() == ENOENT) return false;
      return probe.status();
    }
    // Asking for F_WRLCK reports any lock, read or write.
    struct flock fl = WholeFile(F_WRLCK);
    if (os_.FcntlLock(probe->get(), F_OFD_GETLK, &fl) != 0) {
      return PosixError(ErrorKind::kError, "fcntl(F_OFD_GETLK)", path_, errno);
    }
    return fl.l_type != F_UNLCK;
  }

  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }

  Status Break() override {
    return Status(ErrorKind::kUnsupported, path_,
                  "an OFD lock cannot be broken from outside its holder");
  }

 private:
  StatusOr<UniqueFd> Open() {
    StatusOr<UniqueFd> fd = OpenLockFile(os_, path_, O_RDWR | O_CREAT);
    if (fd.ok()) os_.Failpoint("rw/after_open");
    return fd;
  }

  Os& os_;
  const std::string path_;
  UniqueFd fd_;  // open and locked while the object holds the lock
};

const ImplInfo& RwInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "rw",
      .model = "fasteners.InterProcessReaderWriterLock",
      .mechanism =
          "F_OFD_SETLK(W) F_RDLCK (shared) or F_WRLCK on all of "
          "PATH, one open file per object",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kShared,
                   Feature::kThreads, Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy = "kernel wait; deadline by a per-thread timer signal",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"rw/after_open", "rw/after_unlock_before_close"},
  };
  return *info;
}

}  // namespace

ImplEntry RwLockEntry() {
  return {RwInfo(), [](const LockOptions& options) {
            return MakeLockObject<RwMechanism>(RwInfo(), options, options.path);
          }};
}

}  // namespace lockstress
