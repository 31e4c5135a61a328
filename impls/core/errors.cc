#include "lockstress/errors.h"

#include <utility>

#include "lockstress/registry.h"

namespace lockstress {

Error::Error(Status status)
    : std::runtime_error(status.ToString()), status_(std::move(status)) {}

void ThrowStatus(const Status& status) {
  switch (status.kind()) {
    case ErrorKind::kAlreadyLocked:
      throw AlreadyLocked(status);
    case ErrorKind::kLockTimeout:
      throw LockTimeout(status);
    case ErrorKind::kLockFailed:
      throw LockFailed(status);
    case ErrorKind::kLockError:
      throw LockError(status);
    case ErrorKind::kNotLocked:
      throw NotLocked(status);
    case ErrorKind::kNotMyLock:
      throw NotMyLock(status);
    case ErrorKind::kUnlockError:
      throw UnlockError(status);
    case ErrorKind::kUnsupported:
      throw UnsupportedError(status);
    default:
      throw Error(status);
  }
}

namespace {
std::unique_ptr<Lock> MakeOrThrow(std::string_view impl,
                                  const LockOptions& options) {
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  if (!lock.ok()) throw LockFailed(lock.status());
  return std::move(lock).value();
}
}  // namespace

LockFile::LockFile(std::string_view impl, LockOptions options)
    : lock_(MakeOrThrow(impl, options)) {}

LockFile::LockFile(std::string_view impl, std::string path)
    : LockFile(impl, LockOptions{.path = std::move(path)}) {}

LockFile::LockFile(std::unique_ptr<Lock> lock) : lock_(std::move(lock)) {}

}  // namespace lockstress
