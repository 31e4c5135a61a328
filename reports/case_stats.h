// CaseStats: the numbers behind a case's charts, from every event of its
// history (never the downsampled timeline), in one streaming pass:
//   - acquire-wait latency: call to reply of each acquire that got the lock,
//     as a histogram over logarithmic bins (4 per decade) and percentiles;
//   - fairness: per handle, acquires that got the lock and refusals;
//   - throughput: acquires that got the lock per second over time (60 bins).
//
// JSON: {"ops": N, "ok": N, "err": N, "lost": N, "nemesis": N,
//        "wait": {"count": N, "p50_us", "p90_us", "p99_us", "max_us",
//                 "bins": [[from_us, to_us, count], ...]},
//        "per_handle": [[handle, acquired, refused], ...],
//        "throughput": {"bin_us": W, "per_s": [...]}}
//
// Thread safety: one instance per thread.
#ifndef LOCKSTRESS_REPORTS_CASE_STATS_H_
#define LOCKSTRESS_REPORTS_CASE_STATS_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lockstress/history.h"

namespace lockstress::report {

class CaseStats {
 public:
  void Add(const Event& event);
  // [origin, end]: the history's time range (TimelineBuilder's).
  nlohmann::json Finish(std::int64_t origin, std::int64_t end);

 private:
  struct PerHandle {
    int worker = 0;
    std::int64_t acquired = 0, refused = 0;
  };
  std::vector<std::int64_t> waits_;     // ns, of acquires that got the lock
  std::vector<std::int64_t> acquired_;  // t1 of those acquires
  std::map<std::string, PerHandle> per_handle_;
  std::int64_t ops_ = 0, ok_ = 0, err_ = 0, lost_ = 0, nemesis_ = 0;
};

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_CASE_STATS_H_
