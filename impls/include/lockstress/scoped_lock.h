// ScopedLock: an RAII guard for a held lock.
//
//   auto held = ScopedLock::Acquire(*lock, Timeout::After(1s));
//   if (!held.ok()) return held.status();
//   ... critical section ...
//   return held->Release();   // or let the destructor release, best effort
//
// Move-only. The destructor cannot report failure, so Release() exists to
// see it; the destructor releases only when Release() was not called.
// Thread safety: none; it belongs to the thread that holds the lock.
#ifndef LOCKSTRESS_SCOPED_LOCK_H_
#define LOCKSTRESS_SCOPED_LOCK_H_

#include "lockstress/lock.h"

namespace lockstress {

class ScopedLock {
 public:
  static StatusOr<ScopedLock> Acquire(Lock& lock,
                                      Timeout timeout = Timeout::Forever());
  static StatusOr<ScopedLock> AcquireShared(
      Lock& lock, Timeout timeout = Timeout::Forever());

  ScopedLock(ScopedLock&& other) noexcept : lock_(other.lock_) {
    other.lock_ = nullptr;
  }
  ScopedLock& operator=(ScopedLock&& other) noexcept;
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;
  ~ScopedLock();

  // Releases now and reports the outcome; afterwards the guard is empty.
  Status Release();
  bool owns_lock() const { return lock_ != nullptr; }

 private:
  explicit ScopedLock(Lock* lock) : lock_(lock) {}
  Lock* lock_;  // not owned; null when empty
};

}  // namespace lockstress

#endif  // LOCKSTRESS_SCOPED_LOCK_H_
