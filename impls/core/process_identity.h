// Who this process is, and whether a process of this host is alive, read
// from /proc through the Os layer (so that tests and fault scenarios can
// interpose).
//
// Platform facts:
//  - /proc/sys/kernel/random/boot_id is a random UUID chosen at each boot
//    (proc(5)): equal boot ids mean the same running kernel.
//  - /proc/self/ns/pid is a handle on our PID namespace; fstat() of it gives
//    the namespace's inode number, equal for all processes of one namespace
//    (namespaces(7), "The /proc/[pid]/ns/ directory").
//  - /proc/PID/stat field 22 is the start time in clock ticks since boot
//    (proc(5)). The same PID with another start time is another process:
//    this is what defeats PID reuse. Field 2 (comm) is in parentheses and
//    may itself contain spaces and ')', so fields are counted after the
//    LAST ')'. Field 3 'Z' (zombie) or 'X' (dead) is a process that has
//    exited but is not yet reaped: dead for our purposes.
//  - /proc shows the PID namespace of whoever mounted it. After
//    `unshare --pid --fork` without a fresh /proc mount, /proc/PID names
//    the wrong processes. We detect that by reading /proc/self/stat's
//    field 1 and comparing it with getpid(): when they differ, PIDs
//    cannot be judged through /proc and the caller falls back to the lease.
//  - Assumption (docs/lease.md): /proc is not mounted with hidepid=, which
//    hides other users' processes (they would look dead).
//
// Thread safety: free functions and values, thread-safe.
#ifndef LOCKSTRESS_IMPLS_CORE_PROCESS_IDENTITY_H_
#define LOCKSTRESS_IMPLS_CORE_PROCESS_IDENTITY_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lockstress/os.h"

namespace lockstress {

struct ProcessIdentity {
  std::string host;  // sanitized (owner_record.h)
  std::string boot;  // "" when unreadable
  std::uint64_t pidns = 0;
  pid_t pid = 0;
  std::uint64_t start = 0;
  // /proc belongs to our PID namespace (see above).
  bool proc_is_ours = false;
};

ProcessIdentity ReadProcessIdentity(Os& os);

// What /proc/PID/stat says about one process.
struct ProcStat {
  enum class State : unsigned char {
    kMissing,     // no such process (ENOENT/ESRCH)
    kRunning,     // exists and is not a zombie
    kExited,      // zombie or dead, not yet reaped
    kUnreadable,  // any other error or an unparseable file
  };
  State state = State::kUnreadable;
  std::int64_t pid = 0;     // field 1
  std::uint64_t start = 0;  // field 22
};

// `which` is a PID or "self".
ProcStat ReadProcStat(Os& os, std::string_view which);
// The parsing part, for tests.
std::optional<ProcStat> ParseProcStat(std::string_view text);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_PROCESS_IDENTITY_H_
