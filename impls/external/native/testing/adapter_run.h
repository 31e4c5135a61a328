// Test helpers for the native adapters: run `bin/lockstress run --driver
// 'lockstress-native-driver --adapter NAME'` over conformance scenarios as a
// real subprocess (its own process group, a deadline, output to a file) and
// read the verdicts from results.json; tell whether an outside tool is
// installed.
//
// Thread safety: none needed; one test at a time.
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TESTING_ADAPTER_RUN_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TESTING_ADAPTER_RUN_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lockstress::native::testing {

inline constexpr std::uint64_t kSeed = 20261123;

struct AdapterRun {
  std::optional<int> exit_code;  // nullopt: killed at the deadline
  std::string output;            // stdout and stderr of lockstress
  std::optional<nlohmann::json> results;
  // "scenario property" -> status, e.g. "conformance/break_lock break_lock"
  std::map<std::string, std::string> verdicts;
  // The detail of a verdict ("" when absent).
  std::string Detail(const std::string& scenario,
                     const std::string& property) const;
  std::string Verdict(const std::string& scenario,
                      const std::string& property) const;
};

// Runs the conformance `scenarios` (file stems, e.g. "break_lock") against
// the adapter with a fixed seed; the run directory is `dir`/run.
AdapterRun RunAdapter(const std::string& dir, const std::string& adapter,
                      const std::vector<std::string>& scenarios,
                      std::uint64_t seed = kSeed);

// Empty when every path in `tools` is an executable file; else the reason
// to skip ("/usr/bin/dotlockfile is not installed (liblockfile-bin; ...)").
std::string MissingTool(const std::vector<std::string>& tools,
                        const std::string& package);

}  // namespace lockstress::native::testing

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TESTING_ADAPTER_RUN_H_
