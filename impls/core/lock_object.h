// LockObject: the contract of lock.h, implemented once over a Mechanism.
//
// Thread safety: like every Lock, one object is used by one thread at a
// time.
#ifndef LOCKSTRESS_IMPLS_CORE_LOCK_OBJECT_H_
#define LOCKSTRESS_IMPLS_CORE_LOCK_OBJECT_H_

#include <memory>
#include <string>

#include "impls/core/change_waiter.h"
#include "impls/core/mechanism.h"
#include "lockstress/lock.h"

namespace lockstress {

class LockObject final : public Lock {
 public:
  LockObject(const ImplInfo& info, std::string path, std::string lock_path,
             std::chrono::milliseconds max_poll_interval,
             std::unique_ptr<Mechanism> mechanism);
  ~LockObject() override;

  Status Acquire(Timeout timeout) override;
  Status AcquireShared(Timeout timeout) override;
  Status Release() override;
  StatusOr<bool> IsLocked() override;
  StatusOr<bool> IAmLocking() override;
  Status BreakLock() override;

  const std::string& path() const override { return path_; }
  const std::string& lock_path() const override { return lock_path_; }
  const ImplInfo& info() const override { return info_; }

 private:
  Status AcquireIn(LockMode mode, Timeout timeout);
  Status WaitAndAcquire(LockMode mode, Timeout timeout);
  Status PollUntil(LockMode mode, Timeout timeout, const Deadline& deadline);
  Status Unsupported(std::string_view what) const;

  const ImplInfo& info_;
  const std::string path_;
  const std::string lock_path_;
  const std::chrono::milliseconds max_poll_interval_;
  std::unique_ptr<Mechanism> mechanism_;
  int holds_ = 0;  // how many acquires this object has not yet released
  // Made when this object first has to wait, kept for its lifetime (an
  // inotify watch costs ~10 ms to tear down: change_waiter.h).
  std::unique_ptr<ChangeWaiter> waiter_;
};

// The Mechanism-to-Lock glue each implementation's factory uses.
template <typename M, typename... Args>
std::unique_ptr<Lock> MakeLockObject(const ImplInfo& info,
                                     const LockOptions& options,
                                     std::string lock_path, Args&&... args) {
  return std::make_unique<LockObject>(
      info, options.path, lock_path, options.max_poll_interval,
      std::make_unique<M>(options, lock_path, std::forward<Args>(args)...));
}

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LOCK_OBJECT_H_
