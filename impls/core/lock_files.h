// Safe handling of lock files, shared by every built-in implementation.
//
// Platform facts this code depends on:
//  - O_NOFOLLOW makes open() fail with ELOOP when the last component is a
//    symbolic link (open(2)). A lock file is never followed: a symlink
//    planted at the lock path must not redirect our writes. The attack
//    behind CVE-2025-68146 in another library was a planted symlink that
//    made a lock open truncate a victim file; so we never pass O_TRUNC.
//  - Opening a FIFO without O_NONBLOCK blocks until a peer opens the other
//    end. We always open with O_NONBLOCK and then refuse anything that is
//    not a regular file (fstat, S_ISREG).
//  - O_CLOEXEC: a lock descriptor must not leak into exec'd children, where
//    it would keep a flock/OFD lock alive after we release ours.
//  - link(2) and rename(2) do not follow a symlink in their last component.
//
// Thread safety: free functions, thread-safe.
#ifndef LOCKSTRESS_IMPLS_CORE_LOCK_FILES_H_
#define LOCKSTRESS_IMPLS_CORE_LOCK_FILES_H_

#include <string>
#include <string_view>

#include "impls/core/unique_fd.h"
#include "lockstress/os.h"
#include "lockstress/status.h"

namespace lockstress {

// The flags every lock-file open uses on top of the access mode.
inline constexpr int kLockFileOpenFlags =
    O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

// Opens (with O_CREAT, creates mode 0644) a lock file that must be a regular
// file. Errors are `kind` (LockFailed for acquire) with a message naming the
// path and the cause in plain words.
StatusOr<UniqueFd> OpenLockFile(Os& os, const std::string& path, int flags,
                                ErrorKind kind = ErrorKind::kLockFailed);

// A system-call failure on `path`, with the cause explained: a missing or
// unwritable directory, a symlink, a path too long, ...
Status LockPathError(ErrorKind kind, std::string_view syscall,
                     const std::string& path, int err);

// The directory part of a path ("." for a bare name).
std::string DirectoryOf(const std::string& path);
// The last component of `path` ("a.lock" for "/x/a.lock"), as inotify(7)
// names the entry in events on its directory.
std::string EntryName(const std::string& path);

// This host's name (through os, so hosts can be simulated).
std::string HostName(Os& os);
// lockfile's unique name: HOSTNAME-TID-PID when threaded, else HOSTNAME-PID.
std::string UniqueName(Os& os, bool threaded);

// FNV-1a (64 bit) of `text` as 16 hex digits: a stable, short stand-in for
// a long name in a file name (lockfile's hash(path)).
std::string HashHex(std::string_view text);

// Reads a small file whole (at most `limit` bytes), through os.
StatusOr<std::string> ReadSmallFile(Os& os, const std::string& path,
                                    size_t limit = 4096);

// Writes `content` at offset 0 and cuts the file to its length: for a file
// we have just locked ourselves, never at open time.
Status WriteWhole(Os& os, int fd, const std::string& path,
                  const std::string& content, ErrorKind kind);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LOCK_FILES_H_
