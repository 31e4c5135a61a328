#include "harness/scenario/crash_tables.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "harness/faults/fault_spec.h"
#include "harness/scenario/toml_reader.h"

namespace lockstress {
namespace {

using toml_reader::LineOf;

void OnlyKeys(const toml::table& t,
              std::initializer_list<std::string_view> keys) {
  toml_reader::OnlyKeys<CrashTableError>(t, keys);
}

// Which worker a table is for: its `worker` key, or -1 (every worker).
int WorkerOf(const toml::table& t, int processes) {
  const toml::node* n = t.get("worker");
  if (n == nullptr) return -1;
  std::optional<std::int64_t> w = n->value_exact<std::int64_t>();
  if (!w || *w < 0 || *w >= processes) {
    throw CrashTableError{LineOf(*n), "worker must be an integer in [0, " +
                                          std::to_string(processes - 1) + "]"};
  }
  return static_cast<int>(*w);
}

// key=value for the spec, from a string or integer TOML value.
std::string Pair(const toml::table& t, std::string_view key,
                 std::string_view spec_key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return "";
  std::string value;
  if (auto s = n->value_exact<std::string>()) {
    value = *s;
  } else if (auto i = n->value_exact<std::int64_t>()) {
    value = std::to_string(*i);
  } else {
    throw CrashTableError{LineOf(*n), std::string(key) + " has the wrong type"};
  }
  return std::string(spec_key) + "=" + value;
}

std::string Join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

// Checks a spec with the worker's own parser, so a scenario cannot name
// what the worker would refuse; the error is placed at `line`.
void Validate(const std::string& spec, std::int64_t line) {
  FaultPlan plan;
  if (Status s = plan.Add(spec); !s.ok()) {
    throw CrashTableError{line, s.message()};
  }
}

void LoadFaults(const toml::table& root, int processes, CrashTables& out) {
  const toml::node* n = root.get("fault");
  if (n == nullptr) return;
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    throw CrashTableError{LineOf(*n), "fault must be [[fault]] tables"};
  }
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) throw CrashTableError{LineOf(e), "fault must be a table"};
    OnlyKeys(*t, {"worker", "failpoint", "action", "hit", "ms", "errno",
                  "syscall", "nth", "count"});
    std::string spec;
    if (t->contains("failpoint")) {
      spec = Join({Pair(*t, "failpoint", "failpoint"),
                   Pair(*t, "action", "action"), Pair(*t, "hit", "hit"),
                   Pair(*t, "ms", "ms"), Pair(*t, "errno", "errno"),
                   Pair(*t, "syscall", "syscall"), Pair(*t, "nth", "nth"),
                   Pair(*t, "count", "count")});
    } else if (t->contains("syscall")) {
      spec = Join({Pair(*t, "syscall", "syscall"), Pair(*t, "errno", "errno"),
                   Pair(*t, "nth", "nth"), Pair(*t, "count", "count"),
                   Pair(*t, "action", "action"), Pair(*t, "hit", "hit"),
                   Pair(*t, "ms", "ms")});
    } else {
      throw CrashTableError{LineOf(e), "a fault needs failpoint or syscall"};
    }
    Validate(spec, LineOf(e));
    out.specs.emplace_back(WorkerOf(*t, processes), spec);
  }
}

void LoadClock(const toml::table& root, int processes, CrashTables& out) {
  const toml::node* n = root.get("clock");
  if (n == nullptr) return;
  const toml::table* t = n->as_table();
  if (t == nullptr) throw CrashTableError{LineOf(*n), "clock must be a table"};
  OnlyKeys(*t, {"worker", "skew_ms", "jump_ms", "jump_after_ms",
                "mtime_granularity_ms"});
  int worker = WorkerOf(*t, processes);
  std::vector<std::string> specs;
  if (t->contains("skew_ms")) {
    specs.push_back(Pair(*t, "skew_ms", "clock_skew_ms"));
  }
  if (t->contains("jump_ms")) {
    specs.push_back(Join({Pair(*t, "jump_ms", "clock_jump_ms"),
                          Pair(*t, "jump_after_ms", "after_ms")}));
  } else if (t->contains("jump_after_ms")) {
    throw CrashTableError{LineOf(*t->get("jump_after_ms")),
                          "jump_after_ms needs jump_ms"};
  }
  if (t->contains("mtime_granularity_ms")) {
    specs.push_back(Pair(*t, "mtime_granularity_ms", "mtime_granularity_ms"));
  }
  if (specs.empty()) {
    throw CrashTableError{LineOf(*n),
                          "clock needs skew_ms, jump_ms or "
                          "mtime_granularity_ms"};
  }
  for (const std::string& spec : specs) {
    Validate(spec, LineOf(*n));
    out.specs.emplace_back(worker, spec);
  }
}

void LoadHostile(const toml::table& root, CrashTables& out) {
  const toml::node* n = root.get("hostile");
  if (n == nullptr) return;
  const toml::table* t = n->as_table();
  if (t == nullptr) {
    throw CrashTableError{LineOf(*n), "hostile must be a table"};
  }
  OnlyKeys(*t, {"plant", "world_writable"});
  out.hostile = true;
  if (const toml::node* p = t->get("plant")) {
    std::optional<std::string> what = p->value_exact<std::string>();
    if (what == "symlink") {
      out.setup.plant = HostileSetup::Plant::kSymlink;
    } else if (what == "fifo") {
      out.setup.plant = HostileSetup::Plant::kFifo;
    } else if (what == "none") {
      out.setup.plant = HostileSetup::Plant::kNone;
    } else {
      throw CrashTableError{LineOf(*p), "plant must be symlink, fifo or none"};
    }
  }
  if (const toml::node* w = t->get("world_writable")) {
    std::optional<bool> b = w->value_exact<bool>();
    if (!b) {
      throw CrashTableError{LineOf(*w), "world_writable must be true or false"};
    }
    out.setup.world_writable = *b;
  }
}

}  // namespace

std::vector<std::string> CrashTables::ForWorker(int w) const {
  std::vector<std::string> out;
  for (const auto& [worker, spec] : specs) {
    if (worker < 0 || worker == w) out.push_back(spec);
  }
  return out;
}

CrashTables LoadCrashTables(const toml::table& root, int processes) {
  CrashTables out;
  LoadFaults(root, processes, out);
  LoadClock(root, processes, out);
  LoadHostile(root, out);
  return out;
}

}  // namespace lockstress
