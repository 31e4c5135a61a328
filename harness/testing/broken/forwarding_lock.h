// ForwardingLock: a Lock that passes every call to an inner Lock. The
// wrapper bugs (early_timeout, lying_is_locked, ...) override the one call
// they get wrong and leave the rest correct.
//
// Thread safety: as the inner Lock (one object, one thread at a time).
#ifndef LOCKSTRESS_HARNESS_TESTING_BROKEN_FORWARDING_LOCK_H_
#define LOCKSTRESS_HARNESS_TESTING_BROKEN_FORWARDING_LOCK_H_

#include <memory>
#include <utility>

#include "lockstress/lock.h"

namespace lockstress::broken {

class ForwardingLock : public Lock {
 public:
  explicit ForwardingLock(std::unique_ptr<Lock> inner)
      : inner_(std::move(inner)) {}

  Status Acquire(Timeout timeout) override { return inner_->Acquire(timeout); }
  Status AcquireShared(Timeout timeout) override {
    return inner_->AcquireShared(timeout);
  }
  Status Release() override { return inner_->Release(); }
  StatusOr<bool> IsLocked() override { return inner_->IsLocked(); }
  StatusOr<bool> IAmLocking() override { return inner_->IAmLocking(); }
  Status BreakLock() override { return inner_->BreakLock(); }
  const std::string& path() const override { return inner_->path(); }
  const std::string& lock_path() const override { return inner_->lock_path(); }
  const ImplInfo& info() const override { return inner_->info(); }

 protected:
  Lock& inner() { return *inner_; }

 private:
  std::unique_ptr<Lock> inner_;
};

}  // namespace lockstress::broken

#endif  // LOCKSTRESS_HARNESS_TESTING_BROKEN_FORWARDING_LOCK_H_
