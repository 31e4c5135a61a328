// BUG early_timeout: a timed acquire gives up at HALF its timeout, so
// acquire(0.3) answers LockTimeout after 0.15 s. lock.h: LockTimeout is
// "never answered before d has passed".
//
// Must be caught by: timeout_semantics (a LockTimeout earlier than asked).
// Scenario: scenarios/conformance/timeout_not_early.toml (timed acquires
// against a holder that keeps the lock for longer than the timeouts).
#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

class EarlyTimeoutLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Acquire(Timeout timeout) override {
    if (timeout.is_forever() || timeout.is_nonblocking()) {
      return inner().Acquire(timeout);
    }
    return inner().Acquire(Timeout::After(timeout.duration() / 2));  // BUG
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-early_timeout",
      .model = "deliberately broken: a timed acquire gives up at half time",
      .mechanism = "O_EXCL lock file; timeout halved",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject), for half the timeout",
  };
  return *info;
}

}  // namespace

BrokenLock EarlyTimeout() {
  return {"early_timeout",
          "timeout_semantics",
          "timeout_not_early",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<EarlyTimeoutLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
