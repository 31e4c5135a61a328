// Results: the exit code and summary with and without the negative control,
// and its marks in results.json and JUnit.
#include "tools/cli/results.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace lockstress::cli {
namespace {

CheckRecord Rec(std::string impl, std::string property, std::string status,
                bool control = false) {
  return {std::move(impl),   "conformance/x", std::move(property),
          std::move(status), "detail",        control};
}

std::string Summary(const Results& r) {
  std::ostringstream out;
  PrintSummary(r, out);
  return out.str();
}

TEST(Results, ControlCaughtAndOthersPassingExits0) {
  Results r;
  r.checks = {Rec("flock", "mutual_exclusion", "pass"),
              Rec("null", "mutual_exclusion", "fail", true),
              Rec("null", "release_errors", "fail", true)};
  EXPECT_FALSE(r.any_failed());
  EXPECT_TRUE(r.controls_not_caught().empty());
  EXPECT_EQ(r.ExitCode(), 0);
  std::string s = Summary(r);
  EXPECT_NE(s.find("caught (negative control)"), std::string::npos) << s;
  EXPECT_EQ(s.find("NOT CAUGHT"), std::string::npos) << s;
  EXPECT_EQ(s.find("FAIL null"), std::string::npos) << s;
}

TEST(Results, ControlThatPassesMutualExclusionIsNotCaught) {
  Results r;
  r.checks = {Rec("flock", "mutual_exclusion", "pass"),
              Rec("null", "mutual_exclusion", "pass", true),
              Rec("null", "release_errors", "fail", true)};
  EXPECT_EQ(r.controls_not_caught(), std::vector<std::string>{"null"});
  EXPECT_EQ(r.ExitCode(), 1);
  EXPECT_NE(Summary(r).find("NOT CAUGHT"), std::string::npos);
}

TEST(Results, ControlSkippedEverywhereIsNotCaught) {
  Results r;
  r.checks = {Rec("null", "mutual_exclusion", "skip", true)};
  EXPECT_EQ(r.ExitCode(), 1);
}

TEST(Results, AnotherImplementationFailingStillExits1) {
  Results r;
  r.checks = {Rec("flock", "liveness", "fail"),
              Rec("null", "mutual_exclusion", "fail", true)};
  EXPECT_EQ(r.ExitCode(), 1);
  EXPECT_NE(Summary(r).find("FAIL flock conformance/x liveness"),
            std::string::npos);
}

TEST(Results, NullNamedByItselfIsAPlainFailure) {
  Results r;
  r.checks = {Rec("null", "mutual_exclusion", "fail")};
  EXPECT_EQ(r.ExitCode(), 1);
  std::string s = Summary(r);
  EXPECT_NE(s.find("FAIL null conformance/x mutual_exclusion"),
            std::string::npos)
      << s;
  EXPECT_EQ(s.find("negative control"), std::string::npos) << s;
}

TEST(Results, JsonKeepsRealStatusAndMarksTheControl) {
  Results r;
  r.checks = {Rec("flock", "mutual_exclusion", "pass"),
              Rec("null", "mutual_exclusion", "fail", true)};
  nlohmann::json j = nlohmann::json::parse(ResultsToJson(r));
  EXPECT_FALSE(j["checks"][0].contains("negative_control"));
  EXPECT_EQ(j["checks"][1]["status"], "fail");
  EXPECT_EQ(j["checks"][1]["negative_control"], true);
}

TEST(Results, JunitReportsTheCaughtControlAsNoFailure) {
  Results r;
  r.checks = {Rec("null", "mutual_exclusion", "fail", true)};
  std::string xml = ResultsToJunit(r);
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(xml.find("mutual_exclusion_caught"), std::string::npos) << xml;
  r.checks[0].status = "pass";
  EXPECT_NE(ResultsToJunit(r).find("<failure"), std::string::npos);
}

TEST(Results, OutsidePromiseFailIsAFindingNotAViolation) {
  Results r;
  CheckRecord unsafe = Rec("py-fasteners", "mutual_exclusion", "fail");
  unsafe.outside_promise = true;
  r.checks = {Rec("py-fasteners", "release_errors", "pass"), unsafe};
  EXPECT_FALSE(r.any_failed());
  EXPECT_EQ(r.ExitCode(), 0);
  std::string s = Summary(r);
  EXPECT_NE(s.find("UNSAFE py-fasteners conformance/x mutual_exclusion "
                   "(outside the library's promise)"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("1 unsafe outside the library's promise"), std::string::npos)
      << s;
  nlohmann::json j = nlohmann::json::parse(ResultsToJson(r));
  EXPECT_FALSE(j["checks"][0].contains("outside_promise"));
  EXPECT_EQ(j["checks"][1]["outside_promise"], true);
  EXPECT_EQ(j["checks"][1]["status"], "fail");
  std::string xml = ResultsToJunit(r);
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(xml.find("unsafe for this use"), std::string::npos) << xml;
  // The same fail inside the promise fails the run.
  r.checks[1].outside_promise = false;
  EXPECT_EQ(r.ExitCode(), 1);
  EXPECT_NE(ResultsToJunit(r).find("<failure"), std::string::npos);
}

}  // namespace
}  // namespace lockstress::cli
