// Schedule: what the generator makes of a scenario for one run — a list of
// planned operations for every handle of every worker, plus the nemesis
// actions. Pure data; the orchestrator interprets it (Jepsen's generator
// output), and the same scenario and seed always give the same schedule.
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_SCHEDULE_H_
#define LOCKSTRESS_HARNESS_SCENARIO_SCHEDULE_H_

#include <chrono>
#include <string>
#include <vector>

#include "lockstress/timeout.h"

namespace lockstress {

struct PlannedOp {
  enum class Kind : unsigned char {
    kAcquire,
    kAcquireShared,
    kRelease,
    kIsLocked,
    kIAmLocking,
    kBreak,
    kSleep,  // hold (or idle) for `sleep`
  };
  Kind kind = Kind::kSleep;
  Timeout timeout = Timeout::NonBlocking();  // acquires
  // Not before this offset from the start of the run; negative: right after
  // the previous op of the handle.
  std::chrono::milliseconds at{-1};
  std::chrono::milliseconds sleep{0};  // kSleep

  friend bool operator==(const PlannedOp&, const PlannedOp&) = default;
};
std::string_view PlannedOpName(PlannedOp::Kind kind);  // "acquire", ...

struct NemesisAction {
  enum class Kind : unsigned char { kKill, kStop };  // kill -9; STOP..CONT
  enum class Target : unsigned char { kHolder, kWaiter, kWorker };
  Kind kind = Kind::kKill;
  Target target = Target::kHolder;
  int worker = 0;  // with kWorker
  std::chrono::milliseconds at{0};
  std::chrono::milliseconds duration{0};  // kStop: until SIGCONT

  friend bool operator==(const NemesisAction&, const NemesisAction&) = default;
};

struct Schedule {
  // workers[w][h]: the ops of handle h of worker w.
  std::vector<std::vector<std::vector<PlannedOp>>> workers;
  std::vector<NemesisAction> nemesis;
  // No op starts after this offset (0: no limit).
  std::chrono::milliseconds duration{0};
  // How long a blocking acquire may wait before the watchdog calls it hung.
  std::chrono::milliseconds blocking_limit{8000};

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_SCHEDULE_H_
