// crash_recovery: what a holder's death leaves behind (recovery.h): freed
// at once, taken over within the bound, stale until broken, or stale.
//
// Reported for every kill of a holder and every seeded stale lock. It fails
// only where the behaviour contradicts the declared features:
//   - with stale_recovery, the lock stayed taken past recovery_bound while
//     others kept trying (recovery.h late_refusal), or was never recovered
//     while others tried;
//   - without stale_recovery nothing contradicts: a stale lock is the
//     contract (lock.h, Destruction), and recovering anyway is allowed.
// The checker skips when no holder was killed.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"
#include "harness/checkers/recovery.h"

namespace lockstress {
namespace {

constexpr char kName[] = "crash_recovery";

CheckResult Check(const History& history, const CheckOptions& opt) {
  Holdings h = DeriveIntervals(history);
  std::vector<Recovery> rs =
      AnalyzeKills(history, h, opt.recovery_bound, opt.timeout_late);
  if (rs.empty()) return Skip(kName, "no holder was killed");
  const bool declared = history.header.features.has(Feature::kStaleRecovery);
  int violations = 0;
  std::string detail, report;
  std::vector<std::size_t> evidence;
  for (const Recovery& r : rs) {
    std::string line =
        (r.holder->worker < 0
             ? std::string("seeded stale lock: ")
             : "w" + std::to_string(r.holder->worker) + " killed holding: ") +
        std::string(RecoveryKindName(r.kind));
    if (r.kind == Recovery::Kind::kFreed ||
        r.kind == Recovery::Kind::kTakenOver) {
      line += " after " + DurMs(r.latency);
    }
    if (!report.empty()) report += "; ";
    report += line;
    if (declared && r.late_refusal) {
      if (violations++ == 0) {
        detail = "declares stale_recovery, but " + line + ": " +
                 Describe(h, history, *r.late_refusal) + " still waited " +
                 "for the dead holder past the recovery bound of " +
                 std::to_string(opt.recovery_bound.count()) + "ms after " +
                 Describe(h, history, r.kill_event);
        evidence = {r.holder->begin_event, r.kill_event, *r.late_refusal};
      }
    }
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, report);
}

}  // namespace

std::unique_ptr<Checker> MakeCrashRecoveryChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
