// `lockstress report RUN_DIR`: renders a run directory into RUN_DIR/
// index.html, one self-contained page (no network requests: every script and
// style is inline, and the page's Content-Security-Policy forbids fetching
// anything). `lockstress run` calls WriteReport at its end.
//
//   lockstress report RUN_DIR
//   lockstress report --synthetic-ops N RUN_DIR   a synthetic run of N ops
//                                                 written there first
//
// Exit codes: 0 written, 2 bad input (a missing directory, a malformed
// results.json or history line: the message names file:line) — then
// nothing is written (the page goes to a temporary file renamed over
// index.html).
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_REPORTS_REPORT_H_
#define LOCKSTRESS_REPORTS_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "lockstress/status.h"
#include "reports/timeline.h"

namespace lockstress::report {

// Writes RUN_DIR/index.html; returns its path.
StatusOr<std::string> WriteReport(const std::string& run_dir,
                                  const TimelineLimits& limits = {});

struct ReportOptions {
  std::string run_dir;
  std::optional<std::size_t> synthetic_ops;
  std::uint64_t seed = 1;
  std::vector<std::string> argv;  // for the synthetic run's environment
};

int RunReport(const ReportOptions& options, std::ostream& out,
              std::ostream& err);

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_REPORT_H_
