// pidfile: lockfile.pidlockfile.PIDLockFile, the PID-file lock.
//
// Model. lockfile 0.12's PIDLockFile (python-daemon's pidfile). The lock is
// PATH itself, a file holding the holder's PID as "PID\n" (FHS 2.3,
// /var/run).
//
// Mechanism.
//   acquire: open(PATH, O_CREAT|O_EXCL|O_WRONLY, 0644) through OpenLockFile
//            (adds O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK, refuses non-regular
//            files), then write "PID\n". EEXIST: busy. Any failure after
//            the create unlinks the file we created: nothing is left behind.
//   read_pid: the whole content as a decimal PID, surrounding whitespace
//            allowed; anything else (empty, "garbage", "12x") is no PID.
//   release: PATH missing -> NotLocked; PATH not the file this object
//            created (another inode: broken and retaken), or its PID is not
//            ours -> NotMyLock, saying what the file holds ("held by PID
//            123", "contains 'garbage', not a PID", "is empty"); else unlink.
//   is_locked: PATH exists (lstat).
//   i_am_locking: PATH exists and read_pid() == getpid(). Ownership is the
//            process: two objects of one process both answer true while
//            either holds, as lockfile's do. They still exclude each other
//            on acquire (O_EXCL knows no owners), hence `threads`.
//   break_lock: unlink(PATH), a no-op when missing.
//
// Which file. release must not delete a file that replaced ours (broken and
// retaken, even by another object of this process writing the same PID).
// Comparing st_ino is not enough on its own: a freed inode number is
// reused at once (tmpfs, ext4), so the retaken file can have our old
// number. The holder therefore keeps its descriptor open while it holds:
// the inode cannot be freed, so an equal (st_dev, st_ino) really is our
// file. Checked by pidfile_lock_test.cc
// (ReleaseAfterRetakeBySameProcessIsNotMyLock).
//
// Platform facts.
//  - open(2) with O_CREAT|O_EXCL creates the file atomically or fails with
//    EEXIST. When PATH is a symbolic link, open "fails regardless of where
//    the symbolic link points" (open(2), O_EXCL), so a planted symlink is
//    busy (AlreadyLocked) and its victim is never opened or truncated.
//  - open(2), O_EXCL: "O_EXCL is supported only when using NFSv3 or later
//    on kernel 2.6 or later"; elsewhere "programs that rely on it for
//    performing locking tasks will contain a race condition" (two clients
//    can both create). Hence nfs_safe = false (the portable
//    cure is link_lock.cc's link-count check).
//  - Create and write are two steps. A holder that dies between them
//    (failpoint pidfile/after_create_before_write) leaves an EMPTY file:
//    held, but by nobody identifiable; only break_lock clears it. Checked
//    by pidfile_lock_test.cc (EmptyFileIsHeldByNobody).
//  - inotify(7) reports unlink(PATH) as IN_DELETE on the directory, which
//    wakes local waiters at once (change_waiter.h).
//
// Wait policy: polled by LockObject's ChangeWaiter: inotify on PATH's
// directory plus exponential back-off 1..50 ms (max_poll_interval).
//
// Process death: the PID file stays; the lock is stale (AlreadyLocked for
// everybody) until break_lock. PIDLockFile does not test whether the PID
// is alive (and PIDs are reused), so neither do we: no stale_recovery.
#include <cctype>
#include <cerrno>
#include <climits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/lock_path_state.h"
#include "impls/core/stale_writer.h"

namespace lockstress {
namespace {

// lockfile's read_pid_from_pidfile, made strict about what a PID is:
// decimal digits with optional surrounding whitespace, 1..INT_MAX.
std::optional<pid_t> ParsePid(std::string_view text) {
  auto space = [](char c) {
    return std::isspace(static_cast<unsigned char>(c));
  };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  if (text.empty() || text.size() > 10) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0 || value > INT_MAX) return std::nullopt;
  return static_cast<pid_t>(value);
}

// The content quoted for a message: at most 40 bytes, unprintables as \xNN.
std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 40; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (std::isprint(c) != 0 && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
  }
  if (text.size() > 40) out += "...";
  return out + "'";
}

bool SameInode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Thread safety: one object, one thread at a time (mechanism.h).
class PidfileMechanism final : public Mechanism {
 public:
  PidfileMechanism(const LockOptions& options, const std::string& lock_path)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    StatusOr<UniqueFd> fd =
        OpenLockFile(os_, path_, O_CREAT | O_EXCL | O_WRONLY);
    if (!fd.ok()) {
      Status s = fd.status();
      if (s.syscall() == "open") {
        if (s.sys_errno() == EEXIST) return TryResult::kBusy;
        return s;
      }
      // open succeeded, so with O_EXCL the file is the one we created.
      (void)os_.Unlink(path_.c_str());
      return s;
    }
    os_.Failpoint("pidfile/after_create_before_write");
    Status w =
        WriteWhole(os_, fd->get(), path_, std::to_string(os_.Getpid()) + "\n",
                   ErrorKind::kLockFailed);
    if (!w.ok()) return CreatedButFailed(w);
    held_ = std::move(*fd);  // kept open: see "Which file" above
    return TryResult::kAcquired;
  }

  Status Release() override {
    UniqueFd held = std::move(held_);  // closed whatever the outcome
    struct stat mine {};
    if (os_.Fstat(held.get(), &mine) != 0) {
      return LockPathError(ErrorKind::kUnlockError, "fstat", path_, errno);
    }
    struct stat now {};
    if (Status s = LstatAtRelease(os_, path_, &now); !s.ok()) return s;
    std::string content;
    std::optional<pid_t> pid = ReadPid(&content);
    // Our own file (the inode we keep open) whose PID could not be read
    // back (EIO, EMFILE, ...) is still ours: nobody else can have made that
    // inode. Calling it another owner's would leave a stale lock behind
    // (errno_handling_test, scenarios/faults/errno_emfile_open).
    bool ours_unreadable = SameInode(now, mine) && !unreadable_.empty();
    if (!ours_unreadable && (!SameInode(now, mine) || pid != os_.Getpid())) {
      return Status(ErrorKind::kNotMyLock, path_,
                    "the lock is not ours: " + Describe(pid, content));
    }
    if (os_.Unlink(path_.c_str()) != 0) {
      return LockPathError(ErrorKind::kUnlockError, "unlink", path_, errno);
    }
    return Status::Ok();
  }

  StatusOr<bool> IsLocked(bool /*object_holds*/) override {
    return LockEntryExists(os_, path_);
  }

  StatusOr<bool> IAmLocking(bool object_holds) override {
    StatusOr<bool> locked = IsLocked(object_holds);
    if (!locked.ok() || !*locked) return locked;
    std::string content;
    return ReadPid(&content) == os_.Getpid();
  }

  Status Break() override {
    if (os_.Unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return LockPathError(ErrorKind::kError, "unlink", path_, errno);
    }
    return Status::Ok();
  }

  std::string WatchDirectory() const override { return DirectoryOf(path_); }
  // Release unlinks PATH.
  std::string WatchName() const override { return EntryName(path_); }

 private:
  // The PID in the file; nullopt when unreadable or not a PID. `content`
  // receives what was read ("" when unreadable).
  std::optional<pid_t> ReadPid(std::string* content) {
    StatusOr<std::string> text = ReadSmallFile(os_, path_, 64);
    if (!text.ok()) {
      *content = "";
      unreadable_ = text.status().Describe();
      return std::nullopt;
    }
    unreadable_.clear();
    *content = *text;
    return ParsePid(*text);
  }

  std::string Describe(std::optional<pid_t> pid, const std::string& content) {
    if (pid) return path_ + " is held by PID " + std::to_string(*pid);
    if (!unreadable_.empty()) return path_ + " cannot be read: " + unreadable_;
    if (content.empty()) {
      return path_ + " is empty (a holder died between create and write?)";
    }
    return path_ + " contains " + Quote(content) + ", not a PID";
  }

  Status CreatedButFailed(const Status& why) {
    (void)os_.Unlink(path_.c_str());  // best effort: leave nothing behind
    return why;
  }

  Os& os_;
  const std::string path_;
  UniqueFd held_;           // the file this object created, while held
  std::string unreadable_;  // why the last ReadPid could not read
};

const ImplInfo& PidfileInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "pidfile",
      .model = "lockfile.pidlockfile.PIDLockFile",
      .mechanism = "create PATH with O_CREAT|O_EXCL, write \"PID\\n\"",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kTimeout,
                   Feature::kIsLocked, Feature::kIAmLocking, Feature::kBreak,
                   Feature::kThreads},
      .ownership = Ownership::kProcess,
      .nfs_safe = false,
      .wait_policy = "inotify + backoff 1..50 ms",
      .failpoints = {"pidfile/after_create_before_write"},
  };
  return *info;
}

}  // namespace

ImplEntry PidfileLockEntry() {
  return WithStaleRecordFile({PidfileInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<PidfileMechanism>(
                                    PidfileInfo(), options, options.path);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
