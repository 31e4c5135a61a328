#include "impls/core/lock_object.h"

#include <cerrno>
#include <utility>

#include "impls/core/change_waiter.h"

namespace lockstress {

LockObject::LockObject(const ImplInfo& info, std::string path,
                       std::string lock_path,
                       std::chrono::milliseconds max_poll_interval,
                       std::unique_ptr<Mechanism> mechanism)
    : info_(info),
      path_(std::move(path)),
      lock_path_(std::move(lock_path)),
      max_poll_interval_(max_poll_interval),
      mechanism_(std::move(mechanism)) {}

LockObject::~LockObject() {
  // Ignoring any error: a destructor cannot report it (see lock.h).
  if (holds_ > 0) mechanism_->ReleaseOnDestroy();
}

Status LockObject::Unsupported(std::string_view what) const {
  return Status(ErrorKind::kUnsupported, lock_path_,
                std::string(what) + " is not offered by '" + info_.name + "'");
}

Status LockObject::Acquire(Timeout timeout) {
  return AcquireIn(LockMode::kExclusive, timeout);
}

Status LockObject::AcquireShared(Timeout timeout) {
  if (!info_.features.has(Feature::kShared)) {
    return Unsupported("acquire_shared");
  }
  return AcquireIn(LockMode::kShared, timeout);
}

Status LockObject::AcquireIn(LockMode mode, Timeout timeout) {
  if (timeout.is_forever() && !info_.features.has(Feature::kBlocking)) {
    return Unsupported("a blocking acquire");
  }
  if (timeout.is_nonblocking() && !info_.features.has(Feature::kNonblocking)) {
    return Unsupported("a non-blocking acquire");
  }
  if (!timeout.is_forever() && !timeout.is_nonblocking() &&
      !info_.features.has(Feature::kTimeout)) {
    return Unsupported("an acquire with a timeout");
  }
  if (holds_ > 0) {
    if (info_.features.has(Feature::kReentrant)) {
      ++holds_;
      return Status::Ok();
    }
    // Not reentrant: a contender against itself (lock.h, "Re-entry").
    if (timeout.is_forever()) {
      return PosixError(ErrorKind::kLockFailed, "acquire", lock_path_, EDEADLK,
                        "this object already holds the lock and '" +
                            info_.name + "' is not reentrant");
    }
    if (timeout.is_nonblocking()) {
      return Status(ErrorKind::kAlreadyLocked, lock_path_,
                    "already held by this same object (not reentrant)");
    }
    ChangeWaiter sleeper("", max_poll_interval_);
    Deadline deadline = Deadline::From(timeout);
    while (!deadline.expired()) sleeper.Wait(deadline);
    return Status(ErrorKind::kLockTimeout, lock_path_,
                  "held by this same object (not reentrant) for the whole " +
                      timeout.ToString() + " s");
  }
  Status s = WaitAndAcquire(mode, timeout);
  if (s.ok()) holds_ = 1;
  return s;
}

Status LockObject::WaitAndAcquire(LockMode mode, Timeout timeout) {
  if (timeout.is_nonblocking()) {
    StatusOr<TryResult> r = mechanism_->TryAcquire(mode);
    if (!r.ok()) return r.status();
    if (*r == TryResult::kAcquired) return Status::Ok();
    return Status(ErrorKind::kAlreadyLocked, lock_path_,
                  "held by another owner");
  }
  Deadline deadline = Deadline::From(timeout);
  if (mechanism_->WaitsInKernel()) {
    return mechanism_->BlockingAcquire(mode, deadline);
  }
  return PollUntil(mode, timeout, deadline);
}

Status LockObject::PollUntil(LockMode mode, Timeout timeout,
                             const Deadline& deadline) {
  // A first try without a watch: an uncontended acquire never pays for
  // one. Before any wait the watch exists and the lock is tried again, so
  // no release between a failed try and the wait is missed. An object that
  // has waited before keeps its watch and needs no second try.
  bool watching = waiter_ != nullptr;
  if (watching) waiter_->Restart();
  for (;;) {
    StatusOr<TryResult> r = mechanism_->TryAcquire(mode);
    if (!r.ok()) return r.status();
    if (*r == TryResult::kAcquired) return Status::Ok();
    if (deadline.expired()) {
      return Status(
          ErrorKind::kLockTimeout, lock_path_,
          "still held by another owner after " + timeout.ToString() + " s");
    }
    if (!watching) {
      if (waiter_ == nullptr) {
        waiter_ = std::make_unique<ChangeWaiter>(mechanism_->WatchDirectory(),
                                                 max_poll_interval_,
                                                 mechanism_->WatchName());
      }
      waiter_->Restart();
      watching = true;
      continue;
    }
    waiter_->Wait(deadline);
  }
}

Status LockObject::Release() {
  if (holds_ > 1) {
    --holds_;
    return Status::Ok();
  }
  if (holds_ == 1) {
    holds_ = 0;
    return mechanism_->Release();
  }
  // This object does not hold it: lockfile's order of checks.
  StatusOr<bool> locked = mechanism_->IsLocked(false);
  if (!locked.ok()) {
    // Not ours for sure; whose it is could not be read. Say so rather than
    // guess NotLocked and hide the cause.
    return Status(ErrorKind::kUnlockError, lock_path_,
                  "this object does not hold the lock, and whether another "
                  "owner does is unknown: " +
                      locked.status().Describe());
  }
  if (*locked) {
    return Status(ErrorKind::kNotMyLock, lock_path_,
                  "the lock is held by another owner");
  }
  return Status(ErrorKind::kNotLocked, lock_path_, "the lock is not held");
}

StatusOr<bool> LockObject::IsLocked() {
  if (!info_.features.has(Feature::kIsLocked)) return Unsupported("is_locked");
  return mechanism_->IsLocked(holds_ > 0);
}

StatusOr<bool> LockObject::IAmLocking() {
  if (!info_.features.has(Feature::kIAmLocking)) {
    return Unsupported("i_am_locking");
  }
  return mechanism_->IAmLocking(holds_ > 0);
}

Status LockObject::BreakLock() {
  if (!info_.features.has(Feature::kBreak)) return Unsupported("break_lock");
  return mechanism_->Break();
}

Status Mechanism::BlockingAcquire(LockMode /*mode*/,
                                  const Deadline& /*deadline*/) {
  return Status(ErrorKind::kLockFailed, "",
                "internal: BlockingAcquire without WaitsInKernel");
}

}  // namespace lockstress
