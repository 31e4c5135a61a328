// status_queries: is_locked and i_am_locking tell the truth.
//
// With clock slack, only queries that can be judged are judged:
//   is_locked:    [t0, t1] wholly inside some sure interval -> must be true;
//                 [t0, t1] touching no may interval, and no other handle's
//                 acquire or status query in flight (intervals.h
//                 Contended: a probe may hold the lock for a moment)
//                                                            -> must be false.
//   i_am_locking: the same, over the intervals of the asker's owner
//                 (intervals.h SameOwner): inside one -> true; touching
//                 none -> false. (Other owners' intervals do not matter.)
// Each query kind is judged only when its feature is declared.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "status_queries";

CheckResult Check(const History& history, const CheckOptions&) {
  const HistoryHeader& hd = history.header;
  const bool is_locked = hd.features.has(Feature::kIsLocked);
  const bool i_am = hd.features.has(Feature::kIAmLocking);
  if (!is_locked && !i_am) {
    return Skip(kName, "neither is_locked nor i_am_locking declared");
  }
  Holdings h = DeriveIntervals(history);
  int judged = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (e.type != Event::Type::kOp || e.outcome != Outcome::kOk || !e.value) {
      continue;
    }
    const bool mine = e.op == "i_am_locking";
    if (!(mine ? i_am : (is_locked && e.op == "is_locked"))) continue;
    const Interval* inside = nullptr;
    bool touched = false;
    for (const Interval& iv : h.intervals) {
      if (mine && !SameOwner(hd, e.handle, e.worker, iv.handle, iv.worker)) {
        continue;
      }
      if (iv.SureContains(e.t0, e.t1)) inside = &iv;
      if (iv.MayOverlaps(e.t0, e.t1)) touched = true;
    }
    if (!mine && Contended(history, h, i)) touched = true;
    if (!inside && touched) continue;  // too close to call
    ++judged;
    const bool expect = inside != nullptr;
    if (*e.value == expect) continue;
    if (violations++ == 0) {
      detail =
          Describe(h, history, i) + ": expected " + (expect ? "true" : "false");
      if (inside) {
        detail += " while " + DescribeInterval(h, *inside);
        evidence = {inside->begin_event, i};
      } else {
        detail += mine ? ": its owner held nothing then"
                       : ": nobody held the lock then";
        evidence = {i};
      }
    }
  }
  if (judged == 0) {
    return Skip(kName, "no status query answered clear of clock slack");
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(judged) + " status queries told the truth");
}

}  // namespace

std::unique_ptr<Checker> MakeStatusQueriesChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
