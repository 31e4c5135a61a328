// The faults suite's scenario tables (scenarios/faults/, docs/faults.md),
// parsed here and hooked into the loader (scenario.cc) by one call:
//
//   in_default_run = true      # top level: also run by the default
//                              # `lockstress run` (cheap scenarios only)
//   [stale]                    # seed a dead holder's lock before the run
//   owner = "dead_pid"         # dead_pid | reused_pid | other_host |
//                              # container_init
//   record = "owner"           # owner | empty | truncated | garbage
//   mtime = "now"              # now | future | past
//   foreign_user = false       # owned by nobody, 0644, in a sticky 1777 dir
//
//   [namespaces]               # workers as if in containers / on hosts
//   pid = false                # each worker in its own PID namespace
//   uts = false                # each worker on its own host name
//   holder_pid = 0             # worker 0's PID inside its namespace
//   decoy = false              # every other worker's namespace has an
//                              # unrelated live process at holder_pid
//
// Owners: dead_pid is the seeding process itself (it exits: its PID is
// dead); reused_pid is the same, seeded in worker 0's PID namespace at
// holder_pid, after which a decoy takes that PID in every worker's
// namespace (PID reuse; needs pid = true and holder_pid); other_host
// records the host name "elsewhere.lockstress.test"; container_init records
// PID 1 (alive everywhere, and some other container's init).
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_FAULT_TABLES_H_
#define LOCKSTRESS_HARNESS_SCENARIO_FAULT_TABLES_H_

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>

namespace lockstress {

struct StalePlacement {
  std::string owner = "dead_pid";
  std::string record = "owner";
  std::string mtime = "now";
  bool foreign_user = false;
};

struct NamespacePlacement {
  bool pid = false;
  bool uts = false;
  int holder_pid = 0;
  bool decoy = false;
};

struct FaultTables {
  bool in_default_run = false;
  std::optional<StalePlacement> stale;
  std::optional<NamespacePlacement> namespaces;

  bool any() const { return stale.has_value() || namespaces.has_value(); }
  // "stale dead_pid record=owner mtime=now; pid namespaces" for histories.
  std::string Describe() const;
};

// The host name an other_host owner records.
inline constexpr char kOtherHostName[] = "elsewhere.lockstress.test";

struct FaultTableError {
  std::int64_t line;
  std::string message;
};

// Reads in_default_run, [stale] and [namespaces] from a scenario's root
// table; the loader lists those keys as known.
std::optional<FaultTableError> LoadFaultTables(const toml::table& root,
                                               FaultTables& out);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_FAULT_TABLES_H_
