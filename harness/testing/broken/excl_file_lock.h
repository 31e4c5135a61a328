// ExclFileMechanism: a CORRECT lock file, the base the file-based bugs
// change or wrap. The lock is PATH itself, created with O_CREAT|O_EXCL
// (open(2): the check for existence and the creation are one atomic step on
// a local filesystem) and holding this object's unique name
// (HOSTNAME-TID-PID-N). Release reads the name back before unlinking, so a
// broken-and-retaken lock answers NotMyLock and a vanished one NotLocked.
// Waiters are polled by LockObject and wake early on changes in the
// directory (inotify). A holder's death leaves the file behind: a stale lock
// until broken (no stale_recovery).
//
// Thread safety: one object, one thread at a time (lock.h); objects share
// nothing.
#ifndef LOCKSTRESS_HARNESS_TESTING_BROKEN_EXCL_FILE_LOCK_H_
#define LOCKSTRESS_HARNESS_TESTING_BROKEN_EXCL_FILE_LOCK_H_

#include <memory>
#include <string>

#include "impls/core/mechanism.h"
#include "lockstress/lock.h"

namespace lockstress::broken {

// What a correct lock file declares (no threads needed by the bugs that
// use it; the names would support them).
FeatureSet ExclFileFeatures();

class ExclFileMechanism : public Mechanism {
 public:
  ExclFileMechanism(const LockOptions& options, const std::string& lock_path);

  StatusOr<TryResult> TryAcquire(LockMode mode) override;
  Status Release() override;
  StatusOr<bool> IsLocked(bool object_holds) override;
  StatusOr<bool> IAmLocking(bool object_holds) override;
  Status Break() override;
  std::string WatchDirectory() const override;

 protected:
  // Writes name_ into the freshly created lock file `fd` and closes it; on
  // failure removes the file again.
  StatusOr<TryResult> FillCreated(int fd);

  const std::string lock_path_;
  const std::string name_;
};

// The correct lock file behind a LockObject; `info` must outlive it.
std::unique_ptr<Lock> MakeExclFileLock(const ImplInfo& info,
                                       const LockOptions& options);

}  // namespace lockstress::broken

#endif  // LOCKSTRESS_HARNESS_TESTING_BROKEN_EXCL_FILE_LOCK_H_
