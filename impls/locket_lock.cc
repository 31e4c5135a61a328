// locket: locket.lock_file(path, timeout=None, retry_period=0.05).
//
// Model: locket 1.0. A lock is a set of two locks taken in order: a
// per-path lock inside the process (a threading.Lock shared by every
// lock_file() of that path), then flock(LOCK_EX | LOCK_NB) on the lock
// object's own descriptor of PATH, retried every retry_period until the
// timeout. On timeout the locks already taken are given back, in reverse
// order. locket's locks are not reentrant: acquiring again from the holder
// waits on itself (LockObject answers that per the contract, see lock.h).
// The file is never removed.
//
// Mechanism: PATH itself is the lock file, opened with
// OpenLockFile(O_RDWR | O_CREAT) (never truncated). Then:
//   1. the in-process lock for the file, waiting on its condition variable
//      until the deadline;
//   2. flock(LOCK_EX | LOCK_NB), polled at most max_poll_interval apart
//      (locket's retry_period, 50 ms by default) until the deadline, with
//      back-off from 1 ms and an early wake-up: a ChangeWaiter on PATH's
//      directory sees IN_CLOSE_WRITE when a holder closes its descriptor
//      (inotify(7): close of a file opened for writing), which is how
//      locket (and this implementation, and a dying process) gives the
//      flock back. Measured by bench handoff/locket: polling every 50 ms
//      alone handed the lock over ~20 times a second between processes.
// The mechanism waits by itself in both stages (WaitsInKernel() is true:
// it means "the mechanism does its own waiting").
//
// The in-process table is keyed by the lock file's (st_dev, st_ino), not by
// the path text as locket keys it. Reason: the kernel's flock is per inode,
// so the two stages then agree on what "the same lock" is. Keyed by text,
// "a.lock", "./a.lock", "/dir/a.lock", a path through a symlinked directory
// or a hard link would be separate in-process locks for one flock, and
// lexical normalisation cannot see links or bind mounts. The cost is that
// the file is opened before the in-process stage, where locket opens it
// after; nothing else observes that order. An entry lives while somebody
// holds or waits for it; a held entry keeps its descriptor open, so its
// inode number cannot be reused by another file meanwhile (unlink(2): the
// inode lives while a descriptor refers to it).
//
// Platform facts:
//  - flock(2): locks belong to the open file description; each object opens
//    its own, so objects exclude each other in one process too. The
//    in-process lock is locket's (its fcntl fallback needs it); here it
//    also keeps threads of this process from polling each other.
//  - flock(2): LOCK_NB fails with EWOULDBLOCK on conflict; a blocking
//    flock could not honour a deadline, hence the polling, as in locket.
//  - flock(2): closing the last descriptor releases the lock; a process's
//    descriptors are closed when it dies (exit(2)).
//  - flock(2) has no query operation: IsLocked reads /proc/locks (proc(5),
//    impls/core/proc_locks.h) and never probes by taking the lock.
//
// Wait policy: condition variable for threads of this process; then
// flock(LOCK_NB) polled with back-off 1 ms .. max_poll_interval (default
// 50 ms), woken early by inotify when the lock file is closed.
//
// Process death: the kernel frees the flock at once (stale_recovery; a
// waiter notices within one retry period), the process's in-process table
// dies with it, and the lock file stays.
//
// Checked by impls/locket_lock_test.cc: non-reentrancy, threads handing
// the lock over, timed waits against another process, a SIGKILLed holder,
// two spellings of one path.
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "impls/core/change_waiter.h"
#include "impls/core/held_descriptor.h"
#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/stale_writer.h"
#include "lockstress/os.h"

namespace lockstress {
namespace {

// A deadline that has always passed: one try, no wait.
Deadline Now() { return Deadline(Deadline::Clock::now()); }

// The per-file in-process locks. Thread-safe: every field of every entry is
// guarded by mu_.
class ThreadLockTable {
 public:
  using Key = std::pair<dev_t, ino_t>;

  static ThreadLockTable& Get() {
    static auto* table = new ThreadLockTable();
    return *table;
  }

  // Takes the in-process lock for `key`, waiting until `deadline`. Returns
  // false when the deadline passed first.
  bool Acquire(const Key& key, const Deadline& deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    std::shared_ptr<Entry>& slot = entries_[key];
    if (slot == nullptr) slot = std::make_shared<Entry>();
    std::shared_ptr<Entry> entry = slot;
    ++entry->users;
    while (entry->held) {
      if (deadline.is_never()) {
        entry->cv.wait(lock);
      } else if (deadline.expired()) {
        Leave(key, *entry);
        return false;
      } else {
        entry->cv.wait_until(lock, deadline.at());
      }
    }
    entry->held = true;
    return true;
  }

  void Release(const Key& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;  // not held: a bookkeeping bug
    std::shared_ptr<Entry> entry = it->second;
    entry->held = false;
    entry->cv.notify_all();
    Leave(key, *entry);
  }

 private:
  struct Entry {
    std::condition_variable cv;
    bool held = false;
    int users = 0;  // holders and waiters
  };

  // Requires mu_.
  void Leave(const Key& key, Entry& entry) {
    if (--entry.users == 0) entries_.erase(key);
  }

  std::mutex mu_;
  std::map<Key, std::shared_ptr<Entry>> entries_;
};

// Thread safety: used by its one LockObject, one thread at a time; the
// shared table synchronises itself.
class LocketMechanism final : public Mechanism {
 public:
  LocketMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path),
        retry_period_(options.max_poll_interval.count() > 0
                          ? options.max_poll_interval
                          : std::chrono::milliseconds(1)) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    return Take(Now());
  }

  bool WaitsInKernel() const override { return true; }

  Status BlockingAcquire(LockMode /*mode*/, const Deadline& deadline) override {
    StatusOr<TryResult> r = Take(deadline);
    if (!r.ok()) return r.status();
    if (*r == TryResult::kAcquired) return Status::Ok();
    return Status(ErrorKind::kLockTimeout, path_,
                  "still held by another owner when the deadline passed");
  }

  Status Release() override {
    Status s = FlockUnlockAndClose(os_, fd_, path_,
                                   "locket/after_unlock_before_close");
    ThreadLockTable::Get().Release(key_);
    return s;
  }

  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    return FlockHeldOn(os_, path_);
  }

  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }

  Status Break() override {
    return Status(ErrorKind::kUnsupported, path_,
                  "locket cannot break another owner's lock");
  }

 private:
  // Both stages, waiting until `deadline` (a past deadline: one try each).
  // kBusy when the deadline passed with either stage still taken.
  StatusOr<TryResult> Take(const Deadline& deadline) {
    StatusOr<UniqueFd> fd = OpenLockFile(os_, path_, O_RDWR | O_CREAT);
    if (!fd.ok()) return fd.status();
    struct stat st {};
    if (os_.Fstat(fd->get(), &st) != 0) {
      return LockPathError(ErrorKind::kLockFailed, "fstat", path_, errno);
    }
    ThreadLockTable::Key key{st.st_dev, st.st_ino};
    ThreadLockTable& table = ThreadLockTable::Get();
    if (!table.Acquire(key, deadline)) return TryResult::kBusy;
    os_.Failpoint("locket/after_thread_lock");
    bool watching = false;
    for (;;) {
      if (os_.Flock(fd->get(), LOCK_EX | LOCK_NB) == 0) break;
      int err = errno;
      if (err != EWOULDBLOCK && err != EINTR) {
        table.Release(key);
        return LockPathError(ErrorKind::kLockFailed, "flock", path_, err);
      }
      if (deadline.expired()) {
        table.Release(key);
        return TryResult::kBusy;
      }
      if (!watching) {  // the watch exists before the try that precedes a wait
        if (waiter_ == nullptr) {
          waiter_ = std::make_unique<ChangeWaiter>(
              DirectoryOf(path_), retry_period_, EntryName(path_));
        }
        waiter_->Restart();
        watching = true;
        continue;
      }
      waiter_->Wait(deadline);
    }
    os_.Failpoint("locket/after_flock");
    fd_ = std::move(*fd);
    key_ = key;
    return TryResult::kAcquired;
  }

  Os& os_;
  const std::string path_;
  const std::chrono::milliseconds retry_period_;
  // Made at the first wait and kept (change_waiter.h: a watch costs ~10 ms
  // to tear down).
  std::unique_ptr<ChangeWaiter> waiter_;
  UniqueFd fd_;               // while held: the descriptor with the flock
  ThreadLockTable::Key key_;  // while held: our in-process lock
};

const ImplInfo& LocketInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "locket",
      .model = "locket.lock_file",
      .mechanism =
          "per-file in-process lock, then flock(LOCK_EX|LOCK_NB) "
          "on PATH polled every retry period; the file is kept",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kThreads, Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy =
          "condition variable (threads of this process), then "
          "flock(LOCK_NB) polled with back-off 1 ms .. max_poll_interval "
          "(locket's retry_period, 50 ms), woken early by inotify when the "
          "lock file is closed",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"locket/after_thread_lock", "locket/after_flock",
                     "locket/after_unlock_before_close"},
  };
  return *info;
}

}  // namespace

ImplEntry LocketLockEntry() {
  return WithStaleRecordFile({LocketInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<LocketMechanism>(
                                    LocketInfo(), options, options.path);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
