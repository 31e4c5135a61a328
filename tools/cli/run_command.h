// `lockstress run`: every target (built-in implementation or outside driver)
// through every scenario of a suite (or the given files), each case in a
// fresh scratch directory; histories, logs and results.json go into the run
// directory (./lockstress-runs/<timestamp>/ with a `latest` link unless
// --out is given).
//
//   <run>/results.json                     the verdicts
//   <run>/run.json                         the cases, for `lockstress check`
//   <run>/histories/<impl>/<scenario>.jsonl
//   <run>/logs/<impl>/<scenario>/worker-<n>.log
//
// Exit codes: 0 every check passed or skipped, 1 a check failed, 2 usage,
// set-up or protocol errors (and interruption).
#ifndef LOCKSTRESS_TOOLS_CLI_RUN_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_RUN_COMMAND_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/checkers/checker.h"
#include "harness/orchestrator/interrupt.h"
#include "impls/external/adapter_registry.h"
#include "lockstress/status.h"
#include "tools/cli/results.h"

namespace lockstress::cli {

struct RunOptions {
  // Names: a built-in, "external:NAME" (an outside adapter's manifest),
  // "all" (every built-in), "external" (every installed outside adapter);
  // empty: all (unless drivers). `all,external` is everything.
  std::vector<std::string> impls;
  std::vector<std::string> drivers;  // shell commands speaking the protocol
  std::string suite = "conformance";
  std::vector<std::string> scenario_files;  // instead of the suite
  std::string dir;                          // parent of the scratch directories
  std::string out;                          // the run directory
  std::optional<std::uint64_t> seed;
  std::optional<double> duration_s;  // stress scenarios
  std::string junit;
  std::string scenarios_dir;  // where suites live
  std::string worker;         // path of lockstress-worker
  AdapterPaths adapters;      // the outside adapters' manifests
  // The checkers' tolerances (--timeout-late ...); each built-in is judged
  // with recovery_bound at least its declared stale_bound.
  CheckOptions check_options;
  // --crash-points: crash at every failpoint instead (crash_points.h).
  bool crash_points = false;
  // The command line as given, recorded in results.json's environment.
  std::vector<std::string> argv;
  // --netfs BED: run in that running network-filesystem test bed, workers
  // spread over its clients (tools/cli/netfs_bed.h); testbed: its script.
  std::string netfs;
  std::string testbed;
};

// "conformance/basic" -> "conformance_basic": one path component.
std::string FlatName(std::string name);

// Where a run writes: its run directory (--out, or a new one under
// ./lockstress-runs) and the parent of its scratch directories (--dir, or
// the run directory). A --dir that is not a directory is refused before the
// run directory is made. On error it says why on `err` and returns nullopt
// (the caller exits 2).
struct RunPlace {
  std::string run_dir;
  std::string scratch_parent;
};
std::optional<RunPlace> PrepareRunPlace(const RunOptions& options,
                                        std::ostream& err);

// The end of every run: writes RUN_DIR/results.json (and the JUnit file when
// `junit` is set), prints the summary and writes RUN_DIR/index.html. Returns
// the exit code: results.ExitCode(), or 2 when a file could not be written.
int FinishRun(const Results& results, const std::string& run_dir,
              const std::string& junit, std::ostream& out, std::ostream& err);

int RunRun(const RunOptions& options, const InterruptWatcher& interrupt,
           std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_RUN_COMMAND_H_
