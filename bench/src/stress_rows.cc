// Rows for the harness's stress mode (harness/stress/stress_mode.h):
// `procs` lockstress-worker processes in stress mode, each with `threads`
// threads, bare or recording events. The recorded row's ratio to the bare
// row is 1 - the recording overhead; the event files are checked for
// overlapping holders; the workers report their RSS after the first second
// and at the end.
#include "bench/src/stress_rows.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/stress/stress_mode.h"

extern char** environ;

namespace lockstress::bench {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "key=value" out of the summary line; -1 when missing.
double Field(const std::string& line, const std::string& key) {
  size_t at = line.find(" " + key + "=");
  if (at == std::string::npos) return -1;
  return std::atof(line.c_str() + at + key.size() + 2);
}

}  // namespace

StatusOr<StressResult> RunStressWorkers(const StressSpec& spec,
                                        const std::string& dir) {
  std::vector<pid_t> pids;
  std::string lock = dir + "/bench.lock";
  for (int i = 0; i < spec.procs; ++i) {
    std::vector<std::string> args = {spec.worker,
                                     "--impl",
                                     spec.impl,
                                     "--stress",
                                     lock,
                                     "--threads",
                                     std::to_string(spec.threads),
                                     "--seconds",
                                     std::to_string(spec.seconds)};
    if (spec.cs_us > 0)
      args.insert(args.end(), {"--cs-us", std::to_string(spec.cs_us)});
    if (spec.record) {
      args.insert(args.end(),
                  {"--events", dir + "/events-" + std::to_string(i)});
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string out = dir + "/out-" + std::to_string(i);
    std::string err = dir + "/err-" + std::to_string(i);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      for (pid_t p : pids) kill(p, SIGKILL);
      for (pid_t p : pids) waitpid(p, nullptr, 0);
      return Status(ErrorKind::kError, spec.worker, "cannot start",
                    "posix_spawn", rc);
    }
    pids.push_back(pid);
  }
  // Bound: the run's length plus 60 s, then every worker is killed.
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration<double>(spec.seconds + 60);
  std::vector<int> codes(pids.size(), -1);
  size_t done = 0;
  while (done < pids.size()) {
    for (size_t i = 0; i < pids.size(); ++i) {
      int status = 0;
      if (codes[i] == -1 && waitpid(pids[i], &status, WNOHANG) > 0) {
        codes[i] =
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ++done;
      }
    }
    if (done == pids.size()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      for (size_t i = 0; i < pids.size(); ++i) {
        if (codes[i] == -1) kill(pids[i], SIGKILL);
      }
      for (size_t i = 0; i < pids.size(); ++i) {
        if (codes[i] == -1) waitpid(pids[i], nullptr, 0);
      }
      return Status(
          ErrorKind::kError, dir,
          "stress workers still running 60 s after their end: killed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  StressResult r;
  std::vector<StressEvent> events;
  for (size_t i = 0; i < pids.size(); ++i) {
    std::string line = Slurp(dir + "/out-" + std::to_string(i));
    if (codes[i] != 0 || line.rfind("stress ", 0) != 0) {
      return Status(ErrorKind::kError, dir,
                    "stress worker " + std::to_string(i) + " exit " +
                        std::to_string(codes[i]) + ": " + line + " " +
                        Slurp(dir + "/err-" + std::to_string(i)));
    }
    r.ops += static_cast<std::uint64_t>(Field(line, "ops"));
    r.seconds = std::max(r.seconds, Field(line, "seconds"));
    r.events += static_cast<std::uint64_t>(Field(line, "events"));
    r.rss_start_kb = std::max(r.rss_start_kb, Field(line, "rss_start_kb"));
    r.rss_end_kb = std::max(r.rss_end_kb, Field(line, "rss_end_kb"));
    if (spec.record) {
      StatusOr<std::vector<StressEvent>> e =
          ReadStressEvents(dir + "/events-" + std::to_string(i));
      if (!e.ok()) return e.status();
      events.insert(events.end(), e->begin(), e->end());
    }
  }
  r.overlaps = CountOverlaps(std::move(events));
  return r;
}

}  // namespace lockstress::bench
