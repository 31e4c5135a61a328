#include "tools/probe_fs/verdicts.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "lockstress/registry.h"

namespace lockstress::probe_fs {
namespace {

// Which probe each built-in's mutual exclusion rests on (the mechanism
// column of README.md's table; impls/*.cc say the same in their essays).
// A name missing here gets "skip", never a guess.
const std::map<std::string, std::string>& ProbeOfImpl() {
  static const auto* m = new std::map<std::string, std::string>{
      {"flock", "flock"},  {"zc", "flock"},       {"zc-simple", "flock"},
      {"locket", "flock"}, {"posix", "fcntl"},    {"sqlite", "fcntl"},
      {"ofd", "ofd"},      {"rw", "ofd"},         {"link", "link"},
      {"mkdir", "mkdir"},  {"pidfile", "o_excl"}, {"lease", "link"}};
  return *m;
}

int Severity(const std::string& verdict) {
  if (verdict == "local" || verdict == "unsafe") return 3;
  if (verdict == "error") return 2;
  if (verdict == "skip") return 1;
  return 0;
}

std::string FirstWord(const std::string& s) { return s.substr(0, s.find(' ')); }

// The verdict for one client pair.
ImplVerdict JudgeOne(const std::string& impl, const std::string& probe,
                     const std::map<std::string, const ProbeResult*>& rows) {
  ImplVerdict v{impl, "", "skip", ""};
  auto it = rows.find(probe);
  if (it == rows.end()) {
    v.evidence = "probe " + probe + " did not run";
    return v;
  }
  const ProbeResult& r = *it->second;
  std::string w = FirstWord(r.outcome);
  std::string where = r.clients.empty() ? "" : " (" + r.clients + ")";
  v.evidence = fmt::format("{} {}{}: {}", probe, r.outcome, where, r.detail);
  if (w == "coherent" || w == "exclusive") {
    v.verdict = "safe";
  } else if (w == "local") {
    v.verdict = "local";
    v.evidence =
        "SILENTLY LOCAL: client B took the lock client A held, "
        "with no error. " +
        v.evidence;
  } else if (w == "not_exclusive") {
    v.verdict = "unsafe";
  } else {
    v.verdict = "error";  // unsupported, refused, sticky, hung, error
  }
  if (probe == "link" && v.verdict == "safe") {
    auto count = rows.find("link_count");
    if (count == rows.end() || count->second->outcome != "2") {
      v.verdict = "unsafe";
      v.evidence = fmt::format(
          "link(2) is exclusive, but st_nlink after it is {}: the "
          "link-count recipe (i_am_locking, recovery of a lost LINK reply) "
          "cannot work. {}",
          count == rows.end() ? "unknown" : count->second->outcome, v.evidence);
    }
  }
  if (impl == "lease" && v.verdict == "safe")
    v.evidence +=
        "; note: across hosts lease judges liveness by the heartbeat's mtime "
        "on this filesystem (docs/lease.md)";
  if (impl == "pidfile" && v.verdict == "safe")
    v.evidence += "; note: the PID in the file means nothing on another host";
  return v;
}

}  // namespace

std::vector<ImplVerdict> JudgeImpls(const std::vector<ProbeResult>& results) {
  // Rows by client pair, then by probe.
  std::map<std::string, std::map<std::string, const ProbeResult*>> pairs;
  for (const ProbeResult& r : results) pairs[r.clients][r.probe] = &r;
  std::vector<ImplVerdict> out;
  for (const ImplEntry& e : AllImpls()) {
    const std::string& name = e.info.name;
    ImplVerdict worst{name, e.info.mechanism, "skip", ""};
    if (name == "null") {
      worst.verdict = "unsafe";
      worst.evidence = "the negative control takes no lock at all";
      out.push_back(worst);
      continue;
    }
    auto probe = ProbeOfImpl().find(name);
    if (probe == ProbeOfImpl().end()) {
      worst.evidence = "no probe maps this implementation (verdicts.cc)";
      out.push_back(worst);
      continue;
    }
    bool first = true;
    for (const auto& [clients, rows] : pairs) {
      ImplVerdict v = JudgeOne(name, probe->second, rows);
      if (first || Severity(v.verdict) > Severity(worst.verdict)) {
        worst.verdict = v.verdict;
        worst.evidence = v.evidence;
      }
      first = false;
    }
    out.push_back(worst);
  }
  return out;
}

}  // namespace lockstress::probe_fs
