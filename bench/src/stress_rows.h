// The harness stress-mode rows (register.h: harness-stress/...): starts
// lockstress-worker processes in stress mode and sums their summaries.
//
// Thread safety: reentrant; uses the calling thread.
#ifndef LOCKSTRESS_BENCH_SRC_STRESS_ROWS_H_
#define LOCKSTRESS_BENCH_SRC_STRESS_ROWS_H_

#include <cstdint>
#include <string>

#include "lockstress/status.h"

namespace lockstress::bench {

struct StressSpec {
  std::string worker;  // bin/lockstress-worker
  std::string impl;
  int procs = 1;
  int threads = 1;
  double seconds = 1;
  int cs_us = 0;
  bool record = false;
};

struct StressResult {
  std::uint64_t ops = 0;
  double seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t overlaps = 0;
  double rss_start_kb = 0;  // the largest worker's
  double rss_end_kb = 0;
};

StatusOr<StressResult> RunStressWorkers(const StressSpec& spec,
                                        const std::string& dir);

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_SRC_STRESS_ROWS_H_
