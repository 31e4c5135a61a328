#include "harness/scenario/fault_tables.h"

#include <algorithm>
#include <initializer_list>
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
  toml_reader::OnlyKeys<Bad>(t, keys);
}

template <typename T>
std::optional<T> Get(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return std::nullopt;
  std::optional<T> v = n->value_exact<T>();
  if (!v) throw Bad{LineOf(*n), std::string(key) + " has the wrong type"};
  return v;
}

std::string OneOf(const toml::table& t, std::string_view key, std::string dflt,
                  std::initializer_list<std::string_view> allowed) {
  std::optional<std::string> v = Get<std::string>(t, key);
  if (!v) return dflt;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (std::string_view a : allowed) {
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    throw Bad{LineOf(*t.get(key)), std::string(key) + " must be one of " +
                                       list + ", not '" + *v + "'"};
  }
  return *v;
}

const toml::table* Table(const toml::table& t, std::string_view key) {
  return toml_reader::Table<Bad>(t, key);
}

void Load(const toml::table& root, FaultTables& out) {
  out.in_default_run = Get<bool>(root, "in_default_run").value_or(false);
  std::int64_t ns_line = 0;
  if (const toml::table* t = Table(root, "namespaces")) {
    OnlyKeys(*t, {"pid", "uts", "holder_pid", "decoy"});
    NamespacePlacement ns;
    ns.pid = Get<bool>(*t, "pid").value_or(false);
    ns.uts = Get<bool>(*t, "uts").value_or(false);
    ns.decoy = Get<bool>(*t, "decoy").value_or(false);
    std::int64_t holder = Get<std::int64_t>(*t, "holder_pid").value_or(0);
    if (holder != 0 && (holder < 100 || holder > 30000)) {
      throw Bad{LineOf(*t->get("holder_pid")),
                "holder_pid must be in [100, 30000] (clear of the "
                "namespace's first PIDs)"};
    }
    ns.holder_pid = static_cast<int>(holder);
    ns_line = LineOf(*root.get("namespaces"));
    if (!ns.pid && !ns.uts) {
      throw Bad{ns_line, "[namespaces] needs pid = true or uts = true"};
    }
    if ((ns.holder_pid != 0 || ns.decoy) && !ns.pid) {
      throw Bad{ns_line, "holder_pid and decoy need pid = true"};
    }
    if (ns.decoy && ns.holder_pid == 0) {
      throw Bad{ns_line, "decoy needs holder_pid"};
    }
    out.namespaces = ns;
  }
  if (const toml::table* t = Table(root, "stale")) {
    OnlyKeys(*t, {"owner", "record", "mtime", "foreign_user"});
    StalePlacement st;
    st.owner =
        OneOf(*t, "owner", "dead_pid",
              {"dead_pid", "reused_pid", "other_host", "container_init"});
    st.record = OneOf(*t, "record", "owner",
                      {"owner", "empty", "truncated", "garbage"});
    st.mtime = OneOf(*t, "mtime", "now", {"now", "future", "past"});
    st.foreign_user = Get<bool>(*t, "foreign_user").value_or(false);
    if (st.owner == "reused_pid" && (!out.namespaces || !out.namespaces->pid ||
                                     out.namespaces->holder_pid == 0)) {
      throw Bad{LineOf(*t->get("owner")),
                "owner = \"reused_pid\" needs [namespaces] pid = true and "
                "holder_pid"};
    }
    out.stale = st;
  }
}

}  // namespace

std::string FaultTables::Describe() const {
  std::string s;
  if (stale) {
    s = "stale lock: owner " + stale->owner + ", record " + stale->record +
        ", mtime " + stale->mtime;
    if (stale->foreign_user) s += ", another user's file in a shared dir";
  }
  if (namespaces) {
    if (!s.empty()) s += "; ";
    s += "workers in";
    if (namespaces->pid) s += " separate PID namespaces";
    if (namespaces->pid && namespaces->uts) s += " and";
    if (namespaces->uts) s += " separate UTS namespaces (host names)";
    if (namespaces->holder_pid != 0) {
      s += ", worker 0 at PID " + std::to_string(namespaces->holder_pid);
    }
    if (namespaces->decoy) s += ", a live unrelated process at that PID";
  }
  return s;
}

std::optional<FaultTableError> LoadFaultTables(const toml::table& root,
                                               FaultTables& out) {
  try {
    Load(root, out);
  } catch (const Bad& e) {
    return FaultTableError{e.line, e.message};
  }
  return std::nullopt;
}

}  // namespace lockstress
