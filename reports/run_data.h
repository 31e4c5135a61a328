// The report's data: a run directory's results.json, checked, with every
// history it names turned into a timeline (timeline.h) and chart numbers
// (case_stats.h). The page (report.js) draws only from this.
//
//   {"results": "<run dir>/results.json", "seed": N, "check_options": {...},
//    "environment": {...} | null, "sections": [...],
//    "checks": [{impl, scenario, property, status, detail, evidence,
//                negative_control, outside_promise, case}, ...],
//    "cases": [{"impl", "scenario", "history", "negative_control",
//               "timeline": {...}, "stats": {...}}, ...]}
//
// A check's history is its "history" field, or for older runs the case's
// entry in run.json. Every history is read once, streaming (memory grows
// with the timeline kept, not with the history).
//
// Errors (exit 2 for the command) name the file and line for bad JSON and
// the JSON path for bad fields: "results.json: checks[3].status: ...".
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_REPORTS_RUN_DATA_H_
#define LOCKSTRESS_REPORTS_RUN_DATA_H_

#include <nlohmann/json.hpp>
#include <string>

#include "lockstress/status.h"
#include "reports/timeline.h"

namespace lockstress::report {

// The parsed file; a syntax error names path:line.
StatusOr<nlohmann::json> ReadJsonFile(const std::string& path);

StatusOr<nlohmann::json> LoadRunData(const std::string& run_dir,
                                     const TimelineLimits& limits = {});

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_RUN_DATA_H_
