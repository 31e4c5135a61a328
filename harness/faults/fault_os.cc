#include "harness/faults/fault_os.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

namespace lockstress {
namespace {

// An errno armed by a failpoint action=errno, for the thread that passed it.
struct PendingErrno {
  int err = 0;
  std::string syscall;  // "" for any
};
thread_local PendingErrno pending;

// One line on stderr (the worker's log), with write(2): safe right before
// _exit, no buffering to lose.
void Log(const std::string& line) {
  std::string text = "lockstress-worker: " + line + "\n";
  (void)!::write(STDERR_FILENO, text.data(), text.size());
}

void RoundDown(struct timespec& ts, std::int64_t granularity_ns) {
  std::int64_t ns =
      static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
  std::int64_t r = ns % granularity_ns;
  if (r < 0) r += granularity_ns;
  ns -= r;
  ts.tv_sec = static_cast<time_t>(ns / 1000000000LL);
  ts.tv_nsec = static_cast<long>(ns % 1000000000LL);
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += 1000000000L;
    ts.tv_sec -= 1;
  }
}

}  // namespace

FaultOs::FaultOs(Os* target, FaultPlan plan)
    : OsWrapper(target),
      plan_(std::move(plan)),
      born_(std::chrono::steady_clock::now()),
      passages_(new std::atomic<int>[plan_.failpoints.size()]),
      calls_(new std::atomic<int>[plan_.syscalls.size()]) {
  for (size_t i = 0; i < plan_.failpoints.size(); ++i) passages_[i] = 0;
  for (size_t i = 0; i < plan_.syscalls.size(); ++i) calls_[i] = 0;
}

int FaultOs::Injected(std::string_view syscall) {
  if (pending.err != 0 &&
      (pending.syscall.empty() || pending.syscall == syscall)) {
    int err = pending.err;
    pending = {};
    Log("failing " + std::string(syscall) + " with " + ErrnoName(err) +
        " (armed by a failpoint)");
    return err;
  }
  for (size_t i = 0; i < plan_.syscalls.size(); ++i) {
    const SyscallFault& f = plan_.syscalls[i];
    if (f.syscall != syscall) continue;
    int n = ++calls_[i];
    if (n >= f.nth && (f.count == 0 || n < f.nth + f.count)) {
      Log("failing " + f.syscall + " call " + std::to_string(n) + " with " +
          ErrnoName(f.err));
      return f.err;
    }
  }
  return 0;
}

void FaultOs::Failpoint(std::string_view name) {
  for (size_t i = 0; i < plan_.failpoints.size(); ++i) {
    const FailpointFault& f = plan_.failpoints[i];
    if (f.point != name) continue;
    if (++passages_[i] != f.hit) continue;
    std::string what =
        "failpoint " + f.point + " (passage " + std::to_string(f.hit) + "): ";
    switch (f.action) {
      case FailpointAction::kExit:
        Log(what + "crashing with _exit(" + std::to_string(kCrashExit) + ")");
        ::_exit(kCrashExit);
      case FailpointAction::kKill:
        Log(what + "crashing with SIGKILL");
        ::kill(::getpid(), SIGKILL);
        for (;;) ::pause();  // SIGKILL is on its way
      case FailpointAction::kPause:
        Log(what + "pausing " + std::to_string(f.pause.count()) + " ms");
        std::this_thread::sleep_for(f.pause);
        break;
      case FailpointAction::kErrno:
      default:
        Log(what + "the next " + (f.syscall.empty() ? "call" : f.syscall) +
            " fails with " + ErrnoName(f.err));
        pending = {f.err, f.syscall};
        break;
    }
  }
  OsWrapper::Failpoint(name);
}

int FaultOs::Passages(std::string_view point) const {
  int most = 0;
  for (size_t i = 0; i < plan_.failpoints.size(); ++i) {
    if (plan_.failpoints[i].point == point) {
      most = std::max(most, passages_[i].load());
    }
  }
  return most;
}

void FaultOs::Coarsen(struct stat* st) const {
  if (plan_.mtime_granularity.count() == 0) return;
  std::int64_t g = plan_.mtime_granularity.count() * 1000000LL;
  RoundDown(st->st_mtim, g);
  RoundDown(st->st_atim, g);
  RoundDown(st->st_ctim, g);
}

struct timespec FaultOs::WallClock() {
  struct timespec ts = OsWrapper::WallClock();
  std::chrono::milliseconds off = plan_.clock_skew;
  if (plan_.clock_jump.count() != 0 &&
      std::chrono::steady_clock::now() - born_ >= plan_.clock_jump_after) {
    off += plan_.clock_jump;
  }
  std::int64_t ns = static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL +
                    ts.tv_nsec + off.count() * 1000000LL;
  ts.tv_sec = static_cast<time_t>(ns / 1000000000LL);
  ts.tv_nsec = static_cast<long>(ns % 1000000000LL);
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += 1000000000L;
    ts.tv_sec -= 1;
  }
  return ts;
}

// Each call: fail when told to, else forward.
#define LOCKSTRESS_FAULT_CALL(name, call)   \
  if (int err = Injected(name); err != 0) { \
    errno = err;                            \
    return -1;                              \
  }                                         \
  return call

int FaultOs::Open(const char* path, int flags, mode_t mode) {
  LOCKSTRESS_FAULT_CALL("open", OsWrapper::Open(path, flags, mode));
}
int FaultOs::Close(int fd) {
  // close(2): the descriptor is freed even when close fails (Linux), so a
  // failed close must still close: otherwise the fault leaks a descriptor
  // the real system never would.
  if (int err = Injected("close"); err != 0) {
    (void)OsWrapper::Close(fd);
    errno = err;
    return -1;
  }
  return OsWrapper::Close(fd);
}
ssize_t FaultOs::Read(int fd, void* buf, size_t n) {
  LOCKSTRESS_FAULT_CALL("read", OsWrapper::Read(fd, buf, n));
}
ssize_t FaultOs::Pread(int fd, void* buf, size_t n, off_t offset) {
  LOCKSTRESS_FAULT_CALL("pread", OsWrapper::Pread(fd, buf, n, offset));
}
ssize_t FaultOs::Write(int fd, const void* buf, size_t n) {
  LOCKSTRESS_FAULT_CALL("write", OsWrapper::Write(fd, buf, n));
}
ssize_t FaultOs::Pwrite(int fd, const void* buf, size_t n, off_t offset) {
  LOCKSTRESS_FAULT_CALL("pwrite", OsWrapper::Pwrite(fd, buf, n, offset));
}
int FaultOs::Ftruncate(int fd, off_t length) {
  LOCKSTRESS_FAULT_CALL("ftruncate", OsWrapper::Ftruncate(fd, length));
}
int FaultOs::Fsync(int fd) {
  LOCKSTRESS_FAULT_CALL("fsync", OsWrapper::Fsync(fd));
}
int FaultOs::Fstat(int fd, struct stat* st) {
  if (int err = Injected("fstat"); err != 0) {
    errno = err;
    return -1;
  }
  int r = OsWrapper::Fstat(fd, st);
  if (r == 0) Coarsen(st);
  return r;
}
int FaultOs::Lstat(const char* path, struct stat* st) {
  if (int err = Injected("lstat"); err != 0) {
    errno = err;
    return -1;
  }
  int r = OsWrapper::Lstat(path, st);
  if (r == 0) Coarsen(st);
  return r;
}
int FaultOs::Link(const char* from, const char* to) {
  LOCKSTRESS_FAULT_CALL("link", OsWrapper::Link(from, to));
}
int FaultOs::Unlink(const char* path) {
  LOCKSTRESS_FAULT_CALL("unlink", OsWrapper::Unlink(path));
}
int FaultOs::Rename(const char* from, const char* to) {
  LOCKSTRESS_FAULT_CALL("rename", OsWrapper::Rename(from, to));
}
int FaultOs::Mkdir(const char* path, mode_t mode) {
  LOCKSTRESS_FAULT_CALL("mkdir", OsWrapper::Mkdir(path, mode));
}
int FaultOs::Rmdir(const char* path) {
  LOCKSTRESS_FAULT_CALL("rmdir", OsWrapper::Rmdir(path));
}
int FaultOs::Flock(int fd, int operation) {
  LOCKSTRESS_FAULT_CALL("flock", OsWrapper::Flock(fd, operation));
}
int FaultOs::FcntlLock(int fd, int cmd, struct flock* lock) {
  LOCKSTRESS_FAULT_CALL("fcntl", OsWrapper::FcntlLock(fd, cmd, lock));
}
int FaultOs::Gethostname(char* name, size_t len) {
  LOCKSTRESS_FAULT_CALL("gethostname", OsWrapper::Gethostname(name, len));
}

#undef LOCKSTRESS_FAULT_CALL

}  // namespace lockstress
