// shared_locks: readers together, a writer alone.
//
// Passes only when two shared (sure) intervals of different handles were
// seen to overlap: otherwise nothing showed that readers share (skip). Fails
// when an exclusive interval's sure range overlaps a shared one that it must
// exclude (intervals.h MustExclude); writer against writer is
// mutual_exclusion's. Writer-preferring locks may
// refuse readers while a writer waits, so refusals are not judged here.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "shared_locks";

CheckResult Check(const History& history, const CheckOptions&) {
  if (!history.header.features.has(Feature::kShared)) {
    return Skip(kName, "shared not declared");
  }
  Holdings h = DeriveIntervals(history);
  int shared = 0, overlaps = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  const auto& ivs = h.intervals;
  for (std::size_t i = 0; i < ivs.size(); ++i) {
    const Interval& a = ivs[i];
    if (!a.certain || a.sure_begin >= a.sure_end) continue;
    if (a.shared) ++shared;
    for (std::size_t j = i + 1; j < ivs.size(); ++j) {
      const Interval& b = ivs[j];
      if (!b.SureOverlaps(a.sure_begin, a.sure_end) || a.handle == b.handle) {
        continue;
      }
      if (a.shared && b.shared) {
        ++overlaps;
      } else if ((a.shared || b.shared) && MustExclude(history.header, a, b)) {
        const Interval& w = a.shared ? b : a;
        const Interval& r = a.shared ? a : b;
        if (violations++ == 0) {
          detail = "writer " + DescribeInterval(h, w) + " overlapped reader " +
                   DescribeInterval(h, r);
          evidence = {w.begin_event, r.begin_event};
        }
      }
    }
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  if (shared == 0) return Skip(kName, "no shared acquire succeeded");
  if (overlaps == 0) return Skip(kName, "no concurrent readers observed");
  return Pass(kName, std::to_string(shared) + " shared holdings, " +
                         std::to_string(overlaps) +
                         " reader overlaps, no writer overlapped a reader");
}

}  // namespace

std::unique_ptr<Checker> MakeSharedLocksChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
