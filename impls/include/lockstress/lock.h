// Lock: the one interface every lock implementation is behind.
//
// The contract is written here, once. Implementations document only where
// their model forces a deviation, and say so in their ImplInfo features.
// It follows lockfile's LockBase (see ../shared/seeds/), made precise.
//
// Objects and owners
//   A Lock object names one lock (a path) and is one would-be owner of it.
//   Objects are cheap and do not touch the filesystem until used. One object
//   is not thread-safe: use it from one thread at a time. Separate objects
//   for the same path exclude each other across processes always, and across
//   threads of one process when the implementation declares `threads`.
//   Who counts as the owner (the object, its thread, its process, its host)
//   is ImplInfo::ownership.
//
// Acquire(timeout)
//   Effects: takes the lock exclusively. Timeout::Forever() waits as long as
//     it takes; NonBlocking() tries once; After(d) waits at most d.
//   Returns: OK once the lock is held by this object.
//   Errors:
//     AlreadyLocked  non-blocking, and another owner holds the lock; answered
//                    promptly, without waiting for the holder.
//     LockTimeout    After(d), and the lock stayed held for all of d. Never
//                    answered before d has passed.
//     LockFailed     the lock could not be tried at all: missing or
//                    unwritable directory, a symlink/FIFO/directory where the
//                    lock file should be, a path too long, I/O errors, ...
//                    The message names the path and the cause.
//     Unsupported    the timeout kind is not among the declared features
//                    (blocking / nonblocking / timeout).
//   Re-entry (this object already holds the lock):
//     with `reentrant`: OK; the object now holds it once more, and each
//       acquire is matched by one release.
//     without: the object is a contender against itself: NonBlocking gives
//       AlreadyLocked, After(d) gives LockTimeout after d, and Forever gives
//       LockFailed (EDEADLK) at once instead of hanging for ever.
//   On failure nothing is left behind: no unique files, links, rows.
//
// AcquireShared(timeout)
//   As Acquire, but shared: any number of shared holders together, never
//   together with an exclusive holder. Unsupported without `shared`.
//
// Release()
//   Effects: gives up one hold of the lock held by this object.
//   Errors:
//     NotLocked      nobody holds the lock (also: this object held it, but it
//                    was broken meanwhile and is free now).
//     NotMyLock      another owner holds it (also: broken and retaken).
//     UnlockError    the lock could not be released (I/O error, ...).
//   A failed Release leaves another owner's lock untouched.
//
// IsLocked()
//   Returns true when any owner, this object included, holds the lock.
//   Unsupported without `is_locked`.
// IAmLocking()
//   Returns true when this object's owner (see ownership) holds the lock.
//   Unsupported without `i_am_locking`.
// BreakLock()
//   Effects: removes the lock whoever holds it; a no-op when it is free.
//   Unsupported without `break`. The former holder's next Release answers
//   NotLocked or NotMyLock.
//
// Destruction
//   Destroying an object that holds the lock releases it, best effort
//   (errors are ignored: use Release() to see them). Process exit: kernel
//   locks (flock, fcntl, OFD) are freed by the kernel; file-based locks stay
//   behind as stale locks, unless the implementation declares
//   stale_recovery.
#ifndef LOCKSTRESS_LOCK_H_
#define LOCKSTRESS_LOCK_H_

#include <memory>
#include <string>

#include "lockstress/capabilities.h"
#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress {

class Os;

// How an object is made. Implementations ignore options that do not apply.
struct LockOptions {
  // The path to lock. It need not exist; its directory must.
  std::string path;
  // link, mkdir, sqlite: tell threads apart in the unique name
  // (HOSTNAME-TID-PID), as lockfile's threaded=True. Off: HOSTNAME-PID.
  bool threaded = true;
  // zc: what is written into the lock file; {pid} and {hostname} expand.
  std::string content_template = "{pid}";
  // Polling implementations: the longest sleep between tries.
  std::chrono::milliseconds max_poll_interval{50};
  // The system-call layer (os.h); null means Os::Default(). Not owned; it
  // must outlive the object.
  Os* os = nullptr;
};

class Lock {
 public:
  virtual ~Lock() = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  virtual Status Acquire(Timeout timeout) = 0;
  virtual Status AcquireShared(Timeout timeout) = 0;
  virtual Status Release() = 0;
  virtual StatusOr<bool> IsLocked() = 0;
  virtual StatusOr<bool> IAmLocking() = 0;
  virtual Status BreakLock() = 0;

  // The path given in LockOptions.
  virtual const std::string& path() const = 0;
  // The filesystem object that is the lock: PATH itself, PATH.lock, or the
  // database file.
  virtual const std::string& lock_path() const = 0;
  virtual const ImplInfo& info() const = 0;

 protected:
  Lock() = default;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_LOCK_H_
