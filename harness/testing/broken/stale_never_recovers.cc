// BUG stale_never_recovers: an O_EXCL lock file (excl_file_lock.h) that
// DECLARES stale_recovery (with a stale_bound of 1 s) but never looks at
// whether the process named in the lock file is still alive: a holder killed
// with SIGKILL leaves its file behind for ever, and every later acquire is
// refused. lock.h: with stale_recovery, "a lock whose holder died is taken
// over within stale_bound, without break_lock".
//
// Must be caught by: stale_recovery ("declares stale_recovery but never
// recovers": another handle still refused after recovery_bound) and
// crash_recovery. Scenario: scenarios/conformance/stale_recovery_bound.toml
// (a timed acquire that outlasts the recovery bound after the holder is
// killed; crash_holder.toml's last try comes before the 5 s bound).
#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"

namespace lockstress::broken {
namespace {

const ImplInfo& Info() {
  static const ImplInfo* info = [] {
    FeatureSet features = ExclFileFeatures();
    features.add(Feature::kStaleRecovery);  // THE BUG: a false claim
    return new ImplInfo{
        .name = "broken-stale_never_recovers",
        .model = "deliberately broken: claims stale_recovery, never recovers",
        .mechanism = "O_EXCL lock file; a dead holder's file is never removed",
        .features = features,
        .ownership = Ownership::kThread,
        .wait_policy = "inotify + backoff (LockObject)",
        .stale_bound = std::chrono::milliseconds(1000),
    };
  }();
  return *info;
}

}  // namespace

BrokenLock StaleNeverRecovers() {
  return {"stale_never_recovers",
          "stale_recovery",
          "stale_recovery_bound",
          {Info(), [](const LockOptions& options) {
             return MakeExclFileLock(Info(), options);
           }}};
}

}  // namespace lockstress::broken
