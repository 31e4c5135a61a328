// The return codes of liblockfile's lockfile_create(3), and what they mean
// as protocol kinds. dotlockfile(1) exits with the same values ("When
// locking ... dotlockfile returns the same values as the library function
// lockfile_create(3)", dotlockfile(1) RETURN VALUE), and so does
// lockfile-create from lockfile-progs (measured: 4 when the lock is held,
// 2 when the directory is missing; lockfile_codes_test checks both tools).
//
//   L_SUCCESS  0  Lockfile created                    -> OK
//   L_NAMELEN  1  Recipient name too long             -> LockFailed
//   L_TMPLOCK  2  Error creating tmp lockfile         -> LockFailed
//   L_TMPWRITE 3  Can't write pid into tmp lockfile   -> LockFailed
//   L_MAXTRYS  4  Failed after max. number of attempts-> AlreadyLocked after
//                 one try (retries 0), LockTimeout after a timed wait,
//                 LockError for a wait for ever (it cannot end so)
//   L_ERROR    5  Unknown error; check errno          -> LockError
//   L_MANLOCK  6  Cannot set mandatory lock on tmpfile-> LockFailed
//   L_ORPHANED 7  Called with L_PPID but parent gone  -> LockFailed
//   L_RMSTALE  8  Failed to remove stale lockfile     -> LockFailed
//   anything else                                     -> LockError
// (lockfile.h; lockfile_create(3) RETURN VALUES.)
//
// Thread safety: pure functions.
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_LOCKFILE_CODES_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_LOCKFILE_CODES_H_

#include <string>

#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress::native {

inline constexpr int kLSuccess = 0;
inline constexpr int kLNameLen = 1;
inline constexpr int kLTmpLock = 2;
inline constexpr int kLTmpWrite = 3;
inline constexpr int kLMaxTrys = 4;
inline constexpr int kLError = 5;
inline constexpr int kLManLock = 6;
inline constexpr int kLOrphaned = 7;
inline constexpr int kLRmStale = 8;

// "L_MAXTRYS", ... ("L_?" plus the number for others).
std::string LockfileCodeName(int code);

// The outcome of a lockfile_create() that returned `code` after an acquire
// with `timeout`. `who` names the call or tool ("lockfile_create",
// "dotlockfile"), `err` is errno when the library reports it (0: none).
Status LockfileCreateStatus(int code, const Timeout& timeout,
                            const std::string& who, const std::string& path,
                            int err = 0);

}  // namespace lockstress::native

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_LOCKFILE_CODES_H_
