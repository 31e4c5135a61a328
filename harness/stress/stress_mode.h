// Stress mode of lockstress-worker: the worker runs the operation loop
// itself and logs events to memory, instead of one pipe round trip per
// operation (docs/bench.md, "Harness stress mode").
//
//   lockstress-worker --impl NAME --stress PATH --threads T --seconds S
//                     [--cs-us C] [--events FILE]
//
// T threads, each with its own lock object on PATH, loop acquire (blocking;
// non-blocking retried after sched_yield for `zc`), a critical section of
// C µs (spun), release — until S seconds have passed. With --events, every
// acquire and release is an event {thread, op, ok, t0, t1} (CLOCK_MONOTONIC
// ns, read just before and after the call) written into a fixed buffer of
// the thread (kEventsPerBuffer events); a full buffer is appended to FILE
// with one write(2) and reused, so memory stays flat however long the run.
// Without --events the same loop runs bare (the overhead's baseline).
//
// At the end the worker prints one line on stdout:
//   stress ops=N seconds=S events=E rss_start_kb=A rss_end_kb=B errors=K
// rss_start_kb is read after the first second, rss_end_kb at the end.
// Exit codes: 0 done; 1 an operation failed (errors > 0); 2 usage.
//
// Event file: records of struct StressEvent, native endianness, in the
// order the buffers filled; ReadStressEvents reads them back and
// CountOverlaps checks mutual exclusion over the holding intervals
// [acquire t1, release t0].
//
// Thread safety: RunStress is called once; its threads share only the
// output descriptor (O_APPEND: each write lands whole at the end) and
// atomic counters.
#ifndef LOCKSTRESS_HARNESS_STRESS_STRESS_MODE_H_
#define LOCKSTRESS_HARNESS_STRESS_STRESS_MODE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "lockstress/registry.h"

namespace lockstress {

struct StressOptions {
  std::string path;
  int threads = 1;
  double seconds = 1;
  int cs_us = 0;
  std::string events_file;  // empty: bare loop
};

struct StressEvent {
  std::int32_t pid;
  std::int16_t thread;
  std::uint8_t op;  // 0 acquire, 1 release
  std::uint8_t ok;
  std::int64_t t0;
  std::int64_t t1;
};
static_assert(sizeof(StressEvent) == 24);

inline constexpr int kEventsPerBuffer = 4096;

// Runs the loop; prints the summary line on `out`. Returns the exit code.
int RunStress(const ImplEntry& impl, const StressOptions& options,
              std::ostream& out, std::ostream& err);

// Reads an event file; errors name the file.
StatusOr<std::vector<StressEvent>> ReadStressEvents(const std::string& file);
// Holding intervals [acquire.t1, release.t0] of each (pid, thread) that
// overlap another's: 0 for a lock, many for the null control.
std::uint64_t CountOverlaps(std::vector<StressEvent> events);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_STRESS_STRESS_MODE_H_
