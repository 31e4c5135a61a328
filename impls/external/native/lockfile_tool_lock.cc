// dotlockfile and lockfile-progs: liblockfile's dot-lock files through its
// command-line tools, each call a real child process.
//
// Model: a script that locks PATH by the lock file PATH.lock:
//   dotlockfile -l -p -r R PATH.lock ... dotlockfile -u PATH.lock
//   lockfile-create --use-pid --retry R PATH ... lockfile-remove PATH
//   (lockfile-check --use-pid PATH answers "is it locked?")
// Mechanism (lockfile_create(3) ALGORITHM): a unique temporary file
//   .lk<pid><time&15><host> is hard-linked to PATH.lock; the lock is held
//   when the link's inode is the temporary file's. The tools exit with
//   lockfile_create's code (lockfile_codes.h).
// Choices, each a documented option of the tool:
//  - -p / --use-pid: the lock file holds the tool's parent's pid (L_PPID,
//    the driver), and a lock whose pid is dead is stale and removed by the
//    next lock attempt: stale_recovery. Without it a lock is stale only
//    after 5 minutes.
//  - Non-blocking is `-r 0` / `--retry 0` (one try). dotlockfile waits for
//    ever with `-r -1`; the adapter adds `-i 1` so that a waiter retries
//    every second instead of after 5, 10, ... 60 s (dotlockfile(1) -r, -i).
//    lockfile-create has no "for ever" and no interval (a retry count with
//    a 5 s, 10 s ... back-off), so lockfile-progs declares nonblocking only.
//    Neither tool takes a timeout in seconds: `timeout` is not declared.
// What the tools do not offer: unlock checks no owner — `dotlockfile -u`
//   and `lockfile-remove` remove the lock file whoever made it, and
//   "Unlocking a non-existent lockfile is not an error" (dotlockfile(1)).
//   Release runs them as a script would; the same command is break_lock.
//   No i_am_locking, no reentrancy, no shared locks. is_locked only for
//   lockfile-progs (lockfile-check); dotlockfile documents no check.
// Threads: every call is its own process, so handles on threads of one
//   driver are separate processes to liblockfile (`threads` is genuine);
//   they share the driver's pid in the lock file.
#include <memory>
#include <vector>

#include "impls/external/native/adapter_lock.h"
#include "impls/external/native/lockfile_codes.h"
#include "impls/external/native/native_adapters.h"
#include "impls/external/native/tool_process.h"

namespace lockstress::native {
namespace {

// The command lines of one tool family for one lock.
struct LockfileTool {
  std::string name;  // for messages: "dotlockfile", "lockfile-create"
  std::vector<std::string> (*create)(const std::string& path,
                                     const Timeout& timeout);
  std::vector<std::string> (*remove)(const std::string& path);
  std::vector<std::string> (*check)(const std::string& path);  // may be null
  std::string (*lock_path)(const std::string& path);
};

std::string DotLock(const std::string& path) { return path + ".lock"; }

// Thread safety: one object, one thread at a time (Lock).
class LockfileToolLock final : public AdapterLock {
 public:
  LockfileToolLock(const ImplInfo& info, const LockfileTool& tool,
                   const LockOptions& o)
      : AdapterLock(info, o.path, tool.lock_path(o.path)), tool_(tool) {}

  Status Acquire(Timeout timeout) override {
    StatusOr<ToolExit> exit =
        ToolProcess::Run(tool_.create(path(), timeout), path());
    if (!exit.ok()) return exit.status();
    if (exit->signal != 0) {
      return Status(ErrorKind::kLockError, path(),
                    tool_.name + " " + exit->ToString());
    }
    return LockfileCreateStatus(exit->code, timeout, tool_.name, path());
  }

  Status Release() override {
    return Remove(ErrorKind::kUnlockError, "release");
  }
  Status BreakLock() override { return Remove(ErrorKind::kError, "break"); }

  StatusOr<bool> IsLocked() override {
    if (tool_.check == nullptr) return Unsupported("is_locked");
    StatusOr<ToolExit> exit = ToolProcess::Run(tool_.check(path()), path());
    if (!exit.ok()) return exit.status();
    if (exit->signal != 0) {
      return Status(ErrorKind::kError, path(),
                    "the check was " + exit->ToString());
    }
    // "0 ... indicates that a valid lock exists"; non-zero: none, or not
    // valid (lockfile-progs(1) EXIT STATUS).
    return exit->code == 0;
  }

 private:
  Status Remove(ErrorKind kind, const std::string& why) {
    StatusOr<ToolExit> exit = ToolProcess::Run(tool_.remove(path()), path());
    if (!exit.ok()) return exit.status();
    if (exit->ok()) return Status::Ok();
    return Status(
        kind, path(),
        why + ": " + tool_.remove(path()).at(0) + " " + exit->ToString());
  }

  const LockfileTool& tool_;
};

// ---- dotlockfile (liblockfile-bin 1.17) ----

constexpr char kDotlockfile[] = "/usr/bin/dotlockfile";

std::vector<std::string> DotlockfileCreate(const std::string& path,
                                           const Timeout& timeout) {
  if (timeout.is_forever()) {
    return {kDotlockfile, "-l", "-p", "-r", "-1", "-i", "1", DotLock(path)};
  }
  // One try; a timed wait is not offered (not declared).
  return {kDotlockfile, "-l", "-p", "-r", "0", DotLock(path)};
}
std::vector<std::string> DotlockfileRemove(const std::string& path) {
  return {kDotlockfile, "-u", DotLock(path)};
}

const LockfileTool& Dotlockfile() {
  static const LockfileTool* tool = new LockfileTool{
      "dotlockfile", DotlockfileCreate, DotlockfileRemove, nullptr, DotLock};
  return *tool;
}

const ImplInfo& DotlockfileInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "dotlockfile",
      .model = "dotlockfile(1) (liblockfile-bin 1.17)",
      .mechanism = "dotlockfile -l -p -r 0|-1 PATH.lock; dotlockfile -u",
      .features = {Feature::kBlocking, Feature::kNonblocking, Feature::kBreak,
                   Feature::kStaleRecovery, Feature::kThreads},
      .ownership = Ownership::kHost,
      .nfs_safe = true,
      .wait_policy = "dotlockfile -r -1 -i 1: a try every second",
      .stale_bound = std::chrono::milliseconds(1000),
      .failpoints = {}};
  return *info;
}

// ---- lockfile-progs 0.1.19 ----

std::vector<std::string> LockfileCreate(const std::string& path,
                                        const Timeout&) {
  return {"/usr/bin/lockfile-create", "--use-pid", "--retry", "0", path};
}
std::vector<std::string> LockfileRemove(const std::string& path) {
  return {"/usr/bin/lockfile-remove", path};
}
std::vector<std::string> LockfileCheck(const std::string& path) {
  return {"/usr/bin/lockfile-check", "--use-pid", path};
}

const LockfileTool& LockfileProgs() {
  static const LockfileTool* tool =
      new LockfileTool{"lockfile-create", LockfileCreate, LockfileRemove,
                       LockfileCheck, DotLock};
  return *tool;
}

const ImplInfo& LockfileProgsInfo() {
  static const ImplInfo* info = new ImplInfo{
      .name = "lockfile-progs",
      .model = "lockfile-create/-remove/-check (lockfile-progs 0.1.19)",
      .mechanism = "lockfile-create --use-pid --retry 0 PATH -> PATH.lock",
      .features = {Feature::kNonblocking, Feature::kIsLocked, Feature::kBreak,
                   Feature::kStaleRecovery, Feature::kThreads},
      .ownership = Ownership::kHost,
      .nfs_safe = true,
      .wait_policy = "never waits (--retry 0)",
      .stale_bound = std::chrono::milliseconds(0),
      .failpoints = {}};
  return *info;
}

}  // namespace

ImplEntry DotlockfileEntry() {
  return {DotlockfileInfo(), [](const LockOptions& o) -> std::unique_ptr<Lock> {
            return std::make_unique<LockfileToolLock>(DotlockfileInfo(),
                                                      Dotlockfile(), o);
          }};
}

ImplEntry LockfileProgsEntry() {
  return {LockfileProgsInfo(),
          [](const LockOptions& o) -> std::unique_ptr<Lock> {
            return std::make_unique<LockfileToolLock>(LockfileProgsInfo(),
                                                      LockfileProgs(), o);
          }};
}

}  // namespace lockstress::native
