// rw: a reader/writer lock on all of PATH with OFD locks.
//
// Model: fasteners' InterProcessReaderWriterLock (acquire_read_lock /
//   acquire_write_lock), the shared lock lockfile's docs wish they had.
// Mechanism: each object opens PATH (O_RDWR|O_CREAT, never truncated, never
//   followed: lock_files.h). AcquireShared sets F_RDLCK, Acquire sets
//   F_WRLCK, on the whole file with F_OFD_SETLK / F_OFD_SETLKW. Release is
//   F_UNLCK, then close. The file is never deleted. The code is
//   OfdMechanism (impls/core/ofd_mechanism.h), shared with ofd, with shared
//   mode offered.
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
#include "impls/core/impl_entries.h"
#include "impls/core/lock_object.h"
#include "impls/core/ofd_mechanism.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

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
  return WithStaleRecordFile({RwInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<OfdMechanism>(
                                    RwInfo(), options, options.path, "rw",
                                    /*offers_shared=*/true);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
