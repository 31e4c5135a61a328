// AdapterLock: the common part of the native adapters' Lock objects — the
// path, the lock file's path, the ImplInfo — and Unsupported answers for
// the operations an adapter does not offer (DriverServer already refuses
// requests for undeclared features; these answers are for direct use).
//
// Thread safety: as Lock (one object, one thread at a time).
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_ADAPTER_LOCK_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_ADAPTER_LOCK_H_

#include <string>
#include <string_view>

#include "lockstress/lock.h"

namespace lockstress::native {

class AdapterLock : public Lock {
 public:
  AdapterLock(const ImplInfo& info, std::string path, std::string lock_path)
      : info_(info), path_(std::move(path)), lock_path_(std::move(lock_path)) {}

  Status AcquireShared(Timeout) override { return Unsupported("shared"); }
  StatusOr<bool> IsLocked() override { return Unsupported("is_locked"); }
  StatusOr<bool> IAmLocking() override { return Unsupported("i_am_locking"); }
  Status BreakLock() override { return Unsupported("break"); }

  const std::string& path() const override { return path_; }
  const std::string& lock_path() const override { return lock_path_; }
  const ImplInfo& info() const override { return info_; }

 protected:
  Status Unsupported(std::string_view feature) const {
    return Status(ErrorKind::kUnsupported, path_,
                  std::string(feature) + " is not offered by " + info_.model);
  }

 private:
  const ImplInfo& info_;
  std::string path_;
  std::string lock_path_;
};

}  // namespace lockstress::native

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_ADAPTER_LOCK_H_
