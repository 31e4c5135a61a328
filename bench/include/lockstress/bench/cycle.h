// Cycle: one contender's way to take a lock and give it back.
//
// Three kinds stand behind it: an implementation from the registry
// (impl_cycle.cc), a raw system-call sequence — the physical limit an
// implementation is built on (raw_cycles.cc) — and an outside driver, one
// operation per pipe round trip (driver_cycle.cc). The workloads
// (workload.h) only see this interface, so a row and its raw row are
// measured by the same code.
//
// Thread safety: one Cycle per contender (thread or process), used by that
// contender only. A CycleFactory is called once in every contender.
#ifndef LOCKSTRESS_BENCH_CYCLE_H_
#define LOCKSTRESS_BENCH_CYCLE_H_

#include <pthread.h>

#include <functional>
#include <memory>
#include <string>

#include "lockstress/status.h"

namespace lockstress::bench {

class Cycle {
 public:
  virtual ~Cycle() = default;
  // Takes the lock, however long it takes. A mechanism that cannot wait
  // (zc, O_EXCL, link, mkdir, SQLite rows) is retried with sched_yield()
  // between tries, as a caller of such a lock must.
  virtual Status Acquire() = 0;
  virtual Status Release() = 0;
};

// What a contender's cycle is made from.
struct CycleContext {
  std::string dir;  // an existing directory on the filesystem under test
  // A PTHREAD_PROCESS_SHARED mutex in memory every contender shares.
  pthread_mutex_t* shared_mutex = nullptr;
  int contender = 0;  // 0..n-1
};

using CycleFactory =
    std::function<StatusOr<std::unique_ptr<Cycle>>(const CycleContext&)>;

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_CYCLE_H_
