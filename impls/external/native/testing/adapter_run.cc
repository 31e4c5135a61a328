#include "impls/external/native/testing/adapter_run.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace lockstress::native::testing {
namespace {

// Generous: sanitizer builds are slow and the machine is shared.
constexpr std::chrono::seconds kRunDeadline{240};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Key(const std::string& scenario, const std::string& property) {
  return scenario + " " + property;
}

// Waits for `pid` until the deadline (pidfd + poll); true when it ended.
bool WaitUntil(pid_t pid, std::chrono::steady_clock::time_point until) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return false;
  bool ended = false;
  while (!ended) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    struct pollfd p = {pidfd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) ended = true;
  }
  ::close(pidfd);
  return ended;
}

}  // namespace

std::string AdapterRun::Verdict(const std::string& scenario,
                                const std::string& property) const {
  auto it = verdicts.find(Key(scenario, property));
  return it == verdicts.end() ? "absent" : it->second;
}

std::string AdapterRun::Detail(const std::string& scenario,
                               const std::string& property) const {
  if (!results.has_value() || results->is_discarded()) return "";
  for (const auto& c : results->value("checks", nlohmann::json::array())) {
    if (c.value("scenario", "") == scenario &&
        c.value("property", "") == property) {
      return c.value("detail", "");
    }
  }
  return "";
}

AdapterRun RunAdapter(const std::string& dir, const std::string& adapter,
                      const std::vector<std::string>& scenarios,
                      std::uint64_t seed) {
  AdapterRun run;
  std::vector<std::string> argv_s = {
      LOCKSTRESS_CLI,
      "run",
      "--driver",
      "'" + std::string(LOCKSTRESS_NATIVE_DRIVER) + "' --adapter " + adapter,
      "--out",
      dir + "/run",
      "--dir",
      dir,
      "--seed",
      std::to_string(seed)};
  for (const std::string& s : scenarios) {
    argv_s.push_back("--scenario");
    argv_s.push_back(std::string(LOCKSTRESS_SOURCE_DIR) +
                     "/scenarios/conformance/" + s + ".toml");
  }
  std::string log = dir + "/cli.log";
  int log_fd =
      ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(log_fd, 0) << log;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, LOCKSTRESS_CLI, &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(log_fd);
  EXPECT_EQ(rc, 0) << "posix_spawn " << LOCKSTRESS_CLI;
  if (rc != 0) return run;
  bool ended = WaitUntil(pid, std::chrono::steady_clock::now() + kRunDeadline);
  if (!ended) ::kill(-pid, SIGKILL);  // the CLI and anything it left
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (ended && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (ended && WIFSIGNALED(status)) run.exit_code = 128 + WTERMSIG(status);
  run.output = ReadFile(log);
  std::string text = ReadFile(dir + "/run/results.json");
  if (!text.empty()) {
    run.results =
        nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!run.results->is_discarded()) {
      for (const auto& c :
           run.results->value("checks", nlohmann::json::array())) {
        run.verdicts[Key(c.value("scenario", ""), c.value("property", ""))] =
            c.value("status", "");
      }
    }
  }
  return run;
}

std::string MissingTool(const std::vector<std::string>& tools,
                        const std::string& package) {
  for (const std::string& t : tools) {
    if (::access(t.c_str(), X_OK) != 0) {
      return t + " is not installed (Debian package " + package +
             "; tools/bootstrap --libs)";
    }
  }
  return "";
}

}  // namespace lockstress::native::testing
