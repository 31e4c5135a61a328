// posix: a POSIX fcntl record lock (F_SETLK / F_SETLKW) on all of PATH.
//
// Model: the classic fcntl lock of lockf-style code, Python's fcntl.lockf,
//   SQLite's default unix VFS and LevelDB's LockFile, with the per-process
//   inode table both of them need (posix_lock_table.h).
// Mechanism: the process keeps one shared descriptor per inode of PATH
//   (O_RDWR|O_CREAT, never truncated, never followed: lock_files.h). An
//   acquire first becomes the in-process owner of the inode, then sets
//   F_WRLCK on the whole file (l_start 0, l_len 0) through that descriptor.
//   Release clears the lock (F_UNLCK) and gives up the descriptor
//   reference; the descriptor is closed when no object uses the inode.
// POSIX locks are broken by design (SQLite os_unix.c); the truths this file
// is built on (fcntl(2), "Advisory record locking"):
//  - The lock belongs to the PROCESS and the inode, not to a descriptor:
//    "If a process closes any file descriptor referring to a file, then all
//    of the process's locks on that file are released". A second object
//    that opened and closed PATH would free the first object's lock without
//    a word. So objects never close a private descriptor of a locked file:
//    the table owns the only one. A raw ::open + ::close of the file by
//    unrelated code in this process STILL drops the lock; no library can
//    prevent that (checked by posix_lock_test, RawOpenCloseDropsTheLock).
//    For every lockstress object the table prevents it (checked by
//    posix_lock_test, OtherObjectDoesNotDropTheLock).
//  - Locks of one process never conflict with each other: a second F_SETLK
//    by the holder's process succeeds. Exclusion between objects and
//    threads of this process is the table's in-process owner, guarded by a
//    mutex, waited for on a condition variable with the deadline.
//  - F_GETLK never reports the caller's own locks, so is_locked is "an
//    object of this process holds it, or F_GETLK sees another process's".
//  - Locks are not inherited by fork(2); they survive execve(2) only with
//    the descriptor, which is O_CLOEXEC, and in any case the exec'd child
//    is another process that never owns our lock (checked by
//    posix_lock_test, NoLockDescriptorLeaksAcrossExec).
//  - F_SETLKW detects deadlocks between processes and may answer EDEADLK,
//    reported as LockFailed.
//  - NFS: POSIX locks are forwarded to the server (NLM / NFSv4) and are the
//    classic NFS lock, but lost-lock recovery after a server reboot is out
//    of our hands; nfs_safe stays false until a scenario checks it.
// Ownership: the object (open_file), not the process. The kernel lock is
//   the process's, but the table makes objects of one process exclude each
//   other as the contract demands; i_am_locking answers for the object.
// Failpoints: "posix/after_open" fires once the object has a reference to
//   the shared descriptor (opened now, or earlier by another object);
//   "posix/after_unlock_before_close" fires after F_UNLCK, before the
//   reference goes (the descriptor closes only if it was the last one).
// Reentrant: LockObject counts nested holds; the mechanism sees one.
// Wait policy: kernel wait (F_SETLKW) after an in-process condition
//   variable wait; deadline by a per-thread timer signal (kernel_wait.h).
// Process death: the kernel drops every POSIX lock of a process when it
//   exits, so a SIGKILLed holder's lock is free at once; nobody outside
//   can break it, so `break` is not declared.
#include <cerrno>
#include <optional>

#include "impls/core/impl_entries.h"
#include "impls/core/lock_object.h"
#include "impls/core/stale_writer.h"
#include "impls/posix_lock_table.h"

namespace lockstress {
namespace {

// Thread safety: used by its one LockObject, one thread at a time; the
// shared state lives in the thread-safe PosixLockTable.
class PosixMechanism final : public Mechanism {
 public:
  PosixMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    StatusOr<PosixLockTable::Ref> ref = Open();
    if (!ref.ok()) return ref.status();
    StatusOr<TryResult> r = Table().TryLock(*ref, this, path_);
    if (r.ok() && *r == TryResult::kAcquired) held_.emplace(std::move(*ref));
    return r;
  }

  bool WaitsInKernel() const override { return true; }

  Status BlockingAcquire(LockMode /*mode*/, const Deadline& deadline) override {
    StatusOr<PosixLockTable::Ref> ref = Open();
    if (!ref.ok()) return ref.status();
    Status s = Table().WaitLock(*ref, this, deadline, path_);
    if (s.ok()) held_.emplace(std::move(*ref));
    return s;
  }

  Status Release() override {
    if (!held_) {
      return Status(ErrorKind::kNotLocked, path_, "this object holds nothing");
    }
    Status s = Table().Unlock(*held_, this, path_);
    os_.Failpoint("posix/after_unlock_before_close");
    held_.reset();  // closes the shared descriptor if no object uses it
    return s;
  }

  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    StatusOr<PosixLockTable::Ref> ref =
        Table().Open(os_, path_, /*create=*/false, ErrorKind::kError);
    if (!ref.ok()) {
      if (ref.status().sys_errno() == ENOENT) return false;
      return ref.status();
    }
    return Table().IsLocked(*ref, path_);
  }

  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }

  Status Break() override {
    return Status(ErrorKind::kUnsupported, path_,
                  "a POSIX lock cannot be broken from outside its process");
  }

 private:
  static PosixLockTable& Table() { return PosixLockTable::Process(); }

  StatusOr<PosixLockTable::Ref> Open() {
    StatusOr<PosixLockTable::Ref> ref =
        Table().Open(os_, path_, /*create=*/true, ErrorKind::kLockFailed);
    if (ref.ok()) os_.Failpoint("posix/after_open");
    return ref;
  }

  Os& os_;
  const std::string path_;
  std::optional<PosixLockTable::Ref> held_;  // while this object holds it
};

const ImplInfo& PosixInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "posix",
      .model = "POSIX fcntl record locks (lockf, SQLite unix, LevelDB)",
      .mechanism =
          "F_SETLK(W) F_WRLCK on all of PATH through one shared "
          "descriptor per inode and process",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking,
                   Feature::kReentrant, Feature::kThreads,
                   Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy =
          "in-process condition variable, then kernel wait; "
          "deadline by a per-thread timer signal",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"posix/after_open", "posix/after_unlock_before_close"},
  };
  return *info;
}

}  // namespace

ImplEntry PosixLockEntry() {
  return WithStaleRecordFile({PosixInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<PosixMechanism>(
                                    PosixInfo(), options, options.path);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
