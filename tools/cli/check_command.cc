#include "tools/cli/check_command.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace lockstress::cli {

std::vector<CheckRecord> CheckHistory(
    const History& history, const std::string& impl,
    const std::string& scenario, const std::vector<std::string>& properties,
    const CheckOptions& options) {
  std::vector<CheckRecord> out;
  for (const std::string& property : properties) {
    CheckRecord r{impl, scenario, property, "skip", ""};
    const Checker* checker = FindChecker(property);
    if (checker == nullptr) {
      r.detail = "no checker for " + property + " yet";
    } else {
      CheckResult result = checker->Check(history, options);
      r.status = std::string(VerdictName(result.verdict));
      r.detail = result.detail;
      if (result.verdict == Verdict::kFail) r.evidence = result.evidence;
      if (result.verdict == Verdict::kFail && !result.evidence.empty()) {
        r.detail += " (history lines:";
        for (std::size_t i : result.evidence) {
          if (i < history.events.size()) {
            r.detail +=
                " " + std::to_string(history.events[i].line > 0
                                         ? history.events[i].line
                                         : static_cast<std::int64_t>(i) + 2);
          }
        }
        r.detail += ")";
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// The tolerances the run was judged with: results.json's check_options
// (older runs have none: the defaults), then the command line's.
StatusOr<CheckOptions> StoredOptions(const std::string& run_dir,
                                     const CheckOptionFlags& flags) {
  CheckOptions stored;
  std::ifstream in(run_dir + "/results.json");
  if (in) {
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("check_options")) {
      StatusOr<CheckOptions> o = CheckOptionsFromJson(j["check_options"]);
      if (!o.ok()) {
        return Status(ErrorKind::kError, "",
                      run_dir + "/results.json: " + o.status().message());
      }
      stored = *o;
    }
  }
  return ApplyCheckOptionFlags(flags, stored);
}

}  // namespace

int RunCheck(const std::string& run_dir, const CheckOptionFlags& flags,
             std::ostream& out, std::ostream& err) {
  StatusOr<CheckOptions> options = StoredOptions(run_dir, flags);
  if (!options.ok()) {
    err << "lockstress check: " << options.status().message() << "\n";
    return 2;
  }
  std::string index = run_dir + "/run.json";
  std::ifstream in(index);
  if (!in) {
    err << fmt::format(
        "lockstress check: {}: cannot open (is this a run "
        "directory?)\n",
        index);
    return 2;
  }
  Results results;
  results.options = *options;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    results.seed = j.at("seed").get<std::uint64_t>();
    for (const auto& c : j.at("cases")) {
      std::string impl = c.at("impl");
      std::string scenario = c.at("scenario");
      bool control = c.value("negative_control", false);
      bool outside = c.value("outside_promise", false);
      std::chrono::milliseconds stale_bound(c.value("stale_bound_ms", 0));
      if (c.contains("skipped")) {
        for (const auto& p : c.at("properties")) {
          results.checks.push_back({impl, scenario, p.get<std::string>(),
                                    "skip", c.at("skipped"), control, outside});
        }
        continue;
      }
      std::string path = run_dir + "/" + c.at("history").get<std::string>();
      StatusOr<History> history = ReadHistory(path);
      if (!history.ok()) {
        err << "lockstress check: " << history.status().message() << "\n";
        return 2;
      }
      std::vector<CheckRecord> records =
          CheckHistory(*history, impl, scenario,
                       c.at("properties").get<std::vector<std::string>>(),
                       ForImplementation(*options, stale_bound));
      for (CheckRecord& r : records) {
        r.negative_control = control;
        r.outside_promise = outside;
      }
      results.checks.insert(results.checks.end(), records.begin(),
                            records.end());
    }
  } catch (const nlohmann::json::exception& e) {
    err << fmt::format("lockstress check: {}: {}\n", index, e.what());
    return 2;
  }
  PrintSummary(results, out);
  return results.ExitCode();
}

}  // namespace lockstress::cli
