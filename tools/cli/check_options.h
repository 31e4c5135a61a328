// The checkers' tolerances (CheckOptions, harness/checkers/checker.h) as
// command-line options of `run` and `check`, and as the "check_options"
// object of results.json, so that `check` of a stored run judges it with
// the tolerances it was run with.
//
//   --timeout-late MS        0..3600000
//   --nonblocking-prompt MS  1..3600000
//   --starvation-bound MS    1..3600000
//   --recovery-bound MS      1..3600000
//
// Thread safety: values and stateless functions.
#ifndef LOCKSTRESS_TOOLS_CLI_CHECK_OPTIONS_H_
#define LOCKSTRESS_TOOLS_CLI_CHECK_OPTIONS_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/checkers/checker.h"
#include "lockstress/status.h"

namespace lockstress::cli {

// The options as given on the command line (unparsed; absent: not given).
struct CheckOptionFlags {
  std::optional<std::string> timeout_late;
  std::optional<std::string> nonblocking_prompt;
  std::optional<std::string> starvation_bound;
  std::optional<std::string> recovery_bound;
};

// `base` with the given flags applied. A value that is not a whole number
// of milliseconds in range is an error naming the option.
StatusOr<CheckOptions> ApplyCheckOptionFlags(const CheckOptionFlags& flags,
                                             CheckOptions base);

// {"timeout_early_ms":0,"timeout_late_ms":1000,...}
nlohmann::json CheckOptionsToJson(const CheckOptions& options);
// Missing fields keep their defaults; a wrong type or range is an error.
StatusOr<CheckOptions> CheckOptionsFromJson(const nlohmann::json& j);

// What one implementation is judged with: the recovery bound is never
// shorter than the implementation's declared stale_bound (docs/checkers.md).
CheckOptions ForImplementation(CheckOptions options,
                               std::chrono::milliseconds stale_bound);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_CHECK_OPTIONS_H_
