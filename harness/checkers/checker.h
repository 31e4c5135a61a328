// Checker: maps a History to a verdict for one property (Jepsen's checker).
//
// A checker reads only the history (and the witness values recorded in it);
// it knows nothing of processes. It never passes by staying silent: when the
// history holds nothing that exercises its property, or the implementation
// does not declare the feature the property needs (HistoryHeader::features),
// it answers skip with the reason. A fail carries its evidence: the indices
// of the events (History::events) that prove it, and a detail line.
//
// Thread safety: checkers are immutable; Check() may run concurrently.
#ifndef LOCKSTRESS_HARNESS_CHECKERS_CHECKER_H_
#define LOCKSTRESS_HARNESS_CHECKERS_CHECKER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lockstress/history.h"

namespace lockstress {

enum class Verdict : unsigned char { kPass, kFail, kSkip };
std::string_view VerdictName(Verdict verdict);  // "pass", "fail", "skip"

struct CheckResult {
  std::string property;  // mutual_exclusion, timeout_semantics, ...
  Verdict verdict = Verdict::kSkip;
  std::string detail;  // why: counts on pass, the violation on fail,
                       // the reason on skip
  std::vector<std::size_t> evidence;  // indices into History::events
};

// Tolerances, documented in docs/checkers.md and settable from the CLI.
struct CheckOptions {
  // A LockTimeout may come this much before the asked timeout (clock
  // granularity between the library's clock and CLOCK_MONOTONIC): 0.
  std::chrono::milliseconds timeout_early{0};
  // ... and at most this much after it.
  std::chrono::milliseconds timeout_late{1000};
  // A non-blocking acquire must answer within this.
  std::chrono::milliseconds nonblocking_prompt{500};
  // No waiter may wait longer than this for a lock that keeps being handed
  // to others (liveness).
  std::chrono::milliseconds starvation_bound{10000};
  // crash_recovery / stale_recovery: a dead holder's lock must be taken over
  // within this (the implementation's declared stale_bound when larger).
  std::chrono::milliseconds recovery_bound{5000};
};

class Checker {
 public:
  virtual ~Checker() = default;
  virtual std::string_view property() const = 0;
  virtual CheckResult Check(const History& history,
                            const CheckOptions& options) const = 0;
};

// Every checker, one per property, in a stable order.
const std::vector<std::unique_ptr<Checker>>& AllCheckers();
// nullptr for an unknown property.
const Checker* FindChecker(std::string_view property);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_CHECKERS_CHECKER_H_
