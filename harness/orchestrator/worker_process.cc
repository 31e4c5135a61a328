#include "harness/orchestrator/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Asio's fenced blocks use std::atomic_thread_fence, which GCC warns about
// under -fsanitize=thread (-Wtsan). The io_context here lives and dies on
// one thread inside Start(), so nothing crosses threads through it.
#pragma GCC diagnostic ignored "-Wtsan"
// Boost 1.81 with BOOST_PROCESS_USE_STD_FS forgets to include optional.
#include <boost/asio/io_context.hpp>
#include <boost/optional.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <mutex>

namespace lockstress {
namespace bp = boost::process::v2;
namespace {

// Runs in the child between fork and exec (async-signal-safe calls only).
struct ChildSetup {
  pid_t parent;
  bp::error_code on_exec_setup(bp::posix::default_launcher& /*launcher*/,
                               const bp::filesystem::path& /*exe*/,
                               const char* const* /*argv*/) const {
    // The harness blocks SIGINT/SIGTERM for its signal thread and ignores
    // SIGPIPE; a driver starts with neither (both survive exec otherwise).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE}) signal(sig, SIG_DFL);
    if (setpgid(0, 0) != 0) return {errno, bp::system_category()};
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
      return {errno, bp::system_category()};
    }
    // The parent may have died before prctl took effect.
    if (getppid() != parent) _exit(127);
    return {};
  }
};

void CloseIfOpen(int& fd) {
  if (fd >= 0) close(fd);  // never retried on EINTR (close(2))
  fd = -1;
}

}  // namespace

// GCC 12 reports a false -Warray-bounds / -Wstringop-overflow / -Wrestrict
// inside Boost 1.81's default_launcher::close_all_fds (a vector assigned from
// an initializer list, inlined into this function); silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
StatusOr<std::unique_ptr<WorkerProcess>> WorkerProcess::Start(
    const std::vector<std::string>& argv, const std::string& stderr_log) {
  if (argv.empty()) return Status(ErrorKind::kError, "", "empty command");
  // Writing to a worker that died must give EPIPE, not kill the harness:
  // SIGPIPE is ignored process-wide from the first worker on (pipe(7)).
  // Children get the default back (ChildSetup).
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { signal(SIGPIPE, SIG_IGN); });
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    int err = errno;
    for (int fd : {in[0], in[1], out[0], out[1]}) {
      if (fd >= 0) close(fd);
    }
    return PosixError(ErrorKind::kError, "pipe2", "", err);
  }
  int log =
      open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    int err = errno;
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    return PosixError(ErrorKind::kError, "open", stderr_log, err);
  }
  bp::filesystem::path exe = argv[0];
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  auto worker = std::unique_ptr<WorkerProcess>(new WorkerProcess());
  Status failed;
  try {
    boost::asio::io_context ctx;
    bp::process proc(ctx, exe, args, bp::process_stdio{in[0], out[1], log},
                     ChildSetup{getpid()});
    worker->pid_ = proc.id();
    proc.detach();  // we reap it ourselves, through our own pidfd
  } catch (const std::exception& e) {
    failed = Status(ErrorKind::kError, argv[0],
                    std::string("cannot start: ") + e.what());
  }
  close(in[0]);
  close(out[1]);
  close(log);
  worker->to_child_ = in[1];
  worker->from_child_ = out[0];
  if (!failed.ok()) return failed;
  // Also from this side, so that a signal to the group cannot race setpgid.
  setpgid(worker->pid_, worker->pid_);
  worker->pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, worker->pid_, 0));
  return worker;
}
#pragma GCC diagnostic pop

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0 && !reaped_) {
    Kill();
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  CloseIfOpen(to_child_);
  CloseIfOpen(from_child_);
  CloseIfOpen(pidfd_);
}

void WorkerProcess::CloseStdin() { CloseIfOpen(to_child_); }

void WorkerProcess::Signal(int signal_number) {
  if (pid_ <= 0 || reaped_) return;
  // The group first; the pid itself in case setpgid had not happened yet.
  kill(-pid_, signal_number);
  kill(pid_, signal_number);
}

std::optional<int> WorkerProcess::WaitExit(
    std::chrono::steady_clock::time_point deadline) {
  if (exit_code_) return exit_code_;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      exit_code_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return std::nullopt;
    // A pidfd becomes readable when the process exits (pidfd_open(2)).
    pollfd p{.fd = pidfd_, .events = POLLIN, .revents = 0};
    poll(&p, pidfd_ >= 0 ? 1 : 0, static_cast<int>(left.count()) + 1);
  }
}

}  // namespace lockstress
