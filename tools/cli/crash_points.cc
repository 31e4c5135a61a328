#include "tools/cli/crash_points.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/launcher/ns_launch.h"
#include "harness/orchestrator/scenario_runner.h"
#include "harness/orchestrator/scratch_dir.h"
#include "lockstress/registry.h"
#include "reports/environment.h"
#include "tools/cli/check_options.h"
#include "tools/cli/results.h"
#include "tools/cli/run_command.h"
#include "tools/cli/run_dir.h"

namespace lockstress::cli {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kCrashActions[] = {"exit", "kill"};

PlannedOp Op(PlannedOp::Kind kind, Timeout timeout = Timeout::NonBlocking()) {
  return {.kind = kind, .timeout = timeout};
}

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Index of the first op event of `worker` with `op` at or after `from`;
// kNone when none.
std::size_t Find(const History& h, int worker, std::string_view op,
                 std::size_t from = 0) {
  if (from == kNone) return kNone;
  for (std::size_t i = from; i < h.events.size(); ++i) {
    const Event& e = h.events[i];
    if (e.type == Event::Type::kOp && e.worker == worker && e.op == op) {
      return i;
    }
  }
  return kNone;
}

// "ok", "AlreadyLocked", ... of event `i`, or "missing".
std::string AnswerAt(const History& h, std::size_t i) {
  if (i == kNone) return "missing";
  const Event& e = h.events[i];
  if (e.outcome == Outcome::kOk) return "ok";
  if (e.outcome == Outcome::kLost) return "lost (" + e.message + ")";
  return std::string(KindName(e.kind)) +
         (e.message.empty() ? "" : " (" + e.message + ")");
}

std::string Ms(std::int64_t ns) { return fmt::format("{:.0f} ms", ns / 1e6); }

// What the crash left in `dir`, apart from the harness's witness file.
std::string Leftovers(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name != "witness") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out.empty() ? "-" : out;
}

StatusOr<std::vector<const ImplEntry*>> Chosen(const RunOptions& o) {
  std::vector<const ImplEntry*> out;
  bool all = o.impls.empty() ||
             std::find(o.impls.begin(), o.impls.end(), "all") != o.impls.end();
  if (all) {
    for (const ImplEntry& e : AllImpls()) {
      if (!e.info.failpoints.empty() &&
          e.make({.path = "/nonexistent/lockstress-probe"}) != nullptr) {
        out.push_back(&e);
      }
    }
    return out;
  }
  for (const std::string& name : o.impls) {
    const ImplEntry* e = FindImpl(name);
    if (e == nullptr) {
      return Status(
          ErrorKind::kError, "",
          "unknown implementation '" + name + "' (lockstress list impls)");
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace

std::vector<CrashRole> CrashRoles(const ImplInfo& info) {
  std::vector<CrashRole> roles = {CrashRole::kHolder, CrashRole::kLongHolder};
  if (info.features.has(Feature::kStaleRecovery)) {
    roles.push_back(CrashRole::kTaker);
  }
  if (info.features.has(Feature::kBreak)) roles.push_back(CrashRole::kBreaker);
  if (info.features.has(Feature::kStaleRecovery)) {
    roles.push_back(CrashRole::kRemoteTaker);
  }
  return roles;
}

std::string_view CrashRoleName(CrashRole role) {
  switch (role) {
    case CrashRole::kHolder:
      return "holder";
    case CrashRole::kLongHolder:
      return "long holder";
    case CrashRole::kTaker:
      return "taker";
    case CrashRole::kBreaker:
      return "breaker";
    case CrashRole::kRemoteTaker:
    default:
      return "remote taker";
  }
}

CrashCase CrashPointCase(const ImplInfo& info, milliseconds bound,
                         CrashRole role) {
  const FeatureSet& f = info.features;
  const bool wait = f.has(Feature::kStaleRecovery) && f.has(Feature::kTimeout);
  // A long holder holds through what happens only while held (a lease's
  // heartbeat): its declared stale bound, at most 3 s.
  milliseconds hold{0};
  if (role == CrashRole::kLongHolder) {
    hold = std::clamp(info.stale_bound, milliseconds(500), milliseconds(3000));
  }
  auto acquire = [&](milliseconds extra) {
    return Op(PlannedOp::Kind::kAcquire,
              wait ? Timeout::After(bound + extra) : Timeout::NonBlocking());
  };
  CrashCase c;
  Schedule& s = c.schedule;
  std::vector<PlannedOp> first = {Op(PlannedOp::Kind::kAcquire)};
  if (hold.count() > 0) {
    first.push_back({.kind = PlannedOp::Kind::kSleep, .sleep = hold});
  }
  first.push_back(Op(PlannedOp::Kind::kRelease));
  // A long holder's crash is known only at its release (crash_points.h).
  milliseconds survivor_at = kSurvivorStart + hold;
  if (role == CrashRole::kTaker || role == CrashRole::kBreaker ||
      role == CrashRole::kRemoteTaker) {
    // Worker 0 dies holding (the nemesis, at 100 ms); worker 1, armed,
    // takes the stale lock over (acquire) or breaks it, and crashes there.
    first.insert(first.begin() + 1, {.kind = PlannedOp::Kind::kSleep,
                                     .sleep = milliseconds(10000)});
    s.nemesis.push_back({.kind = NemesisAction::Kind::kKill,
                         .target = NemesisAction::Target::kWorker,
                         .worker = 0,
                         .at = milliseconds(100)});
    std::vector<PlannedOp> armed = {
        {.kind = PlannedOp::Kind::kSleep, .at = milliseconds(200)}};
    if (role == CrashRole::kBreaker) {
      armed.push_back(Op(PlannedOp::Kind::kBreak));
      armed.push_back(Op(PlannedOp::Kind::kAcquire));
    } else {
      armed.push_back(acquire(milliseconds(0)));
    }
    armed.push_back(Op(PlannedOp::Kind::kRelease));
    s.workers = {{first}, {armed}};
    c.armed = 1;
    // After the armed worker's takeover could have ended.
    survivor_at = milliseconds(200) + (wait ? bound : milliseconds(0)) +
                  milliseconds(500);
  } else {
    s.workers = {{first}};
    c.armed = 0;
  }
  std::vector<PlannedOp> survivor;
  survivor.push_back({.kind = PlannedOp::Kind::kSleep, .at = survivor_at});
  if (f.has(Feature::kIsLocked)) {
    survivor.push_back(Op(PlannedOp::Kind::kIsLocked));
  }
  survivor.push_back(acquire(hold));
  survivor.push_back(Op(PlannedOp::Kind::kRelease));
  if (f.has(Feature::kBreak)) {
    survivor.push_back(Op(PlannedOp::Kind::kBreak));
    survivor.push_back(Op(PlannedOp::Kind::kAcquire));
    survivor.push_back(Op(PlannedOp::Kind::kRelease));
  }
  s.workers.push_back({survivor});
  c.survivor = static_cast<int>(s.workers.size()) - 1;
  s.blocking_limit = bound + hold + milliseconds(1000);
  return c;
}

CrashVerdict JudgeCrashPoint(const History& h, const ImplInfo& info,
                             const std::string& failpoint,
                             const CheckOptions& options, int armed,
                             int survivor) {
  CrashVerdict v{.status = "fail"};
  std::optional<std::size_t> crash;
  for (std::size_t i = 0; i < h.events.size(); ++i) {
    const Event& e = h.events[i];
    if (e.type == Event::Type::kOp && e.worker == armed &&
        e.outcome == Outcome::kLost) {
      crash = i;
      break;
    }
  }
  if (!crash) {
    v.detail = "the armed worker never reached failpoint " + failpoint +
               " (its acquire answered " +
               AnswerAt(h, Find(h, armed, "acquire")) +
               "): ImplInfo::failpoints names a step the code does not pass";
    return v;
  }
  v.crashed_in = h.events[*crash].op;
  std::size_t first = Find(h, survivor, "acquire");
  if (first == kNone) {
    v.detail = "the survivor made no acquire";
    return v;
  }
  const Event& a = h.events[first];
  const bool stale = info.features.has(Feature::kStaleRecovery);
  const bool brk = info.features.has(Feature::kBreak);
  std::int64_t after = a.t1 - h.events[*crash].t1;
  std::string took = "crashed in " + v.crashed_in + " at " + failpoint + "; ";
  if (a.outcome == Outcome::kOk) {
    v.survivor_saw = "free";
    v.recovered_by = stale ? "stale_recovery" : "nothing needed";
    v.status = "pass";
    v.detail = took + "the survivor acquired " + Ms(after) +
               " after the crash" +
               (stale ? "" : " (the crash left no lock behind)");
  } else {
    v.survivor_saw = a.outcome == Outcome::kErr
                         ? "held (" + std::string(KindName(a.kind)) + ")"
                         : AnswerAt(h, first);
    if (stale) {
      v.recovered_by = "not recovered";
      v.detail = took + "declares stale_recovery, but the survivor's " +
                 "acquire(" + a.arg + ") answered " + AnswerAt(h, first);
    } else if (brk) {
      std::size_t b = Find(h, survivor, "break", first);
      std::size_t again = Find(h, survivor, "acquire", b);
      if (AnswerAt(h, b) == "ok" && AnswerAt(h, again) == "ok") {
        v.recovered_by = "break_lock";
        v.status = "pass";
        v.detail = took + "stale (" + std::string(KindName(a.kind)) +
                   ") until break_lock, as documented without "
                   "stale_recovery; acquired after the break";
      } else {
        v.recovered_by = "not recovered";
        v.detail = took + "still taken after break_lock: break " +
                   AnswerAt(h, b) + ", then acquire " + AnswerAt(h, again);
      }
    } else {
      v.recovered_by = "manual cleanup";
      v.status = "pass";
      v.detail = took + "stale (" + std::string(KindName(a.kind)) +
                 "); needs manual cleanup: neither stale_recovery nor break "
                 "is declared";
    }
  }
  if (const Checker* me = FindChecker("mutual_exclusion")) {
    CheckResult r = me->Check(h, options);
    if (r.verdict == Verdict::kFail) {
      v.status = "fail";
      v.detail = "two holders after the crash: " + r.detail + "; " + v.detail;
    }
  }
  return v;
}

int RunCrashPoints(const RunOptions& o, const InterruptWatcher& interrupt,
                   std::ostream& out, std::ostream& err) {
  if (!o.drivers.empty()) {
    err << "lockstress run --crash-points: failpoints live in the built-ins' "
           "Os layer; an outside --driver cannot be crashed at a step\n";
    return 2;
  }
  StatusOr<std::vector<const ImplEntry*>> impls = Chosen(o);
  if (!impls.ok()) {
    err << "lockstress run: " << impls.status().message() << "\n";
    return 2;
  }
  std::optional<RunPlace> place = PrepareRunPlace(o, err);
  if (!place) return 2;
  const std::string& run_dir = place->run_dir;
  const std::string& scratch_parent = place->scratch_parent;
  Results results;
  results.seed = o.seed.value_or(0);
  results.options = o.check_options;
  results.environment =
      report::CollectEnvironment(scratch_parent, o.argv, results.seed);
  nlohmann::json rows = nlohmann::json::array();
  std::size_t total = 0;
  for (const ImplEntry* e : *impls) {
    total += e->info.failpoints.size() * std::size(kCrashActions);
  }
  out << fmt::format(
      "lockstress run --crash-points: {} case(s), run "
      "directory {}\n",
      total, run_dir);
  for (const ImplEntry* e : *impls) {
    const ImplInfo& info = e->info;
    if (info.failpoints.empty()) {
      out << info.name << ": no failpoints (nothing to crash at)\n";
    }
    CheckOptions opt = ForImplementation(o.check_options, info.stale_bound);
    for (const std::string& point : info.failpoints) {
      for (const char* action : kCrashActions) {
        if (interrupt.interrupted()) {
          err << "lockstress run: interrupted\n";
          return 2;
        }
        std::string scenario = "crash_points/" + point + "/" + action;
        std::string logs = fmt::format("{}/logs/{}/{}", run_dir, info.name,
                                       FlatName(scenario));
        fs::create_directories(logs);
        // The first role in which the armed worker reaches the point.
        std::optional<History> history;
        CrashVerdict v;
        std::string left, tried;
        for (CrashRole role : CrashRoles(info)) {
          std::vector<std::vector<std::string>> argvs;
          if (role == CrashRole::kRemoteTaker) {
            std::string why = NamespaceSupport(false, true);
            if (!why.empty()) {
              tried += std::string(tried.empty() ? "" : ", ") +
                       "not as remote taker: " + why;
              continue;
            }
            LaunchPlan remote{.hostname = kRemoteHolderHost,
                              .command = {o.worker, "--impl", info.name}};
            argvs = {
                {(fs::path(o.worker).parent_path() / "lockstress-ns-launch")
                     .string()}};
            for (std::string& a : LaunchArgs(remote)) {
              argvs[0].push_back(std::move(a));
            }
          }
          StatusOr<std::unique_ptr<ScratchDir>> scratch =
              ScratchDir::Create(scratch_parent, "lockstress-");
          if (!scratch.ok()) {
            err << "lockstress run: " << scratch.status().ToString() << "\n";
            return 2;
          }
          CrashCase c = CrashPointCase(info, opt.recovery_bound, role);
          RunSpec spec{.impl = info.name,
                       .ownership = info.ownership,
                       .driver_argv = {o.worker, "--impl", info.name},
                       .scenario = scenario,
                       .seed = results.seed,
                       .schedule = c.schedule,
                       .test_dir = (*scratch)->path(),
                       .log_dir = logs};
          spec.worker_argvs = std::move(argvs);  // w0 on another host
          spec.worker_faults.resize(c.schedule.workers.size());
          spec.worker_faults[c.armed] = {
              fmt::format("failpoint={},action={}", point, action)};
          StatusOr<History> h = RunSchedule(spec, interrupt.flag());
          if (!h.ok()) {
            err << "lockstress run: " << h.status().message() << "\n";
            return 2;
          }
          history = std::move(*h);
          left = Leftovers((*scratch)->path());
          v = JudgeCrashPoint(*history, info, point, opt, c.armed, c.survivor);
          tried +=
              (tried.empty() ? "" : ", ") + std::string(CrashRoleName(role));
          if (!v.crashed_in.empty()) {
            v.crashed_in += " (" + std::string(CrashRoleName(role)) + ")";
            break;
          }
        }
        if (v.crashed_in.empty()) v.detail += " (tried as " + tried + ")";
        std::string rel =
            fmt::format("histories/{}/{}.jsonl", info.name, FlatName(scenario));
        fs::create_directories(fs::path(run_dir + "/" + rel).parent_path());
        if (Status s = WriteHistory(run_dir + "/" + rel, *history); !s.ok()) {
          err << "lockstress run: " << s.ToString() << "\n";
          return 2;
        }
        results.checks.push_back(
            {info.name, scenario, "crash_recovery", v.status,
             v.detail + "; left in the directory: " + left});
        rows.push_back({info.name, point, action, v.crashed_in, v.survivor_saw,
                        v.recovered_by, left, v.status});
        out << fmt::format(
            "{} {} {}: {} ({}; left: {})\n", info.name, point, action, v.status,
            v.recovered_by.empty() ? v.detail : v.recovered_by, left);
      }
    }
  }
  results.sections.push_back(
      {{"id", "crash_points"},
       {"title", "Crash points"},
       {"kind", "table"},
       {"note",
        "Each implementation's holder crashed (_exit or SIGKILL) at each of "
        "its failpoints; a second worker then tried the lock. 'recovered by' "
        "is what made the lock usable again: stale_recovery (the kernel or "
        "the implementation), break_lock, nothing (the crash left no lock), "
        "or manual cleanup. 'left' lists what stayed in the directory."},
       {"columns",
        {"impl", "failpoint", "crash", "crashed in", "survivor saw",
         "recovered by", "left", "verdict"}},
       {"rows", rows}});
  return FinishRun(results, run_dir, o.junit, out, err);
}

}  // namespace lockstress::cli
