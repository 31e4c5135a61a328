// lockstress-broken-driver --bug NAME: a driver (docs/driver-protocol.md)
// that serves one deliberately broken lock (broken_locks.h) through the
// same DriverServer as lockstress-worker, greeting with the features of a
// correct lock so that the checkers judge it.
//
//   lockstress-broken-driver --bug check_then_create
//   lockstress-broken-driver --bug none [--impl posix]   a CORRECT built-in
//       implementation from the registry (default posix), served by this
//       same binary: the control that shows the driver itself is sound
//   lockstress-broken-driver --list                       the bugs, one a line:
//       NAME PROPERTY SCENARIO
//
// Exit codes: as lockstress-worker: 0 after quit or end of input, 2 for
// usage errors and lines it cannot answer.
#include <signal.h>

#include <iostream>
#include <string>
#include <string_view>

#include "harness/driver/driver_server.h"
#include "harness/testing/broken/broken_locks.h"
#include "lockstress/registry.h"

namespace {

constexpr int kUsage = 2;

int Usage(std::string_view why) {
  std::cerr << "lockstress-broken-driver: " << why
            << "\nusage: lockstress-broken-driver --bug NAME|none "
               "[--impl NAME] | --list\n";
  return kUsage;
}

int List() {
  for (const lockstress::broken::BrokenLock& b :
       lockstress::broken::AllBrokenLocks()) {
    std::cout << b.bug << " " << b.property << " " << b.scenario << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bug, impl = "posix";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--bug" && i + 1 < argc) {
      bug = argv[++i];
    } else if (arg == "--impl" && i + 1 < argc) {
      impl = argv[++i];
    } else if (arg == "--list") {
      return List();
    } else {
      return Usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (bug.empty()) return Usage("--bug NAME is required");
  const lockstress::ImplEntry* entry = nullptr;
  if (bug == "none") {
    entry = lockstress::FindImpl(impl);
    if (entry == nullptr) return Usage("unknown implementation '" + impl + "'");
    // Factories never touch the filesystem; a placeholder makes no object.
    if (entry->make({.path = "/nonexistent/lockstress-broken-probe"}) ==
        nullptr) {
      std::cerr << "lockstress-broken-driver: implementation '" << impl
                << "' is not available: its factory makes no lock object "
                   "(not implemented yet)\n";
      return kUsage;
    }
  } else {
    const lockstress::broken::BrokenLock* b =
        lockstress::broken::FindBrokenLock(bug);
    if (b == nullptr) {
      return Usage("unknown bug '" + bug + "' (--list names them)");
    }
    entry = &b->entry;
  }
  // A vanished reader must give EPIPE on write, not kill us silently.
  signal(SIGPIPE, SIG_IGN);
  lockstress::LockFactory factory =
      [entry](const lockstress::LockOptions& options)
      -> lockstress::StatusOr<std::unique_ptr<lockstress::Lock>> {
    std::unique_ptr<lockstress::Lock> lock = entry->make(options);
    if (lock == nullptr) {
      return lockstress::Status(lockstress::ErrorKind::kLockFailed,
                                options.path, "no lock object was made");
    }
    return lock;
  };
  lockstress::DriverServer server(entry->info, factory, /*in_fd=*/0,
                                  /*out_fd=*/1);
  return server.Serve();
}
