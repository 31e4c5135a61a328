// lockstress: the command-line tool.
//   lockstress run [--impl NAME,...|external:NAME|all|external]
//                  [--driver 'CMD']... [--suite NAME]
//                  [--scenario FILE]... [--dir DIR] [--out DIR] [--seed N]
//                  [--duration S] [--junit FILE] [--crash-points] [TOLERANCES]
//   lockstress list [impls|scenarios|suites]
//   lockstress check RUN_DIR [TOLERANCES]
// TOLERANCES: --timeout-late MS --nonblocking-prompt MS --starvation-bound MS
//             --recovery-bound MS (docs/checkers.md, CheckOptions)
//   lockstress selfcheck [--dir DIR]
//   lockstress report [--synthetic-ops N [--seed N]] RUN_DIR
//   lockstress bench [--impl NAME,...] [--driver 'CMD']... [--dir DIR]
//                    [--quick] [--out DIR] [--filter REGEX] [--repetitions N]
//   lockstress probe-fs PATH [PATH2 ...] [--out DIR] [--step-bound S]
//                  [--visibility-bound S]   (tools/probe_fs/)
// Exit codes: 0 pass/skip, 1 a check failed, 2 usage/set-up/protocol error.
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "harness/orchestrator/interrupt.h"
#include "reports/report.h"
#include "tools/cli/bench_command.h"
#include "tools/cli/check_command.h"
#include "tools/cli/check_options.h"
#include "tools/cli/crash_points.h"
#include "tools/cli/list_command.h"
#include "tools/cli/run_command.h"
#include "tools/cli/self_check.h"
#include "tools/probe_fs/probe_fs_command.h"

namespace {

std::string ScenariosDir() {
  const char* env = getenv("LOCKSTRESS_SCENARIOS");
  return env != nullptr ? env
                        : std::string(LOCKSTRESS_SOURCE_DIR) + "/scenarios";
}

std::string SiblingPath(const char* name) {
  std::error_code ec;
  std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / name).string();
}

std::string WorkerPath() { return SiblingPath("lockstress-worker"); }

// The outside adapters: manifests in impls/external/ of the source tree
// ($LOCKSTRESS_EXTERNAL overrides the directory); {bin} is where we are.
lockstress::AdapterPaths Adapters() {
  const char* env = getenv("LOCKSTRESS_EXTERNAL");
  std::string src = LOCKSTRESS_SOURCE_DIR;
  return {env != nullptr ? env : src + "/impls/external", src,
          std::filesystem::path(WorkerPath()).parent_path().string()};
}

int SelfCheck(const std::string& dir_option) {
  // Always a fresh directory (under --dir when given), removed afterwards.
  std::filesystem::path base = dir_option.empty()
                                   ? std::filesystem::temp_directory_path()
                                   : std::filesystem::path(dir_option);
  if (!std::filesystem::is_directory(base)) {
    std::cerr << fmt::format(
        "lockstress selfcheck: --dir '{}' is not a directory\n", dir_option);
    return 2;
  }
  std::string tmpl = (base / "lockstress-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::cerr << fmt::format(
        "lockstress selfcheck: cannot create a directory in '{}'\n",
        base.string());
    return 2;
  }
  int code = lockstress::cli::RunSelfCheck(tmpl, std::cout);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return code;
}

// The checkers' tolerances, as text: check_options.cc parses them, so a bad
// value gets a message naming the option (exit 2).
struct ToleranceOptions {
  std::string values[4];
  CLI::Option* given[4] = {};

  void AddTo(CLI::App* app) {
    given[0] = app->add_option("--timeout-late", values[0],
                               "MS a LockTimeout may come after the asked "
                               "timeout (default 1000)");
    given[1] =
        app->add_option("--nonblocking-prompt", values[1],
                        "MS a non-blocking acquire may take (default 500)");
    given[2] = app->add_option("--starvation-bound", values[2],
                               "MS a waiter may wait while others get the lock "
                               "(default 10000)");
    given[3] = app->add_option("--recovery-bound", values[3],
                               "MS until a dead holder's lock is taken over, "
                               "with stale_recovery (default 5000)");
  }
  lockstress::cli::CheckOptionFlags Flags() const {
    lockstress::cli::CheckOptionFlags f;
    std::optional<std::string>* out[] = {&f.timeout_late, &f.nonblocking_prompt,
                                         &f.starvation_bound,
                                         &f.recovery_bound};
    for (int i = 0; i < 4; ++i) {
      if (*given[i]) *out[i] = values[i];
    }
    return f;
  }
};

}  // namespace

int main(int argc, char** argv) {
  // First, before any thread exists: SIGINT/SIGTERM become a flag.
  lockstress::InterruptWatcher interrupt;
  CLI::App app{"lockstress: stress and conformance tests for file locks"};
  app.require_subcommand(1);

  std::string list_what = "impls";
  CLI::App* list =
      app.add_subcommand("list", "List implementations, scenarios or suites");
  list->add_option("what", list_what, "impls | scenarios | suites");

  lockstress::cli::RunOptions run_options;
  std::string impl_list;
  std::uint64_t seed = 0;
  double duration = 0;
  CLI::App* run =
      app.add_subcommand("run", "Run implementations through scenarios");
  run->add_option("--impl", impl_list,
                  "NAME,... external:NAME,... all (every built-in), external "
                  "(every installed outside adapter); default: all");
  run->add_option("--driver", run_options.drivers,
                  "A command that speaks driver protocol v1 (repeatable)");
  run->add_option("--suite", run_options.suite, "Suite (default: conformance)");
  run->add_option("--scenario", run_options.scenario_files,
                  "Scenario file instead of a suite (repeatable)")
      ->check(CLI::ExistingFile);
  run->add_option(
      "--dir", run_options.dir,
      "Where the directories under test are made (default: the run directory)");
  run->add_option("--out", run_options.out,
                  "Run directory (default: ./lockstress-runs/<timestamp>)");
  CLI::Option* seed_opt =
      run->add_option("--seed", seed, "PRNG seed (default: random)");
  CLI::Option* duration_opt =
      run->add_option("--duration", duration, "Seconds, for stress scenarios")
          ->check(CLI::PositiveNumber);
  run->add_option("--junit", run_options.junit, "Also write JUnit XML here");
  run->add_flag("--crash-points", run_options.crash_points,
                "Crash a holder at every failpoint of each built-in in turn "
                "and check what a survivor sees (docs/faults.md)");
  run->add_option("--netfs", run_options.netfs,
                  "Run in this running test bed (gluster, sshfs, smb; "
                  "tools/netfs/testbed), workers spread over its clients");
  ToleranceOptions run_tolerances;
  run_tolerances.AddTo(run);

  std::string check_dir;
  CLI::App* check = app.add_subcommand("check", "Check a stored run again");
  check->add_option("RUN_DIR", check_dir, "A run directory")->required();
  ToleranceOptions check_tolerances;
  check_tolerances.AddTo(check);

  std::string selfcheck_dir;
  CLI::App* selfcheck = app.add_subcommand(
      "selfcheck", "Quick smoke test of every built-in implementation");
  selfcheck->add_option("--dir", selfcheck_dir, "Directory to lock in");

  lockstress::report::ReportOptions report_options;
  CLI::App* report = app.add_subcommand(
      "report", "Write RUN_DIR/index.html from its results and histories");
  report->add_option("RUN_DIR", report_options.run_dir, "A run directory")
      ->required();
  CLI::Option* synthetic =
      report->add_option("--synthetic-ops", report_options.synthetic_ops,
                         "First write a synthetic run of N operations into "
                         "RUN_DIR (new or empty), to measure the report");
  report->add_option("--seed", report_options.seed, "Of the synthetic run")
      ->needs(synthetic);
  lockstress::cli::BenchOptions bench_options;
  std::string bench_impls;
  int repetitions = 0;
  CLI::App* bench = app.add_subcommand(
      "bench", "Benchmarks against the physical limit (docs/bench.md)");
  bench->add_option("--impl", bench_impls, "NAME,... (default: all)");
  bench->add_option("--driver", bench_options.drivers,
                    "An outside driver command (repeatable)");
  bench->add_option("--dir", bench_options.dir,
                    "Also benchmark on this directory's filesystem");
  bench->add_flag("--quick", bench_options.quick,
                  "A smoke run (one filesystem, few short rows)");
  bench->add_option("--out", bench_options.out,
                    "Run directory (default: ./lockstress-runs/<timestamp>)");
  bench->add_option("--filter", bench_options.filter,
                    "Only rows matching this regex (Google Benchmark)");
  CLI::Option* repetitions_opt = bench->add_option(
      "--repetitions", repetitions, "Repeat every row N times (spread)");
  lockstress::probe_fs::ProbeFsOptions probe_options;
  int step_bound = 15, visibility_bound = 30;
  CLI::App* probe_fs = app.add_subcommand(
      "probe-fs",
      "What a directory (seen through one or more clients) really "
      "does for file locks");
  probe_fs
      ->add_option("PATH", probe_options.paths,
                   "The directory; further paths: the same directory "
                   "through other clients")
      ->required();
  probe_fs->add_option("--out", probe_options.out, "Run directory");
  probe_fs->add_option("--step-bound", step_bound, "S one probe step may take")
      ->check(CLI::Range(1, 600));
  probe_fs
      ->add_option("--visibility-bound", visibility_bound,
                   "S a change may take to be seen through another client")
      ->check(CLI::Range(1, 600));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*list)
    return lockstress::cli::RunList(list_what, ScenariosDir(), Adapters(),
                                    std::cout, std::cerr);
  if (*check) {
    return lockstress::cli::RunCheck(check_dir, check_tolerances.Flags(),
                                     std::cout, std::cerr);
  }
  if (*selfcheck) return SelfCheck(selfcheck_dir);
  if (*report) {
    report_options.argv.assign(argv, argv + argc);
    return lockstress::report::RunReport(report_options, std::cout, std::cerr);
  }
  if (*bench) {
    std::stringstream names(bench_impls);
    for (std::string name; std::getline(names, name, ',');) {
      if (!name.empty() && name != "all") bench_options.impls.push_back(name);
    }
    if (*repetitions_opt) bench_options.repetitions = repetitions;
    bench_options.bench_binary = SiblingPath("lockstress-bench");
    return lockstress::cli::RunBench(bench_options, interrupt, std::cout,
                                     std::cerr);
  }
  if (*probe_fs) {
    probe_options.bounds.step = std::chrono::seconds(step_bound);
    probe_options.bounds.visibility = std::chrono::seconds(visibility_bound);
    return lockstress::probe_fs::RunProbeFs(probe_options, std::cout,
                                            std::cerr);
  }
  if (*run) {
    std::stringstream names(impl_list);
    for (std::string name; std::getline(names, name, ',');) {
      if (!name.empty()) run_options.impls.push_back(name);
    }
    lockstress::StatusOr<lockstress::CheckOptions> tolerances =
        lockstress::cli::ApplyCheckOptionFlags(run_tolerances.Flags(), {});
    if (!tolerances.ok()) {
      std::cerr << "lockstress run: " << tolerances.status().message() << "\n";
      return 2;
    }
    run_options.check_options = *tolerances;
    if (*seed_opt) run_options.seed = seed;
    if (*duration_opt) run_options.duration_s = duration;
    run_options.scenarios_dir = ScenariosDir();
    run_options.worker = WorkerPath();
    const char* testbed = getenv("LOCKSTRESS_TESTBED");
    run_options.testbed =
        testbed != nullptr
            ? testbed
            : std::string(LOCKSTRESS_SOURCE_DIR) + "/tools/netfs/testbed";
    run_options.argv.assign(argv, argv + argc);
    run_options.adapters = Adapters();
    if (run_options.crash_points) {
      return lockstress::cli::RunCrashPoints(run_options, interrupt, std::cout,
                                             std::cerr);
    }
    return lockstress::cli::RunRun(run_options, interrupt, std::cout,
                                   std::cerr);
  }
  return 2;
}
