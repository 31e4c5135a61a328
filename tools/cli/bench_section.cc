#include "tools/cli/bench_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

namespace lockstress::cli {
namespace {

using nlohmann::json;

bool IsBenchmarkSuffix(const std::string& part) {
  for (const char* prefix :
       {"iterations:", "min_time:", "repeats:", "manual_time", "real_time"}) {
    if (part.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string p; std::getline(in, p, '/');) parts.push_back(p);
  return parts;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// Three significant digits keep the table readable and the JSON small.
double Round3(double x) {
  if (x == 0) return 0;
  return std::stod(fmt::format("{:.3g}", x));
}

struct Row {
  std::vector<double> ops, ratio, raw, p50, p99, jain, overlaps;
  std::string error;
};

double Counter(const json& b, const char* name, bool* present = nullptr) {
  auto it = b.find(name);
  bool has = it != b.end() && it->is_number();
  if (present != nullptr) *present = has;
  return has ? it->get<double>() : 0;
}

constexpr const char* kNote =
    "Each row is a Google Benchmark row of lockstress-bench (median over "
    "the passes; spread = min..max of the ratio). ops/s: acquire+release "
    "cycles per second; in handoff rows, ownership changes per second with "
    "two processes in forced alternation and a 10 us critical section. "
    "ratio to raw = ops/s divided by the raw row's ops/s measured in the "
    "same run: uncontended and contended rows against the system-call "
    "sequence the implementation is built on (raw-flock, raw-fcntl, raw-ofd, "
    "raw-excl, raw-link, raw-mkdir, raw-sqlite), handoff rows against "
    "handoff/raw-flock, driver rows against the do-nothing driver (the "
    "protocol's floor). Targets: kernel-lock implementations uncontended "
    ">= 0.83 (within 1.2x) and handoff >= 0.67 (within 1.5x); polling "
    "implementations handoff >= 0.7 and Jain >= 0.95 at contended/procs:4. "
    "jain: Jain's fairness index over the contenders' acquisitions; "
    "overlaps: holders seen together (only the null control may have any). "
    "The machine is shared: compare ratios, not absolute numbers.";

}  // namespace

std::string RowName(const std::string& run_name) {
  std::vector<std::string> parts = Split(run_name);
  while (!parts.empty() && IsBenchmarkSuffix(parts.back())) parts.pop_back();
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

json BenchSection(const std::vector<BenchFile>& files) {
  // Rows are (filesystem, row name); files of one filesystem (passes) add
  // repetitions to the same rows.
  using Key = std::pair<std::string, std::string>;
  std::vector<Key> order;
  std::map<Key, Row> by_key;
  for (const BenchFile& f : files) {
    for (const json& b : f.json.value("benchmarks", json::array())) {
      if (b.value("run_type", "iteration") != "iteration") continue;
      Key key{f.filesystem, RowName(b.value("run_name", b.value("name", "")))};
      if (!by_key.count(key)) order.push_back(key);
      Row& row = by_key[key];
      if (b.value("error_occurred", false)) {
        row.error = b.value("error_message", "error");
        continue;
      }
      bool has = false;
      row.ops.push_back(Counter(b, "ops_per_s"));
      double ratio = Counter(b, "ratio_to_raw", &has);
      if (has) row.ratio.push_back(ratio);
      double raw = Counter(b, "raw_ops_per_s", &has);
      if (has) row.raw.push_back(raw);
      double p50 = Counter(b, "handoff_p50_us", &has);
      if (has) {
        row.p50.push_back(p50);
        row.p99.push_back(Counter(b, "handoff_p99_us"));
        row.jain.push_back(Counter(b, "jain"));
      }
      double overlaps = Counter(b, "overlaps", &has);
      if (has) row.overlaps.push_back(overlaps);
    }
  }
  json rows = json::array();
  for (const Key& key : order) {
    const Row& r = by_key[key];
    const std::string& name = key.second;
    std::vector<std::string> parts = Split(name);
    std::string impl = parts.size() > 1 ? parts[1] : name;
    std::string bench = parts.empty() ? name : parts[0];
    for (size_t i = 2; i < parts.size(); ++i) bench += "/" + parts[i];
    auto cell = [](const std::vector<double>& v) -> json {
      if (v.empty()) return "";
      return Round3(Median(v));
    };
    if (!r.error.empty() && r.ops.empty()) {
      rows.push_back({key.first, impl, bench, "error", "error", "", r.error, "",
                      "", "", ""});
      continue;
    }
    std::string spread;
    if (r.ratio.size() > 1) {
      auto [lo, hi] = std::minmax_element(r.ratio.begin(), r.ratio.end());
      spread = fmt::format("{:.3g}..{:.3g}", *lo, *hi);
    }
    rows.push_back({key.first, impl, bench, cell(r.ops), cell(r.ratio), spread,
                    cell(r.raw), cell(r.p50), cell(r.p99), cell(r.jain),
                    cell(r.overlaps)});
  }
  return json{
      {"id", "bench"},
      {"title", "Benchmarks"},
      {"kind", "table"},
      {"note", kNote},
      {"columns",
       {"filesystem", "impl", "benchmark", "ops/s", "ratio to raw",
        "ratio spread", "raw ops/s", "handoff p50 us", "handoff p99 us", "jain",
        "overlaps"}},
      {"rows", rows},
      {"chart",
       {{"type", "bar"}, {"label_columns", {0, 1, 2}}, {"value_column", 4}}},
  };
}

std::string ValidJson(const std::string& text) {
  // A scanner, not std::regex (GCC 12 warns inside <regex> under ASan).
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    out += c;
    if (in_string) {
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != ':') continue;
    size_t j = i + 1;
    while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])))
      ++j;
    size_t word = j < text.size() && text[j] == '-' ? j + 1 : j;
    for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) {
      size_t n = std::strlen(bad);
      if (text.compare(word, n, bad) == 0 &&
          (word + n == text.size() ||
           !std::isalnum(static_cast<unsigned char>(text[word + n])))) {
        out.append(text, i + 1, j - i - 1);  // the spaces
        out += "null";
        i = word + n - 1;
        break;
      }
    }
  }
  return out;
}

std::string MergeSection(const std::string& existing, const json& section) {
  json doc = existing.empty() ? json{{"version", 1}}
                              : json::parse(existing, nullptr, false);
  if (!doc.is_object()) {
    throw std::runtime_error("results.json is not a JSON object");
  }
  json sections = doc.value("sections", json::array());
  json out = json::array();
  for (const json& s : sections) {
    if (s.value("id", "") != section.value("id", "")) out.push_back(s);
  }
  out.push_back(section);
  doc["sections"] = out;
  return doc.dump(1) + "\n";
}

}  // namespace lockstress::cli
