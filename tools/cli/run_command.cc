#include "tools/cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "harness/orchestrator/fault_launch.h"
#include "harness/orchestrator/scenario_runner.h"
#include "harness/orchestrator/scratch_dir.h"
#include "harness/orchestrator/worker_connection.h"
#include "harness/scenario/generator.h"
#include "harness/scenario/scenario.h"
#include "lockstress/registry.h"
#include "reports/environment.h"
#include "reports/report.h"
#include "tools/cli/check_command.h"
#include "tools/cli/check_options.h"
#include "tools/cli/netfs_bed.h"
#include "tools/cli/results.h"
#include "tools/cli/run_dir.h"

namespace lockstress::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Target {
  std::string label;
  std::vector<std::string> argv;
  Ownership ownership = Ownership::kProcess;
  FeatureSet features;  // from the greeting
  bool negative_control = false;
  std::chrono::milliseconds stale_bound{0};  // built-ins: ImplInfo's
  FeatureSet outside_promise;                // outside adapters: manifest's
  const ImplEntry* entry = nullptr;          // built-ins
};

// "conformance/basic" -> "conformance_basic": one path component.
std::string Flat(std::string s) {
  for (char& c : s) {
    if (c == '/') c = '_';
  }
  return s;
}

// The outside adapters asked for: external:NAME (must exist; a missing
// library is a set-up error naming the manifest's `missing`) and `external`
// (every installed one; the others are left out with their reason).
StatusOr<std::vector<Target>> ExternalTargets(
    const RunOptions& o, bool every_installed,
    const std::vector<std::string>& named, std::ostream& err) {
  std::vector<Target> out;
  if (!every_installed && named.empty()) return out;
  StatusOr<std::vector<ExternalAdapter>> adapters =
      LoadAdapterManifests(o.adapters.manifests);
  if (!adapters.ok()) return adapters.status();
  auto target = [&](const ExternalAdapter& a) {
    return Target{a.name,
                  ExpandPlaceholders(a.command, o.adapters),
                  a.owner,
                  {},
                  false,
                  {},
                  a.outside_promise};
  };
  for (const std::string& name : named) {
    auto a =
        std::find_if(adapters->begin(), adapters->end(),
                     [&](const ExternalAdapter& x) { return x.name == name; });
    if (a == adapters->end()) {
      return Status(ErrorKind::kError, "",
                    "unknown outside adapter 'external:" + name +
                        "' (lockstress list impls; manifests in " +
                        o.adapters.manifests + ")");
    }
    if (!AdapterInstalled(*a, o.adapters)) {
      return Status(ErrorKind::kError, "",
                    "external:" + name + ": " + a->missing);
    }
    out.push_back(target(*a));
  }
  if (every_installed) {
    for (const ExternalAdapter& a : *adapters) {
      if (std::find(named.begin(), named.end(), a.name) != named.end())
        continue;
      if (!AdapterInstalled(a, o.adapters)) {
        err << "lockstress run: leaving out external:" << a.name << ": "
            << a.missing << "\n";
        continue;
      }
      out.push_back(target(a));
    }
  }
  return out;
}

StatusOr<std::vector<Target>> Targets(const RunOptions& o, std::ostream& err) {
  std::vector<Target> out;
  std::vector<std::string> named;  // explicitly, in order, once each
  std::vector<std::string> external_named;
  bool all = o.impls.empty() && o.drivers.empty();
  bool every_external = false;
  for (const std::string& name : o.impls) {
    if (name == "all") {
      all = true;
    } else if (name == "external") {
      every_external = true;
    } else if (name.starts_with(kExternalPrefix)) {
      std::string bare = name.substr(kExternalPrefix.size());
      if (std::find(external_named.begin(), external_named.end(), bare) ==
          external_named.end()) {
        external_named.push_back(bare);
      }
    } else if (std::find(named.begin(), named.end(), name) == named.end()) {
      named.push_back(name);
    }
  }
  std::vector<std::string> names = named;
  if (all) {
    for (const ImplEntry& e : AllImpls()) {
      // An implementation still under construction makes no object; `all`
      // leaves it out (asked for by name, its worker fails: exit 2).
      if (e.make({.path = "/nonexistent/lockstress-probe"}) == nullptr) {
        err << "lockstress run: leaving out " << e.info.name
            << ": not implemented (its factory makes no lock object)\n";
        continue;
      }
      if (std::find(names.begin(), names.end(), e.info.name) == names.end()) {
        names.push_back(e.info.name);
      }
    }
  }
  for (const std::string& name : names) {
    const ImplEntry* e = FindImpl(name);
    if (e == nullptr) {
      return Status(
          ErrorKind::kError, "",
          "unknown implementation '" + name + "' (lockstress list impls)");
    }
    // Run among `all`, the null lock is the negative control, expected to
    // fail; named by itself it is judged like any other implementation.
    bool control = name == kNegativeControl &&
                   std::find(named.begin(), named.end(), name) == named.end();
    out.push_back({name,
                   {o.worker, "--impl", name},
                   e->info.ownership,
                   {},
                   control,
                   e->info.stale_bound,
                   {},
                   e});
  }
  StatusOr<std::vector<Target>> externals =
      ExternalTargets(o, every_external, external_named, err);
  if (!externals.ok()) return externals.status();
  out.insert(out.end(), externals->begin(), externals->end());
  for (std::size_t i = 0; i < o.drivers.size(); ++i) {
    out.push_back({fmt::format("driver{}", i + 1),
                   {"/bin/sh", "-c", o.drivers[i]},
                   Ownership::kProcess,
                   {},
                   false,
                   {}});
  }
  return out;
}

// Starts one worker to read its greeting: names outside drivers, gives the
// features, and fails early (exit 2) on drivers that do not greet.
Status Probe(Target& t, const std::string& log_dir) {
  StatusOr<std::unique_ptr<WorkerConnection>> conn =
      WorkerConnection::Start(t.argv, log_dir + "/" + t.label + "-probe.log",
                              t.label, std::chrono::seconds(10));
  if (!conn.ok()) return conn.status();
  if (t.label.rfind("driver", 0) == 0) t.label = (*conn)->greeting().name;
  t.features = (*conn)->greeting().features;
  (*conn)->Quit(Clock::now() + std::chrono::seconds(2));
  return Status::Ok();
}

// The conformance run includes the faults suite's cheap scenarios (those
// with in_default_run = true; docs/faults.md), when the suite is there.
void AddCheapFaults(const RunOptions& o, std::vector<Scenario>& out) {
  if (!fs::is_directory(fs::path(o.scenarios_dir) / "faults")) return;
  StatusOr<std::vector<Scenario>> faults = LoadSuite(o.scenarios_dir, "faults");
  if (!faults.ok()) return;  // named with --suite faults, it errs there
  for (Scenario& sc : *faults) {
    if (sc.faults.in_default_run) out.push_back(std::move(sc));
  }
}

StatusOr<std::vector<Scenario>> Scenarios(const RunOptions& o) {
  if (o.scenario_files.empty()) {
    StatusOr<std::vector<Scenario>> suite = LoadSuite(o.scenarios_dir, o.suite);
    if (suite.ok() && o.suite == "conformance") AddCheapFaults(o, *suite);
    return suite;
  }
  std::vector<Scenario> out;
  for (const std::string& f : o.scenario_files) {
    StatusOr<Scenario> s = LoadScenario(f);
    if (!s.ok()) return s.status();
    out.push_back(std::move(*s));
  }
  return out;
}

std::string Missing(FeatureSet need, FeatureSet have) {
  FeatureSet missing;
  for (Feature f : need.list()) {
    if (!have.has(f)) missing.add(f);
  }
  return missing.ToString();
}

bool Overlap(FeatureSet a, FeatureSet b) {
  for (Feature f : a.list()) {
    if (b.has(f)) return true;
  }
  return false;
}

// The scenario's [[fault]], [clock] and [hostile] tables, into the spec.
// A hostile plant goes where the implementation keeps its lock: a
// built-in's lock_path(); PATH itself for an outside driver.
void ApplyFaults(const Scenario& sc, const ImplEntry* entry, RunSpec& spec) {
  for (std::size_t w = 0; w < spec.schedule.workers.size(); ++w) {
    spec.worker_faults.push_back(sc.crash.ForWorker(static_cast<int>(w)));
  }
  if (!sc.crash.hostile) return;
  spec.hostile = sc.crash.setup;
  spec.hostile_lock_path = spec.test_dir + "/lock";
  if (entry != nullptr) {
    if (std::unique_ptr<Lock> probe =
            entry->make({.path = spec.hostile_lock_path})) {
      spec.hostile_lock_path = probe->lock_path();
    }
  }
}

}  // namespace

std::string FlatName(std::string name) { return Flat(std::move(name)); }

int RunRun(const RunOptions& o, const InterruptWatcher& interrupt,
           std::ostream& out, std::ostream& err) {
  StatusOr<std::vector<Scenario>> scenarios = Scenarios(o);
  if (!scenarios.ok()) {
    err << "lockstress run: " << scenarios.status().message() << "\n";
    return 2;
  }
  StatusOr<std::vector<Target>> targets = Targets(o, err);
  if (!targets.ok()) {
    err << "lockstress run: " << targets.status().message() << "\n";
    return 2;
  }
  std::optional<NetfsBed> bed;
  if (!o.netfs.empty()) {
    StatusOr<NetfsBed> opened = OpenNetfsBed(o.testbed, o.netfs);
    if (!opened.ok()) {
      err << "lockstress run: " << opened.status().ToString() << "\n";
      return 2;
    }
    bed = std::move(*opened);
  }
  std::optional<RunPlace> place = PrepareRunPlace(o, err);
  if (!place) return 2;
  const std::string& run_dir = place->run_dir;
  const std::string& scratch_parent = place->scratch_parent;
  fs::create_directories(run_dir + "/logs");
  Results results;
  results.seed = o.seed ? *o.seed : std::random_device{}();
  results.options = o.check_options;
  results.environment =
      report::CollectEnvironment(scratch_parent, o.argv, results.seed);
  std::optional<std::chrono::milliseconds> duration;
  if (o.duration_s) {
    duration = std::chrono::milliseconds(
        static_cast<std::int64_t>(*o.duration_s * 1000));
  }
  bool tty = isatty(STDOUT_FILENO) == 1;
  nlohmann::json cases = nlohmann::json::array();
  std::size_t total = targets->size() * scenarios->size(), done = 0;
  // Failed checks so far: violations, and the negative control's expected
  // ones (shown apart).
  int violations = 0, expected_failures = 0;
  auto so_far = [&] {
    std::string s = fmt::format("{} violation{} so far", violations,
                                violations == 1 ? "" : "s");
    if (expected_failures > 0) {
      s += fmt::format(" (+{} expected from the negative control)",
                       expected_failures);
    }
    return s;
  };
  out << fmt::format("lockstress run: {} case(s), seed {}, run directory {}\n",
                     total, results.seed, run_dir);
  for (Target& t : *targets) {
    if (Status s = Probe(t, run_dir + "/logs"); !s.ok()) {
      err << "lockstress run: " << s.message() << "\n";
      return 2;
    }
    for (const Scenario& sc : *scenarios) {
      if (interrupt.interrupted()) {
        err << "lockstress run: interrupted\n";
        return 2;
      }
      ++done;
      nlohmann::json c = {{"impl", t.label},
                          {"scenario", sc.name},
                          {"properties", sc.properties}};
      if (t.negative_control) c["negative_control"] = true;
      if (t.stale_bound.count() > 0)
        c["stale_bound_ms"] = t.stale_bound.count();
      // The scenario needs a feature the library does not promise.
      const bool outside = Overlap(sc.required, t.outside_promise);
      if (outside) c["outside_promise"] = true;
      std::string missing = Missing(sc.required, t.features);
      FaultTarget fault_target{
          .driver_argv = t.argv,
          .seeds_stale = t.argv.front() == o.worker &&
                         FindImpl(t.label) != nullptr &&
                         FindImpl(t.label)->write_stale != nullptr,
          .impl = t.label};
      std::string why = NetfsSkipReason(bed, sc);
      if (why.empty() && !missing.empty()) {
        why =
            "requires " + missing + ", which " + t.label + " does not declare";
      }
      if (why.empty()) why = FaultSkipReason(sc.faults, fault_target);
      if (!why.empty()) {
        for (const std::string& p : sc.properties) {
          results.checks.push_back(
              {t.label, sc.name, p, "skip", why, t.negative_control, outside});
        }
        c["skipped"] = why;
        cases.push_back(c);
        if (!tty)
          out << fmt::format("{} {}: skip ({})\n", t.label, sc.name, why);
        continue;
      }
      std::optional<NetfsCase> netfs_case;
      if (bed) {
        StatusOr<NetfsCase> made = MakeNetfsCase(*bed, sc);
        if (!made.ok()) {
          err << "lockstress run: " << made.status().ToString() << "\n";
          return 2;
        }
        netfs_case = std::move(*made);
      }
      StatusOr<std::unique_ptr<ScratchDir>> scratch =
          netfs_case ? std::move(netfs_case->scratch)
                     : ScratchDir::Create(scratch_parent, "lockstress-");
      if (!scratch.ok()) {
        err << "lockstress run: " << scratch.status().ToString() << "\n";
        return 2;
      }
      std::string logs =
          fmt::format("{}/logs/{}/{}", run_dir, t.label, Flat(sc.name));
      fs::create_directories(logs);
      std::size_t ops = 0;
      RunSpec spec{.impl = t.label,
                   .ownership = t.ownership,
                   .driver_argv = t.argv,
                   .scenario = sc.name,
                   .seed = results.seed,
                   .schedule = Generate(sc, results.seed, t.features, duration),
                   .test_dir = (*scratch)->path(),
                   .log_dir = logs};
      spec.worker_argvs = FaultWorkerArgvs(
          sc.faults, fault_target,
          static_cast<int>(spec.schedule.workers.size()),
          (fs::path(o.worker).parent_path() / "lockstress-ns-launch").string(),
          spec.test_dir + "/lock");
      if (sc.faults.stale) spec.stale_event = sc.faults.Describe();
      ApplyFaults(sc, t.entry, spec);
      if (netfs_case) spec.netfs = netfs_case->spec;
      spec.on_event = [&](const Event&) {
        if (tty && ++ops % 25 == 0) {
          out << fmt::format("\r[{}/{}] {} {}: {} ops, {}\x1b[K", done, total,
                             t.label, sc.name, ops, so_far())
              << std::flush;
        }
      };
      StatusOr<History> history = RunSchedule(spec, interrupt.flag());
      if (!history.ok()) {
        if (tty) out << "\n";
        err << "lockstress run: " << history.status().message() << "\n";
        return 2;
      }
      std::string rel =
          fmt::format("histories/{}/{}.jsonl", t.label, Flat(sc.name));
      fs::create_directories(fs::path(run_dir + "/" + rel).parent_path());
      if (Status s = WriteHistory(run_dir + "/" + rel, *history); !s.ok()) {
        err << "lockstress run: " << s.ToString() << "\n";
        return 2;
      }
      c["history"] = rel;
      cases.push_back(c);
      std::vector<CheckRecord> records =
          CheckHistory(*history, t.label, sc.name, sc.properties,
                       ForImplementation(o.check_options, t.stale_bound));
      int pass = 0, fail = 0, skip = 0, unsafe = 0;
      for (CheckRecord& r : records) {
        r.negative_control = t.negative_control;
        r.outside_promise = outside;
        r.history = rel;
        // The scenario's labelled expectation, where the verdict differs.
        std::string expected = sc.Expected(r.property, t.features);
        if (r.status != "skip" && r.status != expected) {
          r.detail += " [scenario expects " + expected + "]";
        }
        pass += r.status == "pass";
        fail += r.status == "fail" && !r.outside_promise;
        unsafe += r.status == "fail" && r.outside_promise;
        skip += r.status == "skip";
      }
      (t.negative_control ? expected_failures : violations) += fail;
      results.checks.insert(results.checks.end(), records.begin(),
                            records.end());
      std::string line =
          fmt::format("{} {}: {} ops, pass {} fail {} skip {}", t.label,
                      sc.name, history->events.size(), pass, fail, skip);
      if (unsafe > 0) {
        line +=
            fmt::format(" unsafe {} (outside the library's promise)", unsafe);
      }
      if (tty) {
        // The line is rewritten for the next case; a case with a violation
        // keeps its line.
        out << fmt::format("\r[{}/{}] {}; {}\x1b[K", done, total, line,
                           so_far())
            << (fail > 0 && !t.negative_control ? "\n" : "") << std::flush;
      } else {
        out << line << "\n";
      }
    }
  }
  if (tty) out << "\n";
  nlohmann::json index = {
      {"version", 1},
      {"seed", results.seed},
      {"check_options", CheckOptionsToJson(o.check_options)},
      {"cases", cases}};
  if (bed) results.sections.push_back(NetfsSection(bed->name, results));
  Status wrote =
      WriteFileAtomically(run_dir + "/run.json", index.dump(2) + "\n");
  if (!wrote.ok()) {
    err << "lockstress run: " << wrote.ToString() << "\n";
    return 2;
  }
  return FinishRun(results, run_dir, o.junit, out, err);
}

std::optional<RunPlace> PrepareRunPlace(const RunOptions& o,
                                        std::ostream& err) {
  // Refused before the run directory is made: a bad option leaves nothing.
  if (!o.dir.empty() && !fs::is_directory(o.dir)) {
    err << fmt::format("lockstress run: --dir '{}' is not a directory\n",
                       o.dir);
    return std::nullopt;
  }
  StatusOr<std::string> made = MakeRunDir(o.out);
  if (!made.ok()) {
    err << "lockstress run: " << made.status().ToString() << "\n";
    return std::nullopt;
  }
  return RunPlace{*made, o.dir.empty() ? *made : o.dir};
}

int FinishRun(const Results& results, const std::string& run_dir,
              const std::string& junit, std::ostream& out, std::ostream& err) {
  Status wrote =
      WriteFileAtomically(run_dir + "/results.json", ResultsToJson(results));
  if (wrote.ok() && !junit.empty())
    wrote = WriteFileAtomically(junit, ResultsToJunit(results));
  if (!wrote.ok()) {
    err << "lockstress run: " << wrote.ToString() << "\n";
    return 2;
  }
  PrintSummary(results, out);
  StatusOr<std::string> page = report::WriteReport(run_dir);
  if (!page.ok()) {
    err << "lockstress run: the report: " << page.status().message() << "\n";
    return 2;
  }
  out << "report " << *page << "\n";
  return results.ExitCode();
}

}  // namespace lockstress::cli
