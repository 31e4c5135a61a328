// The [netfs] table of a scenario (scenarios/netfs/): how many clients of
// one exported directory the workers are spread over, and network cuts
// played by the nemesis. Parsed here, hooked into scenario.cc in one line.
//
//   [netfs]
//   clients = 2                # worker w works through client w % clients
//   [[netfs.cut]]
//   at_ms = 300                # when
//   target = "holder"          # holder | waiter | worker (then worker = N):
//   worker = 0                 #   the client of that worker is cut
//   duration_ms = 50000        # then healed
//   how = "drop"               # drop (nftables drop in the client's
//                              # namespace) | link (its link down)
//
// Thread safety: values.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_NETFS_SCENARIO_H_
#define LOCKSTRESS_HARNESS_SCENARIO_NETFS_SCENARIO_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/schedule.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace lockstress {

struct NetCut {
  NemesisAction::Target target = NemesisAction::Target::kHolder;
  int worker = 0;  // with kWorker
  std::chrono::milliseconds at{0};
  std::chrono::milliseconds duration{0};
  bool link_down = false;  // false: nftables drop
  friend bool operator==(const NetCut&, const NetCut&) = default;
};

struct NetfsScenario {
  int clients = 0;  // 0: no [netfs] table
  std::vector<NetCut> cuts;
  friend bool operator==(const NetfsScenario&, const NetfsScenario&) = default;
};

struct NetfsTableError {
  std::int64_t line;
  std::string message;
};

// Reads root's [netfs] table (if any) into *out; `processes` bounds
// `worker`. An unknown key or bad value is an error naming its line.
std::optional<NetfsTableError> LoadNetfsTable(const toml::table& root,
                                              int processes,
                                              NetfsScenario* out);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_NETFS_SCENARIO_H_
