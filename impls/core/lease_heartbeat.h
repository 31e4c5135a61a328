// LeaseHeartbeat: the thread that keeps a held lease alive.
//
// While a lease lock is held, this thread rewrites the owner record every
// `period` with the next generation, through the descriptor the holder
// keeps open. The write itself is the refresh: it sets the lock file's
// mtime to the filesystem's now (fs_clock.h), and the new generation lets a
// breaker that renamed the file away see that the holder is alive after all
// (lease.cc, "Breaking"). The record keeps its length (owner_record.h), so
// a refresh never truncates what a reader may be reading.
//
// Failpoint lease/heartbeat before every refresh: pausing it there is the
// "holder paused past its lease" case of docs/lease.md.
//
// RAII: the destructor stops and joins the thread, so the descriptor may be
// closed right after. Refresh errors are ignored (best effort): a holder
// that cannot refresh loses its lease to other hosts after `lease`, which
// is exactly the failure the lease is meant to bound.
//
// Thread safety: the constructor and destructor run in the owning thread;
// the refresh loop runs in its own thread and shares only stop_ (guarded by
// mu_), the immutable descriptor number, and the thread-safe Os.
#ifndef LOCKSTRESS_IMPLS_CORE_LEASE_HEARTBEAT_H_
#define LOCKSTRESS_IMPLS_CORE_LEASE_HEARTBEAT_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "impls/core/owner_record.h"
#include "lockstress/os.h"

namespace lockstress {

class LeaseHeartbeat {
 public:
  LeaseHeartbeat(Os& os, int fd, std::string path, OwnerRecord record,
                 std::chrono::milliseconds period);
  ~LeaseHeartbeat();
  LeaseHeartbeat(const LeaseHeartbeat&) = delete;
  LeaseHeartbeat& operator=(const LeaseHeartbeat&) = delete;

 private:
  void Run(OwnerRecord record);

  Os& os_;
  const int fd_;
  const std::string path_;
  const std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;   // guarded by mu_
  std::thread thread_;  // last: starts after everything above is set
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LEASE_HEARTBEAT_H_
