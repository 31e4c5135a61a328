// BUG follows_symlink: before each acquire the lock "records its owner" by
// opening PATH with O_WRONLY|O_CREAT|O_TRUNC and no O_NOFOLLOW - the
// pattern behind CVE-2025-68146 in another library. A symlink planted at
// PATH is followed and its target truncated and overwritten; the O_EXCL
// lock itself is otherwise correct (the planted link then makes it busy).
//
// Must be caught by: security ("the victim file changed"). Scenario:
// scenarios/faults/hostile_symlink.toml (a symlink to a victim planted at
// the lock path before the workers start).
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "harness/testing/broken/broken_locks.h"
#include "harness/testing/broken/excl_file_lock.h"
#include "harness/testing/broken/forwarding_lock.h"

namespace lockstress::broken {
namespace {

class FollowsSymlinkLock final : public ForwardingLock {
 public:
  using ForwardingLock::ForwardingLock;

  Status Acquire(Timeout timeout) override {
    // THE BUG: follows a symlink at PATH and truncates what it points at.
    int fd =
        ::open(path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      std::string pid = std::to_string(::getpid()) + "\n";
      (void)!::write(fd, pid.data(), pid.size());
      ::close(fd);
      ::unlink(path().c_str());  // so that the O_EXCL lock can be made
    }
    return ForwardingLock::Acquire(timeout);
  }
};

const ImplInfo& Info() {
  static const ImplInfo* info = new ImplInfo{
      .name = "broken-follows_symlink",
      .model = "deliberately broken: opens PATH with O_TRUNC, following links",
      .mechanism = "O_EXCL lock file after an O_TRUNC open of PATH",
      .features = ExclFileFeatures(),
      .ownership = Ownership::kThread,
      .wait_policy = "inotify + backoff (LockObject)",
  };
  return *info;
}

}  // namespace

BrokenLock FollowsSymlink() {
  return {"follows_symlink",
          "security",
          "faults/hostile_symlink",
          {Info(), [](const LockOptions& options) -> std::unique_ptr<Lock> {
             return std::make_unique<FollowsSymlinkLock>(
                 MakeExclFileLock(Info(), options));
           }}};
}

}  // namespace lockstress::broken
