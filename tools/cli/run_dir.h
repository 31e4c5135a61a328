// The run directory of a command: --out when given (made if missing), else
// ./lockstress-runs/<timestamp>/ with the `latest` link moved onto it.
//
// Thread safety: a function of the filesystem; call from one thread.
#ifndef LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_
#define LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_

#include <string>

#include "lockstress/status.h"

namespace lockstress::cli {

// Creates it and returns its absolute path.
StatusOr<std::string> MakeRunDir(const std::string& out);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_RUN_DIR_H_
