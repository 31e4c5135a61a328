#include "harness/orchestrator/scenario_runner.h"

#include <fmt/format.h>
#include <signal.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/orchestrator/hostile_paths.h"
#include "harness/orchestrator/nemesis_target.h"
#include "harness/orchestrator/witness.h"
#include "harness/orchestrator/worker_connection.h"

namespace lockstress {
namespace {

using Clock = std::chrono::steady_clock;
using protocol::Request;
using protocol::Verb;
using std::chrono::milliseconds;

// Shared state of one run. Events are appended under mu_ in the order they
// complete; `stop` ends every wait early.
class RunState {
 public:
  explicit RunState(const RunSpec& spec) : spec_(spec) {}
  void Record(Event e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (spec_.on_event) spec_.on_event(e);
    events_.push_back(std::move(e));
  }
  std::vector<Event> TakeEvents() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(events_);
  }
  // Sleeps until `until` or Stop(); false when stopped.
  bool SleepUntil(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mu_);
    return !cv_.wait_until(lock, until, [this] { return stopped_; });
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  bool stopped() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }

 private:
  const RunSpec& spec_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;  // guarded by mu_
  bool stopped_ = false;       // guarded by mu_
};

struct WorkerSlot {
  std::unique_ptr<WorkerConnection> conn;
  std::atomic<int> holding{0};  // handles holding the lock now
  std::atomic<int> waiting{0};  // acquires in flight
};

std::optional<Verb> VerbFor(PlannedOp::Kind kind) {
  switch (kind) {
    case PlannedOp::Kind::kAcquire:
      return Verb::kAcquire;
    case PlannedOp::Kind::kAcquireShared:
      return Verb::kAcquireShared;
    case PlannedOp::Kind::kRelease:
      return Verb::kRelease;
    case PlannedOp::Kind::kIsLocked:
      return Verb::kIsLocked;
    case PlannedOp::Kind::kIAmLocking:
      return Verb::kIAmLocking;
    case PlannedOp::Kind::kBreak:
      return Verb::kBreak;
    default:
      return std::nullopt;
  }
}

class HandleClient {
 public:
  HandleClient(const RunSpec& spec, RunState& state, WorkerSlot& slot,
               int worker, int handle, Clock::time_point start)
      : spec_(spec),
        state_(state),
        slot_(slot),
        worker_(worker),
        name_(fmt::format("w{}.h{}", worker, handle)),
        start_(start) {}

  void Run(const std::vector<PlannedOp>& ops) {
    std::string lock_path =
        spec_.netfs.DirOf(worker_, spec_.test_dir) + "/lock";
    if (!Send({.verb = Verb::kOpen, .handle = name_, .path = lock_path},
              lock_path, spec_.request_margin)) {
      return;
    }
    for (const PlannedOp& op : ops) {
      if (op.at.count() >= 0 && !state_.SleepUntil(start_ + op.at)) return;
      if (state_.stopped()) return;
      if (spec_.schedule.duration.count() > 0 &&
          Clock::now() > start_ + spec_.schedule.duration) {
        break;
      }
      if (op.kind == PlannedOp::Kind::kSleep) {
        if (!state_.SleepUntil(Clock::now() + op.sleep)) return;
        continue;
      }
      if (!Apply(op)) return;  // the worker is gone
    }
    // Leave nothing held: an explicit release, then close.
    while (holds_ > 0) {
      if (!Apply({.kind = PlannedOp::Kind::kRelease})) return;
    }
    Send({.verb = Verb::kClose, .handle = name_}, "", spec_.request_margin);
  }

 private:
  bool Apply(const PlannedOp& op) {
    Verb verb = *VerbFor(op.kind);
    bool acquire = verb == Verb::kAcquire || verb == Verb::kAcquireShared;
    milliseconds wait{0};
    if (acquire) {
      wait =
          op.timeout.is_forever()
              ? spec_.schedule.blocking_limit
              : std::chrono::duration_cast<milliseconds>(op.timeout.duration());
    }
    if (verb == Verb::kRelease && holds_ > 0) {
      --holds_;
      if (holds_ == 0) slot_.holding--;
    }
    if (acquire) slot_.waiting++;
    std::optional<protocol::Reply> reply = SendForReply(
        {.verb = verb, .handle = name_, .timeout = op.timeout},
        acquire ? op.timeout.ToString() : "", spec_.request_margin + wait);
    if (acquire) slot_.waiting--;
    if (!reply) return false;
    if (acquire && reply->ok()) {
      if (holds_++ == 0) slot_.holding++;
      if (verb == Verb::kAcquire && holds_ == 1) {
        Event w{.worker = worker_, .handle = name_, .pid = slot_.conn->pid()};
        BumpWitness(spec_.netfs.DirOf(worker_, spec_.test_dir) + "/witness",
                    &w);
        state_.Record(std::move(w));
      }
      if (spec_.hostile) {  // what the lock is, while held (security)
        Event entry = LockEntryEvent(spec_.hostile_lock_path);
        entry.target = worker_;
        state_.Record(std::move(entry));
      }
    }
    return true;
  }

  bool Send(const Request& r, const std::string& arg, milliseconds wait) {
    return SendForReply(r, arg, wait).has_value();
  }

  std::optional<protocol::Reply> SendForReply(const Request& r,
                                              const std::string& arg,
                                              milliseconds wait) {
    Event e{.worker = worker_,
            .handle = name_,
            .pid = slot_.conn->pid(),
            .op = std::string(protocol::VerbName(r.verb)),
            .arg = arg};
    e.t0 = protocol::MonotonicNanos();
    CallResult result = slot_.conn->Call(r, Clock::now() + wait);
    if (result.lost) {
      e.outcome = Outcome::kLost;
      e.t1 = result.noticed;
      e.message = result.why;
      state_.Record(std::move(e));
      return std::nullopt;
    }
    const protocol::Reply& reply = result.reply;
    e.t0 = reply.t0;
    e.t1 = reply.t1;
    e.outcome = reply.ok() ? Outcome::kOk : Outcome::kErr;
    e.kind = reply.kind;
    e.message = reply.message;
    e.value = reply.value;
    state_.Record(std::move(e));
    return reply;
  }

  const RunSpec& spec_;
  RunState& state_;
  WorkerSlot& slot_;
  int worker_;
  std::string name_;
  Clock::time_point start_;
  int holds_ = 0;  // acquires not yet matched by a release request
};

// Picks the worker the nemesis action at `index` targets: among the workers
// that qualify at the first moment any does (within a second), the one the
// seeded chooser draws; -1 when none qualifies.
int PickTarget(const NemesisAction& a, std::size_t index,
               const NemesisChooser& chooser,
               std::vector<std::unique_ptr<WorkerSlot>>& slots,
               RunState& state) {
  if (a.target == NemesisAction::Target::kWorker) {
    return a.worker < static_cast<int>(slots.size()) ? a.worker : -1;
  }
  Clock::time_point until = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < until) {
    std::vector<int> candidates;
    for (std::size_t w = 0; w < slots.size(); ++w) {
      const WorkerSlot& s = *slots[w];
      int n = a.target == NemesisAction::Target::kHolder ? s.holding.load()
                                                         : s.waiting.load();
      if (n > 0 && !s.conn->dead()) candidates.push_back(static_cast<int>(w));
    }
    if (!candidates.empty()) return chooser.Choose(index, candidates);
    if (!state.SleepUntil(Clock::now() + milliseconds(5))) return -1;
  }
  return -1;
}

void PlayNemesis(const RunSpec& spec, RunState& state,
                 std::vector<std::unique_ptr<WorkerSlot>>& slots,
                 Clock::time_point start) {
  NemesisChooser chooser(spec.seed);
  for (std::size_t i = 0; i < spec.schedule.nemesis.size(); ++i) {
    const NemesisAction& a = spec.schedule.nemesis[i];
    if (!state.SleepUntil(start + a.at)) return;
    Event e{.type = Event::Type::kNemesis,
            .worker = -1,
            .op = a.kind == NemesisAction::Kind::kKill ? "kill" : "stop"};
    e.t0 = protocol::MonotonicNanos();
    int target = PickTarget(a, i, chooser, slots, state);
    e.target = target;
    if (target < 0) {
      e.outcome = Outcome::kErr;
      e.kind = ErrorKind::kError;
      e.message = "no worker to act on";
      e.t1 = protocol::MonotonicNanos();
      state.Record(std::move(e));
      continue;
    }
    WorkerConnection& conn = *slots[target]->conn;
    e.arg = std::to_string(conn.pid());
    if (a.kind == NemesisAction::Kind::kKill) {
      conn.Kill("killed by the nemesis (SIGKILL)");
      e.message = "SIGKILL";
      e.t1 = protocol::MonotonicNanos();
      state.Record(std::move(e));
      continue;
    }
    conn.Signal(SIGSTOP);
    e.message = "SIGSTOP";
    e.t1 = protocol::MonotonicNanos();
    state.Record(e);
    state.SleepUntil(Clock::now() + a.duration);  // CONT even when stopping
    conn.Signal(SIGCONT);
    Event cont = e;
    cont.op = "cont";
    cont.message = "SIGCONT";
    cont.t0 = cont.t1 = protocol::MonotonicNanos();
    state.Record(std::move(cont));
  }
}

// Worker `w`'s command: with umask 0 in a world-writable directory, with
// its fault specs in LOCKSTRESS_FAULTS (env(1) works for any driver).
std::vector<std::string> WorkerArgv(const RunSpec& spec, std::size_t w) {
  // The faults' launcher command (namespaces, a seeded stale lock) when the
  // scenario has one for this worker.
  std::vector<std::string> argv = spec.netfs.WorkerArgv(
      static_cast<int>(w),
      w < spec.worker_argvs.size() ? spec.worker_argvs[w] : spec.driver_argv);
  if (spec.hostile && spec.hostile->world_writable) argv = UmaskZeroArgv(argv);
  if (w < spec.worker_faults.size() && !spec.worker_faults[w].empty()) {
    std::string specs;
    for (const std::string& f : spec.worker_faults[w]) {
      specs += (specs.empty() ? "" : ";") + f;
    }
    argv.insert(argv.begin(), {"/usr/bin/env", "LOCKSTRESS_FAULTS=" + specs});
  }
  return argv;
}

}  // namespace

StatusOr<History> RunSchedule(const RunSpec& spec,
                              const std::atomic<bool>* interrupted) {
  History history;
  history.header = {.impl = spec.impl,
                    .ownership = spec.ownership,
                    .scenario = spec.scenario,
                    .seed = spec.seed,
                    .workers = static_cast<int>(spec.schedule.workers.size()),
                    .witness = spec.netfs.DirOf(0, spec.test_dir) + "/witness"};
  if (Status s = CreateWitness(history.header.witness); !s.ok()) return s;
  RunState state(spec);
  std::vector<Event> planted;
  if (spec.hostile) {
    StatusOr<std::vector<Event>> p =
        PlantHostile(*spec.hostile, spec.test_dir, spec.hostile_lock_path);
    if (!p.ok()) return p.status();
    planted = std::move(*p);
  }
  for (Event& e : planted) state.Record(std::move(e));
  // Start every worker and read every greeting: the start barrier.
  std::vector<std::unique_ptr<WorkerSlot>> slots;
  for (std::size_t w = 0; w < spec.schedule.workers.size(); ++w) {
    auto slot = std::make_unique<WorkerSlot>();
    Event seeded{.type = Event::Type::kNemesis, .worker = -1, .op = "stale"};
    seeded.t0 = protocol::MonotonicNanos();
    StatusOr<std::unique_ptr<WorkerConnection>> conn = WorkerConnection::Start(
        WorkerArgv(spec, w), fmt::format("{}/worker-{}.log", spec.log_dir, w),
        fmt::format("worker {} ({})", w, spec.impl), spec.greeting_timeout);
    if (!conn.ok()) return conn.status();
    if (w == 0 && !spec.stale_event.empty()) {
      // Worker 0's launcher seeded the lock before the worker greeted.
      seeded.t1 = protocol::MonotonicNanos();
      seeded.message = spec.stale_event;
      state.Record(std::move(seeded));
    }
    slot->conn = std::move(*conn);
    if (w > 0 &&
        slot->conn->greeting().name != slots[0]->conn->greeting().name) {
      return Status(ErrorKind::kError, "",
                    "workers greeted with different names");
    }
    slots.push_back(std::move(slot));
    if (interrupted != nullptr && *interrupted) {
      return Status(ErrorKind::kError, "", "interrupted");
    }
  }
  if (!slots.empty())
    history.header.features = slots[0]->conn->greeting().features;

  Clock::time_point start = Clock::now();
  std::vector<std::thread> clients;
  std::atomic<int> running{0};
  for (std::size_t w = 0; w < slots.size(); ++w) {
    for (std::size_t h = 0; h < spec.schedule.workers[w].size(); ++h) {
      running++;
      clients.emplace_back([&, w, h] {
        HandleClient client(spec, state, *slots[w], static_cast<int>(w),
                            static_cast<int>(h), start);
        client.Run(spec.schedule.workers[w][h]);
        running--;
      });
    }
  }
  std::thread nemesis([&] { PlayNemesis(spec, state, slots, start); });
  std::thread cuts([&] {
    NemesisChooser chooser(spec.seed + 1);
    PlayNetCuts(
        spec.netfs, start,
        [&](const NetCut& c, std::size_t i) {
          NemesisAction a{.target = c.target, .worker = c.worker};
          return PickTarget(a, i, chooser, slots, state);
        },
        [&](Clock::time_point t) { return state.SleepUntil(t); },
        [&](Event e) { state.Record(std::move(e)); });
  });
  // Watch for the end of the clients or an interruption.
  while (running > 0) {
    if (interrupted != nullptr && *interrupted) {
      state.Stop();
      for (auto& s : slots) s->conn->Kill("interrupted");
      break;
    }
    state.SleepUntil(Clock::now() + milliseconds(20));
  }
  for (std::thread& t : clients) t.join();
  state.Stop();
  nemesis.join();
  cuts.join();
  for (auto& s : slots) s->conn->Quit(Clock::now() + std::chrono::seconds(5));
  if (spec.hostile) state.Record(VictimAfter(spec.test_dir));
  for (auto& s : slots) {
    if (std::optional<std::string> bad = s->conn->protocol_error()) {
      return Status(ErrorKind::kError, "", *bad);
    }
  }
  history.events = state.TakeEvents();
  if (interrupted != nullptr && *interrupted) {
    return Status(ErrorKind::kError, "", "interrupted");
  }
  return history;
}

}  // namespace lockstress
