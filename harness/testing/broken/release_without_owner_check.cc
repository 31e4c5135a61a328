// BUG release_without_owner_check: release() unlinks the lock file without
// asking whose it is. When this object does not hold the lock, a correct
// release answers NotMyLock (another owner holds it) or NotLocked; this one
// removes the other owner's lock file and answers ok, so the next contender
// gets in while the real holder is still inside its critical section.
//
// Must be caught by: release_errors ("release by a non-holder succeeded")
// and then mutual_exclusion. Scenario:
// scenarios/conformance/release_not_my_lock.toml.
#include <unistd.h>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

class ReleaseWithoutOwnerCheckLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Release() override {
    Status s = inner().Release();
    if (s.kind() == ErrorKind::kNotMyLock ||
        s.kind() == ErrorKind::kNotLocked) {
      ::unlink(lock_path().c_str());  // THE BUG: whoever holds it
      return Status::Ok();
    }
    return s;
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-release_without_owner_check",
      .model = "deliberately broken: release unlinks whoever holds the lock",
      .mechanism = "O_EXCL lock file; release does not check the owner",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock ReleaseWithoutOwnerCheck() {
  return {"release_without_owner_check",
          "release_errors",
          "release_not_my_lock",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<ReleaseWithoutOwnerCheckLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
