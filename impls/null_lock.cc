// null: the negative control. It "succeeds" at everything and excludes
// nobody, like SQLite's unix-none VFS and Jepsen's noop client. It declares
// the features of an ordinary exclusive lock so that every checker runs
// against it; the mutual-exclusion checker must fail it, and the project's
// own tests assert that it does.
#include "impls/core/impl_entries.h"
#include "impls/core/lock_object.h"

namespace lockstress {
namespace {

class NullMechanism final : public Mechanism {
 public:
  NullMechanism(const LockOptions& /*options*/, const std::string& /*path*/) {}
  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    return TryResult::kAcquired;
  }
  Status Release() override { return Status::Ok(); }
  StatusOr<bool> IsLocked(bool object_holds) override { return object_holds; }
  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }
  Status Break() override { return Status::Ok(); }
};

const ImplInfo& NullInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "null",
      .model = "negative control (SQLite unix-none, Jepsen noop)",
      .mechanism = "nothing: every acquire succeeds at once",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kBreak,
                   Feature::kThreads},
      .ownership = Ownership::kNone,
      .nfs_safe = false,
      .wait_policy = "never waits",
      .failpoints = {},
  };
  return *info;
}

}  // namespace

ImplEntry NullLockEntry() {
  return {NullInfo(), [](const LockOptions& options) {
            return MakeLockObject<NullMechanism>(NullInfo(), options,
                                                 options.path);
          }};
}

}  // namespace lockstress
