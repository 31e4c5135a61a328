// zc, zc-simple: zc.lockfile's LockFile and SimpleLockFile.
//
// Model: zc.lockfile (4.0). SimpleLockFile(path) opens PATH for writing
// without truncating it ("r+", falling back to "a+" when it does not exist)
// and takes flock(LOCK_EX | LOCK_NB); when that fails it raises LockError at
// once: zc has no blocking acquire and no timeout. LockFile is SimpleLockFile
// that, once it holds the lock, writes " " + content_template + "\n" into
// the file (content_template is "{pid}" by default, "{hostname}" also
// expands; the leading space is zc's own: `write(" %s\n" % content)`) and
// cuts the file to that length. close() unlocks and closes. The file is never
// removed: zc documents that the lock file is left behind, and that its content
// is only a hint for humans, never what decides who holds the lock.
//
// Mechanism: PATH itself is the lock file. TryAcquire opens it with
// OpenLockFile(O_RDWR | O_CREAT) (never O_TRUNC: truncating at open would
// erase the holder's PID before we know whether we hold the lock), takes
// flock(LOCK_EX | LOCK_NB), and only then (zc) writes the content with
// WriteWhole, which writes at offset 0 and ftruncates to the new length.
//
// Platform facts:
//  - flock(2): the lock belongs to the open file description. Two open()s of
//    the same file, even in one process or one thread, give two descriptions
//    that exclude each other, so separate objects exclude each other in
//    threads of one process (feature `threads`, ownership open_file).
//  - flock(2): LOCK_NB makes a conflicting request fail with EWOULDBLOCK
//    instead of blocking: that is zc's only mode (feature `nonblocking`).
//  - flock(2): the lock is released when the last descriptor of the
//    description is closed, and the kernel closes every descriptor of a
//    process that dies: a SIGKILLed holder's lock is free at once (feature
//    `stale_recovery`, stale_bound 1 s as a generous bound for "at once").
//  - flock(2) has no query operation. is_locked is not a zc feature, but
//    LockObject asks IsLocked() to tell NotLocked from NotMyLock when a
//    non-holder releases; we answer from /proc/locks (proc(5),
//    impls/core/proc_locks.h), never by probing with LOCK_NB, which would
//    make a real contender's try fail while we probe.
//  - flock over NFS is emulated with byte-range locks on Linux >= 2.6.12
//    (nfs(5), "local_lock"): not claimed nfs_safe.
//
// Wait policy: never waits. Forever and After(d) are Unsupported, as in zc.
//
// Process death: the kernel frees the flock; the file and its content (the
// dead holder's PID) stay, and the next acquire overwrites the content.
//
// Deviation: zc opens a missing file with "a+" (O_APPEND); we open it
// without O_APPEND and write at offset 0. For the new, empty file that "a+"
// is used for, the result is the same bytes.
//
// Checked by impls/zc_lock_test.cc: the kept file and its content, no
// truncation by a failed acquire, Unsupported waits, a SIGKILLed holder.
#include <cerrno>
#include <string>

#include "impls/core/held_descriptor.h"
#include "impls/core/impl_entries.h"
#include "impls/core/lock_files.h"
#include "impls/core/lock_object.h"
#include "impls/core/stale_writer.h"
#include "lockstress/os.h"

namespace lockstress {
namespace {

// Python's str.format for the two names zc passes: {pid}, {hostname}, and
// the escapes {{ and }}. Anything else is copied as it is.
std::string ExpandTemplate(const std::string& tmpl, const std::string& pid,
                           const std::string& hostname) {
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 5, "{pid}") == 0) {
      out += pid;
      i += 5;
    } else if (tmpl.compare(i, 10, "{hostname}") == 0) {
      out += hostname;
      i += 10;
    } else if (tmpl.compare(i, 2, "{{") == 0 || tmpl.compare(i, 2, "}}") == 0) {
      out += tmpl[i];
      i += 2;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

// Thread safety: used by its one LockObject, one thread at a time.
class ZcMechanism final : public Mechanism {
 public:
  ZcMechanism(const LockOptions& options, const std::string& lock_path,
              bool write_content)
      : os_(options.os != nullptr ? *options.os : Os::Default()),
        path_(lock_path),
        content_template_(options.content_template),
        write_content_(write_content) {}

  StatusOr<TryResult> TryAcquire(LockMode /*mode*/) override {
    StatusOr<UniqueFd> fd = OpenLockFile(os_, path_, O_RDWR | O_CREAT);
    if (!fd.ok()) return fd.status();
    os_.Failpoint("zc/after_open");
    if (os_.Flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      if (err == EWOULDBLOCK) return TryResult::kBusy;  // fd closes here
      return LockPathError(ErrorKind::kLockFailed, "flock", path_, err);
    }
    os_.Failpoint("zc/after_lock_before_write");
    if (write_content_) {
      std::string content =
          " " +
          ExpandTemplate(content_template_, std::to_string(os_.Getpid()),
                         HostName(os_)) +
          "\n";
      Status s =
          WriteWhole(os_, fd->get(), path_, content, ErrorKind::kLockFailed);
      if (!s.ok()) {
        os_.Flock(fd->get(), LOCK_UN);  // closing would free it too
        return s;
      }
    }
    fd_ = std::move(*fd);
    return TryResult::kAcquired;
  }

  Status Release() override {
    // A flock cannot be broken by anybody else (zc offers no break), so the
    // lock is still ours here.
    return FlockUnlockAndClose(os_, fd_, path_, "zc/after_unlock_before_close");
  }

  StatusOr<bool> IsLocked(bool object_holds) override {
    if (object_holds) return true;
    return FlockHeldOn(os_, path_);
  }

  StatusOr<bool> IAmLocking(bool object_holds) override { return object_holds; }

  Status Break() override {
    return Status(ErrorKind::kUnsupported, path_,
                  "zc.lockfile cannot break another owner's lock");
  }

 private:
  Os& os_;
  const std::string path_;
  const std::string content_template_;
  const bool write_content_;
  UniqueFd fd_;
};

ImplInfo MakeInfo(std::string name, std::string model, std::string mechanism) {
  return ImplInfo{
      .name = std::move(name),
      .model = std::move(model),
      .mechanism = std::move(mechanism),
      .features = {Feature::kNonblocking, Feature::kThreads,
                   Feature::kStaleRecovery},
      .ownership = Ownership::kOpenFile,
      .nfs_safe = false,
      .wait_policy = "never waits: no blocking acquire, no timeout (zc)",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {"zc/after_open", "zc/after_lock_before_write",
                     "zc/after_unlock_before_close"},
  };
}

const ImplInfo& ZcInfo() {
  static const ImplInfo* info = new ImplInfo(MakeInfo(
      "zc", "zc.lockfile.LockFile",
      "flock(LOCK_EX|LOCK_NB) on PATH, then \" \" + content_template + "
      "\"\\n\" written into it; the file is kept"));
  return *info;
}

const ImplInfo& ZcSimpleInfo() {
  static const ImplInfo* info = new ImplInfo(
      MakeInfo("zc-simple", "zc.lockfile.SimpleLockFile",
               "flock(LOCK_EX|LOCK_NB) on PATH, nothing written; the file "
               "is kept"));
  return *info;
}

}  // namespace

ImplEntry ZcLockEntry() {
  return WithStaleRecordFile({ZcInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<ZcMechanism>(
                                    ZcInfo(), options, options.path, true);
                              }},
                             RecordIsLockPath);
}

ImplEntry ZcSimpleLockEntry() {
  return WithStaleRecordFile({ZcSimpleInfo(),
                              [](const LockOptions& options) {
                                return MakeLockObject<ZcMechanism>(
                                    ZcSimpleInfo(), options, options.path,
                                    false);
                              }},
                             RecordIsLockPath);
}

}  // namespace lockstress
