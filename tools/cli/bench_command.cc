#include "tools/cli/bench_command.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lockstress/registry.h"
#include "reports/report.h"
#include "tools/cli/bench_section.h"
#include "tools/cli/results.h"
#include "tools/cli/run_dir.h"

extern char** environ;

namespace lockstress::cli {
namespace {

namespace fs = std::filesystem;

struct Target {
  std::string label;  // file name: tmpfs, disk, dir
  std::string dir;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsTmpfs(const std::string& dir) {
  struct statfs st {};
  // linux/magic.h: TMPFS_MAGIC
  return statfs(dir.c_str(), &st) == 0 &&
         static_cast<unsigned long>(st.f_type) == 0x01021994UL;
}

// A fresh directory under `parent`, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& parent) {
    std::string tmpl = parent + "/lockstress-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs argv to completion with a deadline; the child is killed when the
// deadline passes or an interrupt comes. Returns the exit code, 128+signal
// when killed, nullopt when it could not start.
std::optional<int> RunChild(const std::vector<std::string>& args,
                            std::chrono::seconds limit,
                            const InterruptWatcher& interrupt,
                            std::string* why) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    *why = fmt::format("cannot start {}: {}", args[0], strerror(rc));
    return std::nullopt;
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto deadline = std::chrono::steady_clock::now() + limit;
  bool killed = false;
  for (;;) {
    pollfd p{.fd = pidfd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, 100) == 1) break;
    if (interrupt.interrupted()) {
      *why = "interrupted";
      killed = true;
    } else if (std::chrono::steady_clock::now() > deadline) {
      *why = fmt::format("still running after {} s: killed", limit.count());
      killed = true;
    }
    if (killed) {
      kill(pid, SIGKILL);
      break;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (pidfd >= 0) close(pidfd);
  if (killed) return 128 + SIGKILL;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int RunBench(const BenchOptions& o, const InterruptWatcher& interrupt,
             std::ostream& out, std::ostream& err) {
  // Everything that can be checked before anything is made.
  std::error_code ec;
  if (!o.dir.empty() && (!fs::is_directory(o.dir, ec) ||
                         access(o.dir.c_str(), W_OK | X_OK) != 0)) {
    err << fmt::format(
        "lockstress bench: --dir '{}' is not a writable directory\n", o.dir);
    return 2;
  }
  for (const std::string& name : o.impls) {
    if (name != "all" && FindImpl(name) == nullptr) {
      err << "lockstress bench: "
          << MakeLock(name, LockOptions{}).status().ToString() << "\n";
      return 2;
    }
  }
  if (o.repetitions && *o.repetitions < 1) {
    err << "lockstress bench: --repetitions must be at least 1\n";
    return 2;
  }
  std::vector<Target> targets;
  if (o.quick) {
    targets.push_back(o.dir.empty() ? Target{"tmpfs", "/dev/shm"}
                                    : Target{"dir", o.dir});
  } else {
    targets.push_back({"tmpfs", "/dev/shm"});
    targets.push_back({"disk", "/var/tmp"});
    if (!o.dir.empty()) targets.push_back({"dir", o.dir});
  }
  for (const Target& t : targets) {
    if (t.label == "tmpfs" && !IsTmpfs(t.dir)) {
      err << "lockstress bench: /dev/shm is not tmpfs on this machine; "
             "name a tmpfs directory with --dir\n";
      return 2;
    }
  }

  bool fresh = o.out.empty() || !fs::exists(o.out);
  StatusOr<std::string> run_dir = MakeRunDir(o.out);
  if (!run_dir.ok()) {
    err << "lockstress bench: " << run_dir.status().ToString() << "\n";
    return 2;
  }
  std::vector<BenchFile> files;  // what has been measured so far
  // A fresh run directory is removed on failure while it holds nothing
  // measured; once a filesystem is done it stays.
  auto give_up = [&](const std::string& why) {
    err << "lockstress bench: " << why << "\n";
    if (fresh && files.empty()) fs::remove_all(*run_dir, ec);
    return 2;
  };
  fs::create_directories(*run_dir + "/bench", ec);
  if (ec) return give_up(*run_dir + "/bench: " + ec.message());

  // Repetitions are whole passes of lockstress-bench, one after the other:
  // every pass measures each row next to its raw row under the same load,
  // and the spread across passes is the spread of the ratios. (Google
  // Benchmark 1.7's own random interleaving aborts in ComputeStats when
  // repetitions settle on different iteration counts.)
  const int passes = o.repetitions.value_or(o.quick ? 1 : 3);
  for (const Target& t : targets) {
    for (int pass = 1; pass <= passes; ++pass) {
      ScratchDir scratch(t.dir);
      if (scratch.path().empty()) {
        return give_up("cannot make a directory in " + t.dir);
      }
      std::string json_path =
          passes == 1
              ? fmt::format("{}/bench/{}.json", *run_dir, t.label)
              : fmt::format("{}/bench/{}-{}.json", *run_dir, t.label, pass);
      std::vector<std::string> args = {o.bench_binary, "--dir", scratch.path(),
                                       "--benchmark_out=" + json_path,
                                       "--benchmark_out_format=json"};
      if (o.quick) args.push_back("--quick");
      std::string impls;
      for (const std::string& i : o.impls) {
        impls += (impls.empty() ? "" : ",") + i;
      }
      if (!impls.empty()) args.insert(args.end(), {"--impl", impls});
      for (const std::string& d : o.drivers) {
        args.insert(args.end(), {"--driver", d});
      }
      if (!o.filter.empty()) args.push_back("--benchmark_filter=" + o.filter);
      out << fmt::format("lockstress bench: {} ({}), pass {} of {}\n", t.label,
                         t.dir, pass, passes);
      out.flush();
      std::string why;
      std::optional<int> code =
          RunChild(args, std::chrono::seconds(o.quick ? 300 : 4 * 3600),
                   interrupt, &why);
      if (!code) return give_up(why);
      if (*code != 0) {
        return give_up(fmt::format("lockstress-bench on {} failed (exit {}){}",
                                   t.dir, *code,
                                   why.empty() ? "" : ": " + why));
      }
      std::string text = ValidJson(ReadAll(json_path));
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        err << "lockstress bench: " << json_path
            << ": not the JSON lockstress-bench writes\n";
        return 2;  // the run directory stays: it holds what was measured
      }
      if (Status w = WriteFileAtomically(json_path, text); !w.ok()) {
        err << "lockstress bench: " << w.ToString() << "\n";
        return 2;
      }
      std::string fs_type = j.value("context", nlohmann::json::object())
                                .value("lockstress_fs_type", "unknown");
      files.push_back({fmt::format("{} {}", fs_type, t.dir), std::move(j)});
    }
  }

  std::string results = *run_dir + "/results.json";
  std::string merged;
  try {
    merged = MergeSection(fs::exists(results) ? ReadAll(results) : "",
                          BenchSection(files));
  } catch (const std::exception& e) {
    return give_up(results + ": " + e.what());
  }
  Status s = WriteFileAtomically(results, merged);
  if (!s.ok()) return give_up(s.ToString());
  // The report shows the bench section (and any checks already there).
  StatusOr<std::string> page = report::WriteReport(*run_dir);
  if (!page.ok()) return give_up("the report: " + page.status().message());
  out << fmt::format("lockstress bench: wrote {}, {}/bench/ and {}\n", results,
                     *run_dir, *page);
  return 0;
}

}  // namespace lockstress::cli
