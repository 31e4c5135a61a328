#include "harness/launcher/ns_launch.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace lockstress {
namespace {

constexpr int kSetupFailed = 2;
constexpr pid_t kMaxPid = 4194304;  // PID_MAX_LIMIT on 64-bit Linux
constexpr char kNsLastPid[] = "/proc/sys/kernel/ns_last_pid";

[[noreturn]] void Die(const std::string& what, int err) {
  std::string line = "lockstress-ns-launch: " + what;
  if (err != 0) line += ": " + std::string(std::strerror(err));
  line += "\n";
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
  _exit(kSetupFailed);
}

// Dies with its parent; exits at once if the parent is already gone.
// `parent` as this process sees it: a new PID namespace's init sees its
// parent (outside the namespace) as PID 0 (getppid(2)).
void DieWithParent(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(kSetupFailed);
}

// The next fork in this PID namespace gets `pid` (if free).
void NextPidIs(pid_t pid) {
  int fd = open(kNsLastPid, O_WRONLY | O_CLOEXEC);
  if (fd < 0) Die(std::string("open ") + kNsLastPid, errno);
  std::string text = std::to_string(pid - 1);
  if (write(fd, text.data(), text.size()) !=
      static_cast<ssize_t>(text.size())) {
    Die(std::string("write ") + kNsLastPid, errno);
  }
  close(fd);
}

// Forks (at `at` when non-zero); the child runs `child` and never returns.
template <typename Child>
pid_t ForkAt(pid_t at, const char* what, Child child) {
  if (at > 0) NextPidIs(at);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) Die(std::string("fork ") + what, errno);
  if (pid == 0) {
    DieWithParent(parent);
    child();
  }
  if (at > 0 && pid != at) {
    kill(pid, SIGKILL);
    Die(std::string(what) + " got PID " + std::to_string(pid) + ", not " +
            std::to_string(at) + " (is the PID taken?)",
        0);
  }
  return pid;
}

[[noreturn]] void Exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  Die("exec " + argv[0], errno);
}

int ExitCodeOf(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) Die("waitpid", errno);
  }
  return ExitCodeOf(status);
}

// The namespace's init: set up, seed, decoy, command.
[[noreturn]] void Init(const LaunchPlan& plan) {
  if (plan.pid_ns) {
    // Our own /proc, without touching the host's: make every mount private
    // to our mount namespace first (mount_namespaces(7)).
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      Die("mount --make-rprivate /", errno);
    }
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              nullptr) != 0) {
      Die("mount proc /proc", errno);
    }
  }
  if (!plan.hostname.empty() &&
      sethostname(plan.hostname.c_str(), plan.hostname.size()) != 0) {
    Die("sethostname " + plan.hostname, errno);
  }
  if (!plan.seed.empty()) {
    pid_t seed =
        ForkAt(plan.seed_at, "the seed command", [&] { Exec(plan.seed); });
    int code = Reap(seed);
    if (code != 0) {
      Die("the seed command exited " + std::to_string(code), 0);
    }
  }
  pid_t decoy = 0;
  if (plan.decoy_at > 0) {
    decoy = ForkAt(plan.decoy_at, "the decoy", [] {
      // An unrelated live process: sleeps until killed.
      while (true) pause();
    });
  }
  pid_t command =
      ForkAt(plan.run_at, "the command", [&] { Exec(plan.command); });
  int code = Reap(command);
  if (decoy > 0) {
    kill(decoy, SIGKILL);
    Reap(decoy);
  }
  _exit(code);
}

StatusOr<pid_t> ParsePid(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  // PID 1 is init's; a chosen PID must be above it.
  if (v.empty() || *end != '\0' || n < 2 || n >= kMaxPid) {
    return Status(ErrorKind::kError, "",
                  flag + " must be a PID in [2, " + std::to_string(kMaxPid) +
                      "), not '" + v + "'");
  }
  return static_cast<pid_t>(n);
}

}  // namespace

StatusOr<LaunchPlan> ParseLaunchArgs(const std::vector<std::string>& args) {
  LaunchPlan plan;
  std::size_t i = 0;
  auto bad = [](const std::string& why) {
    return Status(ErrorKind::kError, "", why);
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool has_value = i + 1 < args.size();
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--pid-ns") {
      plan.pid_ns = true;
    } else if (a == "--hostname" && has_value) {
      plan.hostname = args[++i];
      if (plan.hostname.empty() || plan.hostname.size() > 64) {
        return bad("--hostname must be 1..64 characters");
      }
    } else if ((a == "--seed-at" || a == "--decoy-at" || a == "--run-at") &&
               has_value) {
      StatusOr<pid_t> pid = ParsePid(a, args[++i]);
      if (!pid.ok()) return pid.status();
      (a == "--seed-at"    ? plan.seed_at
       : a == "--decoy-at" ? plan.decoy_at
                           : plan.run_at) = *pid;
    } else if (a == "--seed") {
      for (++i; i < args.size() && args[i] != "--"; ++i) {
        plan.seed.push_back(args[i]);
      }
      if (plan.seed.empty()) return bad("--seed needs a command");
      --i;  // the loop's `--` ends the options
    } else {
      return bad("unknown argument '" + a + "'");
    }
  }
  plan.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i),
                      args.end());
  if (plan.command.empty()) return bad("no command after --");
  if (!plan.pid_ns &&
      (plan.seed_at > 0 || plan.decoy_at > 0 || plan.run_at > 0)) {
    return bad("--seed-at, --decoy-at and --run-at need --pid-ns");
  }
  if (plan.decoy_at > 0 && plan.decoy_at == plan.run_at) {
    return bad("the decoy and the command cannot have the same PID");
  }
  return plan;
}

std::vector<std::string> LaunchArgs(const LaunchPlan& plan) {
  std::vector<std::string> out;
  if (plan.pid_ns) out.push_back("--pid-ns");
  if (!plan.hostname.empty())
    out.insert(out.end(), {"--hostname", plan.hostname});
  auto pid = [&](const char* flag, pid_t p) {
    if (p > 0) out.insert(out.end(), {flag, std::to_string(p)});
  };
  pid("--seed-at", plan.seed_at);
  pid("--decoy-at", plan.decoy_at);
  pid("--run-at", plan.run_at);
  if (!plan.seed.empty()) {
    out.push_back("--seed");
    out.insert(out.end(), plan.seed.begin(), plan.seed.end());
  }
  out.push_back("--");
  out.insert(out.end(), plan.command.begin(), plan.command.end());
  return out;
}

int RunLaunch(const LaunchPlan& plan) {
  int flags = 0;
  if (plan.pid_ns) flags |= CLONE_NEWPID | CLONE_NEWNS;
  if (!plan.hostname.empty()) flags |= CLONE_NEWUTS;
  if (flags != 0 && unshare(flags) != 0) Die("unshare", errno);
  pid_t self = getpid();
  pid_t init = fork();
  if (init < 0) Die("fork", errno);
  if (init == 0) {
    DieWithParent(plan.pid_ns ? 0 : self);
    Init(plan);
  }
  return Reap(init);
}

std::string NamespaceSupport(bool pid_ns, bool uts_ns) {
  int flags =
      (pid_ns ? CLONE_NEWPID | CLONE_NEWNS : 0) | (uts_ns ? CLONE_NEWUTS : 0);
  if (flags == 0) return "";
  pid_t child = fork();
  if (child < 0) return std::string("fork: ") + std::strerror(errno);
  if (child == 0) {
    if (unshare(flags) != 0) _exit(errno & 0xff);
    if (pid_ns && access(kNsLastPid, W_OK) != 0) _exit(254);
    _exit(0);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  if (code == 0) return "";
  if (code == 254) {
    return std::string("cannot write ") + kNsLastPid +
           " (choosing PIDs needs CAP_SYS_ADMIN)";
  }
  return std::string("cannot create ") + (pid_ns ? "PID " : "") +
         (pid_ns && uts_ns ? "and " : "") + (uts_ns ? "UTS " : "") +
         "namespaces: unshare: " + std::strerror(code) +
         " (needs root or CAP_SYS_ADMIN)";
}

}  // namespace lockstress
