// RunSchedule: the orchestrator proper. It starts one worker per schedule
// entry, holds them all at a start barrier (every worker has greeted before
// the first request), drives every handle from its own client thread,
// plays the nemesis, and records the history.
//
//   main thread         client threads (w0.h0, w1.h0, ...)   nemesis thread
//     start workers,
//     read greetings
//     -- barrier: all greeted ------------------------------------------->
//                        open; ops (acquire -> witness ->     kill/stop/cont
//                        sleep -> release ...); release if     at planned
//                        still holding; close                  offsets
//     watch `interrupted`; on it, kill every worker
//     join; quit workers; history
//
// Every request has a deadline (WorkerConnection's watchdog), so a hung or
// stopped-for-ever worker is killed and its call recorded as `lost`.
//
// Thread safety: RunSchedule is reentrant; one call owns its workers.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_SCENARIO_RUNNER_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_SCENARIO_RUNNER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/orchestrator/netfs_run.h"
#include "harness/scenario/crash_tables.h"
#include "harness/scenario/schedule.h"
#include "lockstress/history.h"

namespace lockstress {

struct RunSpec {
  std::string impl;  // for the history header
  Ownership ownership = Ownership::kProcess;
  std::vector<std::string> driver_argv;  // one worker's command
  // When not empty: worker w's own command instead (the faults suite wraps
  // workers in the namespace launcher, fault_launch.h).
  std::vector<std::vector<std::string>> worker_argvs;
  // When not empty: worker 0's command seeds a stale lock before it greets;
  // recorded as the history's first event, nemesis "stale" with this text
  // as its message (the checkers treat it as a holder that died before the
  // run, intervals.h).
  std::string stale_event;
  std::string scenario;
  std::uint64_t seed = 0;
  Schedule schedule;
  std::string test_dir;  // the directory under test: lock and witness
  std::string log_dir;   // worker stderr logs: worker-<n>.log
  std::chrono::milliseconds greeting_timeout{10000};
  // Added to every request's own wait to make its deadline.
  std::chrono::milliseconds request_margin{5000};
  // Per worker: fault specs (harness/faults/fault_spec.h), given to the
  // worker in LOCKSTRESS_FAULTS; missing or empty: none.
  std::vector<std::vector<std::string>> worker_faults;
  // [hostile] (hostile_paths.h): planted at hostile_lock_path, the
  // implementation's lock path, before the workers start.
  std::optional<HostileSetup> hostile;
  std::string hostile_lock_path;
  // Called for every event as it is recorded (progress); may be empty.
  std::function<void(const Event&)> on_event;
  // Over a network filesystem: per-worker directories and network cuts
  // (harness/orchestrator/netfs_run.h); inactive by default.
  NetfsRunSpec netfs;
};

// Set-up and protocol errors (a driver that does not greet, greets wrongly
// or sends a malformed reply) are errors: the caller exits 2. A worker lost
// to the watchdog or the nemesis is not: it is in the history.
StatusOr<History> RunSchedule(const RunSpec& spec,
                              const std::atomic<bool>* interrupted);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_SCENARIO_RUNNER_H_
