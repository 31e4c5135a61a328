#include "harness/orchestrator/fault_launch.h"

#include <unistd.h>

#include <map>
#include <mutex>
#include <utility>

#include "harness/launcher/ns_launch.h"

namespace lockstress {
namespace {

// NamespaceSupport forks a probe; ask each question once per process.
std::string CachedNamespaceSupport(bool pid_ns, bool uts_ns) {
  static std::mutex mu;
  static std::map<std::pair<bool, bool>, std::string> answers;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(pid_ns, uts_ns);
  auto it = answers.find(key);
  if (it == answers.end()) {
    it = answers.emplace(key, NamespaceSupport(pid_ns, uts_ns)).first;
  }
  return it->second;
}

std::vector<std::string> SeedCommand(const StalePlacement& stale,
                                     const FaultTarget& target,
                                     const std::string& lock_path) {
  std::vector<std::string> argv = target.driver_argv;
  argv.insert(argv.end(), {"--seed-stale", "--lock", lock_path, "--record",
                           stale.record, "--mtime", stale.mtime});
  if (stale.owner == "other_host") {
    argv.insert(argv.end(), {"--owner-host", kOtherHostName});
  } else if (stale.owner == "container_init") {
    argv.insert(argv.end(), {"--owner-pid", "1"});
  }
  if (stale.foreign_user) argv.push_back("--foreign-user");
  return argv;
}

}  // namespace

std::string FaultSkipReason(const FaultTables& faults,
                            const FaultTarget& target) {
  if (faults.stale && !target.seeds_stale) {
    return target.impl +
           " has no stale-state writer (ImplEntry::write_stale), so no "
           "stale lock can be seeded in its format";
  }
  if (faults.stale && faults.stale->foreign_user && geteuid() != 0) {
    return "handing the lock to another user (lchown) needs root";
  }
  if (faults.namespaces) {
    std::string why =
        CachedNamespaceSupport(faults.namespaces->pid, faults.namespaces->uts);
    if (!why.empty()) return why;
  }
  return "";
}

std::vector<std::vector<std::string>> FaultWorkerArgvs(
    const FaultTables& faults, const FaultTarget& target, int workers,
    const std::string& launcher, const std::string& lock_path) {
  std::vector<std::vector<std::string>> out;
  if (!faults.any()) return out;
  const NamespacePlacement ns =
      faults.namespaces.value_or(NamespacePlacement{});
  const bool reused = faults.stale && faults.stale->owner == "reused_pid";
  for (int w = 0; w < workers; ++w) {
    LaunchPlan plan;
    plan.pid_ns = ns.pid;
    if (ns.uts) plan.hostname = "w" + std::to_string(w) + ".lockstress.test";
    if (w == 0 && faults.stale) {
      plan.seed = SeedCommand(*faults.stale, target, lock_path);
      if (reused) plan.seed_at = ns.holder_pid;
    }
    if (w == 0 && !reused) plan.run_at = ns.holder_pid;
    // The holder's PID, alive and unrelated: after the seed in worker 0's
    // own namespace (PID reuse), and in every contender's.
    if (reused || (ns.decoy && w != 0)) plan.decoy_at = ns.holder_pid;
    plan.command = target.driver_argv;
    std::vector<std::string> argv = {launcher};
    std::vector<std::string> args = LaunchArgs(plan);
    argv.insert(argv.end(), args.begin(), args.end());
    out.push_back(std::move(argv));
  }
  return out;
}

}  // namespace lockstress
