// flock: a BSD flock(2) lock on PATH itself, one open file per object.
//
// Model: the flock-based locks of Python's fasteners / filelock /
//   portalocker, and SQLite's unix-flock VFS.
// Mechanism: each object opens PATH (O_RDWR|O_CREAT, never truncated, never
//   followed: lock_files.h) and takes flock(fd, LOCK_EX). Release is
//   LOCK_UN, then close. The file is never deleted: deleting a lock file
//   that others may have open lets two owners lock two different inodes.
//   Open, hold and release are HeldDescriptorMechanism's
//   (impls/core/held_descriptor.h); this file gives it the flock calls.
// Platform facts (flock(2)):
//  - The lock belongs to the open file description. Two objects in one
//    process open PATH separately, so they exclude each other like two
//    processes ("threads" holds without a per-process table). Descriptors
//    shared by dup(2) or fork(2) share the lock, which is why every lock
//    descriptor is O_CLOEXEC: an exec'd child must not keep it (checked by
//    flock_lock_test, NoLockDescriptorLeaksAcrossExec).
//  - The kernel drops the lock when the last descriptor of the open file
//    description is closed, so a holder killed by SIGKILL frees it at once:
//    stale_recovery without break (checked by flock_lock_test,
//    FreedWhenHolderIsKilled). Nothing outside the holder can break it,
//    so `break` is not declared.
//  - flock has no query operation. is_locked reads /proc/locks (proc(5),
//    proc_locks.h), never probes by taking the lock.
//  - NFS: since Linux 2.6.12 flock on NFS is emulated with fcntl byte-range
//    locks on the whole file, so it then conflicts with fcntl locks and
//    behaves like them; on FUSE and SMB mounts it may be local to the
//    client. Hence nfs_safe is false.
// Wait policy: kernel wait (flock without LOCK_NB); a finite deadline is
//   kept by a per-thread timer signal (kernel_wait.h).
// Process death: the kernel releases the lock when the holder's descriptor
//   is closed at exit, whatever killed it.
#include <sys/file.h>

#include <cerrno>

#include "impls/core/held_descriptor.h"
#include "impls/core/impl_entries.h"
#include "impls/core/lock_object.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

// Thread safety: used by its one LockObject, one thread at a time.
class FlockMechanism final : public HeldDescriptorMechanism {
 public:
  FlockMechanism(const LockOptions& options, const std::string& lock_path)
      : HeldDescriptorMechanism(
            options, lock_path,
            {.lock_call = "flock",
             .wait_call = "flock",
             .unlock_detail = "LOCK_UN failed; closing the descriptor drops it",
             .after_open = "flock/after_open",
             .after_unlock = "flock/after_unlock_before_close",
             .break_refusal =
                 "a flock lock cannot be broken from outside its holder"}) {}

  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    return FlockHeldOn(os(), path());
  }

 protected:
  int LockNow(int fd, LockMode /*mode*/) override {
    return os().Flock(fd, LOCK_EX | LOCK_NB);
  }
  int LockWaiting(int fd, LockMode /*mode*/) override {
    return os().Flock(fd, LOCK_EX);
  }
  int Unlock(int fd) override { return os().Flock(fd, LOCK_UN); }
  bool IsBusy(int err) const override { return err == EWOULDBLOCK; }
};

const ImplInfo& FlockInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "flock",
      .model = "flock(2) locks (fasteners, filelock, SQLite unix-flock)",
      .mechanism = "flock(LOCK_EX) on PATH, one open file per object",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kThreads,
                   Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy = "kernel wait; deadline by a per-thread timer signal",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"flock/after_open", "flock/after_unlock_before_close"},
  };
  return *info;
}

}  // namespace

ImplEntry FlockLockEntry() {
  return WithStaleRecordFile({FlockInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<FlockMechanism>(
                                    FlockInfo(), options, options.path);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
