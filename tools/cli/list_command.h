// `lockstress list [impls|scenarios|suites]`.
#ifndef LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_

#include <ostream>
#include <string>

#include "impls/external/adapter_registry.h"

namespace lockstress::cli {

// Returns the exit code (2 for an unknown list).
// `impls` lists the built-ins, then every outside adapter's manifest
// (external:NAME) as installed or missing (with its reason); a bad manifest
// is an error (file:line, exit 2).
int RunList(const std::string& what, const std::string& scenarios_dir,
            const AdapterPaths& adapters, std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
