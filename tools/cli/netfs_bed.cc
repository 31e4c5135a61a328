#include "tools/cli/netfs_bed.h"

#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace lockstress::cli {
namespace {

// Runs `testbed ARGS` under timeout(1) and returns its stdout lines.
StatusOr<std::vector<std::string>> AskTestbed(const std::string& testbed,
                                              const std::string& args) {
  std::string cmd =
      fmt::format("timeout -k 2 20 '{}' {} 2>/dev/null", testbed, args);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr)
    return Status(ErrorKind::kError, testbed, "cannot run: " + cmd);
  std::string text;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  int status = pclose(p);
  if (status != 0)
    return Status(ErrorKind::kError, testbed,
                  fmt::format("'{}' failed (is the bed running? "
                              "tools/netfs/testbed start BED)",
                              cmd));
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

StatusOr<NetfsBed> OpenNetfsBed(const std::string& testbed,
                                const std::string& name) {
  if (name != "gluster" && name != "sshfs" && name != "smb")
    return Status(ErrorKind::kError, name,
                  "--netfs must be gluster, sshfs or smb");
  StatusOr<std::vector<std::string>> roots =
      AskTestbed(testbed, "paths " + name);
  if (!roots.ok()) return roots.status();
  if (roots->empty())
    return Status(ErrorKind::kError, name, "the test bed has no clients");
  NetfsBed bed{name, *roots, {}};
  bed.base.cut_argv = {testbed, "cut", name, "{client}"};
  bed.base.cut_link_argv = {testbed, "cut", name, "{client}", "--link"};
  bed.base.heal_argv = {testbed, "heal", name, "{client}"};
  bed.base.abort_argv = {testbed, "abort", name, "{client}"};
  for (size_t c = 0; c < roots->size(); ++c) {
    StatusOr<std::vector<std::string>> anchor =
        AskTestbed(testbed, fmt::format("anchor {} {}", name, c + 1));
    if (!anchor.ok() || anchor->size() != 1) {
      bed.base.worker_prefix.push_back({});
      continue;
    }
    // No --pid: nsenter then execs the worker itself (no fork), so the
    // orchestrator's pid is the worker's and the nemesis can kill it.
    bed.base.worker_prefix.push_back({"/usr/bin/nsenter", "--target",
                                      anchor->front(), "--net", "--uts", "--"});
  }
  return bed;
}

std::string NetfsSkipReason(const std::optional<NetfsBed>& bed,
                            const Scenario& sc) {
  if (sc.netfs.clients == 0) return "";
  if (!bed)
    return "needs a network-filesystem test bed (lockstress run --netfs BED)";
  if (sc.netfs.clients > static_cast<int>(bed->roots.size()))
    return fmt::format("needs {} clients; the {} test bed has {}",
                       sc.netfs.clients, bed->name, bed->roots.size());
  return "";
}

namespace {

// After a cut, a client can take a few seconds to notice and reconnect
// (GlusterFS: ENOTCONN for ~3 s after the heal, measured). Each case
// starts only when every client answers. statfs(2) on a disconnected FUSE
// mount fails at once (ENOTCONN) rather than blocking.
Status WaitClientsAnswer(const NetfsBed& bed, std::chrono::seconds bound) {
  auto until = std::chrono::steady_clock::now() + bound;
  for (const std::string& root : bed.roots) {
    struct statfs sf;
    while (statfs(root.c_str(), &sf) != 0) {
      if (std::chrono::steady_clock::now() > until)
        return PosixError(ErrorKind::kError, "statfs", root, errno);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<NetfsCase> MakeNetfsCase(const NetfsBed& bed, const Scenario& sc) {
  if (Status s = WaitClientsAnswer(bed, std::chrono::seconds(60)); !s.ok())
    return s;
  StatusOr<std::unique_ptr<ScratchDir>> scratch =
      ScratchDir::Create(bed.roots[0], "lockstress-");
  if (!scratch.ok()) return scratch.status();
  std::string leaf =
      std::filesystem::path((*scratch)->path()).filename().string();
  NetfsCase c{std::move(*scratch), bed.base};
  size_t clients = sc.netfs.clients > 0 ? static_cast<size_t>(sc.netfs.clients)
                                        : bed.roots.size();
  for (size_t i = 0; i < clients; ++i) {
    std::string dir = bed.roots[i] + "/" + leaf;
    // A new directory can take a while to show through another client's
    // caches (sshfs with default caching: up to its dcache_timeout).
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!Exists(dir)) {
      if (std::chrono::steady_clock::now() > until)
        return Status(ErrorKind::kError, dir,
                      "the case directory did not show through client " +
                          std::to_string(i + 1) + " within 30 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    c.spec.client_dirs.push_back(dir);
  }
  c.spec.worker_prefix.resize(clients);
  c.spec.cuts = sc.netfs.cuts;
  return c;
}

nlohmann::json NetfsSection(const std::string& bed, const Results& results) {
  // impl -> scenario -> pass/fail/skip (mutual_exclusion only).
  std::map<std::string, std::map<std::string, std::string>> verdict;
  std::vector<std::string> impls, scenarios;
  for (const CheckRecord& c : results.checks) {
    if (verdict.count(c.impl) == 0) impls.push_back(c.impl);
    if (std::find(scenarios.begin(), scenarios.end(), c.scenario) ==
        scenarios.end())
      scenarios.push_back(c.scenario);
    std::string& v = verdict[c.impl][c.scenario];
    if (v.empty()) v = "skip";
    if (c.property != "mutual_exclusion") continue;
    if (c.status == "fail") v = "fail";
    if (c.status == "pass" && v == "skip") v = "pass";
  }
  nlohmann::json columns = {"impl"};
  for (const std::string& sc : scenarios) columns.push_back(bed + " " + sc);
  nlohmann::json rows = nlohmann::json::array();
  for (const std::string& impl : impls) {
    nlohmann::json row = {impl};
    for (const std::string& sc : scenarios) {
      auto it = verdict[impl].find(sc);
      row.push_back(it == verdict[impl].end() ? "skip" : it->second);
    }
    rows.push_back(row);
  }
  return {
      {"id", "netfs"},
      {"title", "Mutual exclusion per network filesystem"},
      {"kind", "table"},
      {"note",
       "Workers spread over the clients of one export (tools/netfs/testbed, "
       "bed " +
           bed +
           "); pass: no case broke mutual exclusion (the witness counter "
           "on the export and the history's intervals); fail: some case "
           "did."},
      {"columns", columns},
      {"rows", rows}};
}

}  // namespace lockstress::cli
