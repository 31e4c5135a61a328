// mkdir: lockfile.MkdirLockFile, the directory lock.
//
// Model. lockfile 0.12's MkdirLockFile (the Windows default of
// lockfile.LockFile, usable everywhere). The lock is the directory
// PATH.lock; the owner's unique file HOSTNAME-TID-PID (HOSTNAME-PID with
// threaded=false) inside it says who holds it.
//
// Mechanism.
//   acquire: mkdir(PATH.lock). Success: create PATH.lock/UNIQUE (O_EXCL,
//            O_NOFOLLOW) and hold; if that fails, rmdir again and fail, so
//            nothing is left behind. EEXIST: held by somebody - or by our own
//            owner, when our unique file is already inside (lockfile's
//            "Already locked by me": objects of one owner are one owner).
//   release: PATH.lock missing -> NotLocked; our unique file not inside ->
//            NotMyLock, left untouched; else unlink the unique file and
//            rmdir(PATH.lock). rmdir, not lockfile's rmtree: a non-empty
//            directory here is not ours to delete (UnlockError).
//   is_locked: anything exists at PATH.lock (lstat). lockfile asks
//            os.path.exists; we count a planted symlink or plain file too,
//            because it blocks mkdir(2) exactly as the lock does, and
//            is_locked must agree with what acquire answers.
//   i_am_locking: PATH.lock is a real directory holding our unique file.
//   break_lock: lstat(PATH.lock): missing, done; not a directory (a planted
//            symlink, a file): unlink that entry itself, never descending;
//            a real directory: unlink every entry inside by full path, then
//            rmdir. Entries are listed from a descriptor opened O_DIRECTORY
//            | O_NOFOLLOW, so a symlink swapped in after the lstat is
//            refused rather than listed; a sub-directory inside is removed
//            only when empty (no recursion, unlike shutil.rmtree).
//
// Platform facts.
//  - mkdir(2) is atomic: exactly one caller creates the directory, the rest
//    get EEXIST, also over NFS (one MKDIR RPC). Like link(2), a lost reply
//    can come back as EEXIST on retransmit; then our unique file is not
//    inside and we wait on our own empty directory, which only break_lock
//    ends - the ownerless case below.
//  - mkdir(2), EEXIST: "pathname already exists (not necessarily as a
//    directory). This includes the case where pathname is a symbolic link,
//    dangling or not." A planted symlink is therefore busy: acquire answers
//    AlreadyLocked and the victim is untouched (PlantedSymlinkIsBusy...).
//  - mkdir and creating the owner file are two steps. A holder that dies
//    between them (failpoint mkdir/after_mkdir_before_owner) leaves an EMPTY
//    lock directory: a stale lock with no owner. is_locked is true,
//    i_am_locking is false for everybody, and only break_lock clears it.
//    lockfile behaves the same. Checked by mkdir_lock_test.cc
//    (CrashBeforeOwnerFileLeavesOwnerlessLock).
//  - inotify(7): rmdir(PATH.lock) shows as IN_DELETE|IN_ISDIR on the parent
//    directory, which wakes local waiters at once (change_waiter.h).
//  - Listing a directory (readdir(3)) is not in the Os layer; break_lock
//    reads the names from the descriptor it opened through Os::Open, and
//    removes through Os::Unlink / Os::Rmdir.
//
// Wait policy: polled by LockObject's ChangeWaiter: inotify on PATH's
// directory plus exponential back-off 1..50 ms (max_poll_interval).
//
// Ownership: the thread that made the object (threaded=false: the process).
//
// Process death: PATH.lock and the unique file stay behind; the lock is
// stale (AlreadyLocked for everybody) until break_lock. No stale_recovery.
#include <dirent.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/lock_path_state.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

// Thread safety: one object, one thread at a time (mechanism.h).
class MkdirMechanism final : public Mechanism {
 public:
  MkdirMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        lock_path_(lock_path),
        threaded_(options.threaded),
        unique_path_(UniquePath()) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    // The owner is the thread that acquires (HOSTNAME-TID-PID), which need
    // not be the thread that made the object: named afresh at each try.
    unique_path_ = UniquePath();
    // 0755, not lockfile's 0777: under umask 0 a 0777 lock directory lets
    // anybody drop an owner file of theirs inside (mkdir(2): the mode is
    // mode & ~umask). Checked by scenarios/faults/hostile_world_writable.
    if (os_.Mkdir(lock_path_.c_str(), 0755) != 0) {
      int err = errno;
      if (err != EEXIST) {
        return LockPathError(ErrorKind::kLockFailed, "mkdir", lock_path_, err);
      }
      StatusOr<bool> mine = IAmLocking(false);
      if (mine.ok() && *mine) return TryResult::kAcquired;
      return TryResult::kBusy;
    }
    os_.Failpoint("mkdir/after_mkdir_before_owner");
    StatusOr<UniqueFd> fd =
        OpenLockFile(os_, unique_path_, O_CREAT | O_EXCL | O_WRONLY);
    if (!fd.ok()) {
      // Leave nothing: the directory is the one we just made, so whatever
      // is inside is ours - the owner file, when open created it and a
      // later step (fstat) failed; rmdir alone would then fail ENOTEMPTY
      // and leak an ownerless lock (errno_handling_test: fstat EIO).
      (void)os_.Unlink(unique_path_.c_str());
      (void)os_.Rmdir(lock_path_.c_str());
      return fd.status();
    }
    return TryResult::kAcquired;
  }

  Status Release() override {
    struct stat dir {};
    if (Status s = LstatAtRelease(os_, lock_path_, &dir); !s.ok()) return s;
    StatusOr<bool> mine = IAmLocking(false);
    if (!mine.ok()) {
      return Status(ErrorKind::kUnlockError, lock_path_,
                    mine.status().Describe());
    }
    if (!*mine) {
      return Status(ErrorKind::kNotMyLock, lock_path_,
                    "the lock was broken and is now held by another owner (" +
                        unique_path_ + " is not there)");
    }
    return RemoveOwnerThenLock(os_, unique_path_,
                               "mkdir/between_unlink_and_rmdir", lock_path_,
                               /*lock_is_directory=*/true);
  }

  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    return LockEntryExists(os_, lock_path_);
  }

  StatusOr<bool> IAmLocking(bool /*object_holds*/) override {
    struct stat st {};
    StatusOr<bool> there = LockEntryExists(os_, lock_path_, &st);
    if (!there.ok() || !*there) return there;
    if (!S_ISDIR(st.st_mode)) return false;  // a planted symlink or file
    if (os_.Lstat(unique_path_.c_str(), &st) == 0) return S_ISREG(st.st_mode);
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return LockPathError(ErrorKind::kError, "lstat", unique_path_, errno);
  }

  Status Break() override {
    struct stat st {};
    if (os_.Lstat(lock_path_.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::Ok();
      return LockPathError(ErrorKind::kError, "lstat", lock_path_, errno);
    }
    if (!S_ISDIR(st.st_mode)) {
      // Never descend into a symlink: remove the entry itself.
      if (os_.Unlink(lock_path_.c_str()) != 0 && errno != ENOENT) {
        return LockPathError(ErrorKind::kError, "unlink", lock_path_, errno);
      }
      return Status::Ok();
    }
    StatusOr<std::vector<std::string>> names = ListLockDir();
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      std::string entry = lock_path_ + "/" + name;
      if (os_.Unlink(entry.c_str()) == 0 || errno == ENOENT) continue;
      if (errno != EISDIR && errno != EPERM) {
        return LockPathError(ErrorKind::kError, "unlink", entry, errno);
      }
      if (os_.Rmdir(entry.c_str()) != 0 && errno != ENOENT) {
        return PosixError(ErrorKind::kError, "rmdir", entry, errno,
                          "a directory inside the lock directory; "
                          "break_lock does not remove trees");
      }
    }
    if (os_.Rmdir(lock_path_.c_str()) != 0 && errno != ENOENT) {
      return LockPathError(ErrorKind::kError, "rmdir", lock_path_, errno);
    }
    return Status::Ok();
  }

  std::string WatchDirectory() const override {
    return DirectoryOf(lock_path_);
  }
  // Release ends with rmdir PATH.lock (IN_DELETE of that entry).
  std::string WatchName() const override { return EntryName(lock_path_); }

 private:
  // The names inside PATH.lock, read from a descriptor that cannot be a
  // symlink (O_NOFOLLOW) and must be a directory (O_DIRECTORY).
  StatusOr<std::vector<std::string>> ListLockDir() {
    int fd = os_.Open(lock_path_.c_str(),
                      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      return LockPathError(ErrorKind::kError, "open", lock_path_, errno);
    }
    DIR* dir = fdopendir(fd);  // owns fd from here on
    if (dir == nullptr) {
      int err = errno;
      os_.Close(fd);
      return LockPathError(ErrorKind::kError, "fdopendir", lock_path_, err);
    }
    std::vector<std::string> names;
    while (struct dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(dir);
    return names;
  }

  Os& os_;
  const std::string lock_path_;
  std::string UniquePath() const {
    return lock_path_ + "/" + UniqueName(os_, threaded_);
  }

  const bool threaded_;
  std::string unique_path_;  // set by the last try
};

const ImplInfo& MkdirInfo(bool threaded) {
  static const ImplInfo* const infos[2] = {
      new ImplInfo{
          .name = "mkdir",
          .model = "lockfile.MkdirLockFile (threaded=False)",
          .mechanism = "mkdir PATH.lock, owner file HOSTNAME-PID inside",
          .features = {Feature::kBlocking, Feature::kNonblocking,
                       Feature::kTimeout, Feature::kIsLocked,
                       Feature::kIAmLocking, Feature::kBreak},
          .ownership = Ownership::kProcess,
          .nfs_safe = true,
          .wait_policy = "inotify + backoff 1..50 ms",
          .failpoints = {"mkdir/after_mkdir_before_owner",
                         "mkdir/between_unlink_and_rmdir"},
      },
      new ImplInfo{
          .name = "mkdir",
          .model = "lockfile.MkdirLockFile",
          .mechanism = "mkdir PATH.lock, owner file HOSTNAME-TID-PID inside",
          .features = {Feature::kBlocking, Feature::kNonblocking,
                       Feature::kTimeout, Feature::kIsLocked,
                       Feature::kIAmLocking, Feature::kBreak,
                       Feature::kThreads},
          .ownership = Ownership::kThread,
          .nfs_safe = true,
          .wait_policy = "inotify + backoff 1..50 ms",
          .failpoints = {"mkdir/after_mkdir_before_owner",
                         "mkdir/between_unlink_and_rmdir"},
      },
  };
  return *infos[threaded ? 1 : 0];
}

// The owner record of a held lock: the one file inside PATH.lock (its name
// is the owner, HOSTNAME-TID-PID; its content is empty, as lockfile's).
std::string MkdirRecordFile(const std::string& path) {
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(path + ".lock", ec)) {
    return entry.path().string();
  }
  return path + ".lock/missing-owner-file";
}

}  // namespace

ImplEntry MkdirLockEntry() {
  return WithStaleRecordFile({MkdirInfo(true),
                              [](const LockOptions& options) {
                                return MakeLockObject<MkdirMechanism>(
                                    MkdirInfo(options.threaded), options,
                                    options.path + ".lock");
                              }},
                             MkdirRecordFile);
}

}  // namespace lockstress
