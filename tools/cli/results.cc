#include "tools/cli/results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tools/cli/check_options.h"

namespace lockstress::cli {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
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
    if (c.violation()) return true;
  }
  return false;
}

std::vector<std::string> Results::controls_not_caught() const {
  std::set<std::string> controls, caught;
  for (const CheckRecord& c : checks) {
    if (!c.negative_control) continue;
    controls.insert(c.impl);
    if (c.property == "mutual_exclusion" && c.status == "fail")
      caught.insert(c.impl);
  }
  std::vector<std::string> out;
  for (const std::string& impl : controls) {
    if (caught.count(impl) == 0) out.push_back(impl);
  }
  return out;
}

int Results::ExitCode() const {
  return any_failed() || !controls_not_caught().empty() ? 1 : 0;
}

std::string ResultsToJson(const Results& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckRecord& c : r.checks) {
    checks.push_back({{"impl", c.impl},
                      {"scenario", c.scenario},
                      {"property", c.property},
                      {"status", c.status},
                      {"detail", c.detail}});
    if (c.negative_control) checks.back()["negative_control"] = true;
    if (c.outside_promise) checks.back()["outside_promise"] = true;
    if (!c.evidence.empty()) checks.back()["evidence"] = c.evidence;
    if (!c.history.empty()) checks.back()["history"] = c.history;
  }
  nlohmann::json j = {{"version", 1},
                      {"seed", r.seed},
                      {"check_options", CheckOptionsToJson(r.options)},
                      {"checks", checks}};
  if (!r.sections.empty()) j["sections"] = r.sections;
  if (!r.environment.is_null()) j["environment"] = r.environment;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ResultsToJunit(const Results& r) {
  std::map<std::string, std::vector<const CheckRecord*>> by_impl;
  for (const CheckRecord& c : r.checks) by_impl[c.impl].push_back(&c);
  std::vector<std::string> not_caught = r.controls_not_caught();
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& [impl, checks] : by_impl) {
    // The negative control's failures are expected: a <system-out> note,
    // not a <failure>; one extra testcase fails if it was not caught.
    bool control = checks.front()->negative_control;
    bool caught = control && std::find(not_caught.begin(), not_caught.end(),
                                       impl) == not_caught.end();
    int failures = control && !caught, skipped = 0;
    for (const CheckRecord* c : checks) {
      failures += c->violation();
      skipped += c->status == "skip";
    }
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" "
        "skipped=\"{}\">\n",
        XmlEscape(impl), checks.size() + (control ? 1 : 0), failures, skipped);
    if (control) {
      out += fmt::format(
          "    <testcase classname=\"{}.negative_control\" "
          "name=\"mutual_exclusion_caught\"",
          XmlEscape(impl));
      out += caught ? "/>\n"
                    : ">\n      <failure message=\"the negative control passed "
                      "mutual_exclusion\"/>\n    </testcase>\n";
    }
    for (const CheckRecord* c : checks) {
      out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\"",
                         XmlEscape(impl), XmlEscape(c->scenario),
                         XmlEscape(c->property));
      if (c->status == "fail" && control) {
        out += fmt::format(
            ">\n      <system-out>expected failure (negative "
            "control): {}</system-out>\n    </testcase>\n",
            XmlEscape(c->detail));
      } else if (c->status == "fail" && c->outside_promise) {
        out += fmt::format(
            ">\n      <system-out>unsafe for this use (outside the library's "
            "promise): {}</system-out>\n    </testcase>\n",
            XmlEscape(c->detail));
      } else if (c->status == "fail") {
        out += fmt::format(
            ">\n      <failure message=\"{}\">{}</failure>\n"
            "    </testcase>\n",
            XmlEscape(c->detail), XmlEscape(c->detail));
      } else if (c->status == "skip") {
        out +=
            fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
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
    int pass = 0, fail = 0, skip = 0, unsafe = 0;
    bool control = false;
  };
  std::map<std::string, Counts> by_impl;
  for (const CheckRecord& c : r.checks) {
    Counts& n = by_impl[c.impl];
    if (c.status == "pass") ++n.pass;
    if (c.status == "fail") ++(c.outside_promise ? n.unsafe : n.fail);
    if (c.status == "skip") ++n.skip;
    n.control |= c.negative_control;
  }
  std::vector<std::string> not_caught = r.controls_not_caught();
  auto caught = [&](const std::string& impl) {
    return std::find(not_caught.begin(), not_caught.end(), impl) ==
           not_caught.end();
  };
  out << fmt::format("{:<16} {:>5} {:>5} {:>5}  {}\n", "IMPL", "PASS", "FAIL",
                     "SKIP", "VERDICT");
  for (const auto& [impl, n] : by_impl) {
    std::string verdict = n.fail > 0 ? "FAIL" : "ok";
    if (n.unsafe > 0) {
      verdict += fmt::format(
          "; {} unsafe outside the library's promise (not counted)", n.unsafe);
    }
    if (n.control) {
      verdict = caught(impl)
                    ? "caught (negative control)"
                    : "NOT CAUGHT (negative control passed mutual_exclusion)";
    }
    out << fmt::format("{:<16} {:>5} {:>5} {:>5}  {}\n", impl, n.pass, n.fail,
                       n.skip, verdict);
  }
  std::set<std::string> shown;
  for (const CheckRecord& c : r.checks) {
    if (c.status != "fail") continue;
    if (c.outside_promise && !c.negative_control) {
      out << fmt::format(
          "UNSAFE {} {} {} (outside the library's promise): {}\n", c.impl,
          c.scenario, c.property, c.detail);
    } else if (!c.negative_control) {
      out << fmt::format("FAIL {} {} {}: {}\n", c.impl, c.scenario, c.property,
                         c.detail);
    } else if (c.property == "mutual_exclusion" &&
               shown.insert(c.impl).second) {
      // One line of evidence that the control was caught is enough.
      out << fmt::format("caught {} {} {}: {}\n", c.impl, c.scenario,
                         c.property, c.detail);
    }
  }
  for (const std::string& impl : not_caught) {
    out << fmt::format(
        "NOT CAUGHT {}: the negative control passed "
        "mutual_exclusion in every scenario\n",
        impl);
  }
  out << fmt::format("seed {}\n", r.seed);
}

}  // namespace lockstress::cli
