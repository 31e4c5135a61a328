// The namespace launcher (bin/lockstress-ns-launch): starts one worker as
// if on another machine or in another container, for the faults suite
// (scenarios/faults/, docs/faults.md). It is the command the orchestrator
// starts in place of the worker (harness/orchestrator/fault_launch.h).
//
//   lockstress-ns-launch [--pid-ns] [--hostname NAME] [--seed-at PID]
//       [--decoy-at PID] [--run-at PID] [--seed CMD ARG...] -- CMD ARG...
//
// In order:
//   1. unshare(2) a PID namespace (--pid-ns; with its own mount namespace,
//      so that /proc can be mounted for it) and a UTS namespace
//      (--hostname), then fork: the child is the namespace's init (PID 1).
//   2. init mounts a fresh /proc (mount(2), after making / private, so the
//      host's mounts are untouched) and sets the host name.
//   3. the seed command (--seed ... up to `--`), if any, at PID --seed-at;
//      it must exit 0 (it leaves a stale lock and dies: a dead holder).
//   4. a decoy, an unrelated process that only sleeps, at PID --decoy-at:
//      right after the seed, at the seed's PID, this is PID reuse.
//   5. the command at PID --run-at; init waits for it, kills the decoy and
//      exits with its status (128 + signal when killed).
//
// Chosen PIDs: writing N-1 to /proc/sys/kernel/ns_last_pid makes the next
// fork in the caller's PID namespace get N if it is free (pid_namespaces(7);
// needs CAP_SYS_ADMIN in the namespace's user namespace). Only init forks
// in the namespace then, so nothing races it; the launcher checks the PID
// it got and fails (exit 2) if it differs.
//
// Lifetime: every process it starts has PR_SET_PDEATHSIG(SIGKILL), and
// when a PID namespace's init dies the kernel kills everything in it
// (pid_namespaces(7)), so killing the launcher's process group (the
// nemesis, the watchdog) or the launcher leaves nothing behind. All stay in
// the launcher's process group. SIGSTOP/SIGKILL from the parent namespace
// reach init even though it is PID 1 there; SIGCONT's wake-up applies to
// any stopped task.
//
// Exit codes: the command's; 2 for usage errors and for set-up failures
// (named on stderr).
//
// Thread safety: RunLaunch forks; call it from a single-threaded process.
#ifndef LOCKSTRESS_HARNESS_LAUNCHER_NS_LAUNCH_H_
#define LOCKSTRESS_HARNESS_LAUNCHER_NS_LAUNCH_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "lockstress/status.h"

namespace lockstress {

struct LaunchPlan {
  bool pid_ns = false;
  std::string hostname;           // non-empty: a UTS namespace with this name
  pid_t seed_at = 0;              // 0: wherever
  pid_t decoy_at = 0;             // 0: no decoy
  pid_t run_at = 0;               // 0: wherever
  std::vector<std::string> seed;  // empty: no seed command
  std::vector<std::string> command;  // required
};

StatusOr<LaunchPlan> ParseLaunchArgs(const std::vector<std::string>& args);
// The launcher's argv (after argv[0]) for a plan: ParseLaunchArgs's inverse.
std::vector<std::string> LaunchArgs(const LaunchPlan& plan);
// Runs the plan; returns the exit code of the launcher.
int RunLaunch(const LaunchPlan& plan);

// "" when this process may create the namespaces and choose PIDs (probed in
// a short-lived child), else why not: the reason a scenario is skipped.
std::string NamespaceSupport(bool pid_ns, bool uts_ns);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_LAUNCHER_NS_LAUNCH_H_
