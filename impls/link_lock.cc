// link: lockfile.LinkLockFile, the hard-link lock.
//
// Model. lockfile 0.12's LinkLockFile (Unix default of lockfile.LockFile).
// The lock is PATH.lock. Each would-be owner has a unique file in the same
// directory, named HOSTNAME-TID-PID (HOSTNAME-PID with threaded=false) and,
// like lockfile's "%s%s.%s%s" % (hostname, tname, pid, hash(path)), suffixed
// with a hash of PATH so that one thread can hold locks on two paths of one
// directory without sharing a unique file.
//
// Mechanism.
//   acquire: if PATH.lock exists, busy (see "Waiting"); else create the
//            unique file (OpenLockFile: O_NOFOLLOW, never O_TRUNC) and
//            link(unique, PATH.lock). Success: held. Failure: the
//            link-count check below decides; busy means we unlink our
//            unique file again, so a failed try leaves nothing behind.
//   release: PATH.lock missing -> NotLocked; PATH.lock not our unique file's
//            inode -> NotMyLock, left untouched; else unlink the unique file
//            then PATH.lock (lockfile's order). Either way our unique file
//            goes.
//   is_locked: PATH.lock exists (lstat: a symlink planted there counts,
//            since it blocks link(2) just as a lock does).
//   i_am_locking: PATH.lock is our unique file's inode, and that has 2 links.
//   break_lock: unlink PATH.lock (never followed: unlink(2) removes a
//            symlink itself). The former holder's unique file stays until
//            that holder releases (NotLocked); a dead holder's unique file
//            stays as litter, as in lockfile.
//
// Platform facts.
//  - link(2) is atomic on local filesystems and over NFS: exactly one
//    link(unique, PATH.lock) creates PATH.lock; the others get EEXIST.
//    A symbolic link planted at PATH.lock also gives EEXIST (link(2) does
//    not follow its new path), so a planted symlink is "busy", never
//    written through: acquire answers AlreadyLocked and the victim is safe.
//  - NFS lost reply (link(2), BUGS: "On NFS filesystems, the return code
//    may be wrong in case the NFS server performs the link creation and
//    dies before it can say so. Use stat(2) to find out if the link got
//    created."; open(2), O_EXCL, gives the recipe this lock follows). A
//    retransmitted LINK then answers EEXIST although *our* link exists. So
//    we ignore the return value and fstat(2) the unique file: st_nlink == 2
//    (and PATH.lock being the same inode) means the link is ours. We do
//    that for EEXIST and for every errno that does not prove the link
//    impossible (EIO, EINTR, ETIMEDOUT, ...). Errors that prove no link was
//    made (EPERM, EXDEV, ENOENT, EACCES, EROFS, EMLINK, ...) are LockFailed
//    naming PATH.lock and the cause; so is any other errno when the count
//    says 1 (only EEXIST means busy). Checked by link_lock_test.cc
//    (LostReplyIsResolvedByTheLinkCount, LinkErrorsOtherThanEexist...).
//  - inotify(7) reports the unlink of PATH.lock as IN_DELETE on the
//    directory, which wakes local waiters at once (change_waiter.h).
//
// Wait policy: polled by LockObject's ChangeWaiter: inotify on the lock's
// directory plus exponential back-off 1..50 ms (max_poll_interval).
//
// Waiting. lockfile keeps its unique file for the whole acquire; we remove
// it after every busy try (a failed try leaves nothing behind). Every
// waiter watches the directory, so a try that created and removed a unique
// file would wake all other waiters, which would try and wake the first
// again: a wake-up storm (strace of LinkLockTest.ThreadsExclude: 558 failed
// links for 31 acquires; 38 with the pre-check). So a try first lstat()s
// PATH.lock and, when it exists, answers busy (or "ours": same owner,
// st_nlink == 2) without touching the directory. link(2) stays the only
// arbiter; the lstat only saves work. Checked by
// HeldLockIsBusyWithoutTouchingTheDirectory.
//
// Ownership: the thread that made the object (its TID is in the unique
// name); with threaded=false, the process. Objects of one owner share the
// unique file and so are one owner: a second object of the holding thread
// finds st_nlink == 2 and "acquires" too, exactly as lockfile does.
//
// Process death: the holder's PATH.lock and unique file stay behind; the
// lock is stale (AlreadyLocked for everybody) until break_lock. No
// stale_recovery is declared.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>

#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/lock_path_state.h"
#include "impls/core/nfs_link.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

// Thread safety: one object, one thread at a time (mechanism.h).
class LinkMechanism final : public Mechanism {
 public:
  LinkMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        lock_path_(lock_path),
        path_(options.path),
        threaded_(options.threaded),
        unique_path_(UniquePath()) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    // The owner is the thread that acquires (HOSTNAME-TID-PID), which need
    // not be the thread that made the object: named afresh at each try.
    unique_path_ = UniquePath();
    // Held already: answer without creating and deleting a unique file,
    // which would wake every other waiter's inotify watch (see "Waiting").
    struct stat seen {};
    if (os_.Lstat(lock_path_.c_str(), &seen) == 0) {
      StatusOr<bool> mine = IAmLocking(false);
      if (!mine.ok()) return mine.status();
      return *mine ? TryResult::kAcquired : TryResult::kBusy;
    }
    StatusOr<UniqueFd> fd = OpenLockFile(os_, unique_path_, O_CREAT | O_WRONLY);
    if (!fd.ok()) return fd.status();
    os_.Failpoint("link/after_unique_file");
    int r = os_.Link(unique_path_.c_str(), lock_path_.c_str());
    int link_errno = errno;
    os_.Failpoint("link/after_link_before_count");
    if (r == 0) return TryResult::kAcquired;
    if (LinkErrnoProvesNoLink(link_errno)) {
      RemoveUnique();
      return LockPathError(ErrorKind::kLockFailed, "link", lock_path_,
                           link_errno);
    }
    // The reply may have been lost: count the links (see the essay).
    struct stat mine {};
    if (os_.Fstat(fd->get(), &mine) != 0) {
      int err = errno;
      RemoveUnique();
      return LockPathError(ErrorKind::kLockFailed, "fstat", unique_path_, err);
    }
    struct stat lock {};
    if (mine.st_nlink == 2 && os_.Lstat(lock_path_.c_str(), &lock) == 0 &&
        SameInode(mine, lock)) {
      return TryResult::kAcquired;
    }
    RemoveUnique();
    if (link_errno == EEXIST) return TryResult::kBusy;
    return LockPathError(ErrorKind::kLockFailed, "link", lock_path_,
                         link_errno);
  }

  Status Release() override {
    struct stat lock {};
    if (Status s = LstatAtRelease(os_, lock_path_, &lock); !s.ok()) {
      RemoveUnique();
      return s;
    }
    struct stat mine {};
    bool have_unique = os_.Lstat(unique_path_.c_str(), &mine) == 0;
    if (!have_unique && errno != ENOENT) {
      // Cannot tell whose PATH.lock is (EIO, EINTR, ...): say so and touch
      // nothing, rather than call it another owner's and drop our unique
      // file (errno_handling_test: lstat EIO at release).
      return LockPathError(ErrorKind::kUnlockError, "lstat", unique_path_,
                           errno);
    }
    if (!have_unique || !SameInode(mine, lock)) {
      RemoveUnique();
      return Status(ErrorKind::kNotMyLock, lock_path_,
                    "the lock was broken and is now held by another owner (" +
                        lock_path_ + " is not a link to " + unique_path_ + ")");
    }
    return RemoveOwnerThenLock(os_, unique_path_, "link/between_unlinks",
                               lock_path_, /*lock_is_directory=*/false);
  }

  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    return LockEntryExists(os_, lock_path_);
  }

  StatusOr<bool> IAmLocking(bool /*object_holds*/) override {
    struct stat lock {};
    StatusOr<bool> there = LockEntryExists(os_, lock_path_, &lock);
    if (!there.ok() || !*there) return there;
    struct stat mine {};
    there = LockEntryExists(os_, unique_path_, &mine);
    if (!there.ok() || !*there) return there;
    return SameInode(mine, lock) && mine.st_nlink == 2;
  }

  Status Break() override { return UnlinkLockEntry(os_, lock_path_); }

  std::string WatchDirectory() const override {
    return DirectoryOf(lock_path_);
  }
  // Release unlinks PATH.lock; the unique files' events are not news.
  std::string WatchName() const override { return EntryName(lock_path_); }

 private:
  // Best effort: the unique file is ours alone; ENOENT is fine.
  void RemoveUnique() { (void)os_.Unlink(unique_path_.c_str()); }

  Os& os_;
  const std::string lock_path_;
  std::string UniquePath() const {
    return DirectoryOf(path_) + "/" + UniqueName(os_, threaded_) + "." +
           HashHex(path_);
  }

  const std::string path_;
  const bool threaded_;
  std::string unique_path_;  // set by the last try
};

// threaded=true (the registered form) and threaded=false, which names no
// thread and so neither tells threads apart nor excludes them.
const ImplInfo& LinkInfo(bool threaded) {
  static const ImplInfo* const infos[2] = {
      new ImplInfo{
          .name = "link",
          .model = "lockfile.LinkLockFile (threaded=False)",
          .mechanism = "hard link of a unique HOSTNAME-PID file to PATH.lock",
          .features = {Feature::kBlocking, Feature::kNonblocking,
                       Feature::kTimeout, Feature::kIsLocked,
                       Feature::kIAmLocking, Feature::kBreak},
          .ownership = Ownership::kProcess,
          .nfs_safe = true,
          .wait_policy = "inotify + backoff 1..50 ms",
          .failpoints = {"link/after_unique_file",
                         "link/after_link_before_count",
                         "link/between_unlinks"},
      },
      new ImplInfo{
          .name = "link",
          .model = "lockfile.LinkLockFile",
          .mechanism =
              "hard link of a unique HOSTNAME-TID-PID file to PATH.lock",
          .features = {Feature::kBlocking, Feature::kNonblocking,
                       Feature::kTimeout, Feature::kIsLocked,
                       Feature::kIAmLocking, Feature::kBreak,
                       Feature::kThreads},
          .ownership = Ownership::kThread,
          .nfs_safe = true,
          .wait_policy = "inotify + backoff 1..50 ms",
          .failpoints = {"link/after_unique_file",
                         "link/after_link_before_count",
                         "link/between_unlinks"},
      },
  };
  return *infos[threaded ? 1 : 0];
}

}  // namespace

ImplEntry LinkLockEntry() {
  return WithStaleRecordFile({LinkInfo(true),
                              [](const LockOptions& options) {
                                return MakeLockObject<LinkMechanism>(
                                    LinkInfo(options.threaded), options,
                                    options.path + ".lock");
                              }},
                             [](const std::string& p) { return p + ".lock"; });
}

}  // namespace lockstress
