// reentrancy: an acquire by a handle that already holds the lock.
//
// With `reentrant`: the re-entry succeeds, and it counts: while the nesting
//   has not been released as often as it was acquired, nobody else holds
//   the lock (an overlap inside a nested interval is "not counted").
// Without: the handle is a contender against itself (lock.h): the re-entry
//   answers AlreadyLocked, LockTimeout or LockFailed, never a silent ok.
// Re-entries that were lost or Unsupported are not judged.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "reentrancy";

CheckResult Check(const History& history, const CheckOptions&) {
  const bool reentrant = history.header.features.has(Feature::kReentrant);
  Holdings h = DeriveIntervals(history);
  int judged = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::vector<std::size_t> x, const std::string& why) {
    if (violations++ == 0) {
      detail = why;
      evidence = std::move(x);
    }
  };
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (!IsAcquire(e) || e.outcome == Outcome::kLost) continue;
    if (e.outcome == Outcome::kErr && e.kind == ErrorKind::kUnsupported) {
      continue;
    }
    const Interval* own = HeldAt(h, e.handle, i);
    if (!own || !own->certain || own->sure_end < e.t1) continue;
    ++judged;
    const bool ok = e.outcome == Outcome::kOk;
    if (reentrant && !ok) {
      fail({own->begin_event, i}, Describe(h, history, i) +
                                      ": a reentrant re-entry failed while " +
                                      DescribeInterval(h, *own));
    } else if (!reentrant && ok) {
      fail({own->begin_event, i},
           Describe(h, history, i) +
               ": silent ok on re-entry without `reentrant` while " +
               DescribeInterval(h, *own));
    } else if (!reentrant && e.kind != ErrorKind::kAlreadyLocked &&
               e.kind != ErrorKind::kLockTimeout &&
               e.kind != ErrorKind::kLockFailed) {
      fail({own->begin_event, i},
           Describe(h, history, i) +
               ": re-entry must answer AlreadyLocked, LockTimeout or "
               "LockFailed");
    }
  }
  if (reentrant) {  // nesting counted: nobody inside a nested interval
    for (const Interval& a : h.intervals) {
      if (a.max_depth < 2 || !a.certain) continue;
      for (const Interval& b : h.intervals) {
        if (&a == &b || !b.certain || !MustExclude(history.header, a, b) ||
            !b.SureOverlaps(a.sure_begin, a.sure_end)) {
          continue;
        }
        fail({a.begin_event, b.begin_event},
             DescribeInterval(h, a) + " nested " + std::to_string(a.max_depth) +
                 " deep, yet " + DescribeInterval(h, b) +
                 ": nesting not counted");
      }
    }
  }
  if (judged == 0) return Skip(kName, "no acquire by a handle that held");
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(judged) + " re-entries answered as " +
                         (reentrant ? "reentrant" : "non-reentrant") +
                         " locks must");
}

}  // namespace

std::unique_ptr<Checker> MakeReentrancyChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
