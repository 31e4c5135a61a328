// WorkerProcess: one driver process, started with Boost.Process v2 (the only
// file that includes it is worker_process.cc; it is heavy to compile).
//
//  - stdin and stdout are pipes we own; stderr goes straight to a log file
//    in the run directory, so no pipe of the child is ever left undrained
//    (we read stdout in WorkerConnection's reader thread).
//  - No other descriptor is inherited: Boost.Process v2's posix launcher
//    closes every descriptor but 0, 1 and 2 in the child before exec, and
//    every descriptor we open is O_CLOEXEC anyway.
//  - The child is the leader of its own process group (setpgid(0, 0)), so
//    Kill() takes out a `sh -c` driver and anything it started.
//  - The child has PR_SET_PDEATHSIG(SIGKILL) (prctl(2)): it dies with us even
//    if we are killed with SIGKILL. prctl's parent is the *thread* that
//    forked, so Start() must be called from a thread that outlives the
//    worker (the orchestrator's main thread).
//  - The destructor kills the group and reaps the child.
//  - The first Start() makes this process ignore SIGPIPE, so that a write
//    to a dead worker fails with EPIPE instead of killing the harness.
//
// Thread safety: Kill/Signal/pid may be called from any thread (they only
// send signals); WaitExit and the destructor from the owner.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_PROCESS_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_PROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lockstress/status.h"

namespace lockstress {

class WorkerProcess {
 public:
  // argv[0] is the executable's path (no PATH search: use /bin/sh -c).
  static StatusOr<std::unique_ptr<WorkerProcess>> Start(
      const std::vector<std::string>& argv, const std::string& stderr_log);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return to_child_; }
  int stdout_fd() const { return from_child_; }
  // Closes our end of the child's stdin (the child then sees end of input).
  void CloseStdin();

  // SIGKILL to the whole process group.
  void Kill() { Signal(9); }
  // Any signal to the whole process group (SIGSTOP/SIGCONT for the nemesis).
  void Signal(int signal_number);
  // The exit code, or 128 + signal; nullopt if it has not exited by then.
  std::optional<int> WaitExit(std::chrono::steady_clock::time_point deadline);

 private:
  WorkerProcess() = default;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::atomic<bool> reaped_{false};
  std::optional<int> exit_code_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_WORKER_PROCESS_H_
