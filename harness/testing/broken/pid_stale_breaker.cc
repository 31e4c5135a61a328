// BUG pid_stale_breaker: an O_EXCL lock file (excl_file_lock.h, holding
// HOSTNAME-TID-PID-N) that DECLARES stale_recovery and recovers the way
// countless lock files do: when the lock is taken, it reads the holder's
// PID from the file and, if kill(PID, 0) says ESRCH, takes the lock for
// stale, removes it and tries again. kill(2) looks the PID up in the
// CALLER's PID namespace (pid_namespaces(7)): a holder alive in another
// container (or on another host over a shared filesystem) is "dead" here,
// and its lock is broken under it. The converse also holds: a dead holder
// whose PID belongs to an unrelated live process in the caller's namespace
// is "alive" for ever.
//
// Must be caught by: mutual_exclusion and stale_recovery ("took over the
// lock of a live holder"). Scenario:
// scenarios/faults/container_live_holder.toml (each worker in its own PID
// namespace, the holder at PID 4242, which the contender's namespace lacks).
#include <signal.h>

#include <cerrno>
#include <cstdlib>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"

namespace lockstress::broken {
namespace {

// The PID in HOSTNAME-TID-PID-N: the second field from the end.
pid_t HolderPid(const std::string& name) {
  std::size_t last = name.rfind('-');
  if (last == std::string::npos || last == 0) return 0;
  std::size_t before = name.rfind('-', last - 1);
  if (before == std::string::npos) return 0;
  return static_cast<pid_t>(
      std::atol(name.substr(before + 1, last - before - 1).c_str()));
}

class PidCheckingMechanism final : public ExclFileMechanism {
 public:
  using ExclFileMechanism::ExclFileMechanism;

  StatusOr<TryResult> TryAcquire(LockMode mode) override {
    StatusOr<TryResult> r = ExclFileMechanism::TryAcquire(mode);
    if (!r.ok() || *r != TryResult::kBusy) return r;
    StatusOr<std::string> name = ReadSmallFile(Os::Default(), lock_path_);
    if (!name.ok()) return TryResult::kBusy;  // gone meanwhile: retry later
    pid_t pid = HolderPid(*name);
    // THE BUG: "no such process" in OUR namespace means dead.
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      ::unlink(lock_path_.c_str());
      return ExclFileMechanism::TryAcquire(mode);
    }
    return TryResult::kBusy;
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = [] {
    FeatureSet features = ExclFileFeatures();
    features.add(Feature::kStaleRecovery);
    return new ImplInfo{
        .name = "broken-pid_stale_breaker",
        .model =
            "deliberately broken: breaks a lock whose PID is not alive "
            "in its own PID namespace",
        .mechanism =
            "O_EXCL lock file HOSTNAME-TID-PID-N; kill(PID, 0) == "
            "ESRCH means stale: unlink and retry",
        .features = features,
        .ownership = Ownership::kThread,
        .wait_policy = "inotify + backoff (LockObject)",
        .stale_bound = std::chrono::milliseconds(1000),
    };
  }();
  return *info;
}

}  // namespace

BrokenLock PidStaleBreaker() {
  return {"pid_stale_breaker",
          "mutual_exclusion",
          "faults/container_live_holder",
          {Info(), [](const LockOptions& options) {
             return MakeLockObject<PidCheckingMechanism>(Info(), options,
                                                         options.path);
           }}};
}

}  // namespace lockstress::broken
