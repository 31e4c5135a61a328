#include "impls/core/held_descriptor.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <utility>
#include <vector>

#include "impls/core/kernel_wait.h"
#include "impls/core/lock_files.h"
#include "impls/core/proc_locks.h"

namespace lockstress {

HeldDescriptorMechanism::HeldDescriptorMechanism(const LockOptions& options,
                                                 const std::string& lock_path,
                                                 Names names)
    : os_(options.os != nullptr ? *options.os : Os::Default()),
      path_(lock_path),
      names_(std::move(names)) {}

StatusOr<TryResult> HeldDescriptorMechanism::TryAcquire(LockMode mode) {
  StatusOr<UniqueFd> fd = Open();
  if (!fd.ok()) return fd.status();
  if (LockNow(fd->get(), mode) == 0) {
    fd_ = std::move(*fd);
    return TryResult::kAcquired;
  }
  int err = errno;
  if (IsBusy(err)) return TryResult::kBusy;  // fd closes here
  return PosixError(ErrorKind::kLockFailed, names_.lock_call, path_, err);
}

Status HeldDescriptorMechanism::BlockingAcquire(LockMode mode,
                                                const Deadline& deadline) {
  StatusOr<UniqueFd> fd = Open();
  if (!fd.ok()) return fd.status();
  const int raw = fd->get();
  Status s = WaitInKernel([&] { return LockWaiting(raw, mode); }, deadline,
                          path_, names_.wait_call);
  if (s.ok()) fd_ = std::move(*fd);
  return s;
}

Status HeldDescriptorMechanism::Release() {
  Status s;
  if (Unlock(fd_.get()) != 0) {
    s = PosixError(ErrorKind::kUnlockError, names_.lock_call, path_, errno,
                   names_.unlock_detail);
  }
  os_.Failpoint(names_.after_unlock);
  fd_.reset();
  return s;
}

Status HeldDescriptorMechanism::Break() {
  return Status(ErrorKind::kUnsupported, path_, names_.break_refusal);
}

StatusOr<UniqueFd> HeldDescriptorMechanism::Open() {
  StatusOr<UniqueFd> fd = OpenLockFile(os_, path_, O_RDWR | O_CREAT);
  if (fd.ok()) os_.Failpoint(names_.after_open);
  return fd;
}

StatusOr<bool> FlockHeldOn(Os& os, const std::string& path) {
  struct stat st {};
  if (os.Lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return LockPathError(ErrorKind::kError, "lstat", path, errno);
  }
  StatusOr<std::vector<KernelLockEntry>> held =
      KernelLocksOn(st.st_dev, st.st_ino, "FLOCK");
  if (!held.ok()) return held.status();
  return !held->empty();
}

Status FlockUnlockAndClose(Os& os, UniqueFd& fd, const std::string& path,
                           std::string_view failpoint) {
  Status s;
  if (os.Flock(fd.get(), LOCK_UN) != 0) {
    s = LockPathError(ErrorKind::kUnlockError, "flock", path, errno);
  }
  os.Failpoint(failpoint);
  fd.reset();  // closing frees the flock even when LOCK_UN failed
  return s;
}

}  // namespace lockstress
