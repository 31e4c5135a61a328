// The `bench` section of results.json (docs/bench.md), built from the
// Google Benchmark JSON files that lockstress-bench wrote, one per
// filesystem: one row per benchmark row, the median over repetitions, with
// the spread (min..max) of its ratio to its raw row.
//
// Thread safety: a stateless function.
#ifndef LOCKSTRESS_TOOLS_CLI_BENCH_SECTION_H_
#define LOCKSTRESS_TOOLS_CLI_BENCH_SECTION_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lockstress::cli {

struct BenchFile {
  std::string filesystem;  // "tmpfs /dev/shm"
  nlohmann::json json;     // Google Benchmark's --benchmark_out
};

// {"id":"bench","title":...,"kind":"table","note":...,"columns":[...],
//  "rows":[...],"chart":{...}} (docs/report.md).
nlohmann::json BenchSection(const std::vector<BenchFile>& files);

// "contended/flock/procs:4/cs_us:10/iterations:1/manual_time" ->
// "contended/flock/procs:4/cs_us:10": Google Benchmark's own suffixes off.
std::string RowName(const std::string& run_name);

// Google Benchmark 1.7 writes a non-finite double as a bare NaN or inf
// (e.g. the cv aggregate of a counter that is 0 in every repetition: 0/0),
// which is not JSON; ValidJson turns such values into null.
std::string ValidJson(const std::string& text);

// Puts `section` into the results.json text `existing` (replacing a section
// with the same id), or makes {"version":1,"sections":[section]} when
// `existing` is empty. Errors: existing text that is not a JSON object.
std::string MergeSection(const std::string& existing,
                         const nlohmann::json& section);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_BENCH_SECTION_H_
