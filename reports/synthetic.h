// A synthetic run, to measure the report on a history of any size (the
// issue's 1,000,000 operations) without running one: 8 workers contend for
// one lock (try-acquires refused while it is held, a few timeouts and
// errors), the nemesis stops and kills holders now and then, and in the
// middle two workers hold the lock at once — recorded in results.json as a
// mutual_exclusion fail with its evidence, so the report must keep it.
//
//   RUN_DIR/results.json
//   RUN_DIR/histories/synthetic/stress_synthetic.jsonl
//
// Deterministic for a seed. RUN_DIR must not exist or be empty.
//
// Thread safety: stateless function.
#ifndef LOCKSTRESS_REPORTS_SYNTHETIC_H_
#define LOCKSTRESS_REPORTS_SYNTHETIC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lockstress/status.h"

namespace lockstress::report {

Status WriteSyntheticRun(const std::string& run_dir, std::size_t ops,
                         std::uint64_t seed,
                         const std::vector<std::string>& argv);

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_SYNTHETIC_H_
