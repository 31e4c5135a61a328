// The Python driver's protocol side (impls/external/python/driver.py) on
// bad input: a malformed request with a readable seq is answered `err
// Error`, an undeclared feature `Unsupported`, and a line without a
// readable seq (or an unknown adapter) ends the driver with status 2.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

const char kPython[] = "/usr/bin/python3";

std::string DriverPath() {
  return std::string(LOCKSTRESS_SOURCE_DIR) +
         "/impls/external/python/driver.py";
}

// The driver with pipes on stdin/stdout; killed and reaped on destruction.
class Driver {
 public:
  explicit Driver(const std::string& adapter) {
    int in[2], out[2];
    EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<std::string> args = {kPython, DriverPath(), adapter};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, kPython, &fa, nullptr, argv.data(), environ),
              0);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Driver() {
    if (to_ >= 0) close(to_);
    close(from_);
    if (!code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void Send(const std::string& line) {
    std::string s = line + "\n";
    EXPECT_EQ(write(to_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  // One line, or "" at end of output or after a 30 s hang bound.
  std::string Line() {
    for (;;) {
      std::size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      pollfd p{.fd = from_, .events = POLLIN, .revents = 0};
      if (poll(&p, 1, 30000) != 1) return "";
      char chunk[4096];
      ssize_t n = read(from_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // The exit status (bounded: killed after 30 s).
  int Wait() {
    for (int i = 0; i < 3000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        return *code_;
      }
      usleep(10000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buffer_;
  std::optional<int> code_;
};

// "<seq> err <t0> <t1> <Kind> ..." -> Kind; "ok" for an ok reply.
std::string KindOf(const std::string& reply) {
  std::vector<std::string> f;
  std::size_t at = 0;
  for (int i = 0; i < 5 && at != std::string::npos; ++i) {
    std::size_t sp = reply.find(' ', at);
    f.push_back(reply.substr(at, sp == std::string::npos ? sp : sp - at));
    at = sp == std::string::npos ? sp : sp + 1;
  }
  if (f.size() >= 2 && f[1] == "ok") return "ok";
  return f.size() >= 5 ? f[4] : "?";
}

bool LockfileInstalled() {
  return system("/usr/bin/python3 -c 'import lockfile' 2>/dev/null") == 0;
}

TEST(PythonDriver, AnswersBadRequestsAndExits2WithoutASeq) {
  if (!LockfileInstalled()) GTEST_SKIP() << "python3-lockfile is not installed";
  testing::TempDir dir;
  Driver d("lockfile.link");
  EXPECT_EQ(d.Line().rfind("lockstress-driver 1 py-lockfile-link ", 0), 0u);
  d.Send("1 open h0 " + dir.File("lock"));
  EXPECT_EQ(KindOf(d.Line()), "ok");
  const std::pair<std::string, std::string> cases[] = {
      {"2 acquire h0 soon", "Error"},  // bad timeout
      {"3 open h1", "Error"},          // no path
      {"4  acquire h0 0", "Error"},    // an empty field
      {"5 frob h0", "Error"},          // unknown request
      {"6 release nothere", "Error"},  // a handle that is not open
      {"7 open h0 /tmp/x", "Error"},   // a second open
      {"8 acquire_shared h0 0", "Unsupported"},
      {"9 acquire h0 0", "ok"},
      {"10 release h0", "ok"},
      {"11 release h0", "NotLocked"},
  };
  for (const auto& [request, kind] : cases) {
    d.Send(request);
    std::string reply = d.Line();
    EXPECT_EQ(KindOf(reply), kind) << request << " -> " << reply;
    EXPECT_EQ(reply.substr(0, reply.find(' ')),
              request.substr(0, request.find(' ')));
  }
  d.Send("twelve quit");
  EXPECT_EQ(d.Line(), "");
  EXPECT_EQ(d.Wait(), 2);
}

TEST(PythonDriver, QuitExits0AndUnknownAdapterExits2) {
  if (!LockfileInstalled()) GTEST_SKIP() << "python3-lockfile is not installed";
  Driver good("lockfile.mkdir");
  EXPECT_NE(good.Line(), "");
  good.Send("1 quit");
  EXPECT_EQ(KindOf(good.Line()), "ok");
  EXPECT_EQ(good.Wait(), 0);
  Driver bad("no.such.adapter");
  EXPECT_EQ(bad.Line(), "");
  EXPECT_EQ(bad.Wait(), 2);
}

}  // namespace
}  // namespace lockstress
