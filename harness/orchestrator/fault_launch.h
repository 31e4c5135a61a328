// Fault placement for one case (scenarios/faults/, docs/faults.md): turns a
// scenario's [stale] and [namespaces] tables (fault_tables.h) into the
// commands that start its workers, each wrapped in the namespace launcher
// (harness/launcher/ns_launch.h), worker 0's launcher first running the
// implementation's stale-state writer (lockstress-worker --seed-stale).
//
// Thread safety: pure functions, except FaultSkipReason, which may fork a
// short-lived probe child (NamespaceSupport) once per distinct question.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_FAULT_LAUNCH_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_FAULT_LAUNCH_H_

#include <string>
#include <vector>

#include "harness/scenario/fault_tables.h"

namespace lockstress {

struct FaultTarget {
  std::vector<std::string> driver_argv;  // one worker's command
  // The driver takes `--seed-stale --lock PATH ...` (a built-in with a
  // stale-state writer); outside drivers do not.
  bool seeds_stale = false;
  std::string impl;  // for messages
};

// Why the case cannot run here ("" when it can): no stale-state writer,
// no privileges for the namespaces or for handing a file to another user.
std::string FaultSkipReason(const FaultTables& faults,
                            const FaultTarget& target);

// The command of each of `workers` workers; `launcher` is the path of
// bin/lockstress-ns-launch, `lock_path` the lock every handle opens.
std::vector<std::vector<std::string>> FaultWorkerArgvs(
    const FaultTables& faults, const FaultTarget& target, int workers,
    const std::string& launcher, const std::string& lock_path);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_FAULT_LAUNCH_H_
