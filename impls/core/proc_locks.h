// ProcLocks: which kernel locks are held on an inode, read from /proc/locks.
//
// Platform facts:
//  - flock(2) has no query operation; F_GETLK / F_OFD_GETLK cover only
//    record locks. /proc/locks (proc(5)) lists every lock on this kernel:
//      1: FLOCK  ADVISORY  WRITE 4711 fd:01:1234567 0 EOF
//      2: OFDLCK ADVISORY  READ  -1   fd:01:1234567 0 EOF
//      3: -> FLOCK ADVISORY WRITE 4712 fd:01:1234567 0 EOF   (a waiter)
//    The device is MAJOR:MINOR in hex, the inode in decimal; "->" lines are
//    blocked waiters, not holders.
//  - Probing by taking the lock (LOCK_EX|LOCK_NB, then LOCK_UN) would be
//    wrong: during the probe a real contender's non-blocking acquire fails
//    with AlreadyLocked although nobody holds the lock. Reading /proc/locks
//    disturbs nothing.
//  - It only shows this kernel's locks: on NFS/FUSE another client's locks
//    are invisible here.
//
// Thread safety: free functions, thread-safe.
#ifndef LOCKSTRESS_IMPLS_CORE_PROC_LOCKS_H_
#define LOCKSTRESS_IMPLS_CORE_PROC_LOCKS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "lockstress/status.h"

namespace lockstress {

struct KernelLockEntry {
  std::string family;  // "FLOCK", "POSIX", "OFDLCK", "LEASE", ...
  bool write = false;  // WRITE (exclusive) or READ (shared)
  pid_t pid = 0;       // -1 for OFD locks
  unsigned major = 0;
  unsigned minor = 0;
  ino_t inode = 0;
};

// Parses the text of /proc/locks (holders only, no waiters).
std::vector<KernelLockEntry> ParseProcLocks(const std::string& text);

// The holders of locks of `family` on the file with `st_dev` / `st_ino`
// (family "" matches every family). Error when /proc/locks is unreadable.
StatusOr<std::vector<KernelLockEntry>> KernelLocksOn(dev_t dev, ino_t ino,
                                                     const std::string& family);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_PROC_LOCKS_H_
