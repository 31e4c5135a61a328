#include "harness/scenario/scenario.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "harness/scenario/netfs_scenario.h"
#include "harness/scenario/toml_reader.h"

namespace lockstress {
namespace {

using std::chrono::milliseconds;

// Thrown inside the loader only; carries the line it concerns.
struct Bad {
  std::int64_t line;
  std::string message;
};

using toml_reader::LineOf;

void OnlyKeys(const toml::table& t,
              std::initializer_list<std::string_view> keys) {
  toml_reader::OnlyKeys<Bad>(t, keys);
}

const toml::table* Table(const toml::table& t, std::string_view key) {
  return toml_reader::Table<Bad>(t, key);
}

template <typename T>
std::optional<T> Value(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return std::nullopt;
  std::optional<T> v = n->value_exact<T>();
  if (!v) throw Bad{LineOf(*n), std::string(key) + " has the wrong type"};
  return v;
}

std::int64_t Int(const toml::table& t, std::string_view key, std::int64_t dflt,
                 std::int64_t lo, std::int64_t hi) {
  std::optional<std::int64_t> v = Value<std::int64_t>(t, key);
  if (!v) return dflt;
  if (*v < lo || *v > hi) {
    throw Bad{LineOf(*t.get(key)), std::string(key) + " must be in [" +
                                       std::to_string(lo) + ", " +
                                       std::to_string(hi) + "]"};
  }
  return *v;
}

std::vector<std::pair<std::string, std::int64_t>> Strings(
    const toml::table& t, std::string_view key) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr)
    throw Bad{LineOf(*n), std::string(key) + " must be an array"};
  for (const toml::node& e : *a) {
    std::optional<std::string> s = e.value_exact<std::string>();
    if (!s) throw Bad{LineOf(e), std::string(key) + " holds a non-string"};
    out.emplace_back(*s, LineOf(e));
  }
  return out;
}

Timeout ParseTimeoutAt(const std::string& text, std::int64_t line) {
  StatusOr<Timeout> t = Timeout::Parse(text);
  if (!t.ok()) throw Bad{line, t.status().message()};
  return *t;
}

std::pair<milliseconds, milliseconds> Range(const toml::table& t,
                                            std::string_view key,
                                            milliseconds lo, milliseconds hi) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return {lo, hi};
  const toml::array* a = n->as_array();
  if (a == nullptr || a->size() != 2 || !(*a)[0].is_integer() ||
      !(*a)[1].is_integer()) {
    throw Bad{LineOf(*n), std::string(key) + " must be [min, max] in ms"};
  }
  auto min = *(*a)[0].value<std::int64_t>();
  auto max = *(*a)[1].value<std::int64_t>();
  if (min < 0 || max < min)
    throw Bad{LineOf(*n), std::string(key) + ": need 0 <= min <= max"};
  return {milliseconds(min), milliseconds(max)};
}

void CheckProperty(const std::string& p, std::int64_t line) {
  const auto& known = KnownProperties();
  if (std::find(known.begin(), known.end(), p) == known.end()) {
    throw Bad{line, "unknown property '" + p + "'"};
  }
}

std::string Outcome(const toml::table& t, std::string_view key) {
  std::string v = *Value<std::string>(t, key);
  if (v != "pass" && v != "fail" && v != "skip") {
    throw Bad{LineOf(*t.get(key)),
              "expected outcome must be pass, fail or skip"};
  }
  return v;
}

PlannedOp::Kind OpKind(const std::string& op, std::int64_t line) {
  for (auto k : {PlannedOp::Kind::kAcquire, PlannedOp::Kind::kAcquireShared,
                 PlannedOp::Kind::kRelease, PlannedOp::Kind::kIsLocked,
                 PlannedOp::Kind::kIAmLocking, PlannedOp::Kind::kBreak,
                 PlannedOp::Kind::kSleep}) {
    if (PlannedOpName(k) == op) return k;
  }
  throw Bad{line, "unknown op '" + op + "'"};
}

void LoadMix(const toml::table& m, Scenario& s) {
  OnlyKeys(m, {"ops", "timeouts", "hold_ms", "idle_ms", "weights"});
  OpMix mix;
  mix.ops = static_cast<int>(Int(m, "ops", 20, 1, 100000));
  if (m.contains("timeouts")) {
    mix.timeouts.clear();
    for (auto& [text, line] : Strings(m, "timeouts")) {
      mix.timeouts.push_back(ParseTimeoutAt(text, line));
    }
    if (mix.timeouts.empty())
      throw Bad{LineOf(*m.get("timeouts")), "timeouts is empty"};
  }
  std::tie(mix.hold_min, mix.hold_max) =
      Range(m, "hold_ms", mix.hold_min, mix.hold_max);
  std::tie(mix.idle_min, mix.idle_max) =
      Range(m, "idle_ms", mix.idle_min, mix.idle_max);
  if (const toml::table* w = Table(m, "weights")) {
    OnlyKeys(*w, {"acquire", "acquire_shared", "release_non_holder",
                  "double_release", "status", "break"});
    mix.acquire = static_cast<int>(Int(*w, "acquire", 10, 0, 1000));
    mix.acquire_shared =
        static_cast<int>(Int(*w, "acquire_shared", 0, 0, 1000));
    mix.release_non_holder =
        static_cast<int>(Int(*w, "release_non_holder", 0, 0, 1000));
    mix.double_release =
        static_cast<int>(Int(*w, "double_release", 0, 0, 1000));
    mix.status = static_cast<int>(Int(*w, "status", 0, 0, 1000));
    mix.break_lock = static_cast<int>(Int(*w, "break", 0, 0, 1000));
  }
  s.mix = mix;
}

void LoadSteps(const toml::table& root, Scenario& s) {
  const toml::node* n = root.get("step");
  if (n == nullptr) return;
  const toml::array* a = n->as_array();
  if (a == nullptr)
    throw Bad{LineOf(*n), "step must be an array of tables ([[step]])"};
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) throw Bad{LineOf(e), "step must be a table"};
    OnlyKeys(*t, {"worker", "handle", "at_ms", "op", "timeout", "ms"});
    ScriptedStep step;
    step.worker = static_cast<int>(Int(*t, "worker", 0, 0, s.processes - 1));
    step.handle = static_cast<int>(Int(*t, "handle", 0, 0, s.handles - 1));
    step.op.at = milliseconds(Int(*t, "at_ms", -1, -1, 3600000));
    std::optional<std::string> op = Value<std::string>(*t, "op");
    if (!op) throw Bad{LineOf(e), "step needs an op"};
    step.op.kind = OpKind(*op, LineOf(*t->get("op")));
    if (auto to = Value<std::string>(*t, "timeout")) {
      step.op.timeout = ParseTimeoutAt(*to, LineOf(*t->get("timeout")));
    }
    step.op.sleep = milliseconds(Int(*t, "ms", 0, 0, 3600000));
    s.steps.push_back(step);
  }
}

void LoadNemesis(const toml::table& root, Scenario& s) {
  const toml::node* n = root.get("nemesis");
  if (n == nullptr) return;
  const toml::array* a = n->as_array();
  if (a == nullptr) throw Bad{LineOf(*n), "nemesis must be [[nemesis]] tables"};
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) throw Bad{LineOf(e), "nemesis must be a table"};
    OnlyKeys(*t, {"at_ms", "action", "target", "worker", "duration_ms"});
    NemesisAction act;
    act.at = milliseconds(Int(*t, "at_ms", 0, 0, 3600000));
    std::string action = Value<std::string>(*t, "action").value_or("kill");
    if (action == "kill") {
      act.kind = NemesisAction::Kind::kKill;
    } else if (action == "stop") {
      act.kind = NemesisAction::Kind::kStop;
    } else {
      throw Bad{LineOf(*t->get("action")), "action must be kill or stop"};
    }
    std::string target = Value<std::string>(*t, "target").value_or("holder");
    if (target == "holder") {
      act.target = NemesisAction::Target::kHolder;
    } else if (target == "waiter") {
      act.target = NemesisAction::Target::kWaiter;
    } else if (target == "worker") {
      act.target = NemesisAction::Target::kWorker;
    } else {
      throw Bad{LineOf(*t->get("target")),
                "target must be holder, waiter or worker"};
    }
    act.worker = static_cast<int>(Int(*t, "worker", 0, 0, s.processes - 1));
    act.duration = milliseconds(Int(*t, "duration_ms", 200, 0, 60000));
    s.nemesis.push_back(act);
  }
}

void LoadExpect(const toml::table& e, Scenario& s) {
  for (auto&& [k, v] : e) {
    std::string key(k.str());
    if (key == "without") {
      const toml::table* w = v.as_table();
      if (w == nullptr) throw Bad{LineOf(v), "expect.without must be a table"};
      for (auto&& [fk, fv] : *w) {
        if (!ParseFeature(fk.str())) {
          throw Bad{static_cast<std::int64_t>(fk.source().begin.line),
                    "unknown feature '" + std::string(fk.str()) + "'"};
        }
        const toml::table* props = fv.as_table();
        if (props == nullptr)
          throw Bad{LineOf(fv), "expect.without.<feature> must be a table"};
        for (auto&& [pk, pv] : *props) {
          CheckProperty(std::string(pk.str()), LineOf(pv));
          s.expect_without[std::string(fk.str())][std::string(pk.str())] =
              Outcome(*props, pk.str());
        }
      }
      continue;
    }
    CheckProperty(key, LineOf(v));
    s.expect[key] = Outcome(e, key);
  }
}

void Load(const toml::table& root, Scenario& s) {
  OnlyKeys(root,
           {"name", "description", "requires", "properties", "topology",
            "timing", "mix", "step", "nemesis", "expect", "in_default_run",
            "stale", "namespaces", "fault", "clock", "hostile", "netfs"});
  s.name = s.suite + "/" + Value<std::string>(root, "name").value_or(s.name);
  s.description = Value<std::string>(root, "description").value_or("");
  if (s.description.empty()) throw Bad{1, "description is required"};
  for (auto& [word, line] : Strings(root, "requires")) {
    std::optional<Feature> f = ParseFeature(word);
    if (!f) throw Bad{line, "unknown feature '" + word + "'"};
    s.required.add(*f);
  }
  for (auto& [p, line] : Strings(root, "properties")) {
    CheckProperty(p, line);
    s.properties.push_back(p);
  }
  if (s.properties.empty())
    throw Bad{1, "properties is required and not empty"};
  if (const toml::table* t = Table(root, "topology")) {
    OnlyKeys(*t, {"processes", "handles"});
    s.processes = static_cast<int>(Int(*t, "processes", 2, 1, 64));
    s.handles = static_cast<int>(Int(*t, "handles", 1, 1, 16));
  }
  // Handles of one driver run in parallel only with `threads`.
  if (s.handles > 1) s.required.add(Feature::kThreads);
  if (const toml::table* t = Table(root, "timing")) {
    OnlyKeys(*t, {"duration_ms", "blocking_limit_ms", "stress"});
    s.duration = milliseconds(Int(*t, "duration_ms", 0, 0, 86400000));
    s.blocking_limit =
        milliseconds(Int(*t, "blocking_limit_ms", 8000, 1, 600000));
    s.stress = Value<bool>(*t, "stress").value_or(false);
  }
  if (const toml::table* m = Table(root, "mix")) LoadMix(*m, s);
  LoadSteps(root, s);
  LoadNemesis(root, s);
  if (auto e = LoadNetfsTable(root, s.processes, &s.netfs))
    throw Bad{e->line, e->message};
  if (const toml::table* e = Table(root, "expect")) LoadExpect(*e, s);
  if (auto bad = LoadFaultTables(root, s.faults)) {
    throw Bad{bad->line, bad->message};
  }
  try {
    s.crash = LoadCrashTables(root, s.processes);
  } catch (const CrashTableError& e) {
    throw Bad{e.line, e.message};
  }
  if (s.steps.empty() && !s.mix)
    throw Bad{1, "a scenario needs [[step]]s or a [mix]"};
}

}  // namespace

const std::vector<std::string>& KnownProperties() {
  static const std::vector<std::string>* known = new std::vector<std::string>{
      "mutual_exclusion", "timeout_semantics", "release_errors",
      "status_queries",   "break_lock",        "crash_recovery",
      "stale_recovery",   "reentrancy",        "shared_locks",
      "liveness",         "fairness",          "data_integrity",
      "security"};
  return *known;
}

std::string Scenario::Expected(const std::string& property,
                               FeatureSet features) const {
  for (const auto& [feature, props] : expect_without) {
    std::optional<Feature> f = ParseFeature(feature);
    if (f && !features.has(*f)) {
      auto it = props.find(property);
      if (it != props.end()) return it->second;
    }
  }
  auto it = expect.find(property);
  return it == expect.end() ? "pass" : it->second;
}

StatusOr<Scenario> LoadScenario(const std::string& path) {
  Scenario s;
  s.file = path;
  std::filesystem::path p(path);
  s.suite = p.parent_path().filename().string();
  s.name = p.stem().string();
  try {
    toml::table root = toml::parse_file(path);
    Load(root, s);
  } catch (const toml::parse_error& e) {
    return Status(ErrorKind::kError, "",
                  path + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  } catch (const Bad& e) {
    return Status(ErrorKind::kError, "",
                  path + ":" + std::to_string(e.line) + ": " + e.message);
  }
  return s;
}

StatusOr<std::vector<Scenario>> LoadSuite(const std::string& scenarios_dir,
                                          const std::string& suite) {
  std::filesystem::path dir = std::filesystem::path(scenarios_dir) / suite;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status(ErrorKind::kError, dir.string(),
                  "no such suite '" + suite + "'");
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Scenario> out;
  for (const std::string& f : files) {
    StatusOr<Scenario> s = LoadScenario(f);
    if (!s.ok()) return s.status();
    out.push_back(std::move(*s));
  }
  return out;
}

std::vector<std::string> ListSuites(const std::string& scenarios_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(scenarios_dir, ec)) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lockstress
