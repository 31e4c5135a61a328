// The scenario tables of the crash branch: [[fault]], [clock] and [hostile]
// (scenarios/README.md, "Faults, clocks and hostile paths"). Each becomes
// fault specs (harness/faults/fault_spec.h) for some workers, or a hostile
// set-up the orchestrator plants before the workers start.
//
//   [[fault]]                  # one armed fault; repeatable
//   worker = 0                 # which worker (default: every worker)
//   failpoint = "link/after_link_before_count"
//   action = "exit"            # exit | kill | pause | errno
//   hit = 1                    # act at the Nth passage
//   ms = 300                   # pause
//   errno = "EIO"              # errno; with syscall: only that call
//   # or, without failpoint: syscall = "open", errno = "EMFILE", nth, count
//
//   [clock]                    # the workers' wall clock and mtimes
//   worker = 1                 # default: every worker
//   skew_ms = -3600000
//   jump_ms = 3600000
//   jump_after_ms = 500
//   mtime_granularity_ms = 2000
//
//   [hostile]                  # planted before the workers start
//   plant = "symlink"          # symlink (to a victim file) | fifo | none
//   world_writable = true      # the directory under test is mode 0777
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_CRASH_TABLES_H_
#define LOCKSTRESS_HARNESS_SCENARIO_CRASH_TABLES_H_

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lockstress {

struct HostileSetup {
  enum class Plant : unsigned char { kNone, kSymlink, kFifo };
  Plant plant = Plant::kNone;
  bool world_writable = false;
};

struct CrashTables {
  // (worker or -1 for every worker, fault spec).
  std::vector<std::pair<int, std::string>> specs;
  bool hostile = false;  // [hostile] given
  HostileSetup setup;

  // The specs for worker `w`.
  std::vector<std::string> ForWorker(int w) const;
  bool empty() const { return specs.empty() && !hostile; }
};

// Thrown by LoadCrashTables; scenario.cc turns it into "file:line: ...".
struct CrashTableError {
  std::int64_t line;
  std::string message;
};

// Reads [[fault]], [clock] and [hostile] from `root` (other keys are the
// caller's). `processes` bounds `worker`.
CrashTables LoadCrashTables(const toml::table& root, int processes);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_CRASH_TABLES_H_
