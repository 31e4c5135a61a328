// lockstress-worker --impl NAME: the driver (docs/driver-protocol.md) for a
// built-in implementation. It greets on stdout, answers requests from
// stdin, and logs on stderr.
// lockstress-worker --impl NAME --stress PATH --threads T --seconds S
//   [--cs-us C] [--events FILE]: stress mode (harness/stress/stress_mode.h),
//   the loop run locally, events logged to memory and appended to FILE.
//
// Exit codes: 0 after quit or end of input; 2 for usage errors, an unknown
// or unfinished implementation (its factory makes no object), and lines it
// cannot answer.
#include <signal.h>

#include <iostream>
#include <string>
#include <string_view>

#include "harness/driver/driver_server.h"
#include "harness/stress/stress_mode.h"
#include "lockstress/registry.h"

namespace {

constexpr int kUsage = 2;

int Usage(std::string_view why) {
  std::cerr << "lockstress-worker: " << why
            << "\nusage: lockstress-worker --impl NAME [--stress PATH "
               "--threads T --seconds S [--cs-us C] [--events FILE]]\n";
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::string impl;
  bool stress = false;
  lockstress::StressOptions stress_options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--impl" && i + 1 < argc) {
      impl = argv[++i];
    } else if (arg.starts_with("--impl=")) {
      impl = std::string(arg.substr(7));
    } else if ((arg == "--stress" || arg == "--threads" || arg == "--seconds" ||
                arg == "--cs-us" || arg == "--events") &&
               i + 1 < argc) {
      std::string value = argv[++i];
      stress = stress || arg == "--stress";
      try {
        if (arg == "--stress") stress_options.path = value;
        if (arg == "--events") stress_options.events_file = value;
        if (arg == "--threads") stress_options.threads = std::stoi(value);
        if (arg == "--seconds") stress_options.seconds = std::stod(value);
        if (arg == "--cs-us") stress_options.cs_us = std::stoi(value);
      } catch (const std::exception&) {
        return Usage(std::string(arg) + " '" + value + "' is not a number");
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
  if (stress) {
    if (stress_options.threads < 1 || stress_options.threads > 1024 ||
        !(stress_options.seconds > 0) || stress_options.cs_us < 0) {
      return Usage("--threads must be 1..1024, --seconds > 0, --cs-us >= 0");
    }
    return lockstress::RunStress(*entry, stress_options, std::cout, std::cerr);
  }
  lockstress::LockFactory factory =
      [entry](const lockstress::LockOptions& options)
      -> lockstress::StatusOr<std::unique_ptr<lockstress::Lock>> {
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
