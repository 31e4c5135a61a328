// The workload engine (workload.h). One shared-memory block holds what the
// contenders tell each other and the parent:
//
//   parent                         contender i (thread or forked process)
//     mmap(MAP_SHARED) block
//     start contenders  ------->   make its Cycle; ready++
//     wait ready == n (30 s)
//     go = 1, futex wake ------->  loop until stop:
//     sleep duration                 [alternate: wait seq != seen]
//     stop = 1                       Acquire; sample handoff; seq++
//     wait all gone (d + 30 s)       critical section
//     read counts, samples           release_ns = now; Release
//
// Platform facts: a MAP_SHARED|MAP_ANONYMOUS mapping made before fork(2) is
// shared with the children; futex(2) without FUTEX_PRIVATE_FLAG works on
// such shared memory across processes; std::atomic of 32/64-bit integers is
// lock-free on x86-64, hence usable between processes.
#include "lockstress/bench/workload.h"

#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

namespace lockstress::bench {
namespace {

constexpr int kSamplesPerContender = 2048;
constexpr auto kReadyBound = std::chrono::seconds(30);
constexpr auto kDrainBound = std::chrono::seconds(30);

std::int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Slot {
  std::atomic<std::uint64_t> acquisitions{0};
  std::atomic<std::uint32_t> samples{0};
  std::atomic<bool> done{false};
  char error[256];
  double handoff_ns[kSamplesPerContender];
};

struct Shared {
  std::atomic<std::uint32_t> ready{0};
  std::atomic<std::uint32_t> go{0};
  std::atomic<std::uint32_t> stop{0};
  std::atomic<std::uint32_t> seq{0};  // ownership changes (futex word)
  std::atomic<std::int32_t> owner{-1};
  std::atomic<std::int32_t> inside{0};
  std::atomic<std::int64_t> release_ns{0};
  std::atomic<std::int64_t> stop_ns{0};
  std::atomic<std::uint64_t> overlaps{0};
  std::atomic<std::uint64_t> changes{0};
  pthread_mutex_t mutex;
};

// The contenders' slots follow the header in the mapping.
Slot* Slots(Shared* sh) { return reinterpret_cast<Slot*>(sh + 1); }
static_assert(sizeof(Shared) % alignof(Slot) == 0);

void FutexWait(std::atomic<std::uint32_t>* word, std::uint32_t value,
               long timeout_ns) {
  struct timespec ts = {0, timeout_ns};
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT, value,
          &ts, nullptr, 0);
}
void FutexWakeAll(std::atomic<std::uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE,
          INT32_MAX, nullptr, nullptr, 0);
}

void CriticalSection(std::chrono::nanoseconds cs) {
  if (cs.count() <= 0) return;
  if (cs <= std::chrono::microseconds(100)) {
    std::int64_t until = NowNs() + cs.count();
    while (NowNs() < until) {
    }
    return;
  }
  std::this_thread::sleep_for(cs);
}

void Fail(Slot& slot, const std::string& what) {
  std::snprintf(slot.error, sizeof slot.error, "%s", what.c_str());
}

// One contender, start to finish.
void Contend(Shared* sh, int me, const WorkloadSpec& spec,
             const CycleFactory& make, const std::string& dir) {
  Slot& slot = Slots(sh)[me];
  CycleContext ctx{dir, &sh->mutex, me};
  StatusOr<std::unique_ptr<Cycle>> cycle = make(ctx);
  sh->ready.fetch_add(1);
  if (!cycle.ok()) {
    Fail(slot, cycle.status().ToString());
    slot.done = true;
    return;
  }
  while (sh->go.load() == 0) FutexWait(&sh->go, 0, 100000000);
  std::uint64_t rng = 0x9e3779b97f4a7c15ULL * static_cast<unsigned>(me + 1);
  std::uint32_t seen = 0;
  bool alternate_wait = false;
  while (sh->stop.load(std::memory_order_relaxed) == 0) {
    if (alternate_wait) {  // until somebody else has taken the lock
      std::uint32_t now_seq = sh->seq.load();
      if (now_seq == seen) {
        FutexWait(&sh->seq, seen, 10000000);
        continue;
      }
      alternate_wait = false;
    }
    Status s = (*cycle)->Acquire();
    if (!s.ok()) {
      Fail(slot, "acquire: " + s.ToString());
      break;
    }
    std::int64_t t1 = NowNs();
    if (sh->inside.fetch_add(1) != 0) sh->overlaps.fetch_add(1);
    int prev = sh->owner.exchange(me);
    bool counted = sh->stop.load() == 0;
    if (prev >= 0 && prev != me && counted) {
      sh->changes.fetch_add(1);
      double ns = static_cast<double>(t1 - sh->release_ns.load());
      std::uint32_t n = slot.samples.load(std::memory_order_relaxed);
      if (n < kSamplesPerContender) {
        slot.handoff_ns[n] = ns;
        slot.samples.store(n + 1, std::memory_order_relaxed);
      } else {  // reservoir: keep a uniform sample of all handoffs
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        std::uint64_t seen_total = slot.acquisitions.load() + 1;
        std::uint64_t j = rng % seen_total;
        if (j < kSamplesPerContender) slot.handoff_ns[j] = ns;
      }
    }
    if (counted) slot.acquisitions.fetch_add(1, std::memory_order_relaxed);
    seen = sh->seq.fetch_add(1) + 1;
    if (spec.alternate) FutexWakeAll(&sh->seq);
    CriticalSection(spec.critical_section);
    sh->inside.fetch_sub(1);
    sh->release_ns.store(NowNs());
    s = (*cycle)->Release();
    if (!s.ok()) {
      Fail(slot, "release: " + s.ToString());
      break;
    }
    alternate_wait = spec.alternate;
  }
  cycle->reset();
  slot.done = true;
}

}  // namespace

std::uint64_t WorkloadResult::total() const {
  std::uint64_t t = 0;
  for (std::uint64_t a : acquisitions) t += a;
  return t;
}

StatusOr<WorkloadResult> RunWorkload(const WorkloadSpec& spec,
                                     const CycleFactory& make,
                                     const std::string& dir) {
  const int n = spec.contenders;
  const size_t bytes = sizeof(Shared) + sizeof(Slot) * static_cast<size_t>(n);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    return Status(ErrorKind::kError, "", "mmap failed", "mmap", errno);
  }
  std::memset(mem, 0, bytes);
  Shared* sh = new (mem) Shared();
  for (int i = 0; i < n; ++i) new (&Slots(sh)[i]) Slot();
  sh->owner = -1;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&sh->mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { munmap(p, n); }
  } unmap{mem, bytes};

  std::vector<std::thread> threads;
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    if (spec.spawn == Spawn::kThreads) {
      threads.emplace_back(Contend, sh, i, std::cref(spec), std::cref(make),
                           std::cref(dir));
      continue;
    }
    pid_t pid = fork();
    if (pid == 0) {
      Contend(sh, i, spec, make, dir);
      _exit(Slots(sh)[i].error[0] != 0 ? 1 : 0);
    }
    if (pid < 0) {
      int err = errno;
      sh->stop = 1;
      sh->go = 1;
      FutexWakeAll(&sh->go);
      for (pid_t c : children) kill(c, SIGKILL);
      for (pid_t c : children) waitpid(c, nullptr, 0);
      return Status(ErrorKind::kError, "", "fork failed", "fork", err);
    }
    children.push_back(pid);
  }
  auto ready_by = std::chrono::steady_clock::now() + kReadyBound;
  while (sh->ready.load() < static_cast<std::uint32_t>(n) &&
         std::chrono::steady_clock::now() < ready_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::int64_t start = NowNs();
  sh->go = 1;
  FutexWakeAll(&sh->go);
  std::this_thread::sleep_for(spec.duration);
  std::int64_t stop = NowNs();
  sh->stop = 1;
  FutexWakeAll(&sh->seq);

  std::string failure;
  if (spec.spawn == Spawn::kThreads) {
    for (std::thread& t : threads) t.join();
  } else {
    auto drain_by = std::chrono::steady_clock::now() + kDrainBound;
    size_t reaped = 0;
    std::vector<bool> gone(children.size(), false);
    while (reaped < children.size()) {
      for (size_t i = 0; i < children.size(); ++i) {
        int status = 0;
        if (!gone[i] && waitpid(children[i], &status, WNOHANG) > 0) {
          gone[i] = true;
          ++reaped;
          if (WIFSIGNALED(status)) {
            failure = "contender " + std::to_string(i) + " died of signal " +
                      std::to_string(WTERMSIG(status));
          }
        }
      }
      if (reaped == children.size()) break;
      if (std::chrono::steady_clock::now() > drain_by) {
        for (size_t i = 0; i < children.size(); ++i) {
          if (!gone[i]) kill(children[i], SIGKILL);
        }
        for (size_t i = 0; i < children.size(); ++i) {
          if (!gone[i]) waitpid(children[i], nullptr, 0);
        }
        failure = "contenders still running 30 s after the stop: killed";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  pthread_mutex_destroy(&sh->mutex);
  for (int i = 0; i < n && failure.empty(); ++i) {
    if (Slots(sh)[i].error[0] != 0) {
      failure = "contender " + std::to_string(i) + ": " + Slots(sh)[i].error;
    }
  }
  if (!failure.empty()) return Status(ErrorKind::kError, dir, failure);

  WorkloadResult r;
  r.seconds = static_cast<double>(stop - start) / 1e9;
  r.ownership_changes = sh->changes.load();
  r.overlaps = sh->overlaps.load();
  for (int i = 0; i < n; ++i) {
    r.acquisitions.push_back(Slots(sh)[i].acquisitions.load());
    std::uint32_t k = Slots(sh)[i].samples.load();
    r.handoff_ns.insert(r.handoff_ns.end(), Slots(sh)[i].handoff_ns,
                        Slots(sh)[i].handoff_ns + k);
  }
  return r;
}

}  // namespace lockstress::bench
