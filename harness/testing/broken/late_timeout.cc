// BUG late_timeout: a timed acquire that runs out of time answers
// LockTimeout only 3 s after its timeout (say, a retry loop that sleeps a
// fixed 3 s before noticing the deadline). lock.h asks for LockTimeout after
// about d; the checker allows timeout_late (1 s by default) of slack.
//
// Must be caught by: timeout_semantics (a LockTimeout later than d +
// timeout_late). Scenario: scenarios/conformance/timeout_not_early.toml.
#include <chrono>
#include <thread>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

constexpr std::chrono::seconds kLateBy{3};

class LateTimeoutLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Acquire(Timeout timeout) override {
    Status s = inner().Acquire(timeout);
    if (s.kind() == ErrorKind::kLockTimeout) {
      std::this_thread::sleep_for(kLateBy);  // THE BUG (not synchronisation)
    }
    return s;
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-late_timeout",
      .model = "deliberately broken: LockTimeout comes 3 s late",
      .mechanism = "O_EXCL lock file; sleeps 3 s before answering a timeout",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject), then 3 s more",
  };
  return *info;
}

}  // namespace

BrokenLock LateTimeout() {
  return {"late_timeout",
          "timeout_semantics",
          "timeout_not_early",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<LateTimeoutLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
