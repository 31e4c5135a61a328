#include "impls/external/native/tool_process.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace lockstress::native {

std::string ToolExit::ToString() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return std::string("killed by SIG") +
           (name ? name : std::to_string(signal));
  }
  return "exit " + std::to_string(code);
}

namespace {

// Exit code of a child whose exec failed (as the shell's "not found").
constexpr int kExecFailed = 127;

ToolExit Decode(int status) {
  if (WIFSIGNALED(status)) return {.code = 0, .signal = WTERMSIG(status)};
  return {.code = WEXITSTATUS(status), .signal = 0};
}

}  // namespace

StatusOr<std::unique_ptr<ToolProcess>> ToolProcess::Start(
    const std::vector<std::string>& argv, Pipes pipes,
    const std::string& path) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  auto fail = [&](const char* call) {
    int err = errno;
    for (int fd : {in[0], in[1], out[0], out[1]}) {
      if (fd >= 0) ::close(fd);
    }
    return PosixError(ErrorKind::kLockFailed, call, path, err,
                      "cannot start " + argv.at(0));
  };
  if (pipes.stdin_pipe && ::pipe2(in, O_CLOEXEC) != 0) return fail("pipe2");
  if (pipes.stdout_pipe && ::pipe2(out, O_CLOEXEC) != 0) return fail("pipe2");
  int dev_null = -1;
  if (!pipes.stdin_pipe) {
    dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (dev_null < 0) return fail("open /dev/null");
    in[0] = dev_null;
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    // The child: async-signal-safe calls only, up to exec.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) {
      ::_exit(kExecFailed);
    }
    // The driver ignores SIGPIPE; the tool gets the default back.
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(in[0], 0) < 0) ::_exit(kExecFailed);
    if (::dup2(pipes.stdout_pipe ? out[1] : 2, 1) < 0) ::_exit(kExecFailed);
    ::execv(args[0], args.data());
    ::_exit(kExecFailed);
  }
  // The parent keeps its ends only.
  ::close(in[0]);
  if (out[1] >= 0) ::close(out[1]);
  return std::unique_ptr<ToolProcess>(
      new ToolProcess(pid, UniqueFd(in[1]), UniqueFd(out[0])));
}

StatusOr<ToolExit> ToolProcess::Run(const std::vector<std::string>& argv,
                                    const std::string& path) {
  StatusOr<std::unique_ptr<ToolProcess>> tool = Start(argv, {}, path);
  if (!tool.ok()) return tool.status();
  return (*tool)->Wait();
}

ToolProcess::~ToolProcess() {
  if (exit_.has_value()) return;
  ::kill(pid_, SIGKILL);
  Wait();
}

bool ToolProcess::Write(const std::string& text) {
  std::size_t done = 0;
  while (stdin_.valid() && done < text.size()) {
    ssize_t n = ::write(stdin_.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return stdin_.valid();
}

std::optional<std::string> ToolProcess::ReadLine() {
  while (stdout_.valid()) {
    std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char chunk[256];
    ssize_t n = ::read(stdout_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      stdout_.reset();
      break;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

ToolExit ToolProcess::Wait() {
  if (exit_.has_value()) return *exit_;
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid_, &status, 0);
  } while (got < 0 && errno == EINTR);
  // ECHILD cannot happen for our own unreaped child; count it as killed.
  exit_ = got == pid_ ? Decode(status) : ToolExit{.code = 0, .signal = SIGKILL};
  stdin_.reset();
  stdout_.reset();
  return *exit_;
}

}  // namespace lockstress::native
