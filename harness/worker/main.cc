// lockstress-worker --impl NAME [--fault SPEC]...: the driver
// (docs/driver-protocol.md) for a built-in implementation. It greets on
// stdout, answers requests from stdin, and logs on stderr.
//
// --fault SPEC (repeatable) and the environment variable LOCKSTRESS_FAULTS
// (specs separated by ';') arm faults (harness/faults/fault_spec.h:
// failpoint crashes, pauses and errnos, failing system calls, clock skew and
// jumps, coarse mtimes); every lock object then goes through a FaultOs.
//
// Exit codes: 0 after quit or end of input; 2 for usage errors, an unknown
// or unfinished implementation (its factory makes no object), and lines it
// cannot answer.
#include <signal.h>
#include <stdlib.h>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "harness/driver/driver_server.h"
#include "harness/faults/fault_os.h"
#include "lockstress/registry.h"

namespace {

constexpr int kUsage = 2;

int Usage(std::string_view why) {
  std::cerr << "lockstress-worker: " << why
            << "\nusage: lockstress-worker --impl NAME [--fault SPEC]...\n";
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::string impl;
  lockstress::FaultPlan faults;
  if (const char* env = getenv("LOCKSTRESS_FAULTS")) {
    if (lockstress::Status s = lockstress::AddSpecs(faults, env); !s.ok()) {
      return Usage("LOCKSTRESS_FAULTS: " + s.message());
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--impl" && i + 1 < argc) {
      impl = argv[++i];
    } else if (arg.starts_with("--impl=")) {
      impl = std::string(arg.substr(7));
    } else if (arg == "--fault" && i + 1 < argc) {
      if (lockstress::Status s = faults.Add(argv[++i]); !s.ok()) {
        return Usage(s.message());
      }
    } else {
      return Usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (impl.empty()) return Usage("--impl NAME is required");
  const lockstress::ImplEntry* entry = lockstress::FindImpl(impl);
  if (entry == nullptr) {
    return Usage("unknown implementation '" + impl +
                 "' (lockstress list impls names them)");
  }
  // Factories never touch the filesystem, so a probe object is harmless; a
  // placeholder implementation makes none.
  if (entry->make({.path = "/nonexistent/lockstress-worker-probe"}) ==
      nullptr) {
    std::cerr << "lockstress-worker: implementation '" << impl
              << "' is not available: its factory makes no lock object "
                 "(not implemented yet)\n";
    return kUsage;
  }
  // A vanished reader must give EPIPE on write, not kill us silently.
  signal(SIGPIPE, SIG_IGN);
  // Lives until exit: lock objects made by the server point at it.
  std::unique_ptr<lockstress::FaultOs> fault_os;
  if (!faults.empty()) {
    fault_os = std::make_unique<lockstress::FaultOs>(&lockstress::Os::Default(),
                                                     faults);
    for (const std::string& spec : faults.ToSpecs()) {
      std::cerr << "lockstress-worker: armed " << spec << "\n";
    }
  }
  lockstress::LockFactory factory =
      [entry, os = fault_os.get()](lockstress::LockOptions options)
      -> lockstress::StatusOr<std::unique_ptr<lockstress::Lock>> {
    if (os != nullptr) options.os = os;
    std::unique_ptr<lockstress::Lock> lock = entry->make(options);
    if (lock == nullptr) {
      return lockstress::Status(lockstress::ErrorKind::kLockFailed,
                                options.path,
                                "the implementation made no lock object");
    }
    return lock;
  };
  lockstress::DriverServer server(entry->info, factory, /*in_fd=*/0,
                                  /*out_fd=*/1);
  return server.Serve();
}
