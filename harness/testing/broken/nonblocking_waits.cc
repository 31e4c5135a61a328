// BUG nonblocking_waits: a non-blocking acquire waits up to 2 s for the lock
// to become free before it answers (AlreadyLocked only after the 2 s).
// lock.h: AlreadyLocked is "answered promptly, without waiting for the
// holder"; the checker allows nonblocking_prompt (500 ms by default).
//
// Must be caught by: timeout_semantics (a non-blocking acquire that does not
// answer promptly). Scenario: scenarios/conformance/nonblocking_prompt.toml
// (tries by another process while the holder keeps the lock for 700 ms).
#include <chrono>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

constexpr std::chrono::seconds kWaits{2};

class NonblockingWaitsLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Acquire(Timeout timeout) override {
    if (!timeout.is_nonblocking()) return inner().Acquire(timeout);
    Status s = inner().Acquire(Timeout::After(kWaits));  // THE BUG
    if (s.kind() == ErrorKind::kLockTimeout) {
      return Status(ErrorKind::kAlreadyLocked, lock_path(),
                    "held by another owner");
    }
    return s;
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-nonblocking_waits",
      .model = "deliberately broken: a non-blocking acquire waits up to 2 s",
      .mechanism = "O_EXCL lock file; tries for 2 s when asked not to wait",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject), even when non-blocking",
  };
  return *info;
}

}  // namespace

BrokenLock NonblockingWaits() {
  return {"nonblocking_waits",
          "timeout_semantics",
          "nonblocking_prompt",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<NonblockingWaitsLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
