#include "tools/cli/results.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace lockstress::cli {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

bool Results::any_failed() const {
  for (const CheckRecord& c : checks) {
    if (c.status == "fail") return true;
  }
  return false;
}

std::string ResultsToJson(const Results& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckRecord& c : r.checks) {
    checks.push_back({{"impl", c.impl}, {"scenario", c.scenario},
                      {"property", c.property}, {"status", c.status},
                      {"detail", c.detail}});
  }
  nlohmann::json j = {{"version", 1}, {"seed", r.seed}, {"checks", checks}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ResultsToJunit(const Results& r) {
  std::map<std::string, std::vector<const CheckRecord*>> by_impl;
  for (const CheckRecord& c : r.checks) by_impl[c.impl].push_back(&c);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& [impl, checks] : by_impl) {
    int failures = 0, skipped = 0;
    for (const CheckRecord* c : checks) {
      failures += c->status == "fail";
      skipped += c->status == "skip";
    }
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
        XmlEscape(impl), checks.size(), failures, skipped);
    for (const CheckRecord* c : checks) {
      out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\"",
                         XmlEscape(impl), XmlEscape(c->scenario),
                         XmlEscape(c->property));
      if (c->status == "fail") {
        out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n"
                           "    </testcase>\n",
                           XmlEscape(c->detail), XmlEscape(c->detail));
      } else if (c->status == "skip") {
        out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                           XmlEscape(c->detail));
      } else {
        out += "/>\n";
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status(ErrorKind::kError, tmp, "cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return PosixError(ErrorKind::kError, "rename", path, err);
  }
  return Status::Ok();
}

void PrintSummary(const Results& r, std::ostream& out) {
  struct Counts {
    int pass = 0, fail = 0, skip = 0;
  };
  std::map<std::string, Counts> by_impl;
  for (const CheckRecord& c : r.checks) {
    Counts& n = by_impl[c.impl];
    if (c.status == "pass") ++n.pass;
    if (c.status == "fail") ++n.fail;
    if (c.status == "skip") ++n.skip;
  }
  out << fmt::format("{:<16} {:>5} {:>5} {:>5}  {}\n", "IMPL", "PASS", "FAIL",
                     "SKIP", "VERDICT");
  for (const auto& [impl, n] : by_impl) {
    out << fmt::format("{:<16} {:>5} {:>5} {:>5}  {}\n", impl, n.pass, n.fail,
                       n.skip, n.fail > 0 ? "FAIL" : "ok");
  }
  for (const CheckRecord& c : r.checks) {
    if (c.status != "fail") continue;
    out << fmt::format("FAIL {} {} {}: {}\n", c.impl, c.scenario, c.property,
                       c.detail);
  }
  out << fmt::format("seed {}\n", r.seed);
}

}  // namespace lockstress::cli
