// BUG lying_is_locked: is_locked() always answers false, even to the holder
// itself and while another process holds the lock. lock.h: IsLocked
// "returns true when any owner, this object included, holds the lock".
//
// Must be caught by: status_queries (an is_locked wholly inside a sure
// holding interval answered false). Scenario:
// scenarios/conformance/status_queries.toml.
#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

class LyingIsLockedLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  StatusOr<bool> IsLocked() override { return false; }  // THE BUG
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-lying_is_locked",
      .model = "deliberately broken: is_locked always answers false",
      .mechanism = "O_EXCL lock file; is_locked lies",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock LyingIsLocked() {
  return {"lying_is_locked",
          "status_queries",
          "status_queries",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<LyingIsLockedLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
