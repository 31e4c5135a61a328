// Seeding a stale lock before a run (lockstress-worker --seed-stale; the
// faults suite, docs/faults.md): the implementation's own StaleWriter
// (lockstress/stale_state.h) leaves a dead holder's lock, then this file
// ages it and hands it to another user, the same for every implementation:
//
//   mtime         "now" (as written), "future" (a day ahead) or "past"
//                 (2000-01-01) on everything the writer left;
//   foreign_user  everything the writer left belongs to nobody (65534),
//                 files mode 0644, directories 0755, in a shared directory:
//                 the lock's directory becomes mode 1777 (sticky,
//                 world-writable, like /tmp).
//
// "Everything the writer left" is every entry under the lock's directory
// that did not exist before the writer ran.
//
// Platform facts: utimensat(2) with AT_SYMLINK_NOFOLLOW sets a link's own
// times; lchown(2) needs CAP_CHOWN (root). With fs.protected_regular set
// (sysctl), root itself may not open another user's file with O_CREAT in a
// sticky world-writable directory (proc(5)); the verdicts in docs/faults.md
// are for protected_regular = 0, the value lockstress records.
//
// Thread safety: called once, from a process that exits right after.
#ifndef LOCKSTRESS_HARNESS_WORKER_STALE_SEEDING_H_
#define LOCKSTRESS_HARNESS_WORKER_STALE_SEEDING_H_

#include <string>

#include "lockstress/registry.h"
#include "lockstress/stale_state.h"

namespace lockstress {

struct StaleSeeding {
  StaleSeed seed;
  std::string mtime = "now";  // now | future | past
  bool foreign_user = false;
};

// Runs entry.write_stale and ages / hands over what it left. Errors name
// the path; the caller exits 2 (and must _exit after success, see
// stale_state.h).
Status SeedStaleLock(const ImplEntry& entry, const StaleSeeding& seeding);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_WORKER_STALE_SEEDING_H_
