// What is at a lock path, for the implementations whose lock is a directory
// entry (link, mkdir, pidfile): the entry existing IS the lock being held.
//
// Platform facts:
//  - lstat(2) does not follow a symlink in the last component, so a
//    symlink planted at the lock path counts as an entry, never as its
//    target.
//  - ENOENT from lstat means nothing is there: free, or (at release) the
//    lock was broken.
//
// Thread safety: free functions, thread-safe.
#ifndef LOCKSTRESS_IMPLS_CORE_LOCK_PATH_STATE_H_
#define LOCKSTRESS_IMPLS_CORE_LOCK_PATH_STATE_H_

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "lockstress/os.h"
#include "lockstress/status.h"

namespace lockstress {

// Whether anything is at `path` (lstat, into *st when given): false on
// ENOENT, else an Error naming the path and the cause.
StatusOr<bool> LockEntryExists(Os& os, const std::string& path,
                               struct stat* st = nullptr);

// lstat of `lock_path` at release, into *st. NotLocked ("the lock was
// broken: PATH is gone") when nothing is there; UnlockError naming the
// path and the cause when lstat fails otherwise.
Status LstatAtRelease(Os& os, const std::string& lock_path, struct stat* st);

// The last steps of releasing a lock made of an owner file and a lock
// entry (link: PATH.lock is a link to the owner file; mkdir: the owner file
// is inside the PATH.lock directory): unlink `owner_file`, pass
// `failpoint`, then remove `lock_path` (rmdir when `lock_is_directory`,
// else unlink). A lock entry already gone is fine; other failures are
// UnlockError naming the path.
Status RemoveOwnerThenLock(Os& os, const std::string& owner_file,
                           std::string_view failpoint,
                           const std::string& lock_path,
                           bool lock_is_directory);

// break_lock for a lock that is one directory entry: unlink(2) it (never
// followed: unlink removes a symlink itself); a missing entry is fine.
Status UnlinkLockEntry(Os& os, const std::string& lock_path);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LOCK_PATH_STATE_H_
