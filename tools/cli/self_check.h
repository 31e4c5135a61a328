// The implementations' self-check: a quick smoke test of every built-in
// implementation, run by `lockstress run` until the harness replaces it.
// Each check really takes the lock and really contends for it, from a forked
// process and (with `threads`) from a second thread.
#ifndef LOCKSTRESS_TOOLS_CLI_SELF_CHECK_H_
#define LOCKSTRESS_TOOLS_CLI_SELF_CHECK_H_

#include <ostream>
#include <string>
#include <vector>

namespace lockstress::cli {

struct SelfCheckRow {
  std::string impl;
  std::string cross_process;  // "pass", "FAIL: ...", or "-" (not declared)
  std::string cross_thread;
  std::string timeout;
  std::string release_errors;
  bool ok() const;
};

// Runs the self-check of `impl` in a fresh directory under `dir`.
SelfCheckRow SelfCheck(const std::string& impl, const std::string& dir);

// Runs every implementation, prints a table; returns the exit code (0 when
// every implementation passed except the null lock, which must fail).
int RunSelfCheck(const std::string& dir, std::ostream& out);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_SELF_CHECK_H_
