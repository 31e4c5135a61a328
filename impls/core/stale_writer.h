// The shared part of every built-in StaleWriter (lockstress/stale_state.h):
// acquire with the implementation itself through an Os that names the
// seeded owner, abandon the lock held, then spoil the owner record if asked.
// Each implementation says only where its owner record is.
//
// Thread safety: see stale_state.h (one call, then the process exits).
#ifndef LOCKSTRESS_IMPLS_CORE_STALE_WRITER_H_
#define LOCKSTRESS_IMPLS_CORE_STALE_WRITER_H_

#include <functional>
#include <memory>
#include <string>

#include "lockstress/lock.h"
#include "lockstress/registry.h"
#include "lockstress/stale_state.h"

namespace lockstress {

using LockMaker = std::function<std::unique_ptr<Lock>(const LockOptions&)>;
// Spoils the owner record of the lock at `path` as `record` says (never
// called with kOwner).
using RecordSpoiler =
    std::function<Status(const std::string& path, StaleRecord record)>;

// Acquires seed.path (non-blocking) with an object from `make` whose Os
// reports seed.owner_pid as its PID and TID and seed.owner_host as its host
// name, and keeps the object (and its Os) alive and held until the process
// exits; then `spoil` unless the record stays. AlreadyLocked when the path
// is held already.
Status AbandonHeldLock(const LockMaker& make, const StaleSeed& seed,
                       const RecordSpoiler& spoil);

// Rewrites the regular file `file` as `record` says: empty, its first half,
// or garbage bytes (no newline, no digits first, a NUL inside).
Status SpoilRecordFile(const std::string& file, StaleRecord record);

// The writer of an implementation whose owner record is one regular file,
// found by `record_file` from the lock path.
StaleWriter FileRecordWriter(
    LockMaker make, std::function<std::string(const std::string&)> record_file);

// `entry` with FileRecordWriter(entry.make, record_file) as its writer.
ImplEntry WithStaleRecordFile(
    ImplEntry entry,
    std::function<std::string(const std::string&)> record_file);
// The owner record is the lock path itself (pidfile, zc, the kernel locks).
std::string RecordIsLockPath(const std::string& path);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_STALE_WRITER_H_
