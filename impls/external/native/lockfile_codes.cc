#include "impls/external/native/lockfile_codes.h"

namespace lockstress::native {

std::string LockfileCodeName(int code) {
  switch (code) {
    case kLSuccess:
      return "L_SUCCESS";
    case kLNameLen:
      return "L_NAMELEN";
    case kLTmpLock:
      return "L_TMPLOCK";
    case kLTmpWrite:
      return "L_TMPWRITE";
    case kLMaxTrys:
      return "L_MAXTRYS";
    case kLError:
      return "L_ERROR";
    case kLManLock:
      return "L_MANLOCK";
    case kLOrphaned:
      return "L_ORPHANED";
    case kLRmStale:
      return "L_RMSTALE";
    default:
      return "L_?" + std::to_string(code);
  }
}

Status LockfileCreateStatus(int code, const Timeout& timeout,
                            const std::string& who, const std::string& path,
                            int err) {
  std::string what = who + " returned " + std::to_string(code) + " (" +
                     LockfileCodeName(code) + ")";
  auto failed = [&](ErrorKind kind, const std::string& meaning) {
    return err != 0 ? PosixError(kind, who, path, err, what + ": " + meaning)
                    : Status(kind, path, what + ": " + meaning);
  };
  switch (code) {
    case kLSuccess:
      return Status::Ok();
    case kLMaxTrys:
      if (timeout.is_nonblocking()) {
        return Status(ErrorKind::kAlreadyLocked, path,
                      what + ": held by another (one try)");
      }
      if (!timeout.is_forever()) {
        return Status(ErrorKind::kLockTimeout, path,
                      what + ": still held after " + timeout.ToString() + " s");
      }
      return failed(ErrorKind::kLockError,
                    "gave up although told to wait for ever");
    case kLNameLen:
      return failed(ErrorKind::kLockFailed, "name too long");
    case kLTmpLock:
      return failed(ErrorKind::kLockFailed,
                    "error creating the temporary lock file");
    case kLTmpWrite:
      return failed(ErrorKind::kLockFailed,
                    "cannot write the pid into the temporary lock file");
    case kLManLock:
      return failed(ErrorKind::kLockFailed, "cannot set a mandatory lock");
    case kLOrphaned:
      return failed(ErrorKind::kLockFailed,
                    "L_PPID given but the parent is gone");
    case kLRmStale:
      return failed(ErrorKind::kLockFailed,
                    "failed to remove a stale lock file");
    case kLError:
      return failed(ErrorKind::kLockError, "unknown error");
    default:
      return failed(ErrorKind::kLockError, "not a lockfile_create() code");
  }
}

}  // namespace lockstress::native
