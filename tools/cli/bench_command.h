// `lockstress bench`: runs bin/lockstress-bench once per filesystem and
// writes the run directory (docs/bench.md):
//
//   <run>/bench/<label>[-<pass>].json   Google Benchmark JSON, one per
//                              filesystem (tmpfs, disk, dir) and pass
//   <run>/results.json         {"version":1,"sections":[bench section]}
//                              (a results.json already there keeps its
//                              other keys and sections)
//
// Filesystems: --quick runs one (--dir, else tmpfs /dev/shm); a full run
// does tmpfs /dev/shm, the disk (/var/tmp) and --dir when given. Each run
// works in a fresh lockstress-bench-XXXXXX directory, removed afterwards.
// Repetitions (--repetitions; a full run 3, --quick 1) are whole passes of
// lockstress-bench, one after another (bench/<label>-<pass>.json when more
// than one), so every pass measures each row next to its raw row; the
// section shows the median over the passes and the spread.
// Every lockstress-bench run has a deadline (quick 300 s, full 4 h), after
// which it is killed; an interrupt (SIGINT/SIGTERM) kills it too.
//
// Exit codes: 0 done; 2 usage, set-up errors (bad --dir, unknown --impl, a
// driver that does not greet), a failed or killed benchmark run.
#ifndef LOCKSTRESS_TOOLS_CLI_BENCH_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_BENCH_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/orchestrator/interrupt.h"

namespace lockstress::cli {

struct BenchOptions {
  std::vector<std::string> impls;    // empty: all built-ins
  std::vector<std::string> drivers;  // outside driver commands
  std::string dir;                   // an extra filesystem (quick: the one)
  std::string out;                   // run directory
  bool quick = false;
  std::string filter;              // --benchmark_filter
  std::optional<int> repetitions;  // default: full 3, quick 1
  std::string bench_binary;        // bin/lockstress-bench
};

int RunBench(const BenchOptions& options, const InterruptWatcher& interrupt,
             std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_BENCH_COMMAND_H_
