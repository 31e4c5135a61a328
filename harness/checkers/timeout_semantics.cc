// timeout_semantics: each timeout kind answers as the contract says.
//
//   arg "0"   (nonblocking): answers (ok or AlreadyLocked) within
//             nonblocking_prompt; never LockTimeout.
//   arg d > 0 (timeout):     LockTimeout no earlier than d - timeout_early
//             and no later than d + timeout_late; an ok later than that is a
//             late answer too; AlreadyLocked is the wrong kind.
//   arg "inf" (blocking):    never LockTimeout or AlreadyLocked.
// And for every kind: an AlreadyLocked / LockTimeout answered while nobody
// (not even the asker, nor anybody possibly holding through a lost event)
// could have held the lock during [t0, t1], and no other handle's call was
// in flight (intervals.h Contended), is a lie.
// Kinds whose feature is not declared are not judged; the durations of calls
// made while the nemesis had the worker stopped are not judged either.
#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "timeout_semantics";

CheckResult Check(const History& history, const CheckOptions& opt) {
  const FeatureSet& f = history.header.features;
  Holdings h = DeriveIntervals(history);
  const std::int64_t prompt = opt.nonblocking_prompt.count() * 1000000;
  const std::int64_t early = opt.timeout_early.count() * 1000000;
  const std::int64_t late = opt.timeout_late.count() * 1000000;
  int judged = 0, violations = 0;
  std::string detail;
  std::vector<std::size_t> evidence;
  auto fail = [&](std::size_t i, const std::string& why) {
    if (violations++ == 0) {
      detail = Describe(h, history, i) + ": " + why;
      evidence = {i};
    }
  };
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (!IsAcquire(e) || e.outcome == Outcome::kLost) continue;
    if (e.outcome == Outcome::kErr && e.kind == ErrorKind::kUnsupported) {
      continue;
    }
    std::optional<std::int64_t> d = TimeoutNanos(e.arg);
    Feature need = !d ? Feature::kBlocking
                      : (*d == 0 ? Feature::kNonblocking : Feature::kTimeout);
    if (!f.has(need)) continue;
    ++judged;
    const std::int64_t took = e.t1 - e.t0;
    // A stopped worker answers late through no fault of the lock.
    const bool stopped = StoppedDuring(h, e.worker, e.t0, e.t1);
    const bool refused =
        e.outcome == Outcome::kErr && (e.kind == ErrorKind::kAlreadyLocked ||
                                       e.kind == ErrorKind::kLockTimeout);
    if (!d) {
      if (refused) fail(i, "a blocking acquire gave up");
    } else if (*d == 0) {
      if (took > prompt && !stopped && (e.outcome == Outcome::kOk || refused)) {
        fail(i, "a non-blocking acquire took " + DurMs(took) + " (prompt: " +
                    std::to_string(opt.nonblocking_prompt.count()) + "ms)");
      } else if (e.outcome == Outcome::kErr &&
                 e.kind == ErrorKind::kLockTimeout) {
        fail(i,
             "a non-blocking acquire answered LockTimeout, not "
             "AlreadyLocked");
      }
    } else {
      if (e.outcome == Outcome::kErr && e.kind == ErrorKind::kLockTimeout &&
          took < *d - early) {
        fail(i, "timed out early: after " + DurMs(took) + " of the " + e.arg +
                    "s asked");
      } else if ((e.outcome == Outcome::kOk || refused) && !stopped &&
                 took > *d + late) {
        fail(i, "answered late: after " + DurMs(took) + " for a timeout of " +
                    e.arg + "s (tolerance " +
                    std::to_string(opt.timeout_late.count()) + "ms)");
      } else if (e.outcome == Outcome::kErr &&
                 e.kind == ErrorKind::kAlreadyLocked) {
        fail(i, "a timed acquire answered AlreadyLocked, not LockTimeout");
      }
    }
    if (refused) {
      if (!Contended(history, h, i)) {
        fail(i, "refused while nobody held the lock");
      }
    }
  }
  if (judged == 0) {
    return Skip(kName,
                "no acquire of a declared timeout kind (blocking, "
                "nonblocking, timeout) answered");
  }
  if (violations > 0) return Fail(kName, detail, evidence, violations);
  return Pass(kName, std::to_string(judged) +
                         " acquires answered within their timeout rules");
}

}  // namespace

std::unique_ptr<Checker> MakeTimeoutSemanticsChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
