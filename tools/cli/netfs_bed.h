// `lockstress run --netfs BED`: runs the cases in a running network
// filesystem test bed (tools/netfs/testbed start BED), with the workers
// spread over its clients (harness/orchestrator/netfs_run.h).
//
// The bed is asked through the testbed script, each call bounded: `paths`
// (each client's view of the export), `anchor` (the client host's process,
// whose network and UTS namespaces a worker joins, so that each client is
// a host with its own hostname), and the cut/heal commands.
//
// Thread safety: values; functions run on the CLI's main thread.
#ifndef LOCKSTRESS_TOOLS_CLI_NETFS_BED_H_
#define LOCKSTRESS_TOOLS_CLI_NETFS_BED_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/orchestrator/netfs_run.h"
#include "harness/orchestrator/scratch_dir.h"
#include "harness/scenario/scenario.h"
#include "lockstress/status.h"
#include "tools/cli/results.h"

namespace lockstress::cli {

struct NetfsBed {
  std::string name;                // gluster, sshfs, smb
  std::vector<std::string> roots;  // the export through each client
  NetfsRunSpec base;               // commands and worker prefixes
};

// Asks the testbed script (path `testbed`) about the running bed `name`.
StatusOr<NetfsBed> OpenNetfsBed(const std::string& testbed,
                                const std::string& name);

// One case's directory on the export: made through client 1, seen through
// every client (a bounded wait), removed on destruction.
struct NetfsCase {
  std::unique_ptr<ScratchDir> scratch;
  NetfsRunSpec spec;
};

// "" when the scenario can run (on the bed, if any), else why not (a skip
// reason): a scenario with a [netfs] table needs a bed with enough clients.
std::string NetfsSkipReason(const std::optional<NetfsBed>& bed,
                            const Scenario& scenario);
StatusOr<NetfsCase> MakeNetfsCase(const NetfsBed& bed,
                                  const Scenario& scenario);

// The `netfs` section of results.json (a table the report renders): one
// row per implementation, its mutual_exclusion verdict on this bed (fail
// when any case failed it, pass when one passed and none failed, else skip).
nlohmann::json NetfsSection(const std::string& bed, const Results& results);

}  // namespace lockstress::cli

#endif  // LOCKSTRESS_TOOLS_CLI_NETFS_BED_H_
