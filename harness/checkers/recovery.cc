// What a killed holder left behind; see recovery.h.
#include "harness/checkers/recovery.h"

namespace lockstress {

std::string_view RecoveryKindName(Recovery::Kind kind) {
  switch (kind) {
    case Recovery::Kind::kFreed:
      return "freed at once";
    case Recovery::Kind::kTakenOver:
      return "taken over";
    case Recovery::Kind::kBroken:
      return "stale until broken";
    case Recovery::Kind::kStale:
    default:
      return "stale";
  }
}

std::vector<Recovery> AnalyzeKills(const History& history, const Holdings& h,
                                   std::chrono::milliseconds bound,
                                   std::chrono::milliseconds bound_late) {
  const auto& ev = history.events;
  const std::int64_t bound_ns = bound.count() * 1000000;
  const std::int64_t late_ns = bound_late.count() * 1000000;
  std::vector<Recovery> out;
  for (const Interval& iv : h.intervals) {
    if (iv.end != IntervalEnd::kDeath || !iv.certain || !iv.end_event) {
      continue;
    }
    const Event& kill = ev[*iv.end_event];
    // A kill of a holder, or a stale lock seeded before the run.
    if (kill.type != Event::Type::kNemesis ||
        (kill.op != "kill" && kill.op != "stale")) {
      continue;
    }
    Recovery r;
    r.holder = &iv;
    r.kill_event = *iv.end_event;
    const std::int64_t deadline = kill.t1 + bound_ns;
    bool refused = false;
    for (std::size_t i = r.kill_event + 1; i < ev.size(); ++i) {
      const Event& e = ev[i];
      if (e.type != Event::Type::kOp || e.handle == iv.handle) continue;
      if (e.op == "break" && e.outcome == Outcome::kOk) {
        r.kind = Recovery::Kind::kBroken;
        r.next_event = i;
        break;
      }
      if (!IsAcquire(e) || e.t1 < kill.t1) continue;
      if (iv.shared && e.op == "acquire_shared") continue;  // no conflict
      if (IsRefused(e)) {
        if (e.t0 >= kill.t1) refused = true;
        if (e.t1 > deadline && !r.late_refusal) r.late_refusal = i;
      } else if (e.outcome == Outcome::kOk) {
        r.kind = refused ? Recovery::Kind::kTakenOver : Recovery::Kind::kFreed;
        r.next_event = i;
        r.latency = e.t1 - kill.t1;
        if (e.t0 < deadline && e.t1 > deadline + late_ns && !r.late_refusal) {
          r.late_refusal = i;  // waited past the bound for a dead holder
        }
        break;
      }
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace lockstress
