// Results of a run: one record per (implementation, scenario, property),
// written as results.json {"version":1,"seed":N,"check_options":{...},
// "checks":[...]} and, on
// request, as JUnit XML; and the summary table printed at the end.
//
// The negative control: `null` run as part of `all` (not named by itself)
// is expected to fail. Its records keep their real statuses and carry
// negative_control; the run passes when the control is caught (it failed
// mutual_exclusion somewhere) and fails when it is NOT CAUGHT.
//
// Outside the promise: a check of an outside adapter whose scenario needs a
// feature the library does not promise (its manifest's outside_promise,
// e.g. `threads`) carries outside_promise. Its fail is a finding — "unsafe
// for this use (outside the library's promise)" — reported in the summary,
// in results.json and as a JUnit <system-out>, but it does not fail the run:
// the exit status judges each library against its own contract.
//
// Thread safety: values and stateless functions.
#ifndef LOCKSTRESS_TOOLS_CLI_RESULTS_H_
#define LOCKSTRESS_TOOLS_CLI_RESULTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "harness/checkers/checker.h"
#include "lockstress/status.h"

namespace lockstress::cli {

struct CheckRecord {
  std::string impl;
  std::string scenario;
  std::string property;
  std::string status;  // pass, fail, skip
  std::string detail;
  bool negative_control = false;  // expected to fail mutual_exclusion
  bool outside_promise = false;   // the scenario needs an unpromised feature
  // A fail that counts against the implementation's own contract.
  bool violation() const {
    return status == "fail" && !negative_control && !outside_promise;
  }
  // A fail's evidence (indices into the history's events) and the history,
  // relative to the run directory (the report draws them).
  std::vector<std::size_t> evidence;
  std::string history;
};

// The built-in that is the negative control (impls/null_lock.cc).
inline constexpr const char* kNegativeControl = "null";

struct Results {
  std::uint64_t seed = 0;
  CheckOptions options;  // the tolerances given (before per-impl stale bounds)
  std::vector<CheckRecord> checks;
  // The machine and command line (reports/environment.h); null when unknown.
  nlohmann::json environment;
  // Extra tables (docs: results.json "sections"), in order; may be empty.
  nlohmann::json sections = nlohmann::json::array();
  // A fail of an implementation that is not the negative control, in a
  // check inside the implementation's promise.
  bool any_failed() const;
  // Negative controls that did not fail mutual_exclusion.
  std::vector<std::string> controls_not_caught() const;
  // 0 when nothing but the negative control failed and every control was
  // caught; 1 otherwise.
  int ExitCode() const;
};

std::string ResultsToJson(const Results& results);
std::string ResultsToJunit(const Results& results);
// Writes beside and renames over (a reader never sees half a file).
Status WriteFileAtomically(const std::string& path, const std::string& text);
// IMPL  PASS FAIL SKIP, then one line per failure.
void PrintSummary(const Results& results, std::ostream& out);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_RESULTS_H_
