// ofd: an open-file-description lock (F_OFD_SETLK) on all of PATH.
//
// Model: the fcntl locks Linux added in 3.15 to fix POSIX record locks
//   (used by QEMU's image locking, glibc's recommendation for new code).
// Mechanism: each object opens PATH (O_RDWR|O_CREAT, never truncated, never
//   followed: lock_files.h) and sets F_WRLCK on the whole file (l_start 0,
//   l_len 0 = to EOF and beyond) with F_OFD_SETLK / F_OFD_SETLKW. Release
//   is F_UNLCK, then close. The file is never deleted. The code is
//   OfdMechanism (impls/core/ofd_mechanism.h), shared with rw, without
//   shared mode.
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
#include "impls/core/impl_entries.h"
#include "impls/core/lock_object.h"
#include "impls/core/ofd_mechanism.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

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
  return WithStaleRecordFile({OfdInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<OfdMechanism>(
                                    OfdInfo(), options, options.path, "ofd",
                                    /*offers_shared=*/false);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
