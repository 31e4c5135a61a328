// Hostile paths: what a scenario's [hostile] table plants in the directory
// under test before the workers start, and what the orchestrator records
// about it in the history, so that the `security` checker judges from the
// history alone (harness/checkers/security.cc).
//
// Recorded events (type nemesis, worker -1; message = key=value words):
//   op "victim", arg "before" | "after": the victim file's state,
//       "size=N mtime_ns=N ctime_ns=N nlink=N fnv=HEX"
//   op "plant", arg PATH: "symlink target=VICTIM" | "fifo" | "chmod 0777"
//   op "lock_entry", arg PATH, target = the worker that just acquired:
//       what is at the lock path while held,
//       "type=regular mode=0644" | "type=directory mode=0755" |
//       "type=symlink target=..." | "type=fifo" | "type=missing"
//
// Platform facts:
//  - symlink(2) and mkfifo(3) fail with EEXIST when the name exists; the
//    directory under test is fresh, so they cannot.
//  - The mode of a new file is mode & ~umask (open(2), mkdir(2)); workers of
//    a world_writable scenario run with umask 0 (UmaskZeroArgv) so that a
//    lock entry made with a permissive mode shows as writable by others.
//  - st_ctime changes with every write, chmod, link count change or rename
//    of the inode (inode(7)): an untouched victim keeps its ctime.
//
// Thread safety: free functions; callers serialise per directory.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_HOSTILE_PATHS_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_HOSTILE_PATHS_H_

#include <string>
#include <vector>

#include "harness/scenario/crash_tables.h"
#include "lockstress/history.h"

namespace lockstress {

// The victim file a planted symlink points at.
std::string VictimPath(const std::string& test_dir);

// Makes the victim, plants at `lock_path`, chmods; the events to record
// first. Errors (the directory cannot be prepared) stop the run (exit 2).
StatusOr<std::vector<Event>> PlantHostile(const HostileSetup& setup,
                                          const std::string& test_dir,
                                          const std::string& lock_path);

// The victim's state after the run (an event "victim" "after").
Event VictimAfter(const std::string& test_dir);

// What is at `lock_path` now, as a lock_entry event (fill in target).
Event LockEntryEvent(const std::string& lock_path);

// `argv` run with umask 0: /bin/sh -c 'umask 0; exec "$@"' sh ARGV...
std::vector<std::string> UmaskZeroArgv(const std::vector<std::string>& argv);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_HOSTILE_PATHS_H_
