// The run directory: --out DIR when given, else
// ./lockstress-runs/<timestamp>/ with `latest` pointing at it. Shared by
// `run` and `probe-fs`.
#ifndef LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_
#define LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_

#include <string>

#include "lockstress/status.h"

namespace lockstress::cli {

// Creates it and returns its absolute path.
StatusOr<std::string> MakeRunDir(const std::string& out);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_
