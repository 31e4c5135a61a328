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
// try that precedes a wait, so a release between a failed try and the wait
// is not missed.
//
// Platform fact: tearing down an inotify watch (close of the instance,
// inotify_rm_watch) waits for an SRCU grace period in the kernel
// (fsnotify_destroy_group -> synchronize_srcu): measured 10.6 ms per
// inotify_init1 + inotify_add_watch + close on this host (kernel 6.18, 2
// cores), while the lock's own system calls take microseconds. A waiter
// made per acquire therefore capped every polling lock at ~100 cycles/s
// even uncontended, and put the 10 ms inside the holder's critical section
// (bench: uncontended/link, handoff/link, docs/bench.md). So an owner makes
// its ChangeWaiter only when it first has to wait, and keeps it for its
// lifetime: Restart() begins each wait anew (back-off from 1 ms, queued
// events dropped).
//
// Thread safety: one waiter per waiting thread.
#ifndef LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_
#define LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_

#include <chrono>
#include <string>
#include <utility>

#include "impls/core/unique_fd.h"
#include "lockstress/timeout.h"

namespace lockstress {

class ChangeWaiter {
 public:
  // Watches `directory` ("" or an unwatchable one: back-off only). With a
  // `name`, only events about that entry of the directory (or about the
  // directory itself, or a queue overflow) end a wait early: the owners'
  // own unique files, journals and siblings come and go without waking
  // every waiter for a try that must fail (bench handoff/link, docs/bench.md).
  ChangeWaiter(const std::string& directory,
               std::chrono::milliseconds max_interval, std::string name = {});

  // Begins a new wait: back-off from 1 ms again, and events queued since
  // the last wait are dropped (call it before the try that precedes Wait).
  void Restart();

  // Sleeps for the next back-off interval, less if the deadline is nearer,
  // and returns early when the directory changed.
  void Wait(const Deadline& deadline);

 private:
  UniqueFd inotify_;
  // Reads every queued event; true when one of them is about name_ (always
  // true without a name).
  bool Drain();

  std::string name_;
  std::chrono::microseconds next_{1000};
  std::chrono::microseconds max_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_CHANGE_WAITER_H_
