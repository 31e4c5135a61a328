// flock-tool: flock(1) from util-linux, used as shell scripts use it.
//
// Model: `flock [-s|-x] [-n|-w SECONDS] FILE COMMAND` — "wrap the lock
//   around the execution of a command" (flock(1) DESCRIPTION): the lock is
//   held while COMMAND runs and dropped when flock(1) exits after it.
// Mechanism: acquire starts `/usr/bin/flock -x|-s [-n|-w T] PATH /bin/cat`
//   as a real child with pipes on stdin and stdout and writes one line to
//   it; cat runs only once flock(1) holds the lock, so the line coming
//   back is the proof that the lock is held. Release closes cat's stdin:
//   cat ends, flock(1) exits with cat's status and the kernel drops the
//   flock(2) lock with flock(1)'s descriptor. Every acquire is its own
//   process with its own open file description, so handles on threads of
//   one driver exclude each other as processes do (`threads` is genuine).
// What flock(1) does not offer, and this adapter does not invent:
//  - no query: is_locked/i_am_locking are not declared (`flock -n FILE
//    true` would take the lock to look at it);
//  - no unlock of a lock the caller does not hold: a release on a handle
//    that runs no command answers Unsupported (nothing of flock(1) to call);
//  - no break, no reentrancy. A blocking re-acquire by a holder would wait
//    for itself for ever (flock(1) NOTES: "flock does not detect
//    deadlock"), so the adapter answers LockFailed (EDEADLK) instead, as
//    the contract (lock.h) asks; -n and -w re-acquires run the tool and get
//    its conflict status.
// Process death: the driver's process group is killed together (the
//   harness signals the group), and every tool dies with the handle thread
//   that started it (PR_SET_PDEATHSIG, tool_process.h); cat also ends at
//   the end of its input. Either way flock(1)'s descriptor closes and the
//   kernel frees the lock: stale_recovery.
#include "impls/external/native/flock_tool_lock.h"

#include <cerrno>
#include <memory>
#include <vector>

#include "impls/external/native/adapter_lock.h"
#include "impls/external/native/native_adapters.h"

namespace lockstress::native {

Status FlockToolExitStatus(const ToolExit& exit, const Timeout& timeout,
                           const std::string& path) {
  const std::string what = "flock(1) " + exit.ToString();
  if (exit.signal != 0) return Status(ErrorKind::kLockError, path, what);
  switch (exit.code) {
    case kFlockConflict:
      if (timeout.is_nonblocking()) {
        return Status(ErrorKind::kAlreadyLocked, path,
                      what + ": -n and the lock is held");
      }
      if (!timeout.is_forever()) {
        return Status(ErrorKind::kLockTimeout, path,
                      what + ": -w " + timeout.ToString() + " ran out");
      }
      return Status(ErrorKind::kLockError, path,
                    what + ": a conflict status without -n or -w");
    case kExUsage:
      return Status(ErrorKind::kLockFailed, path, what + " (EX_USAGE)");
    case kExNoInput:
      return Status(ErrorKind::kLockFailed, path,
                    what + " (EX_NOINPUT): cannot open the lock file");
    case kExCantCreat:
      return Status(ErrorKind::kLockFailed, path,
                    what + " (EX_CANTCREAT): cannot create the lock file");
    case kExOsErr:
      return Status(ErrorKind::kLockFailed, path,
                    what + " (EX_OSERR): ENOLCK, ENOMEM, fork or timer failed");
    case kExUnavailable:
    case 126:
    case 127:
      return Status(ErrorKind::kLockFailed, path,
                    what + ": the tool or its command could not be run");
    case kExDataErr:
      return Status(ErrorKind::kLockError, path,
                    what + " (EX_DATAERR): flock(2) failed");
    default:
      return Status(ErrorKind::kLockError, path,
                    what + ": ended before its command ran");
  }
}

namespace {

constexpr char kFlock[] = "/usr/bin/flock";
constexpr char kCat[] = "/bin/cat";
constexpr char kProbeLine[] = "held";

// Thread safety: one object, one thread at a time (Lock).
class FlockToolLock final : public AdapterLock {
 public:
  FlockToolLock(const ImplInfo& info, const LockOptions& o)
      : AdapterLock(info, o.path, o.path) {}

  Status Acquire(Timeout timeout) override { return Take(timeout, false); }
  Status AcquireShared(Timeout timeout) override { return Take(timeout, true); }

  Status Release() override {
    if (holders_.empty()) {
      return Status(ErrorKind::kUnsupported, path(),
                    "flock(1) releases only by ending the command it runs, "
                    "and this handle runs none");
    }
    std::unique_ptr<ToolProcess> tool = std::move(holders_.back());
    holders_.pop_back();
    tool->CloseStdin();
    ToolExit exit = tool->Wait();
    if (exit.ok()) return Status::Ok();
    return Status(ErrorKind::kUnlockError, path(),
                  "flock(1) " + exit.ToString() + " after its command ended");
  }

 private:
  Status Take(const Timeout& timeout, bool shared) {
    if (!holders_.empty() && timeout.is_forever()) {
      return PosixError(ErrorKind::kLockFailed, "flock(1)", path(), EDEADLK,
                        "this handle holds the lock already; a blocking "
                        "flock(1) would wait for itself for ever");
    }
    std::vector<std::string> argv = {kFlock, shared ? "-s" : "-x"};
    if (timeout.is_nonblocking()) {
      argv.push_back("-n");
    } else if (!timeout.is_forever()) {
      argv.push_back("-w");
      argv.push_back(timeout.ToString());
    }
    argv.push_back(path());
    argv.push_back(kCat);
    StatusOr<std::unique_ptr<ToolProcess>> tool = ToolProcess::Start(
        argv, {.stdin_pipe = true, .stdout_pipe = true}, path());
    if (!tool.ok()) return tool.status();
    // The line waits in the pipe until cat runs, i.e. until the lock is held.
    (*tool)->Write(std::string(kProbeLine) + "\n");
    std::optional<std::string> line = (*tool)->ReadLine();
    if (line.has_value() && *line == kProbeLine) {
      holders_.push_back(std::move(*tool));
      return Status::Ok();
    }
    return FlockToolExitStatus((*tool)->Wait(), timeout, path());
  }

  // The running `flock ... cat` of each hold, the newest last.
  std::vector<std::unique_ptr<ToolProcess>> holders_;
};

const ImplInfo& FlockToolInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "flock-tool",
      .model = "flock(1) (util-linux 2.38)",
      .mechanism = "flock -x|-s [-n|-w T] PATH cat, held while cat runs",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kShared, Feature::kStaleRecovery,
                   Feature::kThreads},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy = "kernel wait inside flock(1); -w by its timer signal",
      .stale_bound = std::chrono::milliseconds(0),
      .failpoints = {}};
  return *info;
}

}  // namespace

ImplEntry FlockToolEntry() {
  return {FlockToolInfo(), [](const LockOptions& o) -> std::unique_ptr<Lock> {
            return std::make_unique<FlockToolLock>(FlockToolInfo(), o);
          }};
}

}  // namespace lockstress::native
