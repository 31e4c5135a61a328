#include "harness/orchestrator/netfs_run.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "harness/protocol/protocol.h"

extern char** environ;

namespace lockstress {

int NetfsRunSpec::ClientOf(int worker) const {
  if (client_dirs.empty()) return -1;
  return worker % static_cast<int>(client_dirs.size());
}

std::string NetfsRunSpec::DirOf(int worker, const std::string& test_dir) const {
  return active() ? client_dirs[static_cast<size_t>(ClientOf(worker))]
                  : test_dir;
}

std::vector<std::string> NetfsRunSpec::WorkerArgv(
    int worker, const std::vector<std::string>& driver) const {
  if (!active()) return driver;
  size_t c = static_cast<size_t>(ClientOf(worker));
  std::vector<std::string> argv =
      c < worker_prefix.size() ? worker_prefix[c] : std::vector<std::string>{};
  argv.insert(argv.end(), driver.begin(), driver.end());
  return argv;
}

std::vector<std::string> ForClient(const std::vector<std::string>& argv,
                                   int client) {
  std::vector<std::string> out;
  for (std::string a : argv) {
    size_t at = a.find("{client}");
    if (at != std::string::npos) a.replace(at, 8, std::to_string(client + 1));
    out.push_back(a);
  }
  return out;
}

std::string RunBounded(const std::vector<std::string>& argv,
                       std::chrono::seconds bound, bool* timed_out) {
  if (argv.empty()) return "no command";
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return fmt::format("cannot start {}: {}", argv[0], strerror(rc));
  auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return "waitpid failed";
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (timed_out != nullptr) *timed_out = true;
      return fmt::format("{} took more than {} s (killed)", argv[0],
                         bound.count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  return fmt::format("{} failed (status {})", argv[0], status);
}

void PlayNetCuts(
    const NetfsRunSpec& spec, std::chrono::steady_clock::time_point start,
    const std::function<int(const NetCut&, std::size_t)>& pick,
    const std::function<bool(std::chrono::steady_clock::time_point)>&
        sleep_until,
    const std::function<void(Event)>& record) {
  constexpr std::chrono::seconds kCommandBound{20};
  for (std::size_t i = 0; i < spec.cuts.size(); ++i) {
    const NetCut& cut = spec.cuts[i];
    if (!sleep_until(start + cut.at)) return;
    Event e{.type = Event::Type::kNemesis, .worker = -1, .op = "cut"};
    e.t0 = protocol::MonotonicNanos();
    int worker = pick(cut, i);
    e.target = worker;
    if (worker < 0) {
      e.outcome = Outcome::kErr;
      e.kind = ErrorKind::kError;
      e.message = "no worker to act on";
      e.t1 = protocol::MonotonicNanos();
      record(std::move(e));
      continue;
    }
    int client = spec.ClientOf(worker);
    e.arg = fmt::format("client {}", client + 1);
    std::string failed = RunBounded(
        ForClient(cut.link_down ? spec.cut_link_argv : spec.cut_argv, client),
        kCommandBound);
    e.t1 = protocol::MonotonicNanos();
    e.message = cut.link_down ? "link down" : "nftables drop";
    if (!failed.empty()) {
      e.outcome = Outcome::kErr;
      e.kind = ErrorKind::kError;
      e.message = failed;
    }
    record(e);
    // Heal even when the run is stopped: never leave a client cut off.
    sleep_until(std::chrono::steady_clock::now() + cut.duration);
    Event heal = e;
    heal.op = "heal";
    heal.t0 = protocol::MonotonicNanos();
    failed = RunBounded(ForClient(spec.heal_argv, client), kCommandBound);
    heal.t1 = protocol::MonotonicNanos();
    heal.outcome = failed.empty() ? Outcome::kOk : Outcome::kErr;
    heal.kind = failed.empty() ? ErrorKind::kOk : ErrorKind::kError;
    heal.message = failed.empty() ? "healed" : failed;
    record(heal);
    // The client must answer again; stat(1) runs in its own process, so a
    // hung mount blocks only that process (killed at the bound).
    bool hung = false;
    RunBounded({"stat", "-f", spec.client_dirs[static_cast<size_t>(client)]},
               std::chrono::seconds(30), &hung);
    if (hung && !spec.abort_argv.empty()) {
      Event abort = heal;
      abort.op = "abort";
      abort.t0 = protocol::MonotonicNanos();
      failed = RunBounded(ForClient(spec.abort_argv, client), kCommandBound);
      abort.t1 = protocol::MonotonicNanos();
      abort.message = failed.empty()
                          ? "no answer 30 s after the heal: FUSE connection "
                            "aborted"
                          : failed;
      record(std::move(abort));
    }
  }
}

}  // namespace lockstress
