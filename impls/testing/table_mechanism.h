// TableMechanism: a small, real, in-process Mechanism for unit tests of the
// core (LockObject, ScopedLock, LockFile). The "lock" is a Table shared by
// the objects of one test: an owner id behind a mutex. It does exactly what
// a Mechanism must (try once, detect a broken lock on release, report
// holders), and counts its calls so tests can see how LockObject used it.
//
// Thread safety: Table is guarded by its mutex; each mechanism belongs to
// one LockObject.
#ifndef LOCKSTRESS_IMPLS_TESTING_TABLE_MECHANISM_H_
#define LOCKSTRESS_IMPLS_TESTING_TABLE_MECHANISM_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "impls/core/lock_object.h"
#include "impls/core/mechanism.h"

namespace lockstress::testing {

struct Table {
  std::mutex mu;
  int owner = 0;  // guarded by mu; 0 = free
  int next_id = 1;
  std::atomic<int> tries{0};     // TryAcquire calls, all objects
  std::atomic<int> releases{0};  // Release calls reaching the mechanism

  int Owner() {
    std::lock_guard<std::mutex> guard(mu);
    return owner;
  }
  void Free() {
    std::lock_guard<std::mutex> guard(mu);
    owner = 0;
  }
};

class TableMechanism final : public Mechanism {
 public:
  TableMechanism(const LockOptions& /*options*/, const std::string& path,
                 Table* table)
      : path_(path), table_(table) {
    std::lock_guard<std::mutex> guard(table_->mu);
    id_ = table_->next_id++;
  }
  int id() const { return id_; }

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    table_->tries.fetch_add(1);
    std::lock_guard<std::mutex> guard(table_->mu);
    if (table_->owner != 0) return TryResult::kBusy;
    table_->owner = id_;
    return TryResult::kAcquired;
  }
  Status Release() override {
    table_->releases.fetch_add(1);
    std::lock_guard<std::mutex> guard(table_->mu);
    if (table_->owner == 0) {
      return Status(ErrorKind::kNotLocked, path_, "broken: free now");
    }
    if (table_->owner != id_) {
      return Status(ErrorKind::kNotMyLock, path_, "broken and retaken");
    }
    table_->owner = 0;
    return Status::Ok();
  }
  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    std::lock_guard<std::mutex> guard(table_->mu);
    return table_->owner != 0;
  }
  StatusOr<bool> IAmLocking(bool /*object_holds*/) override {
    std::lock_guard<std::mutex> guard(table_->mu);
    return table_->owner == id_;
  }
  Status Break() override {
    table_->Free();
    return Status::Ok();
  }

 private:
  std::string path_;
  Table* table_;
  int id_ = 0;
};

// An ImplInfo for table locks with the given features.
inline ImplInfo TableInfo(FeatureSet features) {
  return ImplInfo{.name = "table",
                  .model = "unit-test mechanism",
                  .mechanism = "an owner id in a shared in-process table",
                  .features = features,
                  .ownership = Ownership::kOpenFile,
                  .wait_policy = "LockObject polling, back-off only"};
}

// A LockObject over `table`. `info` must outlive it.
inline std::unique_ptr<Lock> NewTableLock(const ImplInfo& info, Table& table,
                                          const std::string& path = "/t/lock") {
  LockOptions options{.path = path,
                      .max_poll_interval = std::chrono::milliseconds(5)};
  return MakeLockObject<TableMechanism>(info, options, path, &table);
}

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_TABLE_MECHANISM_H_
