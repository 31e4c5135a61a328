#include "tools/probe_fs/probe_fs_command.h"

#include <fmt/format.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tools/cli/results.h"
#include "tools/cli/run_dir.h"
#include "tools/probe_fs/fs_info.h"
#include "tools/probe_fs/probe_child.h"
#include "tools/probe_fs/verdicts.h"

namespace lockstress::probe_fs {
namespace {

// Describes one path from a child: a dead mount must not hang probe-fs.
StatusOr<FsInfo> Describe(const std::string& path, const ProbeBounds& b) {
  std::optional<std::string> line = AskChild(
      [&](ChildSide& side) {
        StatusOr<FsInfo> info = DescribeDirectory(path);
        side.Say(info.ok() ? "ok " + EncodeFsInfo(*info)
                           : "error " + info.status().ToString());
      },
      b.step);
  if (!line)
    return Status(ErrorKind::kError, path,
                  fmt::format("does not answer within {} s (a dead mount?)",
                              b.step.count()));
  if (line->rfind("ok ", 0) != 0)
    return Status(ErrorKind::kError, path, line->substr(6));
  return DecodeFsInfo(line->substr(3));
}

nlohmann::json FsJson(const FsInfo& i) {
  return {{"path", i.path},
          {"statfs_type", i.statfs_type},
          {"mount_point", i.mount_point},
          {"fs_type", i.fs_type},
          {"source", i.source},
          {"mount_options", i.mount_options}};
}

}  // namespace

int RunProbeFs(const ProbeFsOptions& o, std::ostream& out, std::ostream& err) {
  if (o.paths.empty()) {
    err << "lockstress probe-fs: give at least one directory\n";
    return 2;
  }
  // A child that died must not kill us through a write to its pipe.
  signal(SIGPIPE, SIG_IGN);
  std::vector<FsInfo> infos;
  for (const std::string& p : o.paths) {
    StatusOr<FsInfo> info = Describe(p, o.bounds);
    if (!info.ok()) {
      err << "lockstress probe-fs: " << info.status().ToString() << "\n";
      return 2;
    }
    infos.push_back(*info);
  }
  for (size_t i = 0; i < infos.size(); ++i) {
    out << fmt::format("client {}: {} on {} ({} from {}; statfs {}) [{}]\n",
                       static_cast<char>('A' + i), infos[i].path,
                       infos[i].mount_point, infos[i].fs_type, infos[i].source,
                       infos[i].statfs_type, infos[i].mount_options);
  }
  std::vector<ProbeResult> results;
  if (o.paths.size() == 1) {
    out << "one path: the probes compare two processes of this host only; "
           "give the same directory through other clients to measure "
           "coherence across clients\n";
    results = RunProbes(o.paths[0], o.paths[0], "A->A", o.bounds);
  }
  for (size_t i = 1; i < o.paths.size(); ++i) {
    std::vector<ProbeResult> pair =
        RunProbes(o.paths[0], o.paths[i],
                  fmt::format("A->{}", static_cast<char>('A' + i)), o.bounds);
    results.insert(results.end(), pair.begin(), pair.end());
  }
  std::vector<ImplVerdict> verdicts = JudgeImpls(results);

  out << fmt::format("\n{:<16} {:<8} {}\n", "PROBE", "CLIENTS", "OUTCOME");
  for (const ProbeResult& r : results)
    out << fmt::format("{:<16} {:<8} {}\n", r.probe, r.clients, r.outcome);
  out << "\nevidence:\n";
  for (const ProbeResult& r : results)
    out << fmt::format("  {} {}: {}\n", r.probe, r.clients, r.detail);
  out << fmt::format("\n{:<10} {:<7} {}\n", "IMPL", "VERDICT", "EVIDENCE");
  for (const ImplVerdict& v : verdicts)
    out << fmt::format("{:<10} {:<7} {}\n", v.impl, v.verdict, v.evidence);

  StatusOr<std::string> run_dir = cli::MakeRunDir(o.out);
  if (!run_dir.ok()) {
    err << "lockstress probe-fs: " << run_dir.status().ToString() << "\n";
    return 2;
  }
  std::string fs_line =
      fmt::format("{} ({}), mount options {}", infos[0].fs_type,
                  infos[0].statfs_type, infos[0].mount_options);
  nlohmann::json verdict_rows = nlohmann::json::array();
  for (const ImplVerdict& v : verdicts)
    verdict_rows.push_back({v.impl, v.mechanism, v.verdict, v.evidence});
  nlohmann::json probe_rows = nlohmann::json::array();
  nlohmann::json raw = nlohmann::json::array();
  for (const ProbeResult& r : results) {
    probe_rows.push_back({r.clients, r.probe, r.outcome, r.detail});
    raw.push_back({{"probe", r.probe},
                   {"clients", r.clients},
                   {"outcome", r.outcome},
                   {"detail", r.detail}});
  }
  nlohmann::json clients = nlohmann::json::array();
  for (const FsInfo& i : infos) clients.push_back(FsJson(i));
  nlohmann::json j = {
      {"version", 1},
      {"command", "probe-fs"},
      {"probe_fs",
       {{"clients", clients}, {"results", raw}, {"verdicts", verdict_rows}}},
      {"sections",
       {{{"id", "probe_fs"},
         {"title", "probe-fs verdicts: " + infos[0].path},
         {"kind", "table"},
         {"note",
          fmt::format("{} client path(s) of one directory on {}. safe: every "
                      "building block the implementation relies on works "
                      "across the clients; local: its lock is silently local "
                      "to one client; unsafe: not exclusive across clients, "
                      "or its recipe cannot work; error: it cannot take the "
                      "lock here.",
                      infos.size(), fs_line)},
         {"columns", {"impl", "mechanism", "verdict", "evidence"}},
         {"rows", verdict_rows}},
        {{"id", "probe_fs_measurements"},
         {"title", "probe-fs measurements"},
         {"kind", "table"},
         {"note",
          "Each probe acts through client A and looks through the other "
          "client, from separate processes."},
         {"columns", {"clients", "probe", "outcome", "evidence"}},
         {"rows", probe_rows}}}}};
  Status w = cli::WriteFileAtomically(
      *run_dir + "/results.json",
      j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (!w.ok()) {
    err << "lockstress probe-fs: " << w.ToString() << "\n";
    return 2;
  }
  out << "\nrun directory: " << *run_dir << "\n";
  return 0;
}

}  // namespace lockstress::probe_fs
