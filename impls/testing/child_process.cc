#include "impls/testing/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <utility>

namespace lockstress::testing {
namespace {

constexpr std::string_view kChildFlag = "--lockstress-child=";

std::map<std::string, ChildRoleFn>& Roles() {
  static auto* roles = new std::map<std::string, ChildRoleFn>();
  return *roles;
}

// Reads from fd into buffer until a newline or the deadline. Returns the
// line without its newline.
std::optional<std::string> ReadLineFrom(int fd, std::string& buffer,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    size_t nl = buffer.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    struct pollfd pfd = {fd, POLLIN, 0};
    int r = poll(&pfd, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    char chunk[512];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace

ChildRoleRegistrar::ChildRoleRegistrar(const char* name, ChildRoleFn fn) {
  Roles()[name] = fn;
}

std::optional<int> MaybeRunChildRole(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  std::string_view flag = argv[1];
  if (flag.substr(0, kChildFlag.size()) != kChildFlag) return std::nullopt;
  std::string role(flag.substr(kChildFlag.size()));
  auto it = Roles().find(role);
  if (it == Roles().end()) {
    std::fprintf(stderr, "unknown child role '%s'\n", role.c_str());
    return kChildBadUsage;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  return it->second(args);
}

void ChildSay(std::string_view line) {
  std::string out(line);
  out += '\n';
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t n = write(STDOUT_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::_Exit(kChildNoParent);
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::optional<std::string> ChildReadLine(std::chrono::milliseconds timeout) {
  static std::string buffer;
  return ReadLineFrom(STDIN_FILENO, buffer, timeout);
}

ChildProcess ChildProcess::Start(std::string_view role,
                                 const std::vector<std::string>& args) {
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::abort();
  }
  std::string flag = std::string(kChildFlag) + std::string(role);
  std::vector<char*> argv;
  static char self[] = "/proc/self/exe";
  argv.push_back(self);
  argv.push_back(flag.data());
  std::vector<std::string> copies(args);
  for (std::string& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::abort();
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(kChildNoParent);
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  return ChildProcess(pid, to_child[1], from_child[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      to_child_(std::exchange(other.to_child_, -1)),
      from_child_(std::exchange(other.from_child_, -1)),
      buffer_(std::move(other.buffer_)),
      exit_code_(other.exit_code_) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
}

std::optional<std::string> ChildProcess::ReadLine(
    std::chrono::milliseconds timeout) {
  return ReadLineFrom(from_child_, buffer_, timeout);
}

bool ChildProcess::WriteLine(std::string_view line) {
  std::string out(line);
  out += '\n';
  // A write to a dead child must not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  return write(to_child_, out.data(), out.size()) ==
         static_cast<ssize_t>(out.size());
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // Bounded polling of waitpid: pidfd would avoid it, but this is a test
    // helper and the bound is the handshake deadline.
    usleep(static_cast<useconds_t>(pause.count()));
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
}

void ChildProcess::Kill(int signal_number) {
  if (pid_ > 0 && !exit_code_) kill(pid_, signal_number);
}

}  // namespace lockstress::testing
