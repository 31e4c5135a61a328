// mutual_exclusion: Knossos' Mutex model over holding intervals, plus the
// clock-free witness counter. See docs/checkers.md.
//
// Clock witness: two sure intervals (intervals.h) that must exclude each
// other overlap. Only `sure` ranges are compared, so clock slack and lost
// (indeterminate) acquires never produce a false failure.
// Counter witness: every critical section reads the counter file, adds one
// and writes it back. A value read twice is a lost increment, unless a lost
// witness or a death lies between the two reads (the dead worker may have
// read and died before writing) or a successful break (the broken holder may
// still be inside its critical section: breaking a live lock is allowed to
// break exclusion).
#include <algorithm>
#include <map>
#include <set>

#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "mutual_exclusion";

std::vector<std::size_t> Ends(const Interval& iv) {
  std::vector<std::size_t> v{iv.begin_event};
  if (iv.end_event) v.push_back(*iv.end_event);
  return v;
}

CheckResult Check(const History& history, const CheckOptions&) {
  Holdings h = DeriveIntervals(history);
  const auto& ev = history.events;
  std::set<std::string> acquirers;
  for (const Event& e : ev) {
    if (IsOkAcquire(e)) acquirers.insert(e.handle);
  }
  if (acquirers.size() < 2) {
    return Skip(kName, "fewer than two handles acquired the lock");
  }

  // Clock witness: sweep the sure intervals by start.
  std::vector<const Interval*> sure;
  for (const Interval& iv : h.intervals) {
    if (iv.certain && iv.sure_begin < iv.sure_end) sure.push_back(&iv);
  }
  std::sort(sure.begin(), sure.end(), [](const Interval* a, const Interval* b) {
    return a->sure_begin < b->sure_begin;
  });
  int violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  for (std::size_t i = 0; i < sure.size(); ++i) {
    for (std::size_t j = i + 1; j < sure.size(); ++j) {
      const Interval& a = *sure[i];
      const Interval& b = *sure[j];
      if (b.sure_begin >= a.sure_end) break;
      if (!MustExclude(history.header, a, b)) continue;
      if (violations++ == 0) {
        detail = DescribeInterval(h, a) + " while " + b.handle +
                 (b.shared ? " acquired shared at " : " acquired at ") +
                 Ms(h, b.sure_begin) + " (" +
                 Describe(h, history, a.begin_event) + "; " +
                 Describe(h, history, b.begin_event) + ")";
        evidence = Ends(a);
        for (std::size_t x : Ends(b)) evidence.push_back(x);
      }
    }
  }

  // Counter witness.
  std::map<std::int64_t, std::size_t> first_read;
  // Times of deaths, lost events and breaks: a broken holder may still be
  // inside its critical section when the next holder reads.
  std::vector<std::int64_t> uncertain;
  std::int64_t ok = 0, min_read = 0, max_wrote = 0;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    bool death = (e.type == Event::Type::kNemesis && e.op == "kill") ||
                 e.outcome == Outcome::kLost;
    bool broke = e.type == Event::Type::kOp && e.op == "break" &&
                 e.outcome == Outcome::kOk;
    if (death || broke) uncertain.push_back(e.t0);
  }
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.type != Event::Type::kOp || e.op != "witness" ||
        e.outcome != Outcome::kOk) {
      continue;
    }
    min_read = ok == 0 ? e.read : std::min(min_read, e.read);
    max_wrote = ok == 0 ? e.wrote : std::max(max_wrote, e.wrote);
    ++ok;
    auto [it, fresh] = first_read.emplace(e.read, i);
    if (fresh) continue;
    const std::size_t prev_index = it->second;
    const Event& prev = ev[prev_index];
    bool excused =
        std::any_of(uncertain.begin(), uncertain.end(), [&](std::int64_t t) {
          return t >= std::min(prev.t0, e.t0) && t <= std::max(prev.t1, e.t1);
        });
    it->second = i;
    if (excused) continue;
    if (violations++ == 0) {
      detail = "lost increment: " + prev.handle + " and " + e.handle +
               " both read the counter as " + std::to_string(e.read) + " (" +
               Describe(h, history, prev_index) + "; " +
               Describe(h, history, i) + ")";
      evidence = {prev_index, i};
    }
  }
  if (ok > 0 && uncertain.empty() && max_wrote - min_read < ok &&
      violations == 0) {
    ++violations;
    detail = "lost increment: " + std::to_string(ok) +
             " increments took the counter only from " +
             std::to_string(min_read) + " to " + std::to_string(max_wrote);
  }
  if (violations > 0) {
    return Fail(kName, detail, evidence, violations);
  }
  return Pass(kName, std::to_string(sure.size()) + " holding intervals of " +
                         std::to_string(acquirers.size()) +
                         " handles, none overlapping; " + std::to_string(ok) +
                         " witness increments, none lost");
}

}  // namespace

std::unique_ptr<Checker> MakeMutualExclusionChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
