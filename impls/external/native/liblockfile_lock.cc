// liblockfile: lockfile_create(3), lockfile_remove, lockfile_check called
// in-process (liblockfile-dev 1.17), as a mail program uses them.
//
// Model: lockfile_create("PATH.lock", 0, L_PID) ... lockfile_remove().
// Mechanism (lockfile_create(3) ALGORITHM): a temporary file
//   .lk%05d%x%s (pid, time(2) & 15, hostname) is created O_EXCL and
//   hard-linked to PATH.lock; the lock is held when PATH.lock is the
//   temporary file's inode. L_PID writes our pid into the lock file, and a
//   lock file whose pid is not a live process is stale: lockfile_create
//   removes it and tries once more (stale_recovery). lockfile_check tells
//   whether a valid lock file is present (is_locked).
// Return codes: lockfile_codes.h (L_MAXTRYS after one try is
//   AlreadyLocked; L_TMPLOCK ... LockFailed; L_ERROR LockError, with errno).
// Not offered: no wait for ever and no timeout — only a retry count, with
//   sleeps of 5, 10, ... 60 s between tries (lockfile_create(3) step 6), so
//   only nonblocking (retries 0) is declared. lockfile_remove checks no
//   owner and "It is not an error to lockfile_remove() a non-existing
//   lockfile"; release calls it as a program would; it is also break_lock.
// Threads: the library is about processes — the temporary file's name is
//   built from the pid and time(2)&15, so two threads of one process that
//   lock in the same second make the same name, and one of them gets
//   O_EXCL's EEXIST (L_TMPLOCK). `threads` is declared so that the suite
//   tests it, and listed in the manifest's outside_promise.
#include <lockfile.h>

#include <cerrno>
#include <memory>

#include "impls/external/native/adapter_lock.h"
#include "impls/external/native/lockfile_codes.h"
#include "impls/external/native/native_adapters.h"

namespace lockstress::native {
namespace {

static_assert(L_SUCCESS == kLSuccess && L_TMPLOCK == kLTmpLock &&
                  L_MAXTRYS == kLMaxTrys && L_ERROR == kLError &&
                  L_RMSTALE == kLRmStale,
              "lockfile_codes.h follows lockfile.h");

// Thread safety: one object, one thread at a time (Lock). The library keeps
// no state of its own between calls.
class LiblockfileLock final : public AdapterLock {
 public:
  LiblockfileLock(const ImplInfo& info, const LockOptions& o)
      : AdapterLock(info, o.path, o.path + ".lock") {}

  Status Acquire(Timeout timeout) override {
    // Only non-blocking is declared: one try.
    errno = 0;
    int code = lockfile_create(lock_path().c_str(), 0, L_PID);
    int err = errno;
    return LockfileCreateStatus(
        code, timeout, "lockfile_create", path(),
        code == L_SUCCESS || code == L_MAXTRYS ? 0 : err);
  }
  Status Release() override {
    return Remove(ErrorKind::kUnlockError, "release");
  }
  Status BreakLock() override { return Remove(ErrorKind::kError, "break"); }
  StatusOr<bool> IsLocked() override {
    // 0: "a valid lockfile is present"; -1: none, or not valid.
    return lockfile_check(lock_path().c_str(), L_PID) == 0;
  }

 private:
  Status Remove(ErrorKind kind, const std::string& why) {
    if (lockfile_remove(lock_path().c_str()) == 0) return Status::Ok();
    return PosixError(kind, "lockfile_remove", path(), errno, why);
  }
};

const ImplInfo& LiblockfileInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "liblockfile",
      .model = "liblockfile lockfile_create/remove/check (1.17)",
      .mechanism = "lockfile_create(PATH.lock, 0, L_PID); lockfile_remove",
      .features = {Feature::kNonblocking, Feature::kIsLocked, Feature::kBreak,
                   Feature::kStaleRecovery, Feature::kThreads},
      .ownership = Ownership::kHost,
      .nfs_safe = true,
      .wait_policy = "never waits (retries 0)",
      .stale_bound = std::chrono::milliseconds(0),
      .failpoints = {}};
  return *info;
}

}  // namespace

ImplEntry LiblockfileEntry() {
  return {LiblockfileInfo(), [](const LockOptions& o) -> std::unique_ptr<Lock> {
            return std::make_unique<LiblockfileLock>(LiblockfileInfo(), o);
          }};
}

}  // namespace lockstress::native
