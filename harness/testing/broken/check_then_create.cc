// BUG check_then_create: the lock file is tested for with stat() and, when
// absent, created with open(O_CREAT) WITHOUT O_EXCL. The test and the
// creation are two steps, so two contenders that both find the file absent
// both "create" it (the second open just opens the first one's file) and
// both believe they hold the lock. A sched_yield() between the two steps
// makes the window real but small, as it is in the wild under load.
//
// Must be caught by: mutual_exclusion (two sure holding intervals overlap;
// the witness counter loses increments). Scenario:
// scenarios/conformance/exclusion_blocking.toml (blocking waiters are all
// woken by inotify when the file is unlinked and race for it) and
// exclusion_nonblocking.toml.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"

namespace lockstress::broken {
namespace {

class CheckThenCreateMechanism final : public ExclFileMechanism {
 public:
  using ExclFileMechanism::ExclFileMechanism;

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    struct stat st;
    if (::lstat(lock_path_.c_str(), &st) == 0) return TryResult::kBusy;
    if (errno != ENOENT) {
      return LockPathError(ErrorKind::kLockFailed, "lstat", lock_path_, errno);
    }
    sched_yield();  // THE BUG: the window between check and create
    int fd = ::open(lock_path_.c_str(), O_CREAT | O_WRONLY | kLockFileOpenFlags,
                    0644);
    if (fd < 0) {
      return LockPathError(ErrorKind::kLockFailed, "open", lock_path_, errno);
    }
    return FillCreated(fd);
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-check_then_create",
      .model = "deliberately broken: stat() then open(O_CREAT) without O_EXCL",
      .mechanism = "lock file created after a separate existence check",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock CheckThenCreate() {
  return {"check_then_create",
          "mutual_exclusion",
          "exclusion_blocking",
          {Info(), [](const LockOptions& options) {
             return MakeLockObject<CheckThenCreateMechanism>(Info(), options,
                                                             options.path);
           }}};
}

}  // namespace lockstress::broken
