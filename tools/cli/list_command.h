// `lockstress list`: what is available, as a table.
#ifndef LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
#define LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_

#include <ostream>
#include <string>

namespace lockstress::cli {

// what: "impls" (the default), or later "scenarios" / "suites".
// Returns the exit code.
int RunList(const std::string& what, std::ostream& out, std::ostream& err);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_LIST_COMMAND_H_
