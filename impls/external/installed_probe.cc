// AdapterInstalled: runs a manifest's `available` command, bounded.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "impls/external/adapter_registry.h"

extern char** environ;

namespace lockstress {

bool AdapterInstalled(const ExternalAdapter& adapter, const AdapterPaths& paths,
                      std::chrono::milliseconds bound) {
  std::vector<std::string> argv = ExpandPlaceholders(adapter.available, paths);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    posix_spawn_file_actions_addopen(
        &actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0);
  }
  pid_t pid = -1;
  // posix_spawnp: `available` may name a program on PATH (e.g. "flock").
  int err =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return false;  // no such program: not installed
  auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  // Bounded: polled every 5 ms until the deadline, then killed and reaped.
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace lockstress
