// ChangeWaiter: how polling implementations wait without burning a core.
//
// Wait policy (documented for every polling implementation): sleep with
// exponential back-off, 1 ms doubling up to the object's max_poll_interval
// (50 ms by default), and wake early when the lock's directory changes.
//
// Platform fact: inotify reports IN_DELETE / IN_MOVED_FROM / IN_ATTRIB on a
// watched directory when a lock file is removed, renamed away or its link
// count drops (inotify(7)), so a release on this host wakes the waiter at
// once. It does not see changes made by other NFS/FUSE clients, which is why
// the back-off sleep stays as the bound. The watch is set up before the
// first try, so a release between a failed try and the wait is not missed.
//
// Thread safety: one waiter per waiting thread.
#ifndef LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_
#define LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_

#include <chrono>
#include <string>

#include "impls/core/unique_fd.h"
#include "lockstress/timeout.h"

namespace lockstress {

class ChangeWaiter {
 public:
  // Watches `directory` ("" or an unwatchable one: back-off only).
  ChangeWaiter(const std::string& directory,
               std::chrono::milliseconds max_interval);

  // Sleeps for the next back-off interval, less if the deadline is nearer,
  // and returns early when the directory changed.
  void Wait(const Deadline& deadline);

 private:
  UniqueFd inotify_;
  std::chrono::microseconds next_{1000};
  std::chrono::microseconds max_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_
