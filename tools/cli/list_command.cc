#include "tools/cli/list_command.h"

#include <fmt/format.h>

#include "lockstress/registry.h"

namespace lockstress::cli {

int RunList(const std::string& what, std::ostream& out, std::ostream& err) {
  if (what != "impls") {
    err << fmt::format("lockstress list: unknown list '{}' (known: impls)\n",
                       what);
    return 2;
  }
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

}  // namespace lockstress::cli
