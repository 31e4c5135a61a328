// stale_recovery: with the feature, a dead holder's lock is taken over in
// time, and a live holder's lock never is.
//
//   - a live holder (a certain interval, before any death of its worker;
//     a SIGSTOPped holder is alive) whose sure range overlaps another
//     holder's it must exclude: its lock was taken over (fail);
//   - a killed holder whose lock other handles kept asking for past
//     recovery_bound (recovery.h late_refusal): never recovered (fail);
//   - the same for a stale lock seeded before the run (scenarios/faults/:
//     a dead PID, a reused PID, another host, another container's init, a
//     spoiled record, an odd mtime, another user's file): every placement
//     is a dead holder, to be taken over within the bound.
// A live holder in another PID namespace or on another host (the faults
// suite's container and host scenarios) is caught by the first rule.
// The bound is CheckOptions::recovery_bound: the orchestrator sets it to at
// least the implementation's declared stale_bound (the header does not carry
// it). Without stale_recovery the check skips; with it, it skips when no
// holder was killed and no takeover was seen.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"
#include "harness/checkers/recovery.h"

namespace lockstress {
namespace {

constexpr char kName[] = "stale_recovery";

CheckResult Check(const History& history, const CheckOptions& opt) {
  if (!history.header.features.has(Feature::kStaleRecovery)) {
    return Skip(kName, "stale_recovery not declared");
  }
  Holdings h = DeriveIntervals(history);
  int violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::vector<std::size_t> x, const std::string& why) {
    if (violations++ == 0) {
      detail = why;
      evidence = std::move(x);
    }
  };
  for (const Interval& a : h.intervals) {
    if (!a.certain) continue;
    for (const Interval& b : h.intervals) {
      if (&a == &b || !b.certain || b.sure_begin <= a.sure_begin ||
          !MustExclude(history.header, a, b) ||
          !b.SureOverlaps(a.sure_begin, a.sure_end)) {
        continue;
      }
      fail({a.begin_event, b.begin_event},
           b.handle + " took over the lock of a live holder: " +
               DescribeInterval(h, a) + " while " + b.handle + " acquired at " +
               Ms(h, b.sure_begin));
    }
  }
  // Attempts a live holder's lock withstood: another handle refused while
  // the holder surely held it.
  int withstood = 0;
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (!IsRefused(e)) continue;
    for (const Interval& a : h.intervals) {
      if (a.handle != e.handle && a.worker != e.worker &&
          a.SureContains(e.t0, e.t1)) {
        ++withstood;
        break;
      }
    }
  }
  std::vector<Recovery> rs =
      AnalyzeKills(history, h, opt.recovery_bound, opt.timeout_late);
  int recovered = 0;
  for (const Recovery& r : rs) {
    if (r.kind == Recovery::Kind::kFreed ||
        r.kind == Recovery::Kind::kTakenOver) {
      ++recovered;
    }
    if (r.late_refusal) {
      fail({r.holder->begin_event, r.kill_event, *r.late_refusal},
           std::string(r.holder->worker < 0 ? "" : "the lock of killed ") +
               DescribeInterval(h, *r.holder) + " was not recovered within " +
               std::to_string(opt.recovery_bound.count()) +
               "ms: " + Describe(h, history, *r.late_refusal));
    }
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  std::string live = "no live holder's lock taken over (" +
                     std::to_string(withstood) + " attempts on one refused)";
  if (rs.empty()) {
    if (withstood > 0) return Pass(kName, live);
    return Skip(kName, "no holder was killed and no stale lock was seeded");
  }
  if (recovered == 0) {
    return Skip(kName, "no other handle asked for a dead holder's lock");
  }
  return Pass(kName, std::to_string(recovered) + " of " +
                         std::to_string(rs.size()) +
                         " dead holders' locks recovered in time; " + live);
}

}  // namespace

std::unique_ptr<Checker> MakeStaleRecoveryChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
