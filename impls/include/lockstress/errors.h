// The exception form of the API, mirroring lockfile's hierarchy:
//
//   Error
//   +-- LockError            +-- UnlockError
//   |   +-- AlreadyLocked    |   +-- NotLocked
//   |   +-- LockTimeout      |   +-- NotMyLock
//   |   +-- LockFailed       |
//   +-- UnsupportedError
//
// Each exception carries the Status it was made from (path, syscall, errno).
// The no-throw form (Lock, Status) is what the harness's hot loops use.
#ifndef LOCKSTRESS_ERRORS_H_
#define LOCKSTRESS_ERRORS_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lockstress/lock.h"
#include "lockstress/status.h"

namespace lockstress {

class Error : public std::runtime_error {
 public:
  explicit Error(Status status);
  const Status& status() const { return status_; }

 private:
  Status status_;
};

class LockError : public Error {
 public:
  using Error::Error;
};
class AlreadyLocked : public LockError {
 public:
  using LockError::LockError;
};
class LockTimeout : public LockError {
 public:
  using LockError::LockError;
};
class LockFailed : public LockError {
 public:
  using LockError::LockError;
};
class UnlockError : public Error {
 public:
  using Error::Error;
};
class NotLocked : public UnlockError {
 public:
  using UnlockError::UnlockError;
};
class NotMyLock : public UnlockError {
 public:
  using UnlockError::UnlockError;
};
class UnsupportedError : public Error {
 public:
  using Error::Error;
};

// Throws the exception that matches status.kind(). Requires !status.ok().
[[noreturn]] void ThrowStatus(const Status& status);
inline void ThrowIfError(const Status& status) {
  if (!status.ok()) ThrowStatus(status);
}
template <typename T>
T ValueOrThrow(StatusOr<T> v) {
  if (!v.ok()) ThrowStatus(v.status());
  return std::move(v).value();
}

// lockfile's FileLock, in C++: the same object and methods, throwing.
//   LockFile lock("link", "/var/spool/mail/me");
//   lock.Acquire(Timeout::After(std::chrono::seconds(60)));
class LockFile {
 public:
  // Throws LockFailed for an unknown implementation name.
  LockFile(std::string_view impl, LockOptions options);
  LockFile(std::string_view impl, std::string path);
  explicit LockFile(std::unique_ptr<Lock> lock);

  void Acquire(Timeout timeout = Timeout::Forever()) {
    ThrowIfError(lock_->Acquire(timeout));
  }
  void AcquireShared(Timeout timeout = Timeout::Forever()) {
    ThrowIfError(lock_->AcquireShared(timeout));
  }
  void Release() { ThrowIfError(lock_->Release()); }
  bool IsLocked() { return ValueOrThrow(lock_->IsLocked()); }
  bool IAmLocking() { return ValueOrThrow(lock_->IAmLocking()); }
  void BreakLock() { ThrowIfError(lock_->BreakLock()); }
  const std::string& path() const { return lock_->path(); }
  Lock& lock() { return *lock_; }

 private:
  std::unique_ptr<Lock> lock_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_ERRORS_H_
