#include "lockstress/bench/register.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>

#include "bench/src/stress_rows.h"
#include "harness/orchestrator/worker_connection.h"
#include "lockstress/bench/stats.h"
#include "lockstress/bench/subjects.h"
#include "lockstress/bench/workload.h"
#include "lockstress/registry.h"

namespace lockstress::bench {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// Warm-up: this many cycles, or this long for slow ones (SQLite on disk).
constexpr int kWarmUpCycles = 200;
constexpr auto kWarmUpTime = std::chrono::milliseconds(20);

// A fresh directory for one row under the bench directory, removed after:
// rows never see each other's lock files.
class RowDir {
 public:
  explicit RowDir(const std::string& base) {
    std::string tmpl = base + "/row-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~RowDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Uncontended(benchmark::State& state, const Subject& subject,
                 const std::string& base) {
  RowDir dir(base);
  if (dir.path().empty()) {
    state.SkipWithError(("cannot make a directory in " + base).c_str());
    return;
  }
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  StatusOr<std::unique_ptr<Cycle>> cycle =
      subject.make(CycleContext{dir.path(), &mutex, 0});
  if (!cycle.ok()) {
    state.SkipWithError(cycle.status().ToString().c_str());
    return;
  }
  // Warm-up, untimed: the first cycles of a fresh directory pay for
  // dentry and inode allocation and cold caches, which would count against
  // whichever row runs first.
  auto warm_until = std::chrono::steady_clock::now() + kWarmUpTime;
  for (int i = 0;
       i < kWarmUpCycles && std::chrono::steady_clock::now() < warm_until;
       ++i) {
    Status s = (*cycle)->Acquire();
    if (s.ok()) s = (*cycle)->Release();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  for (auto _ : state) {
    Status s = (*cycle)->Acquire();
    if (s.ok()) s = (*cycle)->Release();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  cycle->reset();
  state.counters["ops_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void Workload(benchmark::State& state, const Subject& subject,
              const WorkloadSpec& spec, const std::string& base) {
  for (auto _ : state) {
    RowDir dir(base);
    StatusOr<WorkloadResult> r = RunWorkload(spec, subject.make, dir.path());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    state.SetIterationTime(r->seconds);
    double count = spec.alternate ? static_cast<double>(r->ownership_changes)
                                  : static_cast<double>(r->total());
    state.counters["ops_per_s"] = count / r->seconds;
    state.counters["contenders"] = spec.contenders;
    state.counters["jain"] = JainIndex(r->acquisitions);
    state.counters["overlaps"] = static_cast<double>(r->overlaps);
    state.counters["handoffs_per_s"] =
        static_cast<double>(r->ownership_changes) / r->seconds;
    state.counters["handoff_p50_us"] = Percentile(r->handoff_ns, 50) / 1e3;
    state.counters["handoff_p90_us"] = Percentile(r->handoff_ns, 90) / 1e3;
    state.counters["handoff_p99_us"] = Percentile(r->handoff_ns, 99) / 1e3;
  }
}

void Stress(benchmark::State& state, const StressSpec& spec,
            const std::string& base) {
  for (auto _ : state) {
    RowDir dir(base);
    StatusOr<StressResult> r = RunStressWorkers(spec, dir.path());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    state.SetIterationTime(r->seconds);
    state.counters["ops_per_s"] = static_cast<double>(r->ops) / r->seconds;
    state.counters["contenders"] = spec.procs * spec.threads;
    state.counters["events"] = static_cast<double>(r->events);
    state.counters["overlaps"] = static_cast<double>(r->overlaps);
    state.counters["rss_start_kb"] = r->rss_start_kb;
    state.counters["rss_end_kb"] = r->rss_end_kb;
  }
}

struct Plan {
  const BenchConfig& config;
  RatioPlan* ratios;
  std::vector<std::unique_ptr<Subject>> keep;  // alive while benchmarks run

  const Subject* Keep(Subject s) {
    keep.push_back(std::make_unique<Subject>(std::move(s)));
    return keep.back().get();
  }
  void AddUncontended(const Subject* s, const std::string& name,
                      const std::string& raw) {
    (*ratios)[name] = raw;
    const std::string base = config.dir;
    auto* b = benchmark::RegisterBenchmark(
        name.c_str(),
        [s, base](benchmark::State& st) { Uncontended(st, *s, base); });
    b->UseRealTime()->Unit(benchmark::kMicrosecond);
    if (config.quick) b->MinTime(0.05);
  }
  void AddWorkload(const Subject* s, const std::string& name,
                   const std::string& raw, WorkloadSpec spec) {
    (*ratios)[name] = raw;
    const std::string base = config.dir;
    benchmark::RegisterBenchmark(
        name.c_str(),
        [s, spec, base](benchmark::State& st) { Workload(st, *s, spec, base); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
};

std::string SpawnName(Spawn s) {
  return s == Spawn::kThreads ? "threads" : "procs";
}

WorkloadSpec HandoffSpec(Spawn spawn, bool quick) {
  WorkloadSpec spec;
  spec.spawn = spawn;
  spec.contenders = 2;
  spec.critical_section = microseconds(10);
  spec.duration = quick ? milliseconds(200) : milliseconds(1000);
  spec.alternate = true;
  return spec;
}

// Reads the greeting of `argv` to name the driver. Errors name the command.
StatusOr<std::string> DriverName(const std::vector<std::string>& argv) {
  char tmpl[] = "/tmp/lockstress-bench-probe-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return Status(ErrorKind::kError, "/tmp", "cannot make a directory");
  }
  StatusOr<std::unique_ptr<WorkerConnection>> conn =
      WorkerConnection::Start(argv, std::string(tmpl) + "/probe.log",
                              "bench driver", std::chrono::seconds(10));
  std::string name;
  Status status;
  if (conn.ok()) {
    name = (*conn)->greeting().name;
    (*conn)->Quit(WorkerConnection::Clock::now() + std::chrono::seconds(2));
  } else {
    status = conn.status();
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  if (!status.ok()) return status;
  return name;
}

}  // namespace

Status RegisterAll(const BenchConfig& config, RatioPlan* ratios) {
  StatusOr<std::vector<Subject>> impls = ImplSubjects(config.impls);
  if (!impls.ok()) return impls.status();
  auto plan = std::make_shared<Plan>(Plan{config, ratios, {}});
  // The plan outlives registration: the lambdas point into it.
  static std::vector<std::shared_ptr<Plan>> plans;
  plans.push_back(plan);

  std::vector<const Subject*> raws, subjects;
  for (Subject& s : RawSubjects()) raws.push_back(plan->Keep(std::move(s)));
  for (Subject& s : *impls) subjects.push_back(plan->Keep(std::move(s)));

  // 1. uncontended
  for (const Subject* s : raws) {
    plan->AddUncontended(s, "uncontended/" + s->name, "uncontended/" + s->name);
  }
  for (const Subject* s : subjects) {
    plan->AddUncontended(s, "uncontended/" + s->name,
                         "uncontended/" + s->raw_for_processes);
  }

  // 2. contended throughput
  const std::vector<int> counts =
      config.quick ? std::vector<int>{2} : std::vector<int>{2, 4, 8, 16, 64};
  const std::vector<int> cs_us =
      config.quick ? std::vector<int>{0} : std::vector<int>{0, 10, 1000};
  const auto duration = config.quick ? milliseconds(100) : milliseconds(300);
  for (Spawn spawn : {Spawn::kThreads, Spawn::kProcesses}) {
    for (int n : counts) {
      for (int cs : cs_us) {
        std::string params =
            fmt::format("/{}:{}/cs_us:{}", SpawnName(spawn), n, cs);
        WorkloadSpec spec{spawn, n, microseconds(cs), duration, false};
        auto raw_of = [&](const Subject* s) {
          return spawn == Spawn::kThreads ? s->raw_for_threads
                                          : s->raw_for_processes;
        };
        for (const Subject* s : raws) {
          if (raw_of(s).empty()) continue;
          plan->AddWorkload(s, "contended/" + s->name + params,
                            "contended/" + s->name + params, spec);
        }
        for (const Subject* s : subjects) {
          plan->AddWorkload(s, "contended/" + s->name + params,
                            "contended/" + raw_of(s) + params, spec);
        }
      }
    }
  }

  // 3. handoff: forced alternation, 10 us critical section, against raw flock
  const std::string handoff_params = "/procs:2/cs_us:10";
  const std::string handoff_raw = "handoff/raw-flock" + handoff_params;
  for (const Subject* s : raws) {
    plan->AddWorkload(s, "handoff/" + s->name + handoff_params, handoff_raw,
                      HandoffSpec(Spawn::kProcesses, config.quick));
  }
  for (const Subject* s : subjects) {
    plan->AddWorkload(s, "handoff/" + s->name + handoff_params, handoff_raw,
                      HandoffSpec(Spawn::kProcesses, config.quick));
  }

  if (config.worker.empty()) return Status::Ok();

  // 4. the harness's stress mode: recorded against bare, at 1x1 (the
  //    recording overhead) and 64 processes x 8 threads (the scale)
  std::string stress_impl = "flock";
  if (FindImpl(stress_impl) == nullptr || !config.impls.empty()) {
    stress_impl = subjects.empty() ? "" : subjects.front()->name;
  }
  std::vector<std::pair<int, int>> shapes = {{1, 1}};
  if (!config.quick) shapes.push_back({64, 8});
  for (auto [procs, threads] : shapes) {
    if (stress_impl.empty()) break;
    std::string row = fmt::format("harness-stress/{}/procs:{}/threads:{}",
                                  stress_impl, procs, threads);
    for (bool record : {false, true}) {
      StressSpec spec{config.worker,
                      stress_impl,
                      procs,
                      threads,
                      config.quick ? 0.3 : (procs == 1 ? 2.0 : 5.0),
                      0,
                      record};
      std::string name = row + (record ? "/recorded" : "/bare");
      (*ratios)[name] = row + "/bare";
      const std::string base = config.dir;
      benchmark::RegisterBenchmark(
          name.c_str(),
          [spec, base](benchmark::State& st) { Stress(st, spec, base); })
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }

  // 5. outside drivers: one operation per round trip; floor = do-nothing
  const std::string floor = "do-nothing";
  std::vector<const Subject*> drivers;
  drivers.push_back(plan->Keep(
      DriverSubject(floor, {config.worker, "--impl", "null"}, floor)));
  if (!config.quick) {
    for (const Subject* s : subjects) {
      if (s->name == "null") continue;
      drivers.push_back(plan->Keep(
          DriverSubject(s->name, {config.worker, "--impl", s->name}, floor)));
    }
  } else if (!subjects.empty()) {
    const Subject* s = subjects.front();
    drivers.push_back(plan->Keep(
        DriverSubject(s->name, {config.worker, "--impl", s->name}, floor)));
  }
  for (const std::string& command : config.drivers) {
    std::vector<std::string> argv = {"/bin/sh", "-c", command};
    StatusOr<std::string> name = DriverName(argv);
    if (!name.ok()) {
      return Status(
          ErrorKind::kError, "",
          fmt::format("--driver '{}': {}", command, name.status().ToString()));
    }
    drivers.push_back(plan->Keep(DriverSubject("ext-" + *name, argv, floor)));
  }
  const std::string driver_handoff = "/handoff/threads:2/cs_us:10";
  for (const Subject* s : drivers) {
    plan->AddUncontended(s, "driver/" + s->name + "/uncontended",
                         "driver/" + floor + "/uncontended");
  }
  for (const Subject* s : drivers) {
    plan->AddWorkload(s, "driver/" + s->name + driver_handoff,
                      "driver/" + floor + driver_handoff,
                      HandoffSpec(Spawn::kThreads, config.quick));
  }
  return Status::Ok();
}

}  // namespace lockstress::bench
