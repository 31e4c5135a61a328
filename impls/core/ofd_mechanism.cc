#include "impls/core/ofd_mechanism.h"

#include <cerrno>

#include "impls/core/lock_files.h"
#include "impls/core/whole_file_lock.h"

namespace lockstress {

OfdMechanism::OfdMechanism(const LockOptions& options,
                           const std::string& lock_path,
                           const std::string& name, bool offers_shared)
    : HeldDescriptorMechanism(
          options, lock_path,
          {.lock_call = "fcntl(F_OFD_SETLK)",
           .wait_call = "fcntl(F_OFD_SETLKW)",
           .unlock_detail = "F_UNLCK failed; closing the descriptor drops it",
           .after_open = name + "/after_open",
           .after_unlock = name + "/after_unlock_before_close",
           .break_refusal =
               "an OFD lock cannot be broken from outside its holder"}),
      offers_shared_(offers_shared) {}

short OfdMechanism::TypeOf(LockMode mode) const {
  return offers_shared_ && mode == LockMode::kShared ? F_RDLCK : F_WRLCK;
}

int OfdMechanism::LockNow(int fd, LockMode mode) {
  struct flock fl = WholeFileLock(TypeOf(mode));
  return os().FcntlLock(fd, F_OFD_SETLK, &fl);
}

int OfdMechanism::LockWaiting(int fd, LockMode mode) {
  struct flock fl = WholeFileLock(TypeOf(mode));
  return os().FcntlLock(fd, F_OFD_SETLKW, &fl);
}

int OfdMechanism::Unlock(int fd) {
  struct flock fl = WholeFileLock(F_UNLCK);
  return os().FcntlLock(fd, F_OFD_SETLK, &fl);
}

bool OfdMechanism::IsBusy(int err) const {
  return err == EAGAIN || err == EACCES;
}

StatusOr<bool> OfdMechanism::IsLocked(bool object_holds) {
  if (object_holds) return true;
  StatusOr<UniqueFd> probe =
      OpenLockFile(os(), path(), O_RDONLY, ErrorKind::kError);
  if (!probe.ok()) {
    if (probe.status().sys_errno() == ENOENT) return false;
    return probe.status();
  }
  // Asking for F_WRLCK reports any lock, read or write.
  struct flock fl = WholeFileLock(F_WRLCK);
  if (os().FcntlLock(probe->get(), F_OFD_GETLK, &fl) != 0) {
    return PosixError(ErrorKind::kError, "fcntl(F_OFD_GETLK)", path(), errno);
  }
  return fl.l_type != F_UNLCK;
}

}  // namespace lockstress
