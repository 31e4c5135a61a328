// FaultSpec: what a worker is told to do wrong, as data.
//
// One spec is one line of comma-separated key=value pairs, the form
// lockstress-worker takes after --fault (repeatable) or in the environment
// variable LOCKSTRESS_FAULTS (specs separated by ';'):
//
//   failpoint=link/after_link_before_count,action=exit    _exit(kCrashExit)
//   failpoint=P,action=kill                               raise(SIGKILL)
//   failpoint=P,action=pause,ms=300                       sleep, then go on
//   failpoint=P,action=errno,errno=EIO[,syscall=unlink]   the next system
//        call of this thread after P (of that name, when given) fails with
//        that errno, once
//   ... [,hit=N]   act at the Nth passage of P (default 1), once
//   syscall=open,errno=EMFILE[,nth=N][,count=K]   the Nth call of that
//        system call (any thread) and the K-1 after it fail (count=0: every
//        call from the Nth on)
//   clock_skew_ms=N            Os::WallClock() reads N ms off (may be < 0)
//   clock_jump_ms=N,after_ms=M ... and jumps by N ms once M ms have passed
//   mtime_granularity_ms=N     mtimes (and atimes, ctimes) read through
//        Os::Fstat/Lstat are rounded down to a multiple of N ms
//
// Names of system calls are those of the Os layer (os.h) in lower case:
// open close read pread write pwrite ftruncate fsync fstat lstat link unlink
// rename mkdir rmdir flock fcntl gethostname. errnos are symbolic, any
// Linux name (EINTR ENOSPC EIO EMFILE ESTALE ...; strerrorname_np(3)).
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_FAULTS_FAULT_SPEC_H_
#define LOCKSTRESS_HARNESS_FAULTS_FAULT_SPEC_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockstress/status.h"

namespace lockstress {

// The exit status of a worker crashed by a failpoint (action=exit).
inline constexpr int kCrashExit = 86;

enum class FailpointAction : unsigned char { kExit, kKill, kPause, kErrno };
std::string_view FailpointActionName(FailpointAction action);

struct FailpointFault {
  std::string point;
  FailpointAction action = FailpointAction::kExit;
  int hit = 1;                         // act at this passage (1-based)
  std::chrono::milliseconds pause{0};  // kPause
  int err = 0;                         // kErrno
  std::string syscall;  // kErrno: only this call; "" for the next of any
};

struct SyscallFault {
  std::string syscall;
  int err = 0;
  int nth = 1;    // the first call that fails (1-based)
  int count = 1;  // how many fail; 0: all from nth on
};

// Everything one worker is told; an empty plan changes nothing.
struct FaultPlan {
  std::vector<FailpointFault> failpoints;
  std::vector<SyscallFault> syscalls;
  std::chrono::milliseconds clock_skew{0};
  std::chrono::milliseconds clock_jump{0};
  std::chrono::milliseconds clock_jump_after{0};
  std::chrono::milliseconds mtime_granularity{0};

  bool empty() const;
  // Adds one spec (the grammar above). Errors name the spec and the key.
  Status Add(std::string_view spec);
  // The specs again, one per element, so that a plan can be passed on.
  std::vector<std::string> ToSpecs() const;
};

// Parses ';'-separated specs (LOCKSTRESS_FAULTS) into `plan`.
Status AddSpecs(FaultPlan& plan, std::string_view specs);

// "EIO" -> EIO; nullopt for a name Linux does not define. (The reverse is
// status.h's ErrnoName.)
std::optional<int> ParseErrnoName(std::string_view name);
// Whether `name` is a system call of the Os layer that can fail.
bool IsOsSyscall(std::string_view name);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_FAULTS_FAULT_SPEC_H_
