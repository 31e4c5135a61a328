#include "impls/core/lock_path_state.h"

#include <cerrno>

#include "impls/core/lock_files.h"

namespace lockstress {

StatusOr<bool> LockEntryExists(Os& os, const std::string& path,
                               struct stat* st) {
  struct stat ignored {};
  if (os.Lstat(path.c_str(), st != nullptr ? st : &ignored) == 0) return true;
  if (errno == ENOENT) return false;
  return LockPathError(ErrorKind::kError, "lstat", path, errno);
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

Status RemoveOwnerThenLock(Os& os, const std::string& owner_file,
                           std::string_view failpoint,
                           const std::string& lock_path,
                           bool lock_is_directory) {
  if (os.Unlink(owner_file.c_str()) != 0) {
    return LockPathError(ErrorKind::kUnlockError, "unlink", owner_file, errno);
  }
  os.Failpoint(failpoint);
  int r = lock_is_directory ? os.Rmdir(lock_path.c_str())
                            : os.Unlink(lock_path.c_str());
  if (r != 0 && errno != ENOENT) {
    return LockPathError(ErrorKind::kUnlockError,
                         lock_is_directory ? "rmdir" : "unlink", lock_path,
                         errno);
  }
  return Status::Ok();
}

Status UnlinkLockEntry(Os& os, const std::string& lock_path) {
  if (os.Unlink(lock_path.c_str()) != 0 && errno != ENOENT) {
    return LockPathError(ErrorKind::kError, "unlink", lock_path, errno);
  }
  return Status::Ok();
}

}  // namespace lockstress
