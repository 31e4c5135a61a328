// End-to-end: `lockstress bench --quick` as CI runs it (the output's shape,
// never its speed), and bad input (exit 2, nothing left behind).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Outcome {
  int code = -1;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// bin/lockstress ARGS in `cwd`; the child gets SIGALRM (and dies) after
// `limit_s`: alarm(2) timers survive execve(2).
Outcome Lockstress(const std::string& cwd, std::vector<std::string> args,
                   unsigned limit_s = 120) {
  std::string exe = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress";
  std::string err_file = cwd + "/.stderr";
  args.insert(args.begin(), exe);
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    int out = open("/dev/null", O_WRONLY);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    alarm(limit_s);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.err = Slurp(err_file);
  fs::remove(err_file);
  return o;
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

TEST(BenchCommand, QuickRunWritesGoogleBenchmarkJsonAndTheSection) {
  testing::TempDir cwd;
  testing::TempDir locks;
  Outcome o = Lockstress(
      cwd.path(), {"bench", "--quick", "--dir", locks.path(), "--out", "run"});
  ASSERT_EQ(o.code, 0) << o.err;

  // Google Benchmark JSON, one file for the one filesystem.
  json gb = json::parse(Slurp(cwd.File("run/bench/dir.json")));
  ASSERT_TRUE(gb.contains("context"));
  EXPECT_EQ(gb["context"]["lockstress_quick"], "1");
  ASSERT_TRUE(gb["benchmarks"].is_array());
  std::set<std::string> names;
  for (const json& b : gb["benchmarks"]) {
    std::string name = b["run_name"];
    SCOPED_TRACE(name);
    EXPECT_FALSE(b.value("error_occurred", false))
        << b.value("error_message", "");
    EXPECT_TRUE(b.contains("ops_per_s"));
    EXPECT_TRUE(b.contains("ratio_to_raw"));
    EXPECT_TRUE(b.contains("raw_ops_per_s"));
    if (name.rfind("contended/", 0) == 0 || name.rfind("handoff/", 0) == 0) {
      for (const char* key : {"jain", "overlaps", "handoff_p50_us",
                              "handoff_p90_us", "handoff_p99_us"}) {
        EXPECT_TRUE(b.contains(key)) << key;
      }
    }
    names.insert(name.substr(0, name.find('/', name.find('/') + 1)));
  }
  // Every built-in and every raw sequence, in every kind of row.
  std::vector<std::string> subjects = {
      "raw-flock", "raw-fcntl", "raw-ofd",    "raw-excl",
      "raw-link",  "raw-mkdir", "raw-sqlite", "raw-pthread-mutex"};
  for (const ImplEntry& e : AllImpls()) subjects.push_back(e.info.name);
  for (const std::string& s : subjects) {
    EXPECT_TRUE(names.count("uncontended/" + s)) << s;
    EXPECT_TRUE(names.count("contended/" + s)) << s;
    EXPECT_TRUE(names.count("handoff/" + s)) << s;
  }
  EXPECT_TRUE(names.count("driver/do-nothing"));
  EXPECT_TRUE(names.count("harness-stress/flock"));

  // The section in results.json (docs/report.md).
  json results = json::parse(Slurp(cwd.File("run/results.json")));
  EXPECT_EQ(results["version"], 1);
  ASSERT_TRUE(results["sections"].is_array());
  ASSERT_EQ(results["sections"].size(), 1u);
  const json& s = results["sections"][0];
  EXPECT_EQ(s["id"], "bench");
  EXPECT_EQ(s["kind"], "table");
  EXPECT_TRUE(s["note"].is_string());
  std::vector<std::string> columns = s["columns"];
  ASSERT_GE(columns.size(), 5u);
  EXPECT_EQ(columns[1], "impl");
  EXPECT_EQ(columns[3], "ops/s");
  EXPECT_EQ(columns[4], "ratio to raw");
  ASSERT_FALSE(s["rows"].empty());
  for (const json& row : s["rows"]) {
    ASSERT_EQ(row.size(), columns.size()) << row.dump();
    EXPECT_TRUE(row[3].is_number()) << row.dump();
    EXPECT_TRUE(row[4].is_number()) << row.dump();
  }
  EXPECT_EQ(s["chart"]["type"], "bar");

  // Nothing left in the directory under test.
  EXPECT_TRUE(Entries(locks.path()).empty());
}

TEST(BenchCommand, BadInputIsExit2AndLeavesNothing) {
  testing::TempDir cwd;
  testing::TempDir locks;
  Outcome o = Lockstress(
      cwd.path(), {"bench", "--quick", "--dir", "/nonexistent/lockstress"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("/nonexistent/lockstress"), std::string::npos) << o.err;

  o = Lockstress(cwd.path(), {"bench", "--quick", "--impl", "flock,bogus"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("bogus"), std::string::npos) << o.err;

  o = Lockstress(cwd.path(), {"bench", "--quick", "--repetitions", "0"});
  EXPECT_EQ(o.code, 2);

  // A driver that never greets: named, exit 2, no run directory, no
  // scratch directory.
  o = Lockstress(cwd.path(),
                 {"bench", "--quick", "--impl", "null", "--dir", locks.path(),
                  "--out", "run", "--driver", "echo hello"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("echo hello"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(cwd.File("run")));
  EXPECT_TRUE(Entries(locks.path()).empty());
  EXPECT_FALSE(fs::exists(cwd.File("lockstress-runs")));
}

}  // namespace
}  // namespace lockstress
