// boost-file-lock: boost::interprocess::file_lock (Boost 1.81, header-only).
//
// Model: a program that makes one file_lock for PATH and calls lock(),
//   try_lock(), try_lock_for(d), lock_sharable() ... and unlock().
// Mechanism (boost/interprocess/detail/os_file_functions.hpp, POSIX branch):
//   the constructor opens the existing PATH read-write; lock() is
//   fcntl(F_SETLKW, F_WRLCK) on the whole file, try_lock() F_SETLK
//   (EAGAIN/EACCES -> false), unlock() F_SETLK F_UNLCK; timed_lock() /
//   try_lock_for() polls try_lock() with a spin-then-yield wait
//   (sync/detail/common_algorithms.hpp, try_based_timed_lock).
// Platform facts (fcntl(2), "Advisory record locking"):
//  - POSIX record locks belong to the process: a second file_lock in the
//    same process "locks" a file its process holds, and closing ANY
//    descriptor of the file (destroying any file_lock of it) drops the
//    process's locks. Boost says so: "A file lock can't guarantee
//    synchronization between threads of the same process so just use file
//    locks to synchronize threads from different processes." `threads` is
//    declared so that the suite tests it, and is outside_promise.
//  - The kernel drops them when the process dies: stale_recovery.
// The file must exist ("Throws interprocess_exception if the file does not
//   exist"): the adapter creates it, once, with mknod(2) S_IFREG — which
//   opens no descriptor, so creating it can never drop a lock of this
//   process (an open+close would, by the fact above).
// Errors: interprocess_exception -> LockFailed on acquire (the message has
//   Boost's text and native error), UnlockError on release. false from
//   try_lock -> AlreadyLocked, from try_lock_for -> LockTimeout.
// unlock() is called as the program would, whether this object holds or
//   not: its precondition ("The thread must have exclusive ownership") is
//   the caller's to keep, and the suite records what happens when it is not.
#include <sys/stat.h>

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/sync/file_lock.hpp>
#include <cerrno>
#include <memory>

#include "impls/external/native/adapter_lock.h"
#include "impls/external/native/native_adapters.h"

namespace lockstress::native {
namespace {

namespace bip = boost::interprocess;

// Thread safety: one object, one thread at a time (Lock).
class BoostFileLock final : public AdapterLock {
 public:
  BoostFileLock(const ImplInfo& info, const LockOptions& o)
      : AdapterLock(info, o.path, o.path) {}

  Status Acquire(Timeout timeout) override { return Take(timeout, false); }
  Status AcquireShared(Timeout timeout) override { return Take(timeout, true); }

  Status Release() override {
    if (Status opened = Open(ErrorKind::kUnlockError); !opened.ok()) {
      return opened;
    }
    try {
      if (shared_) {
        lock_->unlock_sharable();
      } else {
        lock_->unlock();
      }
      shared_ = false;
      return Status::Ok();
    } catch (const bip::interprocess_exception& e) {
      return Failure(ErrorKind::kUnlockError, "unlock", e);
    }
  }

 private:
  Status Take(const Timeout& timeout, bool shared) {
    if (Status opened = Open(ErrorKind::kLockFailed); !opened.ok()) {
      return opened;
    }
    try {
      bool got = true;
      if (timeout.is_forever()) {
        shared ? lock_->lock_sharable() : lock_->lock();
      } else if (timeout.is_nonblocking()) {
        got = shared ? lock_->try_lock_sharable() : lock_->try_lock();
      } else {
        auto d = std::chrono::duration_cast<std::chrono::microseconds>(
            timeout.duration());
        got = shared ? lock_->try_lock_shared_for(d) : lock_->try_lock_for(d);
      }
      if (got) {
        shared_ = shared;
        return Status::Ok();
      }
      if (timeout.is_nonblocking()) {
        return Status(ErrorKind::kAlreadyLocked, path(),
                      "try_lock returned false");
      }
      return Status(
          ErrorKind::kLockTimeout, path(),
          "try_lock_for(" + timeout.ToString() + " s) returned false");
    } catch (const bip::interprocess_exception& e) {
      return Failure(ErrorKind::kLockFailed, shared ? "lock_sharable" : "lock",
                     e);
    }
  }

  // Makes the file (once, without opening it) and the file_lock.
  Status Open(ErrorKind kind) {
    if (lock_ != nullptr) return Status::Ok();
    if (::mknod(path().c_str(), S_IFREG | 0644, 0) != 0 && errno != EEXIST) {
      return PosixError(kind, "mknod", path(), errno,
                        "cannot create the file to lock");
    }
    try {
      lock_ = std::make_unique<bip::file_lock>(path().c_str());
      return Status::Ok();
    } catch (const bip::interprocess_exception& e) {
      return Failure(kind, "file_lock", e);
    }
  }

  Status Failure(ErrorKind kind, const std::string& call,
                 const bip::interprocess_exception& e) const {
    return PosixError(kind, call, path(), e.get_native_error(),
                      std::string("interprocess_exception: ") + e.what());
  }

  std::unique_ptr<bip::file_lock> lock_;
  bool shared_ = false;  // the last successful acquire was shared
};

const ImplInfo& BoostFileLockInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "boost-file-lock",
      .model = "boost::interprocess::file_lock (Boost 1.81)",
      .mechanism = "fcntl F_SETLK(W) F_WRLCK/F_RDLCK on all of PATH",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kShared, Feature::kStaleRecovery,
                   Feature::kThreads},
      .ownership = Ownership::kProcess,
      .nfs_safe = false,
      .wait_policy =
          "lock(): kernel wait; try_lock_for(): try_lock polled "
          "with spin-then-yield",
      .stale_bound = std::chrono::milliseconds(0),
      .failpoints = {}};
  return *info;
}

}  // namespace

ImplEntry BoostFileLockEntry() {
  return {BoostFileLockInfo(),
          [](const LockOptions& o) -> std::unique_ptr<Lock> {
            return std::make_unique<BoostFileLock>(BoostFileLockInfo(), o);
          }};
}

}  // namespace lockstress::native
