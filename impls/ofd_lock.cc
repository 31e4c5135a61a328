// ofd: an open-file-description lock (F_OFD_SETLK) on all of PATH.
//
// Model: the fcntl locks Linux added in 3.15 to fix POSIX record locks
//   (used by QEMU's image locking, glibc's recommendation for new code).
// Mechanism: each object opens PATH (O_RDWR|O_CREAT, never truncated, never
//   followed: lock_files.h) and sets F_WRLCK on the whole file (l_start 0,
//   l_len 0 = to EOF and beyond) with F_OFD_SETLK / F_OFD_SETLKW. Release
//   is F_UNLCK, then close. The file is never deleted.
// Platform facts (fcntl(2), "Open file description locks (non-POSIX)"):
//  - l_pid must be 0, else EINVAL.
//  - The lock belongs to the open file description, not the process: two
//    descriptions of one process conflict (so "threads" holds without a
//    per-process table), closing an unrelated descriptor of the file does
//    not drop it (the POSIX-lock trap; see posix_lock.cc), and it is dropped
//    when the last descriptor of the description is closed.
//  - F_OFD_GETLK reports a conflicting lock held through ANY other open file
//    description, including one of this process; is_locked asks it from a
//    separate read-only descriptor (l_pid comes back -1).
//  - Descriptors inherited over fork or exec share the description and so
//    the lock: every descriptor is O_CLOEXEC (checked by ofd_lock_test,
//    NoLockDescriptorLeaksAcrossExec).
//  - NFS: OFD locks map to NFS byte-range locks like POSIX ones, but this
//    suite has not checked it; nfs_safe is false.
// Wait policy: kernel wait (F_OFD_SETLKW); deadline by a per-thread timer
//   signal (kernel_wait.h).
// Process death: the kernel drops the lock when the holder's last
//   descriptor closes at exit (checked by ofd_lock_test,
//   FreedWhenHolderIsKilled); it cannot be broken from outside, so `break`
//   is not declared.
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

// Thread safety: used by its one LockObject, one thread at a time.
class OfdMechanism final : public Mechanism {
 public:
  OfdMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    StatusOr<UniqueFd> fd = Open();
    if (!fd.ok()) return fd.status();
    struct flock fl = WholeFile(F_WRLCK);
    if (os_.FcntlLock(fd->get(), F_OFD_SETLK, &fl) == 0) {
      fd_ = std::move(*fd);
      return TryResult::kAcquired;
    }
    int err = errno;
    if (err == EAGAIN || err == EACCES) return TryResult::kBusy;
    return PosixError(ErrorKind::kLockFailed, "fcntl(F_OFD_SETLK)", path_, err);
  }

  bool WaitsInKernel() const override { return true; }

  Status BlockingAcquire(LockMode /*mode*/, const Deadline& deadline) override {
    StatusOr<UniqueFd> fd = Open();
    if (!fd.ok()) return fd.status();
    const int raw = fd->get();
    Status s = WaitInKernel(
        [&] {
          struct flock fl = WholeFile(F_WRLCK);
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
    os_.Failpoint("ofd/after_unlock_before_close");
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
    if (fd.ok()) os_.Failpoint("ofd/after_open");
    return fd;
  }

  Os& os_;
  const std::string path_;
  UniqueFd fd_;  // open and locked while the object holds the lock
};

const ImplInfo& OfdInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "ofd",
      .model = "Linux open file description locks (fcntl F_OFD_SETLK)",
      .mechanism =
          "F_OFD_SETLK(W) F_WRLCK on all of PATH, one open file per "
          "object",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kThreads,
                   Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy = "kernel wait; deadline by a per-thread timer signal",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"ofd/after_open", "ofd/after_unlock_before_close"},
  };
  return *info;
}

}  // namespace

ImplEntry OfdLockEntry() {
  return {OfdInfo(), [](const LockOptions& options) {
            return MakeLockObject<OfdMechanism>(OfdInfo(), options,
                                                options.path);
          }};
}

}  // namespace lockstress
