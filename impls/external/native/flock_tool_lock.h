// How flock(1)'s exit status reads as a protocol outcome (flock(1) EXIT
// STATUS; util-linux 2.38 sys-utils/flock.c). Separate so that it can be
// tested for every code.
//
// Thread safety: a pure function.
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_FLOCK_TOOL_LOCK_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_FLOCK_TOOL_LOCK_H_

#include <string>

#include "impls/external/native/tool_process.h"
#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress::native {

// The conflict exit code: "-n ... or -w ... report a failure to acquire the
// lock with an exit status given by the -E option, or 1 by default".
inline constexpr int kFlockConflict = 1;
// <sysexits.h>, which flock(1) uses "for everything" else.
inline constexpr int kExUsage = 64;        // bad options
inline constexpr int kExDataErr = 65;      // flock(2) failed otherwise
inline constexpr int kExNoInput = 66;      // cannot open the lock file
inline constexpr int kExUnavailable = 69;  // cannot run the command
inline constexpr int kExOsErr = 71;        // ENOLCK/ENOMEM, fork, timer
inline constexpr int kExCantCreat = 73;    // EROFS/ENOSPC opening the file

// The outcome of `flock [-n|-w T] FILE cmd` that ended with `exit` before
// its command said it runs (the lock was never held).
Status FlockToolExitStatus(const ToolExit& exit, const Timeout& timeout,
                           const std::string& path);

}  // namespace lockstress::native

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_FLOCK_TOOL_LOCK_H_
