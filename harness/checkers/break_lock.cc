// break_lock: a successful break frees the lock for everybody.
//
// For every successful break B that ended a certain holding H (intervals.h):
//   - H's next release (before H acquires again) answers NotLocked or
//     NotMyLock; ok is a fail (the broken holder still "released" it);
//     a release that overlaps the break in time may answer either way;
// For every successful break B:
//   - the first acquire by another handle that starts after B refused while
//     nobody may have held the lock and no other call was in flight
//     (intervals.h Contended) is a fail (the break left it locked).
// Unsupported breaks are not judged; without `break` the check skips.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "break_lock";

CheckResult Check(const History& history, const CheckOptions&) {
  if (!history.header.features.has(Feature::kBreak)) {
    return Skip(kName, "break not declared");
  }
  Holdings h = DeriveIntervals(history);
  const auto& ev = history.events;
  int breaks = 0, judged = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::vector<std::size_t> x, const std::string& why) {
    if (violations++ == 0) {
      detail = why;
      evidence = std::move(x);
    }
  };
  for (std::size_t b = 0; b < ev.size(); ++b) {
    const Event& br = ev[b];
    if (br.type != Event::Type::kOp || br.op != "break" ||
        br.outcome != Outcome::kOk) {
      continue;
    }
    ++breaks;
    // The broken holders' next releases.
    for (const Interval& iv : h.intervals) {
      if (iv.end != IntervalEnd::kBreak || iv.end_event != b || !iv.certain) {
        continue;
      }
      for (std::size_t i = b + 1; i < ev.size(); ++i) {
        const Event& e = ev[i];
        if (e.handle != iv.handle || e.type != Event::Type::kOp) continue;
        if (IsAcquire(e)) break;
        if (e.op != "release" || e.outcome == Outcome::kLost) continue;
        if (e.t0 <= br.t1) break;  // raced with the break: either answer
        ++judged;
        if (e.outcome == Outcome::kOk) {
          fail({iv.begin_event, b, i}, Describe(h, history, i) +
                                           ": the broken holder's release "
                                           "succeeded after " +
                                           Describe(h, history, b));
        }
        break;
      }
    }
    // The next acquire by another handle.
    for (std::size_t i = b + 1; i < ev.size(); ++i) {
      const Event& e = ev[i];
      if (!IsAcquire(e) || e.handle == br.handle || e.t0 < br.t1 ||
          e.outcome == Outcome::kLost) {
        continue;
      }
      if (e.outcome == Outcome::kErr && !IsRefused(e)) continue;
      ++judged;
      if (IsRefused(e)) {
        if (!Contended(history, h, i)) {
          fail({b, i}, Describe(h, history, i) +
                           ": refused though nobody held the lock after " +
                           Describe(h, history, b));
        }
      }
      break;
    }
  }
  if (judged == 0) {
    return Skip(kName, breaks == 0 ? "no successful break"
                                   : "no release or acquire followed a "
                                     "break");
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(breaks) + " breaks, " +
                         std::to_string(judged) +
                         " following operations answered as after a break");
}

}  // namespace

std::unique_ptr<Checker> MakeBreakLockChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
