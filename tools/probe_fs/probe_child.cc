#include "tools/probe_fs/probe_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lockstress::probe_fs {
namespace {

void WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void ChildSide::Say(const std::string& line) { WriteAll(out_, line + "\n"); }

std::string ChildSide::Hear() {
  std::string line;
  char c;
  for (;;) {
    ssize_t n = read(in_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') return line;
    line += c;
  }
}

StatusOr<ProbeChild> ProbeChild::Start(const Body& body,
                                       std::chrono::seconds bound) {
  int down[2], up[2];
  if (pipe2(down, O_CLOEXEC) != 0)
    return PosixError(ErrorKind::kError, "pipe2", "", errno);
  if (pipe2(up, O_CLOEXEC) != 0) {
    int err = errno;
    close(down[0]);
    close(down[1]);
    return PosixError(ErrorKind::kError, "pipe2", "", err);
  }
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    for (int fd : {down[0], down[1], up[0], up[1]}) close(fd);
    return PosixError(ErrorKind::kError, "fork", "", err);
  }
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    signal(SIGPIPE, SIG_IGN);
    alarm(static_cast<unsigned>(bound.count()));
    ChildSide side(down[0], up[1]);
    body(side);
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
  return ProbeChild(pid, up[0], down[1]);
}

ProbeChild::ProbeChild(ProbeChild&& other) noexcept
    : pid_(other.pid_),
      from_child_(other.from_child_),
      to_child_(other.to_child_),
      buffer_(std::move(other.buffer_)) {
  other.pid_ = -1;
  other.from_child_ = other.to_child_ = -1;
}

ProbeChild::~ProbeChild() {
  if (from_child_ >= 0) close(from_child_);
  if (to_child_ >= 0) close(to_child_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    // SIGKILL ends even a child blocked in a FUSE request (those waits are
    // killable); waitpid is therefore bounded.
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

std::optional<std::string> ProbeChild::Read(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{from_child_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    char chunk[256];
    ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void ProbeChild::Send(const std::string& line) {
  WriteAll(to_child_, line + "\n");
}

std::optional<std::string> AskChild(const ProbeChild::Body& body,
                                    std::chrono::seconds bound) {
  StatusOr<ProbeChild> child = ProbeChild::Start(body, bound);
  if (!child.ok()) return std::nullopt;
  return child->Read(bound);
}

}  // namespace lockstress::probe_fs
