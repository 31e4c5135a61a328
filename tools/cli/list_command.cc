#include "tools/cli/list_command.h"

#include <fmt/format.h>

#include "harness/scenario/scenario.h"
#include "lockstress/registry.h"

namespace lockstress::cli {
namespace {

int ListImpls(std::ostream& out) {
  out << fmt::format("{:<10} {:<9} {:<4} {:<26} {}\n", "NAME", "OWNER", "NFS",
                     "MODEL", "FEATURES");
  for (const ImplEntry& e : AllImpls()) {
    const ImplInfo& i = e.info;
    out << fmt::format("{:<10} {:<9} {:<4} {:<26} {}\n", i.name,
                       OwnershipName(i.ownership), i.nfs_safe ? "yes" : "no",
                       i.model.substr(0, 26), i.features.ToString());
  }
  return 0;
}

int ListAdapters(const AdapterPaths& paths, std::ostream& out,
                 std::ostream& err) {
  StatusOr<std::vector<ExternalAdapter>> adapters =
      LoadAdapterManifests(paths.manifests);
  if (!adapters.ok()) {
    err << "lockstress list: " << adapters.status().message() << "\n";
    return 2;
  }
  out << fmt::format("\n{:<30} {:<9} {:<9} {:<16} {}\n", "OUTSIDE ADAPTER",
                     "STATUS", "OWNER", "OUTSIDE PROMISE", "LIBRARY");
  for (const ExternalAdapter& a : *adapters) {
    bool installed = AdapterInstalled(a, paths);
    std::string promise = a.outside_promise.ToString();
    out << fmt::format(
        "{:<30} {:<9} {:<9} {:<16} {}\n", std::string(kExternalPrefix) + a.name,
        installed ? "installed" : "missing", OwnershipName(a.owner),
        promise.empty() ? "-" : promise, a.library);
    if (!installed) out << "    " << a.missing << "\n";
  }
  return 0;
}

}  // namespace

int RunList(const std::string& what, const std::string& scenarios_dir,
            const AdapterPaths& adapters, std::ostream& out,
            std::ostream& err) {
  if (what == "impls") {
    ListImpls(out);
    return ListAdapters(adapters, out, err);
  }
  if (what == "suites") {
    for (const std::string& s : ListSuites(scenarios_dir)) out << s << "\n";
    return 0;
  }
  if (what == "scenarios") {
    for (const std::string& suite : ListSuites(scenarios_dir)) {
      StatusOr<std::vector<Scenario>> all = LoadSuite(scenarios_dir, suite);
      if (!all.ok()) {
        err << "lockstress list: " << all.status().message() << "\n";
        return 2;
      }
      for (const Scenario& s : *all) {
        out << fmt::format("{:<40} {}\n", s.name, s.description);
      }
    }
    return 0;
  }
  err << fmt::format(
      "lockstress list: unknown list '{}' (known: impls, scenarios, suites)\n",
      what);
  return 2;
}

}  // namespace lockstress::cli
