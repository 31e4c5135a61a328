#include "harness/orchestrator/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

namespace lockstress {

InterruptWatcher::InterruptWatcher() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Detached: it lives as long as the process (sigwait cannot be woken
  // portably otherwise); it touches only the atomic flag.
  std::thread([this, set] {
    int sig = 0;
    while (sigwait(&set, &sig) == 0) {
      if (interrupted_.exchange(true)) _exit(130);
    }
  }).detach();
}

}  // namespace lockstress
