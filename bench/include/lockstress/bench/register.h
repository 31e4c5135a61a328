// Registration: turns a configuration into Google Benchmark families.
//
// Row names ('/'-joined, Benchmark style):
//   uncontended/<subject>
//   contended/<subject>/<threads|procs>:<n>/cs_us:<c>
//   handoff/<subject>/procs:2/cs_us:10        (alternating, see workload.h)
//   driver/<subject>/uncontended              (one op per pipe round trip)
//   driver/<subject>/handoff/threads:2/cs_us:10
//   harness-stress/<impl>/procs:<p>/threads:<t>/<bare|recorded>
//                                             (lockstress-worker --stress)
// Counters (all rows): ops_per_s (acquire+release cycles per second; in
// handoff rows, ownership changes per second), and from the reporter
// raw_ops_per_s and ratio_to_raw. Workload rows add contenders, jain,
// overlaps, handoff_p50_us, handoff_p90_us, handoff_p99_us.
//
// Ratios: uncontended and contended rows against the implementation's own
// raw sequence under the same load (subjects.h); handoff rows against
// handoff/raw-flock (the target), driver rows against the do-nothing
// driver (the protocol's floor: lockstress-worker --impl null), recorded
// stress rows against the bare loop of the same shape (1 - ratio is the
// recording overhead). Stress rows add events, rss_start_kb, rss_end_kb.
//
// Thread safety: call once, from main, before running.
#ifndef LOCKSTRESS_BENCH_REGISTER_H_
#define LOCKSTRESS_BENCH_REGISTER_H_

#include <string>
#include <vector>

#include "lockstress/bench/ratio_reporter.h"
#include "lockstress/status.h"

namespace lockstress::bench {

struct BenchConfig {
  std::string dir;                   // filesystem under test
  std::vector<std::string> impls;    // empty: every built-in
  std::vector<std::string> drivers;  // outside driver commands (sh -c)
  std::string worker;                // lockstress-worker
  bool quick = false;                // CI smoke: few, short rows
};

// Registers every row; fills `plan`. Errors: an unknown implementation.
Status RegisterAll(const BenchConfig& config, RatioPlan* plan);

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_REGISTER_H_
