// `lockstress list [impls|scenarios|suites]`.
#ifndef LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_

#include <ostream>
#include <string>

namespace lockstress::cli {

// Returns the exit code (2 for an unknown list).
int RunList(const std::string& what, const std::string& scenarios_dir,
            std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
