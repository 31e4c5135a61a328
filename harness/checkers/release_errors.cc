// release_errors: NotLocked and NotMyLock exactly where the contract puts
// them (lock.h, Release()).
//
// For a release by handle r at [t0, t1]:
//   r holds the lock (certainly)      -> ok; NotLocked/NotMyLock is a fail.
//   r does not hold it (never did, released already, or broken):
//     another handle of the same owner (intervals.h SameOwner) may hold it
//                                      -> ok, NotMyLock or NotLocked;
//     a different owner surely holds it over all of [t0, t1]
//                                      -> NotMyLock; NotLocked or ok fail;
//     nobody may hold it               -> NotLocked; NotMyLock or ok fail
//                                         (ok: a silent double release);
//     a different owner may hold it    -> NotLocked or NotMyLock; ok fails.
// UnlockError, Unsupported and lost releases are not judged, nor a release
// by a holder whose holding a break ended while the release was in flight,
// nor one by a holder whose acquire raced with a break (it is uncertain).
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "release_errors";

CheckResult Check(const History& history, const CheckOptions&) {
  const HistoryHeader& hd = history.header;
  if (hd.ownership == Ownership::kNone) {
    return Skip(kName, "ownership none: nobody owns the lock");
  }
  Holdings h = DeriveIntervals(history);
  int judged = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::vector<std::size_t> ev, const std::string& why) {
    if (violations++ == 0) {
      detail = why;
      evidence = std::move(ev);
    }
  };
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (e.type != Event::Type::kOp || e.op != "release") continue;
    if (e.outcome == Outcome::kLost) continue;
    const bool ok = e.outcome == Outcome::kOk;
    const ErrorKind k = ok ? ErrorKind::kOk : e.kind;
    if (k != ErrorKind::kOk && k != ErrorKind::kNotLocked &&
        k != ErrorKind::kNotMyLock) {
      continue;
    }
    const std::string what = Describe(h, history, i);
    if (const Interval* own = HeldAt(h, e.handle, i)) {
      ++judged;
      if (!ok && own->certain && own->end == IntervalEnd::kRelease) {
        fail({own->begin_event, i}, what + ": the holder's release failed; " +
                                        DescribeInterval(h, *own));
      }
      continue;
    }
    if (const Interval* last = LastBefore(h, e.handle, i);
        last && last->end == IntervalEnd::kBreak &&
        history.events[*last->end_event].t1 >= e.t0) {
      continue;  // raced with the break that ended its holding
    }
    ++judged;
    bool same_owner = false, other_may = false;
    const Interval* other_sure = nullptr;
    for (const Interval& iv : h.intervals) {
      if (iv.handle == e.handle || !iv.MayOverlaps(e.t0, e.t1)) continue;
      if (SameOwner(hd, e.handle, e.worker, iv.handle, iv.worker)) {
        same_owner = true;
      } else {
        other_may = true;
        if (iv.SureContains(e.t0, e.t1)) other_sure = &iv;
      }
    }
    if (same_owner) continue;
    if (other_sure) {
      if (k != ErrorKind::kNotMyLock) {
        fail({other_sure->begin_event, i},
             what + ": " +
                 (ok ? "release by a non-holder succeeded"
                     : "expected NotMyLock") +
                 " while " + DescribeInterval(h, *other_sure));
      }
    } else if (!other_may) {
      if (ok) {
        fail({i}, what +
                      ": silent double release: ok while nobody held "
                      "the lock (expected NotLocked)");
      } else if (k == ErrorKind::kNotMyLock) {
        fail({i}, what + ": NotMyLock while nobody held the lock");
      }
    } else if (ok) {
      fail({i}, what + ": release by a non-holder succeeded");
    }
  }
  if (judged == 0) return Skip(kName, "no release answered");
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(judged) +
                         " releases answered as the contract says");
}

}  // namespace

std::unique_ptr<Checker> MakeReleaseErrorsChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
