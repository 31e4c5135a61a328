#include "harness/scenario/netfs_scenario.h"

#include <toml++/toml.h>

#include <initializer_list>
#include <set>
#include <string_view>

#include "harness/scenario/toml_reader.h"

namespace lockstress {
namespace {

struct Bad {
  std::int64_t line;
  std::string message;
};

using toml_reader::LineOf;

void OnlyKeys(const toml::table& t,
              std::initializer_list<std::string_view> keys) {
  toml_reader::OnlyKeys<Bad>(t, keys, "netfs.");
}

std::int64_t Int(const toml::table& t, std::string_view key, std::int64_t dflt,
                 std::int64_t lo, std::int64_t hi) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return dflt;
  std::optional<std::int64_t> v = n->value_exact<std::int64_t>();
  if (!v || *v < lo || *v > hi)
    throw Bad{LineOf(*n), "netfs: " + std::string(key) +
                              " must be an integer in [" + std::to_string(lo) +
                              ", " + std::to_string(hi) + "]"};
  return *v;
}

std::string Word(const toml::table& t, std::string_view key,
                 const std::string& dflt,
                 const std::set<std::string>& allowed) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return dflt;
  std::optional<std::string> v = n->value_exact<std::string>();
  if (!v || allowed.count(*v) == 0) {
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw Bad{LineOf(*n),
              "netfs: " + std::string(key) + " must be one of " + list};
  }
  return *v;
}

void Load(const toml::table& root, int processes, NetfsScenario* out) {
  const toml::node* node = root.get("netfs");
  if (node == nullptr) return;
  const toml::table* t = node->as_table();
  if (t == nullptr) throw Bad{LineOf(*node), "netfs must be a table"};
  OnlyKeys(*t, {"clients", "cut"});
  out->clients = static_cast<int>(Int(*t, "clients", 2, 1, 9));
  const toml::node* cuts = t->get("cut");
  if (cuts == nullptr) return;
  const toml::array* a = cuts->as_array();
  if (a == nullptr) throw Bad{LineOf(*cuts), "netfs.cut must be [[netfs.cut]]"};
  for (const toml::node& e : *a) {
    const toml::table* c = e.as_table();
    if (c == nullptr) throw Bad{LineOf(e), "netfs.cut must be a table"};
    OnlyKeys(*c, {"at_ms", "target", "worker", "duration_ms", "how"});
    NetCut cut;
    cut.at = std::chrono::milliseconds(Int(*c, "at_ms", 0, 0, 3600000));
    cut.duration =
        std::chrono::milliseconds(Int(*c, "duration_ms", 1000, 0, 600000));
    std::string target =
        Word(*c, "target", "holder", {"holder", "waiter", "worker"});
    cut.target = target == "holder"   ? NemesisAction::Target::kHolder
                 : target == "waiter" ? NemesisAction::Target::kWaiter
                                      : NemesisAction::Target::kWorker;
    cut.worker = static_cast<int>(Int(*c, "worker", 0, 0, processes - 1));
    cut.link_down = Word(*c, "how", "drop", {"drop", "link"}) == "link";
    out->cuts.push_back(cut);
  }
}

}  // namespace

std::optional<NetfsTableError> LoadNetfsTable(const toml::table& root,
                                              int processes,
                                              NetfsScenario* out) {
  try {
    Load(root, processes, out);
  } catch (const Bad& b) {
    return NetfsTableError{b.line, b.message};
  }
  return std::nullopt;
}

}  // namespace lockstress
