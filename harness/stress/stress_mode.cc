#include "harness/stress/stress_mode.h"

#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

namespace lockstress {
namespace {

std::int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// proc(5): /proc/self/statm, second field = resident pages.
long RssKb() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// One thread's fixed event buffer; full buffers go to the file whole.
class EventLog {
 public:
  EventLog(int fd, int thread) : fd_(fd), thread_(thread) {
    events_.reset(new StressEvent[kEventsPerBuffer]);
  }
  void Add(std::uint8_t op, bool ok, std::int64_t t0, std::int64_t t1) {
    if (fd_ < 0) return;
    events_[n_++] = {static_cast<std::int32_t>(getpid()),
                     static_cast<std::int16_t>(thread_),
                     op,
                     static_cast<std::uint8_t>(ok ? 1 : 0),
                     t0,
                     t1};
  }
  // Called with the lock released: writes the buffer when it has no room
  // for another acquire + release. Add never writes: a write while the lock
  // is held stalls every other contender (measured: 64 x 8 recorded ran at
  // 0.6 of bare when a full buffer was written right after an acquire).
  void FlushIfFull() {
    if (n_ + 2 > kEventsPerBuffer) Flush();
  }
  // False when the write failed.
  bool Flush() {
    if (fd_ < 0 || n_ == 0) return true;
    size_t bytes = sizeof(StressEvent) * static_cast<size_t>(n_);
    ssize_t w = write(fd_, events_.get(), bytes);
    written_ += n_;
    n_ = 0;
    if (w != static_cast<ssize_t>(bytes)) failed_ = true;
    return !failed_;
  }
  std::uint64_t written() const { return written_; }
  bool failed() const { return failed_; }

 private:
  int fd_;
  int thread_;
  std::unique_ptr<StressEvent[]> events_;
  int n_ = 0;
  std::uint64_t written_ = 0;
  bool failed_ = false;
};

struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> ops{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> errors{0};
  std::string first_error;  // written once, guarded by errors' 0 -> 1
};

void Loop(const ImplEntry& impl, const StressOptions& o, int fd, int index,
          Shared* sh) {
  auto record_error = [sh](const std::string& what) {
    if (sh->errors.fetch_add(1) == 0) sh->first_error = what;
  };
  LockOptions lo;
  lo.path = o.path;
  std::unique_ptr<Lock> lock = impl.make(lo);
  if (lock == nullptr) {
    record_error("the implementation made no lock object");
    return;
  }
  const bool can_wait = impl.info.features.has(Feature::kBlocking);
  // The bare loop reads no clock: the overhead is everything recording adds.
  const bool record = fd >= 0;
  auto now = [record] { return record ? NowNs() : 0; };
  EventLog log(fd, index);
  std::uint64_t ops = 0;
  while (!sh->stop.load(std::memory_order_relaxed)) {
    std::int64_t t0 = now();
    Status s =
        lock->Acquire(can_wait ? Timeout::Forever() : Timeout::NonBlocking());
    std::int64_t t1 = now();
    if (!can_wait && s.kind() == ErrorKind::kAlreadyLocked) {
      sched_yield();
      continue;
    }
    log.Add(0, s.ok(), t0, t1);
    if (!s.ok()) {
      record_error("acquire: " + s.ToString());
      break;
    }
    if (o.cs_us > 0) {
      std::int64_t until = NowNs() + std::int64_t{o.cs_us} * 1000;
      while (NowNs() < until) {
      }
    }
    t0 = now();
    s = lock->Release();
    t1 = now();
    log.Add(1, s.ok(), t0, t1);
    if (!s.ok()) {
      record_error("release: " + s.ToString());
      break;
    }
    log.FlushIfFull();
    ++ops;
  }
  if (!log.Flush() || log.failed()) {
    record_error("writing " + o.events_file + ": " + strerror(errno));
  }
  sh->ops.fetch_add(ops);
  sh->events.fetch_add(log.written());
}

}  // namespace

int RunStress(const ImplEntry& impl, const StressOptions& o, std::ostream& out,
              std::ostream& err) {
  int fd = -1;
  if (!o.events_file.empty()) {
    fd = open(o.events_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
              0644);
    if (fd < 0) {
      err << "lockstress-worker: --events '" << o.events_file
          << "': " << strerror(errno) << "\n";
      return 2;
    }
  }
  Shared sh;
  std::vector<std::thread> threads;
  std::int64_t start = NowNs();
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back(Loop, std::cref(impl), std::cref(o), fd, i, &sh);
  }
  // RSS after the first second (or at the start of a shorter run), then at
  // the end: flat memory means the two agree.
  std::int64_t end = start + static_cast<std::int64_t>(o.seconds * 1e9);
  long rss_start = 0;
  std::int64_t sample_at = std::min(end, start + 1000000000);
  while (NowNs() < end && sh.errors.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (rss_start == 0 && NowNs() >= sample_at) rss_start = RssKb();
  }
  if (rss_start == 0) rss_start = RssKb();
  long rss_end = RssKb();
  double seconds = static_cast<double>(NowNs() - start) / 1e9;
  sh.stop = true;
  for (std::thread& t : threads) t.join();
  if (fd >= 0) close(fd);
  out << "stress ops=" << sh.ops.load() << " seconds=" << seconds
      << " events=" << sh.events.load() << " rss_start_kb=" << rss_start
      << " rss_end_kb=" << rss_end << " errors=" << sh.errors.load() << "\n";
  out.flush();
  if (sh.errors.load() > 0) {
    err << "lockstress-worker: " << sh.first_error << "\n";
    return 1;
  }
  return 0;
}

StatusOr<std::vector<StressEvent>> ReadStressEvents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status(ErrorKind::kError, file, "cannot open");
  std::vector<StressEvent> events;
  StressEvent e{};
  while (in.read(reinterpret_cast<char*>(&e), sizeof e)) events.push_back(e);
  if (in.gcount() != 0) {
    return Status(ErrorKind::kError, file,
                  "truncated: not a whole number of events");
  }
  return events;
}

std::uint64_t CountOverlaps(std::vector<StressEvent> events) {
  // Each (pid, thread)'s events are in order in the file: pair each
  // successful acquire with the release that follows it.
  std::map<std::pair<std::int32_t, std::int16_t>, std::int64_t> open;
  std::vector<std::pair<std::int64_t, std::int64_t>> held;
  for (const StressEvent& e : events) {
    auto key = std::make_pair(e.pid, e.thread);
    if (e.op == 0 && e.ok) {
      open[key] = e.t1;
    } else if (e.op == 1) {
      auto it = open.find(key);
      if (it != open.end()) {
        held.emplace_back(it->second, e.t0);
        open.erase(it);
      }
    }
  }
  std::sort(held.begin(), held.end());
  std::uint64_t overlaps = 0;
  std::int64_t last_end = INT64_MIN;
  for (const auto& [begin, end] : held) {
    if (begin < last_end) ++overlaps;
    last_end = std::max(last_end, end);
  }
  return overlaps;
}

}  // namespace lockstress
