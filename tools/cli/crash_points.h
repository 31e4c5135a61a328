// lockstress run --crash-points [--impl NAME,...]: every failpoint of every
// chosen built-in, crashed at in turn (CrashMonkey / ALICE style: explore
// the states a crash can leave, then ask what a survivor makes of them).
//
// One case per (implementation, failpoint, crash): two workers over one
// fresh directory.
//
//   worker 0 (holder, armed failpoint=P,action=exit|kill)   worker 1 (survivor)
//     acquire(0) ... crashes at P, or
//     release    ... crashes at P
//                                                    at 300 ms: is_locked
//                                                    acquire(bound or 0)
//                                                    release
//                                                    break; acquire(0); release
//                                                    (break: when declared)
//
// The survivor's view decides (JudgeCrashPoint): with stale_recovery its
// first acquire must succeed (within the recovery bound); with break, the
// acquire after break_lock must; with neither, a stale lock is the
// documented "needs manual cleanup". A failpoint the holder never passed
// fails (ImplInfo::failpoints lists a step that is not there), and so does
// any overlap of holders (the mutual_exclusion checker on the same
// history). What the crash left in the directory is listed (leftovers).
//
// Thread safety: functions of values; RunCrashPoints owns its workers.
#ifndef LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_
#define LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "harness/checkers/checker.h"
#include "harness/orchestrator/interrupt.h"
#include "harness/scenario/schedule.h"
#include "lockstress/capabilities.h"
#include "lockstress/history.h"
#include "tools/cli/run_command.h"

namespace lockstress::cli {

// When the survivor starts, after the holder's crash.
inline constexpr std::chrono::milliseconds kSurvivorStart{300};

// The two workers' ops for one case.
Schedule CrashPointSchedule(const ImplInfo& info,
                            std::chrono::milliseconds recovery_bound);

struct CrashVerdict {
  std::string status;        // pass, fail
  std::string crashed_in;    // "acquire", "release", "" (not reached)
  std::string survivor_saw;  // "free", "held (AlreadyLocked)", ...
  std::string recovered_by;  // "nothing needed", "stale_recovery",
                             // "break_lock", "manual cleanup", "not recovered"
  std::string detail;
};

// Judges a crash-point case's history (CrashPointSchedule's shape).
CrashVerdict JudgeCrashPoint(const History& history, const ImplInfo& info,
                             const std::string& failpoint,
                             const CheckOptions& options);

// Exit code as `run`: 0 every case passed, 1 a case failed, 2 set-up.
int RunCrashPoints(const RunOptions& options, const InterruptWatcher& interrupt,
                   std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_
