// lockstress-ns-launch: runs a worker in its own PID / UTS namespace, with
// chosen PIDs, after seeding a stale lock; see harness/launcher/ns_launch.h.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "harness/launcher/ns_launch.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  lockstress::StatusOr<lockstress::LaunchPlan> plan =
      lockstress::ParseLaunchArgs(args);
  if (!plan.ok()) {
    std::cerr << "lockstress-ns-launch: " << plan.status().message()
              << "\nusage: lockstress-ns-launch [--pid-ns] [--hostname NAME] "
                 "[--seed-at PID] [--decoy-at PID] [--run-at PID] "
                 "[--seed CMD ARG...] -- CMD ARG...\n";
    return 2;
  }
  int code = lockstress::RunLaunch(*plan);
  // _exit, not return: after unshare(CLONE_NEWPID) our children go into the
  // new PID namespace, and once its init has died nothing more can be
  // created there (fork fails with ENOMEM, pid_namespaces(7)); exit-time
  // hooks that fork (LeakSanitizer's tracer) would fail.
  std::cout.flush();
  std::cerr.flush();
  _exit(code);
}
