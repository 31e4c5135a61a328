// The checks every scenario-table loader makes on TOML (scenario.cc,
// fault_tables.cc, crash_tables.cc, netfs_scenario.cc), written once. Each
// loader reports its errors with its own type, an aggregate
// {std::int64_t line; std::string message;}; these throw that type, which
// the loader turns into its `file:line: message`.
//
// Thread safety: functions of their arguments.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_TOML_READER_H_
#define LOCKSTRESS_HARNESS_SCENARIO_TOML_READER_H_

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace lockstress::toml_reader {

// The line a node (or key) starts on, as the loaders report it.
inline std::int64_t LineOf(const toml::source_region& where) {
  return static_cast<std::int64_t>(where.begin.line);
}
inline std::int64_t LineOf(const toml::node& n) { return LineOf(n.source()); }

// Unknown keys are errors, never ignored: a misspelt key must not silently
// fall back to a default. `prefix` names the table in the message
// ("netfs." gives "unknown key 'netfs.clinets'").
template <typename Error>
void OnlyKeys(const toml::table& t,
              std::initializer_list<std::string_view> keys,
              std::string_view prefix = "") {
  for (auto&& [k, v] : t) {
    if (std::find(keys.begin(), keys.end(), k.str()) == keys.end()) {
      throw Error{LineOf(k.source()), "unknown key '" + std::string(prefix) +
                                          std::string(k.str()) + "'"};
    }
  }
}

// The sub-table `key` of `t`, or nullptr when absent; another type there is
// an error.
template <typename Error>
const toml::table* Table(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table())
    throw Error{LineOf(*n), std::string(key) + " must be a table"};
  return n->as_table();
}

}  // namespace lockstress::toml_reader

#endif  // LOCKSTRESS_HARNESS_SCENARIO_TOML_READER_H_
