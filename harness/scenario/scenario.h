// Scenario: one TOML file in scenarios/<suite>/ (see scenarios/README.md for
// the format). Loading is strict: an unknown key, a wrong type or a bad
// value is an error "file:line: message" (the CLI exits 2).
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_SCENARIO_H_
#define LOCKSTRESS_HARNESS_SCENARIO_SCENARIO_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/crash_tables.h"
#include "harness/scenario/fault_tables.h"
#include "harness/scenario/netfs_scenario.h"
#include "harness/scenario/schedule.h"
#include "lockstress/capabilities.h"
#include "lockstress/status.h"

namespace lockstress {

// A scripted step: one op of one handle, optionally at a fixed offset.
struct ScriptedStep {
  int worker = 0;
  int handle = 0;
  PlannedOp op;
};

// A random mix, Jepsen-style, drawn per handle from the seeded PRNG.
struct OpMix {
  int ops = 0;  // rounds per handle (with stress: until the duration)
  std::vector<Timeout> timeouts{Timeout::NonBlocking()};
  std::chrono::milliseconds hold_min{1}, hold_max{10};
  std::chrono::milliseconds idle_min{0}, idle_max{5};
  // Relative weights of the round kinds.
  int acquire = 10;            // acquire, hold, (status), release
  int acquire_shared = 0;      // the same, shared
  int release_non_holder = 0;  // a release with nothing held
  int double_release = 0;      // a round whose release is repeated
  int status = 0;              // status queries while holding (per round)
  int break_lock = 0;          // break, whoever holds
};

struct Scenario {
  std::string file;
  std::string suite;  // the directory name
  std::string name;   // "<suite>/<name>"
  std::string description;
  FeatureSet required;
  int processes = 2;
  int handles = 1;
  std::vector<std::string> properties;
  std::vector<ScriptedStep> steps;
  std::optional<OpMix> mix;
  std::vector<NemesisAction> nemesis;
  NetfsScenario netfs;  // [netfs]: clients and network cuts
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds blocking_limit{8000};
  bool stress = false;  // --duration sets `duration`
  // Expected outcome per property; `expect_without[feature][property]`
  // overrides it when the implementation lacks the feature.
  std::map<std::string, std::string> expect;
  std::map<std::string, std::map<std::string, std::string>> expect_without;
  // Stale locks seeded before the run, namespaces (fault_tables.h).
  FaultTables faults;
  // [[fault]], [clock], [hostile] (crash_tables.h).
  CrashTables crash;

  // The expected outcome for an implementation with `features`
  // ("pass" when nothing is said).
  std::string Expected(const std::string& property, FeatureSet features) const;
};

StatusOr<Scenario> LoadScenario(const std::string& path);
// Every *.toml under scenarios_dir/suite, sorted by name.
StatusOr<std::vector<Scenario>> LoadSuite(const std::string& scenarios_dir,
                                          const std::string& suite);
// Suite names: the subdirectories of scenarios_dir, sorted.
std::vector<std::string> ListSuites(const std::string& scenarios_dir);

// The properties a scenario may name (results.json's vocabulary).
const std::vector<std::string>& KnownProperties();

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_SCENARIO_H_
