#include "reports/run_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "reports/case_stats.h"

namespace lockstress::report {
namespace {

using nlohmann::json;

Status Bad(const std::string& where, const std::string& what) {
  return Status(ErrorKind::kError, "", where + ": " + what);
}

bool IsCell(const json& c) { return c.is_string() || c.is_number(); }

Status CheckSection(const json& s, const std::string& where) {
  if (!s.is_object()) return Bad(where, "a section must be an object");
  for (const char* key : {"id", "title"}) {
    if (!s.contains(key) || !s[key].is_string())
      return Bad(where + "." + key, "missing, or not a string");
  }
  if (s.contains("note") && !s["note"].is_string())
    return Bad(where + ".note", "not a string");
  if (!s.contains("columns") || !s["columns"].is_array())
    return Bad(where + ".columns", "missing, or not an array");
  std::size_t width = s["columns"].size();
  for (const json& c : s["columns"]) {
    if (!c.is_string()) return Bad(where + ".columns", "not all strings");
  }
  if (!s.contains("rows") || !s["rows"].is_array())
    return Bad(where + ".rows", "missing, or not an array");
  for (std::size_t r = 0; r < s["rows"].size(); ++r) {
    const json& row = s["rows"][r];
    std::string at = fmt::format("{}.rows[{}]", where, r);
    if (!row.is_array() || row.size() != width) {
      return Bad(at, fmt::format("must be an array of {} cells", width));
    }
    for (const json& cell : row) {
      if (!IsCell(cell)) return Bad(at, "a cell must be a string or a number");
    }
  }
  if (s.contains("chart")) {
    const json& c = s["chart"];
    auto column = [&](const json& v) {
      return v.is_number_unsigned() && v.get<std::size_t>() < width;
    };
    if (!c.is_object() || c.value("type", "") != "bar")
      return Bad(where + ".chart", "only {\"type\": \"bar\"} is defined");
    if (!c.contains("value_column") || !column(c["value_column"]))
      return Bad(where + ".chart.value_column", "not a column index");
    if (!c.contains("label_columns") || !c["label_columns"].is_array() ||
        !std::all_of(c["label_columns"].begin(), c["label_columns"].end(),
                     column))
      return Bad(where + ".chart.label_columns", "not column indices");
  }
  return Status::Ok();
}

Status CheckCheck(const json& c, const std::string& where) {
  if (!c.is_object()) return Bad(where, "a check must be an object");
  for (const char* key : {"impl", "scenario", "property", "status"}) {
    if (!c.contains(key) || !c[key].is_string())
      return Bad(where + "." + key, "missing, or not a string");
  }
  std::string status = c["status"];
  if (status != "pass" && status != "fail" && status != "skip") {
    return Bad(where + ".status",
               "'" + status + "' is not one of pass, fail, skip");
  }
  if (c.contains("detail") && !c["detail"].is_string())
    return Bad(where + ".detail", "not a string");
  if (c.contains("history") && !c["history"].is_string())
    return Bad(where + ".history", "not a string");
  if (c.contains("evidence")) {
    if (!c["evidence"].is_array() ||
        !std::all_of(c["evidence"].begin(), c["evidence"].end(),
                     [](const json& v) { return v.is_number_unsigned(); }))
      return Bad(where + ".evidence", "not an array of event indices");
  }
  return Status::Ok();
}

// run.json's history per (impl, scenario), for runs whose results.json
// predates the per-check "history".
std::map<std::pair<std::string, std::string>, std::string> RunJsonHistories(
    const std::string& run_dir) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  std::ifstream in(run_dir + "/run.json");
  if (!in) return out;
  json j = json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("cases") || !j["cases"].is_array())
    return out;
  for (const json& c : j["cases"]) {
    if (c.is_object() && c.value("history", json()).is_string()) {
      out[{c.value("impl", ""), c.value("scenario", "")}] = c["history"];
    }
  }
  return out;
}

struct Case {
  json info;
  std::set<std::size_t> evidence;
  std::vector<std::pair<std::string, std::size_t>> evidence_of;  // check, max
};

Status ReadCase(const std::string& run_dir, const TimelineLimits& limits,
                Case& c) {
  std::string rel = c.info["history"];
  std::string path = run_dir + "/" + rel;
  TimelineBuilder timeline(c.evidence, limits);
  CaseStats stats;
  json header;
  Status read = ForEachHistoryEvent(
      path,
      [&](const HistoryHeader& h) {
        header = {{"impl", h.impl},
                  {"features", h.features.ToString()},
                  {"ownership", OwnershipName(h.ownership)},
                  {"workers", h.workers},
                  {"seed", h.seed}};
        return Status::Ok();
      },
      [&](std::size_t index, Event&& e, std::string_view line) {
        timeline.Add(index, e, line);
        stats.Add(e);
        return Status::Ok();
      });
  if (!read.ok()) {
    if (read.path().empty()) return read;  // already "path:line: what"
    return Bad(read.path(), read.message() + " (named by results.json)");
  }
  json t = timeline.Finish();
  std::size_t events = t["events"];
  for (const auto& [where, index] : c.evidence_of) {
    if (index >= events) {
      return Bad(where, fmt::format("event {} is beyond the {} events of {}",
                                    index, events, path));
    }
  }
  c.info["header"] = header;
  c.info["stats"] = stats.Finish(timeline.origin(), timeline.end());
  c.info["timeline"] = std::move(t);
  return Status::Ok();
}

}  // namespace

StatusOr<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorKind::kError, "", path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::size_t upto = std::min<std::size_t>(e.byte, text.size());
    auto line = 1 + std::count(text.begin(),
                               text.begin() +
                                   static_cast<long>(upto > 0 ? upto - 1 : 0),
                               '\n');
    return Status(ErrorKind::kError, "",
                  fmt::format("{}:{}: not JSON: {}", path, line, e.what()));
  }
}

StatusOr<json> LoadRunData(const std::string& run_dir,
                           const TimelineLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::is_directory(run_dir, ec)) {
    return Status(ErrorKind::kError, "",
                  run_dir +
                      ": not a directory (a run directory holds "
                      "results.json)");
  }
  std::string results_path = run_dir + "/results.json";
  StatusOr<json> parsed = ReadJsonFile(results_path);
  if (!parsed.ok()) return parsed.status();
  json& r = *parsed;
  if (!r.is_object()) return Bad(results_path, "not a JSON object");
  if (r.contains("version") && r["version"] != 1)
    return Bad(results_path + ": version", "unsupported (this reads 1)");
  if (!r.contains("checks") && !r.contains("sections"))
    return Bad(results_path, "has neither \"checks\" nor \"sections\"");
  json checks = r.value("checks", json::array());
  json sections = r.value("sections", json::array());
  if (!checks.is_array()) return Bad(results_path + ": checks", "not an array");
  if (!sections.is_array())
    return Bad(results_path + ": sections", "not an array");
  for (std::size_t k = 0; k < sections.size(); ++k) {
    Status s = CheckSection(sections[k],
                            fmt::format("{}: sections[{}]", results_path, k));
    if (!s.ok()) return s;
  }

  auto fallback = RunJsonHistories(run_dir);
  std::vector<Case> cases;
  std::map<std::pair<std::string, std::string>, std::size_t> case_of;
  for (std::size_t k = 0; k < checks.size(); ++k) {
    json& c = checks[k];
    std::string where = fmt::format("{}: checks[{}]", results_path, k);
    if (Status s = CheckCheck(c, where); !s.ok()) return s;
    std::pair<std::string, std::string> key{c["impl"], c["scenario"]};
    auto [it, added] = case_of.try_emplace(key, cases.size());
    if (added) {
      cases.push_back(
          {{{"impl", key.first},
            {"scenario", key.second},
            {"negative_control", c.value("negative_control", false)}},
           {},
           {}});
    }
    Case& cs = cases[it->second];
    std::string history = c.value("history", "");
    if (history.empty() && fallback.count(key) > 0) history = fallback[key];
    if (!history.empty()) {
      if (history.front() == '/' || history.find("..") != std::string::npos)
        return Bad(where + ".history",
                   "'" + history + "' is not a path inside the run directory");
      cs.info["history"] = history;
    }
    if (c["status"] == "fail" && c.contains("evidence")) {
      for (const json& v : c["evidence"]) {
        cs.evidence.insert(v.get<std::size_t>());
        cs.evidence_of.emplace_back(where + ".evidence", v.get<std::size_t>());
      }
    }
    c["case"] = it->second;
  }
  json out_cases = json::array();
  for (Case& c : cases) {
    if (c.info.contains("history")) {
      if (Status s = ReadCase(run_dir, limits, c); !s.ok()) return s;
    }
    out_cases.push_back(std::move(c.info));
  }
  std::filesystem::path abs = std::filesystem::absolute(run_dir, ec);
  return json{{"run_dir", abs.lexically_normal().string()},
              {"seed", r.value("seed", json())},
              {"check_options", r.value("check_options", json())},
              {"environment", r.value("environment", json())},
              {"sections", sections},
              {"checks", checks},
              {"cases", out_cases}};
}

}  // namespace lockstress::report
