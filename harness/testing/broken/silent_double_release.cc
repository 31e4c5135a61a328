// BUG silent_double_release: releasing a lock that nobody holds answers ok
// instead of NotLocked (lock.h, Release), so a program that releases twice
// never learns of its mistake. Everything else is the correct lock file.
//
// Must be caught by: release_errors ("silent double release"). Scenario:
// scenarios/conformance/release_not_locked.toml (a release before any
// acquire and a second release after a good one).
#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

class SilentDoubleReleaseLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Release() override {
    Status s = inner().Release();
    if (s.kind() == ErrorKind::kNotLocked) return Status::Ok();  // THE BUG
    return s;
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-silent_double_release",
      .model = "deliberately broken: release of a free lock answers ok",
      .mechanism = "O_EXCL lock file; NotLocked is swallowed",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock SilentDoubleRelease() {
  return {"silent_double_release",
          "release_errors",
          "release_not_locked",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<SilentDoubleReleaseLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
