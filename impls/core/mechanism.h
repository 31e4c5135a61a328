// Mechanism: the primitive steps of one locking mechanism.
//
// A built-in implementation is a Mechanism wrapped in a LockObject
// (lock_object.h). The LockObject implements the contract of lock.h once for
// all of them: feature checks, re-entry, deadlines, waiting and back-off,
// and the NotLocked / NotMyLock decision. A Mechanism only knows how to try
// its system calls once, and how to undo them.
//
// Thread safety: a Mechanism is used by its one LockObject, one thread at a
// time. Anything shared between objects (per-process tables) must be
// synchronised by the mechanism itself.
#ifndef LOCKSTRESS_IMPLS_CORE_MECHANISM_H_
#define LOCKSTRESS_IMPLS_CORE_MECHANISM_H_

#include <string>

#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress {

enum class LockMode : unsigned char { kExclusive, kShared };

// What a single try found.
enum class TryResult : unsigned char {
  kAcquired,  // this object holds the lock now
  kBusy,      // another owner holds it; nothing of ours was left behind
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;

  // One non-blocking attempt. Errors are LockFailed (bad path, EIO, ...).
  virtual StatusOr<TryResult> TryAcquire(LockMode mode) = 0;

  // Mechanisms that can wait in the kernel (flock, F_SETLKW) return true and
  // implement BlockingAcquire: wait until acquired (OK), until the deadline
  // passes (LockTimeout), or fail (LockFailed). Others are polled by the
  // LockObject with back-off, waking early on WatchDirectory() changes.
  virtual bool WaitsInKernel() const { return false; }
  virtual Status BlockingAcquire(LockMode mode, const Deadline& deadline);

  // Undo a successful acquire. Called only while this object believes it
  // holds the lock. Must detect a lock that was broken meanwhile: NotLocked
  // when it is now free, NotMyLock when somebody else holds it; in both
  // cases it must leave the other owner's lock untouched.
  virtual Status Release() = 0;

  // Whether anybody holds the lock. `object_holds` is the LockObject's
  // bookkeeping, for mechanisms the kernel cannot answer for (a process
  // cannot see its own POSIX locks through F_GETLK).
  virtual StatusOr<bool> IsLocked(bool object_holds) = 0;
  // Whether this object's owner (ImplInfo::ownership) holds the lock.
  virtual StatusOr<bool> IAmLocking(bool object_holds) = 0;
  // Remove anybody's lock.
  virtual Status Break() = 0;

  // The directory whose changes may mean the lock was freed ("" for none):
  // polled waiters watch it with inotify to wake early.
  virtual std::string WatchDirectory() const { return {}; }
  // The entry of WatchDirectory() whose changes may mean the lock was freed
  // ("" for any entry): other entries' events do not wake the waiters.
  virtual std::string WatchName() const { return {}; }

  // Called when the LockObject is destroyed while holding: best effort.
  virtual void ReleaseOnDestroy() { (void)Release(); }
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_MECHANISM_H_
