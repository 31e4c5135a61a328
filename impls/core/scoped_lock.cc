#include "lockstress/scoped_lock.h"

#include <utility>

namespace lockstress {

StatusOr<ScopedLock> ScopedLock::Acquire(Lock& lock, Timeout timeout) {
  Status s = lock.Acquire(timeout);
  if (!s.ok()) return s;
  return ScopedLock(&lock);
}

StatusOr<ScopedLock> ScopedLock::AcquireShared(Lock& lock, Timeout timeout) {
  Status s = lock.AcquireShared(timeout);
  if (!s.ok()) return s;
  return ScopedLock(&lock);
}

ScopedLock& ScopedLock::operator=(ScopedLock&& other) noexcept {
  if (this != &other) {
    if (lock_ != nullptr) (void)lock_->Release();
    lock_ = std::exchange(other.lock_, nullptr);
  }
  return *this;
}

ScopedLock::~ScopedLock() {
  // Ignoring any error: a destructor cannot report it; Release() can.
  if (lock_ != nullptr) (void)lock_->Release();
}

Status ScopedLock::Release() {
  Lock* lock = std::exchange(lock_, nullptr);
  if (lock == nullptr) {
    return Status(ErrorKind::kNotLocked, "", "this guard holds no lock");
  }
  return lock->Release();
}

}  // namespace lockstress
