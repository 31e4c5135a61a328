// liveness: a free lock can be taken, and no waiter starves.
//
//   - free lock: an acquire refused (AlreadyLocked / LockTimeout) while no
//     interval, not even a possible one (lost, dead, the asker's own), may
//     have held the lock during [t0, t1], and no other handle's call was in
//     flight (intervals.h Contended), is a fail;
//   - starvation: a blocking or timed acquire that waited longer than
//     starvation_bound while other handles acquired the lock at least twice
//     (their t1 inside its wait) is a fail, whether it got the lock at last
//     or timed out.
// Lost acquires, and waits while the nemesis had the waiter stopped, are not
// judged. Skips when no acquire was answered.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "liveness";

CheckResult Check(const History& history, const CheckOptions& opt) {
  Holdings h = DeriveIntervals(history);
  const auto& ev = history.events;
  const std::int64_t bound = opt.starvation_bound.count() * 1000000;
  int judged = 0, violations = 0;
  std::int64_t longest = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::vector<std::size_t> x, const std::string& why) {
    if (violations++ == 0) {
      detail = why;
      evidence = std::move(x);
    }
  };
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (!IsAcquire(e) || e.outcome == Outcome::kLost) continue;
    if (e.outcome == Outcome::kErr && !IsRefused(e)) continue;
    ++judged;
    const std::int64_t waited = e.t1 - e.t0;
    longest = std::max(longest, waited);
    if (IsRefused(e)) {
      if (!Contended(history, h, i)) {
        fail({i}, Describe(h, history, i) +
                      ": refused a free lock (nobody held it)");
      }
    }
    std::optional<std::int64_t> d = TimeoutNanos(e.arg);
    if (waited <= bound || (d && *d == 0) ||
        StoppedDuring(h, e.worker, e.t0, e.t1)) {
      continue;
    }
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < ev.size(); ++j) {
      const Event& o = ev[j];
      if (IsOkAcquire(o) && o.handle != e.handle && o.t1 > e.t0 &&
          o.t1 < e.t1) {
        others.push_back(j);
      }
    }
    if (others.size() >= 2) {
      fail({i, others[0], others[1]},
           Describe(h, history, i) + ": waited " + DurMs(waited) + " (bound " +
               std::to_string(opt.starvation_bound.count()) +
               "ms) while others acquired " + std::to_string(others.size()) +
               " times, first " + Describe(h, history, others[0]));
    }
  }
  if (judged == 0) return Skip(kName, "no acquire answered");
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(judged) +
                         " acquires, no free lock refused, longest wait " +
                         DurMs(longest));
}

}  // namespace

std::unique_ptr<Checker> MakeLivenessChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
