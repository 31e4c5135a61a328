// Results of a run: one record per (implementation, scenario, property),
// written as results.json {"version":1,"seed":N,"checks":[...]} and, on
// request, as JUnit XML; and the summary table printed at the end.
//
// Thread safety: values and stateless functions.
#ifndef LOCKSTRESS_TOOLS_CLI_RESULTS_H_
#define LOCKSTRESS_TOOLS_CLI_RESULTS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "lockstress/status.h"

namespace lockstress::cli {

struct CheckRecord {
  std::string impl;
  std::string scenario;
  std::string property;
  std::string status;  // pass, fail, skip
  std::string detail;
};

struct Results {
  std::uint64_t seed = 0;
  std::vector<CheckRecord> checks;
  bool any_failed() const;
};

std::string ResultsToJson(const Results& results);
std::string ResultsToJunit(const Results& results);
// Writes beside and renames over (a reader never sees half a file).
Status WriteFileAtomically(const std::string& path, const std::string& text);
// IMPL  PASS FAIL SKIP, then one line per failure.
void PrintSummary(const Results& results, std::ostream& out);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_RESULTS_H_
