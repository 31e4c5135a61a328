// InterruptWatcher: turns SIGINT/SIGTERM/SIGHUP of lockstress itself into a
// flag that the orchestrator polls (RunSchedule kills every worker within
// ~20 ms of it), so that the normal unwinding — RAII killing and reaping
// the workers and removing the scratch directories — runs even on ^C.
//
// The signals are blocked in the calling thread and so in every thread
// created after it (construct it first in main); a dedicated thread takes
// them with sigwait(3). Children get an empty mask back (worker_process.cc).
// A second signal while unwinding exits at once (status 130).
//
// Thread safety: interrupted() may be read from any thread.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_INTERRUPT_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_INTERRUPT_H_

#include <atomic>

namespace lockstress {

class InterruptWatcher {
 public:
  InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;
  const std::atomic<bool>* flag() const { return &interrupted_; }
  bool interrupted() const { return interrupted_; }

 private:
  std::atomic<bool> interrupted_{false};
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_INTERRUPT_H_
