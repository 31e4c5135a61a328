// Subjects for the built-in implementations (the registry) and for outside
// drivers (driver protocol v1, one operation per pipe round trip).
#include <sched.h>

#include <chrono>
#include <map>

#include "harness/orchestrator/worker_connection.h"
#include "lockstress/bench/subjects.h"
#include "lockstress/registry.h"

namespace lockstress::bench {
namespace {

// A built-in through its Lock interface, in this process.
class ImplCycle final : public Cycle {
 public:
  explicit ImplCycle(std::unique_ptr<Lock> lock)
      : lock_(std::move(lock)),
        can_wait_(lock_->info().features.has(Feature::kBlocking)) {}

  Status Acquire() override {
    if (can_wait_) return lock_->Acquire(Timeout::Forever());
    for (;;) {  // zc: no blocking acquire; the caller retries
      Status s = lock_->Acquire(Timeout::NonBlocking());
      if (s.kind() != ErrorKind::kAlreadyLocked) return s;
      sched_yield();
    }
  }
  Status Release() override { return lock_->Release(); }

 private:
  std::unique_ptr<Lock> lock_;
  bool can_wait_;
};

// Which raw sequence each built-in is made of (subjects.h).
struct RawOf {
  const char* threads;
  const char* processes;
  bool kernel;
  bool polling;
};
const std::map<std::string, RawOf>& RawTable() {
  static const auto* table = new std::map<std::string, RawOf>{
      {"flock", {"raw-flock", "raw-flock", true, false}},
      {"zc", {"raw-flock", "raw-flock", true, false}},
      {"zc-simple", {"raw-flock", "raw-flock", true, false}},
      {"locket", {"raw-flock", "raw-flock", true, false}},
      {"posix", {"raw-ofd", "raw-fcntl", true, false}},
      {"ofd", {"raw-ofd", "raw-ofd", true, false}},
      {"rw", {"raw-ofd", "raw-ofd", true, false}},
      {"pidfile", {"raw-excl", "raw-excl", false, true}},
      {"link", {"raw-link", "raw-link", false, true}},
      {"mkdir", {"raw-mkdir", "raw-mkdir", false, true}},
      {"sqlite", {"raw-sqlite", "raw-sqlite", false, true}},
      {"null", {"raw-pthread-mutex", "raw-pthread-mutex", false, false}},
  };
  return *table;
}

Subject ForImpl(const ImplEntry& entry) {
  Subject s;
  s.name = entry.info.name;
  auto it = RawTable().find(s.name);
  // An implementation added later without a raw row: the flock pair.
  RawOf raw = it != RawTable().end()
                  ? it->second
                  : RawOf{"raw-flock", "raw-flock", false, true};
  s.raw_for_threads = raw.threads;
  s.raw_for_processes = raw.processes;
  s.kernel_lock = raw.kernel;
  s.polling = raw.polling;
  std::string name = s.name;
  s.make = [name](const CycleContext& c) -> StatusOr<std::unique_ptr<Cycle>> {
    LockOptions options;
    options.path = c.dir + "/bench.lock";
    StatusOr<std::unique_ptr<Lock>> lock = MakeLock(name, options);
    if (!lock.ok()) return lock.status();
    return std::unique_ptr<Cycle>(new ImplCycle(std::move(*lock)));
  };
  return s;
}

// An outside driver process with one handle. Every request has a deadline
// (WorkerConnection kills the driver when it passes).
class DriverCycle final : public Cycle {
 public:
  static StatusOr<std::unique_ptr<Cycle>> Start(
      const std::vector<std::string>& argv, const CycleContext& c) {
    StatusOr<std::unique_ptr<WorkerConnection>> conn = WorkerConnection::Start(
        argv, c.dir + "/driver-" + std::to_string(c.contender) + ".log",
        "bench driver", std::chrono::seconds(10));
    if (!conn.ok()) return conn.status();
    auto cycle =
        std::unique_ptr<DriverCycle>(new DriverCycle(std::move(*conn)));
    protocol::Request open;
    open.verb = protocol::Verb::kOpen;
    open.handle = "h0";
    open.path = c.dir + "/bench.lock";
    Status s = cycle->Call(open);
    if (!s.ok()) return s;
    return std::unique_ptr<Cycle>(std::move(cycle));
  }
  ~DriverCycle() override {
    conn_->Quit(WorkerConnection::Clock::now() + std::chrono::seconds(2));
  }

  Status Acquire() override {
    protocol::Request r;
    r.verb = protocol::Verb::kAcquire;
    r.handle = "h0";
    r.timeout = can_wait_ ? Timeout::Forever() : Timeout::NonBlocking();
    for (;;) {
      Status s = Call(r);
      if (can_wait_ || s.kind() != ErrorKind::kAlreadyLocked) return s;
      sched_yield();
    }
  }
  Status Release() override {
    protocol::Request r;
    r.verb = protocol::Verb::kRelease;
    r.handle = "h0";
    return Call(r);
  }

 private:
  explicit DriverCycle(std::unique_ptr<WorkerConnection> conn)
      : conn_(std::move(conn)),
        can_wait_(conn_->greeting().features.has(Feature::kBlocking)) {}

  Status Call(const protocol::Request& r) {
    CallResult res = conn_->Call(
        r, WorkerConnection::Clock::now() + std::chrono::seconds(60));
    if (res.lost) return Status(ErrorKind::kError, "", "driver: " + res.why);
    if (!res.reply.ok()) {
      return Status(res.reply.kind, "", "driver: " + res.reply.message);
    }
    return Status::Ok();
  }

  std::unique_ptr<WorkerConnection> conn_;
  bool can_wait_;
};

}  // namespace

StatusOr<std::vector<Subject>> ImplSubjects(
    const std::vector<std::string>& names) {
  std::vector<Subject> out;
  if (names.empty()) {
    for (const ImplEntry& e : AllImpls()) out.push_back(ForImpl(e));
    return out;
  }
  for (const std::string& name : names) {
    const ImplEntry* e = FindImpl(name);
    if (e == nullptr) return MakeLock(name, LockOptions{}).status();
    out.push_back(ForImpl(*e));
  }
  return out;
}

Subject DriverSubject(const std::string& label,
                      const std::vector<std::string>& argv,
                      const std::string& do_nothing_label) {
  Subject s;
  s.name = label;
  s.raw = label == do_nothing_label;
  s.raw_for_threads = do_nothing_label;
  s.raw_for_processes = do_nothing_label;
  s.make = [argv](const CycleContext& c) {
    return DriverCycle::Start(argv, c);
  };
  return s;
}

}  // namespace lockstress::bench
