// HeldDescriptorMechanism: a lock that lives on one open file description.
//
// The pattern shared by flock (flock_lock.cc), ofd and rw (ofd_mechanism.h):
// each object opens PATH itself (O_RDWR|O_CREAT, never truncated, never
// followed: lock_files.h), takes the kernel lock on that descriptor and
// keeps the descriptor open while it holds. Release is "unlock, then close".
// The file is never deleted.
//
// Platform facts this code depends on:
//  - flock(2) and fcntl(2) F_OFD_SETLK locks belong to the open file
//    description, so two objects of one process exclude each other like two
//    processes, and the lock is dropped when the last descriptor of the
//    description is closed: closing after a failed unlock still frees it,
//    and the kernel frees it when the holder dies.
//  - The blocking calls (flock without LOCK_NB, F_OFD_SETLKW) take no
//    timeout; a finite deadline is kept by WaitInKernel (kernel_wait.h).
//  - Such a lock cannot be removed by anybody but its holder, so Break is
//    Unsupported and IAmLocking is the object's own bookkeeping.
//
// Thread safety: a Mechanism, used by its one LockObject, one thread at a
// time.
#ifndef LOCKSTRESS_IMPLS_CORE_HELD_DESCRIPTOR_H_
#define LOCKSTRESS_IMPLS_CORE_HELD_DESCRIPTOR_H_

#include <string>
#include <string_view>

#include "impls/core/mechanism.h"
#include "impls/core/unique_fd.h"
#include "lockstress/lock.h"
#include "lockstress/os.h"

namespace lockstress {

class HeldDescriptorMechanism : public Mechanism {
 public:
  // What errors and failpoints are called.
  struct Names {
    std::string lock_call;      // named in try and unlock errors: "flock"
    std::string wait_call;      // named in blocking errors
    std::string unlock_detail;  // said when the unlock call fails
    std::string after_open;     // failpoint after each open of PATH
    std::string after_unlock;   // failpoint between unlock and close
    std::string break_refusal;  // why Break is Unsupported
  };

  HeldDescriptorMechanism(const LockOptions& options,
                          const std::string& lock_path, Names names);

  StatusOr<TryResult> TryAcquire(LockMode mode) final;
  bool WaitsInKernel() const final { return true; }
  Status BlockingAcquire(LockMode mode, const Deadline& deadline) final;
  Status Release() final;
  StatusOr<bool> IAmLocking(bool object_holds) final { return object_holds; }
  Status Break() final;

 protected:
  // The kernel calls on `fd`, through os(): 0, or -1 with errno set.
  virtual int LockNow(int fd, LockMode mode) = 0;      // never sleeps
  virtual int LockWaiting(int fd, LockMode mode) = 0;  // sleeps until granted
  virtual int Unlock(int fd) = 0;
  // Whether LockNow's errno means "held by another owner".
  virtual bool IsBusy(int err) const = 0;

  Os& os() const { return os_; }
  const std::string& path() const { return path_; }

 private:
  StatusOr<UniqueFd> Open();

  Os& os_;
  const std::string path_;
  const Names names_;
  UniqueFd fd_;  // open and locked while the object holds the lock
};

// Whether anybody holds a flock(2) lock on `path` (false when it does not
// exist). flock has no query operation, so this reads /proc/locks
// (proc_locks.h) and never probes by taking the lock.
StatusOr<bool> FlockHeldOn(Os& os, const std::string& path);

// flock(LOCK_UN) on `fd`, then closes it: closing drops the lock even when
// LOCK_UN failed (whose error, UnlockError naming `path`, is returned).
// `failpoint` is passed between the unlock and the close.
Status FlockUnlockAndClose(Os& os, UniqueFd& fd, const std::string& path,
                           std::string_view failpoint);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_HELD_DESCRIPTOR_H_
