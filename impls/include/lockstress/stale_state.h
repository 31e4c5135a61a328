// Stale state: the lock as an implementation leaves it when its holder dies
// while holding, written on purpose before a run (the faults suite,
// scenarios/faults/, docs/faults.md).
//
// Each built-in implementation has a StaleWriter in its registry entry
// (ImplEntry::write_stale), next to its code, so that the on-disk format is
// spoken by the implementation itself, never by the harness. The shared
// writer (impls/core/stale_writer.h) really acquires the lock with the
// implementation, through an Os that reports the seeded owner's PID and
// host name, and abandons it held; the caller then ends the process with
// _exit, so that the holder is dead and the lock is exactly what a holder
// killed at that moment leaves behind (a kernel lock is freed by the
// kernel, its file stays). Afterwards the writer may spoil the owner record
// (empty, cut off, garbage).
//
// Thread safety: a writer is called once, from a process that exits right
// after it.
#ifndef LOCKSTRESS_STALE_STATE_H_
#define LOCKSTRESS_STALE_STATE_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lockstress/status.h"

namespace lockstress {

// What becomes of the owner record after the abandoned acquire.
enum class StaleRecord : unsigned char {
  kOwner,      // left as written: names the seeded owner
  kEmpty,      // cut to zero bytes
  kTruncated,  // cut off mid-write: the first half of what was written
  kGarbage,    // overwritten with bytes that parse as nothing
};

// "owner", "empty", "truncated", "garbage".
std::string_view StaleRecordName(StaleRecord record);
std::optional<StaleRecord> ParseStaleRecord(std::string_view name);

struct StaleSeed {
  std::string path;        // the lock path (LockOptions::path)
  pid_t owner_pid = 0;     // the PID to record; 0: the writer's own
  std::string owner_host;  // the host name to record; "": this host's
  StaleRecord record = StaleRecord::kOwner;
};

// Leaves the lock at seed.path held by a holder that is about to die. The
// caller must _exit(2) soon after, without destroying anything.
using StaleWriter = std::function<Status(const StaleSeed& seed)>;

}  // namespace lockstress

#endif  // LOCKSTRESS_STALE_STATE_H_
