// lease: lockstress's own robust lock, built to survive the faults of
// issue 6: crashes at every step, stale locks, PID reuse, PID namespaces,
// other hosts, skewed clocks and hostile files. The full argument, its
// assumptions and the test or scenario behind each claim: docs/lease.md.
//
// Mechanism.
//   acquire: PATH.lock exists -> judge its holder (stale_judge.h); alive:
//            busy; stale: break it (below) and look again. Free: create it
//            NFS-safely (lease_files.h CreateByLink): the owner record
//            (owner_record.h) is written into a unique side file, linked to
//            PATH.lock, and the link count decides (st_nlink == 2). The side
//            name is then removed; we keep the descriptor open while we
//            hold, and start the heartbeat thread (lease_heartbeat.h).
//   release: stop the heartbeat; PATH.lock missing -> NotLocked; not our
//            inode -> NotMyLock, untouched; else rename it to a side name,
//            check it is still our inode there, close, unlink. (A file
//            that is not ours is put back with link(2): see lease_files.h.)
//   is_locked: PATH.lock exists and its holder is not judged stale.
//   i_am_locking: this object holds, and PATH.lock is still its inode.
//   break_lock: unlink(PATH.lock), a no-op when missing (never followed).
//
// Breaking (a holder judged stale).
//   1. Claim the right to break: create PATH.lock.break by the same link
//      recipe, holding our own record. One breaker at a time; a claim
//      whose breaker is judged stale (it died mid-break) is moved away by
//      step 3 and claimed on a later try.
//   2. Under the claim, PATH.lock must still be the very file judged stale
//      (inode, size, mtime, content); else give up (busy).
//   3. rename(PATH.lock, side name), observe it there, unlink it only if
//      still unchanged; a holder that refreshed meanwhile changed the mtime
//      and generation, so it is put back with link(2) (which never
//      replaces a lock taken meanwhile).
//   4. Remove the claim (if it is still ours).
//   Races (two breakers, a holder refreshing while broken) and what
//   remains: docs/lease.md, "Races".
//
// Platform facts: link(2) and the lost NFS reply (nfs_link.h); /proc and
// PID reuse (process_identity.h); mtimes and the filesystem's clock
// (fs_clock.h); no symlink or FIFO is ever followed or opened for writing
// (lock_files.h, lease_files.h Observe).
//
// Wait policy: polled by LockObject's ChangeWaiter: inotify on the lock's
// directory plus exponential back-off 1..50 ms (max_poll_interval). A
// release renames PATH.lock away: IN_MOVED_FROM wakes local waiters.
//
// Ownership: the lock object (its record carries a per-acquisition
// serial; its descriptor pins the inode).
//
// Process death: a holder on this host, boot and PID namespace is judged
// dead at once (its PID is gone, a zombie, or another process); anywhere
// else its lease runs out: stale_recovery within LeaseTiming::StaleBound().
//
// Stale state (ImplEntry::write_stale, lockstress/stale_state.h): the
// shared writer acquires with a lease object whose identity is edited to
// the seeded owner (lease_seed.h: boot id, PID namespace) and whose
// heartbeat never beats (a dead holder refreshes nothing, and a spoiled
// record must stay spoiled until the seeder exits).
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "impls/core/fs_clock.h"
#include "impls/core/impl_entries.h"
#include "impls/core/lease_files.h"
#include "impls/core/lease_heartbeat.h"
#include "impls/core/lease_seed.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/lock_path_state.h"
#include "impls/core/nfs_link.h"
#include "impls/core/stale_judge.h"
#include "impls/core/stale_writer.h"
#include "impls/lease_test_helper.h"

namespace lockstress {
namespace {

// Who this process says it is, from what it read (stale seeding only).
using IdentityEdit = std::function<ProcessIdentity(ProcessIdentity)>;

// Thread safety: one object, one thread at a time (mechanism.h); the
// heartbeat thread it starts shares nothing mutable with it.
class LeaseMechanism final : public Mechanism {
 public:
  LeaseMechanism(const LockOptions& options, const std::string& lock_path,
                 LeaseTiming timing, IdentityEdit edit_identity = nullptr)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        lock_path_(lock_path),
        claim_path_(lock_path + ".break"),
        timing_(timing),
        edit_identity_(std::move(edit_identity)),
        files_(os_, lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    RefreshIdentity();
    // Bounded: a break, then a create; a lock retaken meanwhile is busy.
    for (int round = 0; round < 2; ++round) {
      StatusOr<Observed> seen =
          files_.Observe(lock_path_, ErrorKind::kLockFailed);
      if (!seen.ok()) return seen.status();
      if (seen->exists) {
        StatusOr<Judgement> j =
            judges_->lock.Judge(self_, seen->st, seen->content);
        if (!j.ok()) return j.status();
        if (!j->stale) return TryResult::kBusy;
        StatusOr<bool> broken = BreakStale(*seen);
        if (!broken.ok()) return broken.status();
        if (!*broken) return TryResult::kBusy;
        continue;
      }
      StatusOr<std::optional<Created>> made =
          files_.CreateByLink(self_, lock_path_, NewRecord());
      if (!made.ok()) return made.status();
      if (!made->has_value()) return TryResult::kBusy;
      if (Status s = Hold(std::move(**made)); !s.ok()) return s;
      return TryResult::kAcquired;
    }
    return TryResult::kBusy;
  }

  Status Release() override {
    std::optional<Held> held = std::exchange(held_, std::nullopt);
    if (!held) {
      return Status(ErrorKind::kNotLocked, lock_path_, "not held here");
    }
    held->heartbeat.reset();  // stopped before anything else
    os_.Failpoint("lease/release_after_stop");
    struct stat now {};
    if (Status s = LstatAtRelease(os_, lock_path_, &now); !s.ok()) return s;
    if (!SameInode(now, held->lock.st)) return Retaken();
    const std::string away = files_.SideName(self_, "released");
    if (os_.Rename(lock_path_.c_str(), away.c_str()) != 0) {
      if (errno == ENOENT) {
        return Status(ErrorKind::kNotLocked, lock_path_,
                      "the lock was broken: " + lock_path_ + " is gone");
      }
      // Never leave our record behind, held by a live process that no
      // longer holds it: the inode was ours a moment ago, so unlink.
      int rename_errno = errno;
      held->lock.fd.reset();
      if (os_.Unlink(lock_path_.c_str()) == 0) return Status::Ok();
      return LockPathError(ErrorKind::kUnlockError, "rename", lock_path_,
                           rename_errno);
    }
    os_.Failpoint("lease/release_after_rename");
    struct stat moved {};
    int seen = LstatRetried(away, &moved);
    const int seen_errno = seen == 0 ? 0 : errno;
    const bool ours = seen == 0 && SameInode(moved, held->lock.st);
    held->lock.fd.reset();  // closed before the last unlink (NFS silly rename)
    if (seen != 0 && seen_errno != ENOENT) {
      // Cannot tell whose file we moved: put it back (link never replaces)
      // and say so. If it was ours, it names this live process: stale
      // until break_lock, as the contract allows after an UnlockError.
      (void)os_.Link(away.c_str(), lock_path_.c_str());
      (void)os_.Unlink(away.c_str());
      return LockPathError(ErrorKind::kUnlockError, "lstat", away, seen_errno);
    }
    if (!ours) {
      (void)os_.Link(away.c_str(), lock_path_.c_str());  // never replaces
      (void)os_.Unlink(away.c_str());
      return Retaken();
    }
    if (os_.Unlink(away.c_str()) != 0 && errno != ENOENT) {
      return LockPathError(ErrorKind::kUnlockError, "unlink", away, errno);
    }
    return Status::Ok();
  }

  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    RefreshIdentity();
    StatusOr<Observed> seen = files_.Observe(lock_path_, ErrorKind::kError);
    if (!seen.ok()) return seen.status();
    if (!seen->exists) return false;
    StatusOr<Judgement> j = judges_->lock.Judge(self_, seen->st, seen->content);
    if (!j.ok()) return j.status();
    return !j->stale;
  }

  StatusOr<bool> IAmLocking(bool /*object_holds*/) override {
    if (!held_) return false;
    struct stat now {};
    StatusOr<bool> there = LockEntryExists(os_, lock_path_, &now);
    if (!there.ok() || !*there) return there;
    return SameInode(now, held_->lock.st);
  }

  Status Break() override { return UnlinkLockEntry(os_, lock_path_); }

  std::string WatchDirectory() const override {
    return DirectoryOf(lock_path_);
  }

 private:
  struct Held {
    Created lock;
    std::unique_ptr<LeaseHeartbeat> heartbeat;  // stopped before lock closes
  };
  // The filesystem clock and the judges that use it, made per process
  // (the probe's name carries the PID).
  struct Judges {
    Judges(Os& os, std::string probe, const LeaseTiming& t)
        : clock(os, std::move(probe), t.probe_max_age),
          lock(os, clock, t),
          claim(os, clock, t) {}
    FsClock clock;
    StaleJudge lock;
    StaleJudge claim;
  };

  // Who we are: re-read after a fork (new PID), hostname at every try.
  void RefreshIdentity() {
    if (!judges_ || self_.pid != os_.Getpid()) {
      self_ = ReadProcessIdentity(os_);
      if (edit_identity_) self_ = edit_identity_(std::move(self_));
      judges_ = std::make_unique<Judges>(os_, files_.SideName(self_, "probe"),
                                         timing_);
    } else {
      self_.host = SanitizeHostName(HostName(os_));
    }
  }

  OwnerRecord NewRecord() const {
    return OwnerRecord{self_.host,      self_.boot,  self_.pidns,
                       self_.pid,       self_.start, NextLeaseSerial(),
                       /*generation=*/0};
  }

  // Starts the heartbeat; without one (no thread could be made) the lock
  // is given back at once: a lease nobody refreshes is no lease.
  Status Hold(Created lock) {
    Held held{std::move(lock), nullptr};
    try {
      held.heartbeat =
          std::make_unique<LeaseHeartbeat>(os_, held.lock.fd.get(), lock_path_,
                                           held.lock.record, timing_.heartbeat);
    } catch (const std::system_error& e) {
      held.lock.fd.reset();
      files_.RemoveIfOurs(lock_path_, held.lock.st);
      return PosixError(ErrorKind::kLockFailed, "pthread_create", lock_path_,
                        e.code().value(), "no heartbeat thread");
    }
    held_ = std::move(held);
    return Status::Ok();
  }

  // lstat, tried again after an error that says nothing about the file
  // (EINTR, EIO, ...): a bounded 3 times. ENOENT is an answer.
  int LstatRetried(const std::string& path, struct stat* st) {
    int r = -1;
    for (int attempt = 0; attempt < 3; ++attempt) {
      r = os_.Lstat(path.c_str(), st);
      if (r == 0 || errno == ENOENT) break;
    }
    return r;
  }

  Status Retaken() const {
    return Status(ErrorKind::kNotMyLock, lock_path_,
                  "the lock was broken and is now held by another owner (" +
                      lock_path_ + " is not the file this object created)");
  }

  // Steps 1-4 of "Breaking". true: `judged` is gone, try to create.
  StatusOr<bool> BreakStale(const Observed& judged) {
    StatusOr<Observed> claim =
        files_.Observe(claim_path_, ErrorKind::kLockFailed);
    if (!claim.ok()) return claim.status();
    if (claim->exists) {
      StatusOr<Judgement> j =
          judges_->claim.Judge(self_, claim->st, claim->content);
      if (!j.ok()) return j.status();
      if (j->stale) {
        StatusOr<bool> moved =
            files_.MoveAwayIfUnchanged(self_, claim_path_, *claim);
        if (!moved.ok()) return moved.status();
      }
      return false;  // another breaker is at work, or was: try again later
    }
    StatusOr<std::optional<Created>> mine =
        files_.CreateByLink(self_, claim_path_, NewRecord());
    if (!mine.ok()) return mine.status();
    if (!mine->has_value()) return false;
    Created& ours = **mine;
    os_.Failpoint("lease/break_after_claim");
    StatusOr<bool> result = BreakClaimed(judged);
    ours.fd.reset();  // closed before the unlink (NFS silly rename)
    files_.RemoveIfOurs(claim_path_, ours.st);
    return result;
  }

  StatusOr<bool> BreakClaimed(const Observed& judged) {
    StatusOr<Observed> again =
        files_.Observe(lock_path_, ErrorKind::kLockFailed);
    if (!again.ok()) return again.status();
    if (!again->exists) return true;
    if (!again->Unchanged(judged)) return false;  // refreshed or retaken
    return files_.MoveAwayIfUnchanged(self_, lock_path_, judged);
  }

  Os& os_;
  const std::string lock_path_;
  const std::string claim_path_;
  const LeaseTiming timing_;
  const IdentityEdit edit_identity_;
  LeaseFiles files_;
  ProcessIdentity self_;
  std::unique_ptr<Judges> judges_;
  std::optional<Held> held_;
};

ImplInfo LeaseInfo(const LeaseTiming& timing) {
  return ImplInfo{
      .name = "lease",
      .model = "lockstress's own robust lock (docs/lease.md)",
      .mechanism =
          "link(2) of a unique file holding an owner record (host, boot id, "
          "PID namespace, PID, start time) to PATH.lock, link-count checked; "
          "a heartbeat thread refreshes the lease; stale holders are broken "
          "by a claimed, re-checked rename",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kBreak,
                   Feature::kStaleRecovery, Feature::kThreads},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = true,
      .wait_policy = "inotify + backoff 1..50 ms",
      .stale_bound = timing.StaleBound(),
      .failpoints = {"lease/after_temp_file", "lease/after_link_before_count",
                     "lease/after_count_before_unlink_temp", "lease/heartbeat",
                     "lease/release_after_stop", "lease/release_after_rename",
                     "lease/break_after_claim", "lease/break_after_rename",
                     "lease/break_after_verify", "lease/probe_written"},
  };
}

const ImplInfo& DefaultLeaseInfo() {
  static const ImplInfo* const info = new ImplInfo(LeaseInfo(LeaseTiming{}));
  return *info;
}

}  // namespace

std::unique_ptr<Lock> MakeLeaseLockForTest(const LockOptions& options,
                                           const LeaseTiming& timing) {
  // The object refers to its ImplInfo, so every one made stays alive in
  // this list (tests make a few); std::list never moves its elements.
  static std::mutex mu;
  static auto* const infos = new std::list<ImplInfo>;
  const ImplInfo* info;
  {
    std::lock_guard<std::mutex> lock(mu);
    info = &infos->emplace_back(LeaseInfo(timing));
  }
  return MakeLockObject<LeaseMechanism>(*info, options, options.path + ".lock",
                                        timing);
}

namespace {

std::string LeaseRecordFile(const std::string& path) { return path + ".lock"; }

// The dead holder of `seed` (see the top of this file).
Status WriteStaleLease(const StaleSeed& seed) {
  LeaseTiming dead;
  dead.heartbeat = std::chrono::hours(24);  // never, before the seeder exits
  const pid_t writer = ::getpid();
  IdentityEdit owner = [seed, writer](ProcessIdentity read) {
    return SeededIdentity(seed, writer, std::move(read));
  };
  return AbandonHeldLock(
      [&](const LockOptions& options) {
        return MakeLockObject<LeaseMechanism>(DefaultLeaseInfo(), options,
                                              LeaseRecordFile(options.path),
                                              dead, owner);
      },
      seed,
      [](const std::string& path, StaleRecord record) {
        return SpoilRecordFile(LeaseRecordFile(path), record);
      });
}

}  // namespace

ImplEntry LeaseLockEntry() {
  ImplEntry entry{DefaultLeaseInfo(), [](const LockOptions& options) {
                    return MakeLockObject<LeaseMechanism>(
                        DefaultLeaseInfo(), options,
                        LeaseRecordFile(options.path), LeaseTiming{});
                  }};
  entry.write_stale = WriteStaleLease;
  return entry;
}

}  // namespace lockstress
