#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

constexpr const char* kGood = R"(
description = "two holders"
requires = ["nonblocking"]
properties = ["mutual_exclusion", "liveness"]

[topology]
processes = 3
handles = 2

[timing]
duration_ms = 500
stress = true

[mix]
ops = 5
timeouts = ["0", "0.05", "inf"]
hold_ms = [1, 3]
[mix.weights]
acquire = 5
double_release = 1
status = 2

[[step]]
worker = 2
handle = 1
at_ms = 100
op = "acquire"
timeout = "0.5"

[[nemesis]]
at_ms = 300
action = "stop"
target = "holder"
duration_ms = 100

[expect]
liveness = "pass"
[expect.without.stale_recovery]
liveness = "skip"
)";

std::string Write(const testing::TempDir& dir, const std::string& text) {
  std::filesystem::create_directories(dir.File("suite"));
  std::string path = dir.File("suite/case.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(Scenario, LoadsEveryPart) {
  testing::TempDir dir;
  StatusOr<Scenario> s = LoadScenario(Write(dir, kGood));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->name, "suite/case");
  EXPECT_EQ(s->suite, "suite");
  EXPECT_TRUE(s->required.has(Feature::kNonblocking));
  EXPECT_TRUE(s->required.has(Feature::kThreads));  // handles > 1
  EXPECT_EQ(s->processes, 3);
  EXPECT_EQ(s->handles, 2);
  EXPECT_TRUE(s->stress);
  ASSERT_TRUE(s->mix.has_value());
  EXPECT_EQ(s->mix->timeouts.size(), 3u);
  EXPECT_EQ(s->mix->double_release, 1);
  ASSERT_EQ(s->steps.size(), 1u);
  EXPECT_EQ(s->steps[0].worker, 2);
  EXPECT_EQ(s->steps[0].op.at, std::chrono::milliseconds(100));
  ASSERT_EQ(s->nemesis.size(), 1u);
  EXPECT_EQ(s->nemesis[0].kind, NemesisAction::Kind::kStop);
  EXPECT_EQ(s->Expected("liveness", FeatureSet{Feature::kStaleRecovery}),
            "pass");
  EXPECT_EQ(s->Expected("liveness", FeatureSet{}), "skip");
  EXPECT_EQ(s->Expected("fairness", FeatureSet{}), "pass");
}

void ExpectBad(const std::string& text, int line, const std::string& what) {
  testing::TempDir dir;
  std::string path = Write(dir, text);
  StatusOr<Scenario> s = LoadScenario(path);
  ASSERT_FALSE(s.ok()) << text;
  std::string want = path + ":" + std::to_string(line) + ": ";
  EXPECT_EQ(s.status().message().rfind(want, 0), 0u) << s.status().message();
  EXPECT_NE(s.status().message().find(what), std::string::npos)
      << s.status().message();
}

TEST(Scenario, BadFilesNameFileAndLine) {
  std::string head = "description = \"d\"\nproperties = [\"liveness\"]\n";
  ExpectBad("description = \n", 1, "");
  ExpectBad(head + "colour = 3\n[mix]\n", 3, "unknown key 'colour'");
  ExpectBad(head + "requires = [\"flying\"]\n[mix]\n", 3, "unknown feature");
  ExpectBad("description = \"d\"\nproperties = [\"speed\"]\n[mix]\n", 2,
            "unknown property 'speed'");
  ExpectBad(head + "[topology]\nprocesses = 0\n[mix]\n", 4, "processes");
  ExpectBad(head + "[topology]\nprocesses = \"two\"\n[mix]\n", 4, "wrong type");
  ExpectBad(head + "[mix]\ntimeouts = [\"soon\"]\n", 4, "bad timeout");
  ExpectBad(head + "[mix]\nhold_ms = [5, 1]\n", 4, "min <= max");
  ExpectBad(head + "[[step]]\nop = \"fly\"\n", 4, "unknown op");
  ExpectBad(head + "[[step]]\nworker = 5\nop = \"acquire\"\n", 4, "worker");
  ExpectBad(head + "[mix]\n[[nemesis]]\naction = \"poke\"\n", 5,
            "kill or stop");
  ExpectBad(head + "[mix]\n[expect]\nliveness = \"great\"\n", 5,
            "pass, fail or skip");
  ExpectBad(head, 1, "needs [[step]]s or a [mix]");
}

TEST(Scenario, SuitesAreDirectories) {
  testing::TempDir dir;
  Write(dir, kGood);
  EXPECT_EQ(ListSuites(dir.path()), std::vector<std::string>{"suite"});
  StatusOr<std::vector<Scenario>> suite = LoadSuite(dir.path(), "suite");
  ASSERT_TRUE(suite.ok());
  EXPECT_EQ(suite->size(), 1u);
  EXPECT_FALSE(LoadSuite(dir.path(), "nope").ok());
}

// The project's own suites load without error.
TEST(Scenario, ShippedSuitesLoad) {
  std::string root = std::string(LOCKSTRESS_SOURCE_DIR) + "/scenarios";
  std::vector<std::string> suites = ListSuites(root);
  EXPECT_NE(std::find(suites.begin(), suites.end(), "conformance"),
            suites.end());
  for (const std::string& suite : suites) {
    StatusOr<std::vector<Scenario>> s = LoadSuite(root, suite);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
  }
  StatusOr<std::vector<Scenario>> conformance = LoadSuite(root, "conformance");
  ASSERT_TRUE(conformance.ok());
  EXPECT_GE(conformance->size(), 15u);
  std::set<std::string> covered;
  for (const Scenario& s : *conformance) {
    covered.insert(s.properties.begin(), s.properties.end());
  }
  for (const char* p :
       {"mutual_exclusion", "timeout_semantics", "release_errors",
        "status_queries", "break_lock", "reentrancy", "shared_locks",
        "crash_recovery", "liveness", "fairness"}) {
    EXPECT_TRUE(covered.count(p)) << p;
  }
}

}  // namespace
}  // namespace lockstress
