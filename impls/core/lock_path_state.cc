#include "impls/core/lock_path_state.h"

#include <cerrno>

#include "impls/core/lock_files.h"

namespace lockstress {

StatusOr<bool> LockEntryExists(Os& os, const std::string& lock_path) {
  struct stat st {};
  if (os.Lstat(lock_path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return LockPathError(ErrorKind::kError, "lstat", lock_path, errno);
}

Status LstatAtRelease(Os& os, const std::string& lock_path, struct stat* st) {
  if (os.Lstat(lock_path.c_str(), st) == 0) return Status::Ok();
  int err = errno;
  if (err == ENOENT) {
    return Status(ErrorKind::kNotLocked, lock_path,
                  "the lock was broken: " + lock_path + " is gone");
  }
  return LockPathError(ErrorKind::kUnlockError, "lstat", lock_path, err);
}

}  // namespace lockstress
