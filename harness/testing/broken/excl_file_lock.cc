#include "harness/testing/broken/excl_file_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "lockstress/os.h"

namespace lockstress::broken {
namespace {

// HOSTNAME-TID-PID plus a per-process counter, so that two objects on one
// thread (a driver without `threads`) are still two owners.
std::string ObjectName() {
  static std::atomic<int> next{0};
  return UniqueName(Os::Default(), /*threaded=*/true) + "-" +
         std::to_string(next++);
}

}  // namespace

FeatureSet ExclFileFeatures() {
  return {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
          Feature::kIsLocked, Feature::kIAmLocking};
}

ExclFileMechanism::ExclFileMechanism(const LockOptions& /*options*/,
                                     const std::string& lock_path)
    : lock_path_(lock_path), name_(ObjectName()) {}

StatusOr<TryResult> ExclFileMechanism::TryAcquire(LockMode /*mode*/) {
  int fd = ::open(lock_path_.c_str(),
                  O_CREAT | O_EXCL | O_WRONLY | kLockFileOpenFlags, 0644);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) return TryResult::kBusy;
    return LockPathError(ErrorKind::kLockFailed, "open", lock_path_, err);
  }
  return FillCreated(fd);
}

StatusOr<TryResult> ExclFileMechanism::FillCreated(int fd) {
  ssize_t n = ::write(fd, name_.data(), name_.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(name_.size())) {
    ::unlink(lock_path_.c_str());
    return PosixError(ErrorKind::kLockFailed, "write", lock_path_,
                      n < 0 ? err : EIO);
  }
  return TryResult::kAcquired;
}

Status ExclFileMechanism::Release() {
  StatusOr<std::string> content = ReadSmallFile(Os::Default(), lock_path_);
  if (!content.ok()) {
    if (content.status().sys_errno() == ENOENT) {
      return Status(ErrorKind::kNotLocked, lock_path_,
                    "the lock file is gone (broken?)");
    }
    return Status(ErrorKind::kUnlockError, lock_path_,
                  content.status().Describe());
  }
  if (*content != name_) {
    return Status(ErrorKind::kNotMyLock, lock_path_,
                  "the lock file names '" + *content + "'");
  }
  if (::unlink(lock_path_.c_str()) != 0) {
    return PosixError(ErrorKind::kUnlockError, "unlink", lock_path_, errno);
  }
  return Status::Ok();
}

StatusOr<bool> ExclFileMechanism::IsLocked(bool /*object_holds*/) {
  struct stat st;
  if (::lstat(lock_path_.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return PosixError(ErrorKind::kError, "lstat", lock_path_, errno);
}

StatusOr<bool> ExclFileMechanism::IAmLocking(bool /*object_holds*/) {
  StatusOr<std::string> content = ReadSmallFile(Os::Default(), lock_path_);
  if (!content.ok()) {
    if (content.status().sys_errno() == ENOENT) return false;
    return content.status();
  }
  return *content == name_;
}

Status ExclFileMechanism::Break() {
  if (::unlink(lock_path_.c_str()) != 0 && errno != ENOENT) {
    return PosixError(ErrorKind::kError, "unlink", lock_path_, errno);
  }
  return Status::Ok();
}

std::string ExclFileMechanism::WatchDirectory() const {
  return DirectoryOf(lock_path_);
}

std::unique_ptr<Lock> MakeExclFileLock(const ImplInfo& info,
                                       const LockOptions& options) {
  return MakeLockObject<ExclFileMechanism>(info, options, options.path);
}

}  // namespace lockstress::broken
