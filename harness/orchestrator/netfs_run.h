// A run over a network filesystem (scenarios/netfs/, `lockstress run
// --netfs BED`): the case directory seen through several clients of one
// export, the worker -> client mapping, and the network cuts the nemesis
// plays. scenario_runner.cc calls in here through a small hook.
//
// The cut/heal/abort commands come from the test bed (tools/netfs/testbed
// cut BED N ...); "{client}" in them becomes the 1-based client number.
// Every command runs with a bound and is killed past it.
//
// Platform facts: every client lives on this machine, so all share this
// kernel's CLOCK_MONOTONIC and the history's clock witness stays valid
// across clients. A cut client's blocked FUSE requests are woken by the
// heal (GlusterFS reconnects) or, failing that, by the abort command
// (/sys/fs/fuse/connections/N/abort), which the heal runs when asked to.
//
// Thread safety: NetfsRunSpec is an immutable value; PlayNetCuts runs on one
// thread.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_NETFS_RUN_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_NETFS_RUN_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "harness/scenario/netfs_scenario.h"
#include "lockstress/history.h"

namespace lockstress {

struct NetfsRunSpec {
  // The case directory through each client; empty: not a netfs run.
  std::vector<std::string> client_dirs;
  std::vector<NetCut> cuts;
  std::vector<std::string> cut_argv, cut_link_argv, heal_argv;
  // Aborts the client's FUSE connection: run when the client's directory
  // still does not answer 30 s after the heal (a request that would hang
  // the harness); may be empty.
  std::vector<std::string> abort_argv;
  // Per client: argv prefix that runs a worker on that client's host
  // (its network and UTS namespaces); may be empty.
  std::vector<std::vector<std::string>> worker_prefix;

  bool active() const { return !client_dirs.empty(); }
  int ClientOf(int worker) const;
  // The directory worker w locks in (test_dir when not a netfs run).
  std::string DirOf(int worker, const std::string& test_dir) const;
  std::vector<std::string> WorkerArgv(
      int worker, const std::vector<std::string>& driver) const;
};

// argv with "{client}" replaced by client + 1.
std::vector<std::string> ForClient(const std::vector<std::string>& argv,
                                   int client);

// Runs argv (stdout/stderr to /dev/null) and waits at most `bound`: "" on
// exit 0, else what went wrong. Kills it past the bound (and then sets
// *timed_out when given).
std::string RunBounded(const std::vector<std::string>& argv,
                       std::chrono::seconds bound, bool* timed_out = nullptr);

// Plays spec.cuts: at each cut's offset, picks the worker (pick(cut,
// index), -1 for none), cuts its client, records a nemesis event "cut",
// waits the duration (or until the run stops), heals, records "heal". A
// heal always follows a cut, even when the run is stopped. When the client
// does not answer 30 s after the heal, its FUSE connection is aborted
// (event "abort"): blocked requests then fail instead of hanging the run.
void PlayNetCuts(
    const NetfsRunSpec& spec, std::chrono::steady_clock::time_point start,
    const std::function<int(const NetCut&, std::size_t)>& pick,
    const std::function<bool(std::chrono::steady_clock::time_point)>&
        sleep_until,
    const std::function<void(Event)>& record);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_NETFS_RUN_H_
