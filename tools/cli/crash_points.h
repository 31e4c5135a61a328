// lockstress run --crash-points [--impl NAME,...]: every failpoint of every
// chosen built-in, crashed at in turn (CrashMonkey / ALICE style: explore
// the states a crash can leave, then ask what a survivor makes of them).
//
// One case per (implementation, failpoint, crash): fresh workers over one
// fresh directory. The armed worker plays the first role in which it
// reaches the failpoint:
//
//   holder       worker 0 (armed): acquire(0); release  - crashes at P
//   long holder  ... holding for its stale bound (0.5..3 s) in between, for
//                steps that happen only while held (a lease's heartbeat);
//                its survivor starts after the hold: a crash in a step of
//                its own thread finds the worker idle, and the harness
//                learns of it only at the next request (the release), so
//                before that the history cannot tell a dead holder from a
//                live one
//   taker        worker 0 takes the lock and is SIGKILLed (nemesis, 100 ms);
//                worker 1 (armed) takes the stale lock over at 200 ms:
//                acquire(recovery bound)      (with stale_recovery)
//   breaker      the same, but worker 1 breaks it: break; acquire(0)
//                                                  (with break)
//   remote taker the taker's schedule, with worker 0 on another host name
//                (its own UTS namespace, lockstress-ns-launch): worker 1
//                judges the dead holder by what it can see from another
//                host (a lease's clock probe); with stale_recovery, last
//                (it waits out a lease), and only where namespaces can be
//                made (else not tried, and said so)
//   survivor     the last worker, after the crash: is_locked; acquire
//                (waiting up to the bound with stale_recovery); release;
//                with break: break; acquire(0); release
//
// The survivor's view decides (JudgeCrashPoint): with stale_recovery its
// first acquire must succeed (within the recovery bound); with break, the
// acquire after break_lock must; with neither, a stale lock is the
// documented "needs manual cleanup". A failpoint no role reaches fails
// (ImplInfo::failpoints lists a step that is not there), and so does any
// overlap of holders (the mutual_exclusion checker on the same history).
// What the crash left in the directory is listed (leftovers).
//
// Thread safety: functions of values; RunCrashPoints owns its workers.
#ifndef LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_
#define LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/checkers/checker.h"
#include "harness/orchestrator/interrupt.h"
#include "harness/scenario/schedule.h"
#include "lockstress/capabilities.h"
#include "lockstress/history.h"
#include "tools/cli/run_command.h"

namespace lockstress::cli {

// When the survivor starts, after a holder's crash.
inline constexpr std::chrono::milliseconds kSurvivorStart{300};

enum class CrashRole : unsigned char {
  kHolder,
  kLongHolder,
  kTaker,
  kBreaker,
  kRemoteTaker,
};
// The host name of the remote taker's holder.
inline constexpr char kRemoteHolderHost[] = "w0.lockstress.test";
// The roles worth trying for `info`, in order.
std::vector<CrashRole> CrashRoles(const ImplInfo& info);
std::string_view CrashRoleName(CrashRole role);

struct CrashCase {
  Schedule schedule;
  int armed = 0;     // the worker armed to crash
  int survivor = 1;  // the worker whose view is judged
};
CrashCase CrashPointCase(const ImplInfo& info,
                         std::chrono::milliseconds recovery_bound,
                         CrashRole role);

struct CrashVerdict {
  std::string status;        // pass, fail
  std::string crashed_in;    // "acquire", "release", "" (not reached)
  std::string survivor_saw;  // "free", "held (AlreadyLocked)", ...
  std::string recovered_by;  // "nothing needed", "stale_recovery",
                             // "break_lock", "manual cleanup", "not recovered"
  std::string detail;
};

// Judges a crash-point case's history (CrashPointCase's shape). A verdict
// with an empty crashed_in: the armed worker never reached the failpoint.
CrashVerdict JudgeCrashPoint(const History& history, const ImplInfo& info,
                             const std::string& failpoint,
                             const CheckOptions& options, int armed = 0,
                             int survivor = 1);

// Exit code as `run`: 0 every case passed, 1 a case failed, 2 set-up.
int RunCrashPoints(const RunOptions& options, const InterruptWatcher& interrupt,
                   std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_CRASH_POINTS_H_
