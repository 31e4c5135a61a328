// Workloads: N contenders (threads of this process, or forked processes)
// taking one lock for a fixed time, and what they measured.
//
//   free-running   each contender loops acquire, critical section, release.
//                  Throughput, fairness (Jain's index over the contenders'
//                  acquisition counts) and handoff latency.
//   alternating    after its release a contender waits until another one
//                  has taken the lock before it asks again, so every
//                  acquisition is an ownership change: the rate measures
//                  the lock's handoff, not the releaser taking it straight
//                  back.
//
// Handoff latency: from just before the holder's release call (its
// CLOCK_MONOTONIC reading, left in shared memory) to just after the next
// holder's acquire returned, when the owner changed.
//
// Critical sections up to 100 us are spun on CLOCK_MONOTONIC (a sleep that
// short oversleeps by tens of microseconds); longer ones sleep.
//
// Every contender also counts overlaps: a shared counter of holders that
// must never exceed one (the null lock's overlaps are the sign it measures
// no lock at all).
//
// Bounds: contenders must be ready within 30 s and gone within the
// duration + 30 s after the stop; processes that are not are SIGKILLed and
// the workload fails naming them.
//
// Thread safety: RunWorkload is reentrant; it uses the calling thread.
#ifndef LOCKSTRESS_BENCH_WORKLOAD_H_
#define LOCKSTRESS_BENCH_WORKLOAD_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lockstress/bench/cycle.h"

namespace lockstress::bench {

enum class Spawn { kThreads, kProcesses };

struct WorkloadSpec {
  Spawn spawn = Spawn::kThreads;
  int contenders = 2;
  std::chrono::nanoseconds critical_section{0};
  std::chrono::nanoseconds duration = std::chrono::milliseconds(300);
  bool alternate = false;
};

struct WorkloadResult {
  double seconds = 0;                       // from start to stop
  std::vector<std::uint64_t> acquisitions;  // per contender
  std::vector<double> handoff_ns;           // samples (bounded per contender)
  std::uint64_t ownership_changes = 0;
  std::uint64_t overlaps = 0;
  std::uint64_t total() const;
};

StatusOr<WorkloadResult> RunWorkload(const WorkloadSpec& spec,
                                     const CycleFactory& make,
                                     const std::string& dir);

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_WORKLOAD_H_
