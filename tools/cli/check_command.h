// Judging histories: the checkers (harness/checkers/checker.h) applied to
// one history for the properties a scenario names, and `lockstress check
// RUN_DIR`, which judges a stored run again from its run.json and
// histories without starting anything.
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_TOOLS_CLI_CHECK_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_CHECK_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "harness/checkers/checker.h"
#include "lockstress/history.h"
#include "tools/cli/check_options.h"
#include "tools/cli/results.h"

namespace lockstress::cli {

std::vector<CheckRecord> CheckHistory(
    const History& history, const std::string& impl,
    const std::string& scenario, const std::vector<std::string>& properties,
    const CheckOptions& options);

// Judges with the tolerances stored in the run's results.json (defaults
// when absent), overridden by `flags`.
// Exit code: 0 all pass/skip, 1 a fail, 2 an unreadable run directory or a
// bad option.
int RunCheck(const std::string& run_dir, const CheckOptionFlags& flags,
             std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_CHECK_COMMAND_H_
