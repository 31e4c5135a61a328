// lockstress-worker --impl NAME: the driver (docs/driver-protocol.md) for a
// built-in implementation. It greets on stdout, answers requests from
// stdin, and logs on stderr.
// lockstress-worker --impl NAME --stress PATH --threads T --seconds S
//   [--cs-us C] [--events FILE]: stress mode (harness/stress/stress_mode.h),
//   the loop run locally, events logged to memory and appended to FILE.
//
// lockstress-worker --impl NAME --seed-stale --lock PATH [--owner-pid N]
//     [--owner-host NAME] [--record owner|empty|truncated|garbage]
//     [--mtime now|future|past] [--foreign-user]
// leaves a dead holder's lock at PATH in NAME's own format and exits 0
// (harness/worker/stale_seeding.h): this process is the dead holder.
//
// --fault SPEC (repeatable; also LOCKSTRESS_FAULTS, specs joined by ';')
// arms failpoints, errnos and clock faults (harness/faults/fault_spec.h).
//
// Exit codes: 0 after quit or end of input; 2 for usage errors, an unknown
// or unfinished implementation (its factory makes no object), and lines it
// cannot answer.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "harness/driver/driver_server.h"
#include "harness/faults/fault_os.h"
#include "harness/stress/stress_mode.h"
#include "harness/worker/stale_seeding.h"
#include "lockstress/registry.h"

namespace {

constexpr int kUsage = 2;

int Usage(std::string_view why) {
  std::cerr << "lockstress-worker: " << why
            << "\nusage: lockstress-worker --impl NAME [--fault SPEC]... "
               "[--seed-stale --lock PATH [--owner-pid N] [--owner-host NAME] "
               "[--record R] [--mtime M] [--foreign-user]] [--stress PATH "
               "--threads T --seconds S [--cs-us C] [--events FILE]]\n";
  return kUsage;
}

// The holder must die holding: _exit, so that nothing is released or
// destroyed on the way out (stale_state.h).
[[noreturn]] void SeedStale(const lockstress::ImplEntry& entry,
                            const lockstress::StaleSeeding& seeding) {
  lockstress::Status s = lockstress::SeedStaleLock(entry, seeding);
  if (!s.ok()) {
    std::cerr << "lockstress-worker: --seed-stale: " << s.Describe() << "\n";
    std::cerr.flush();
    _exit(kUsage);
  }
  std::cerr.flush();
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string impl;
  bool seed = false;
  lockstress::StaleSeeding seeding;
  lockstress::FaultPlan faults;
  if (const char* env = std::getenv("LOCKSTRESS_FAULTS")) {
    if (lockstress::Status s = lockstress::AddSpecs(faults, env); !s.ok()) {
      return Usage("LOCKSTRESS_FAULTS: " + s.message());
    }
  }
  bool stress = false;
  lockstress::StressOptions stress_options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--impl" && has_value) {
      impl = argv[++i];
    } else if (arg == "--seed-stale") {
      seed = true;
    } else if (arg == "--lock" && has_value) {
      seeding.seed.path = argv[++i];
    } else if (arg == "--owner-pid" && has_value) {
      std::string v = argv[++i];
      char* end = nullptr;
      long pid = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || pid < 1 || pid > 4194304) {
        return Usage("--owner-pid must be a PID, not '" + v + "'");
      }
      seeding.seed.owner_pid = static_cast<pid_t>(pid);
    } else if (arg == "--owner-host" && has_value) {
      seeding.seed.owner_host = argv[++i];
    } else if (arg == "--record" && has_value) {
      std::string v = argv[++i];
      auto r = lockstress::ParseStaleRecord(v);
      if (!r)
        return Usage(
            "--record must be owner, empty, truncated or "
            "garbage, not '" +
            v + "'");
      seeding.seed.record = *r;
    } else if (arg == "--mtime" && has_value) {
      seeding.mtime = argv[++i];
    } else if (arg == "--foreign-user") {
      seeding.foreign_user = true;
    } else if (arg == "--fault" && has_value) {
      if (lockstress::Status s = faults.Add(argv[++i]); !s.ok()) {
        return Usage(s.message());
      }
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
  if (seed && seeding.seed.path.empty()) {
    return Usage("--seed-stale needs --lock PATH");
  }
  if (!seed && !seeding.seed.path.empty()) {
    return Usage("--lock is for --seed-stale");
  }
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
  if (seed) SeedStale(*entry, seeding);
  // A vanished reader must give EPIPE on write, not kill us silently.
  signal(SIGPIPE, SIG_IGN);
  if (stress) {
    if (stress_options.threads < 1 || stress_options.threads > 1024 ||
        !(stress_options.seconds > 0) || stress_options.cs_us < 0) {
      return Usage("--threads must be 1..1024, --seconds > 0, --cs-us >= 0");
    }
    return lockstress::RunStress(*entry, stress_options, std::cout, std::cerr);
  }
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
