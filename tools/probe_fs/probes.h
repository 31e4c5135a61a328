// The probes of `lockstress probe-fs`: what a directory, seen through one or
// more clients, really does for the building blocks of file locks.
//
// Client A is the first path, client B another path to the same directory
// (or the same path again, which measures two processes of one host). Each
// probe runs its filesystem steps in separate child processes (ProbeChild),
// so a lock that only conflicts inside one process or one mount shows up as
// "local" rather than as a pass.
//
// Thread safety: values and functions; run from one thread (they fork).
#ifndef LOCKSTRESS_TOOLS_PROBE_FS_PROBES_H_
#define LOCKSTRESS_TOOLS_PROBE_FS_PROBES_H_

#include <chrono>
#include <string>
#include <vector>

namespace lockstress::probe_fs {

// Outcome words (the first word of ProbeResult::outcome):
//   locks (flock, fcntl, ofd): coherent | local | unsupported | sticky |
//                              hung | error
//   flock_vs_fcntl:            independent | interact | hung | error
//   o_excl, mkdir, link:       exclusive | not_exclusive | refused | hung |
//                              error
//   link_count:                the st_nlink after a successful link(2)
//   rename:                    atomic | refused | broken | hung
//   visible_create/_delete:    the delay in ms, or "late" (past the bound)
struct ProbeResult {
  std::string probe;    // "flock", "o_excl", ...
  std::string clients;  // "A->B": who acted and who looked
  std::string outcome;
  std::string detail;  // the evidence: what each process did and got
};

struct ProbeBounds {
  // One step of one child (an open, a lock attempt); a step that takes
  // longer is "hung" and its child is killed.
  std::chrono::seconds step{15};
  // How long a change may take to be seen through the other client.
  std::chrono::seconds visibility{30};
};

// Runs every probe between a and b (directories; files named
// .lockstress-probe-* are made and removed in them).
std::vector<ProbeResult> RunProbes(const std::string& a, const std::string& b,
                                   const std::string& clients,
                                   const ProbeBounds& bounds);

}  // namespace lockstress::probe_fs

#endif  // LOCKSTRESS_TOOLS_PROBE_FS_PROBES_H_
