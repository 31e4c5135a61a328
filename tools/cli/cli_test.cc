// End-to-end: bin/lockstress run against the null lock and against broken
// drivers (shell one-liners that speak, or fail to speak, protocol v1).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "harness/checkers/checker.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// bin/lockstress with stdout/stderr in files of `dir`; killed and reaped on
// destruction.
class Lockstress {
 public:
  Lockstress(const testing::TempDir& dir, std::vector<std::string> args)
      : out_(dir.File("stdout")), err_(dir.File("stderr")) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, dir.path().c_str());
    std::string exe = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress";
    args.insert(args.begin(), exe);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(
        posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  }
  ~Lockstress() {
    if (!code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(pidfd_);
  }
  // The exit code; nullopt if still running after `limit`.
  std::optional<int> Wait(seconds limit = seconds(120)) {
    pollfd p{.fd = pidfd_, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, static_cast<int>(limit.count() * 1000)) != 1)
      return std::nullopt;
    int status = 0;
    waitpid(pid_, &status, 0);
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }
  void Signal(int sig) { kill(pid_, sig); }
  std::string Stdout() const { return ReadAll(out_); }
  std::string Stderr() const { return ReadAll(err_); }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> code_;
};

std::string Scenario(const testing::TempDir& dir, const std::string& name,
                     const std::string& text) {
  fs::create_directories(dir.File("scen"));
  std::string path = dir.File("scen/" + name + ".toml");
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kOneAcquire = R"(
description = "one acquire"
properties = ["mutual_exclusion"]
[topology]
processes = 1
[[step]]
op = "acquire"
timeout = "0"
)";

TEST(Cli, NullLockFailsMutualExclusion) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  Lockstress run(dir, {"run", "--impl", "null", "--out", "out", "--seed", "1"});
  ASSERT_EQ(run.Wait(), 1) << run.Stderr();
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(dir.File("out/results.json")));
  bool named = false;
  for (const auto& c : results["checks"]) {
    named |= c["property"] == "mutual_exclusion" && c["status"] == "fail";
    // The report's inputs: a fail's history, and its evidence in it.
    if (c["status"] == "fail") {
      EXPECT_TRUE(fs::exists(dir.File("out/" + c.value("history", "none"))));
      EXPECT_FALSE(c["evidence"].empty());
    }
  }
  EXPECT_TRUE(named);
  EXPECT_NE(run.Stdout().find("mutual_exclusion"), std::string::npos);
  EXPECT_EQ(results["environment"]["reproduce"],
            std::string(LOCKSTRESS_BIN_DIR) +
                "/lockstress run --impl null --out out --seed 1");
  EXPECT_FALSE(results["environment"].value("filesystem", "").empty());
  EXPECT_TRUE(fs::exists(dir.File("out/index.html")));
}

// Two processes take the lock at once and hold it: a real lock refuses one,
// the null lock lets both in (a mutual_exclusion fail).
constexpr const char* kTwoAtOnce = R"(
description = "two acquires at once"
properties = ["mutual_exclusion"]
[topology]
processes = 2
[[step]]
worker = 0
op = "acquire"
timeout = "0"
[[step]]
worker = 0
op = "sleep"
ms = 300
[[step]]
worker = 1
at_ms = 100
op = "acquire"
timeout = "0"
)";

TEST(Cli, AllCountsTheCaughtNegativeControlAsExpected) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  std::string scen = Scenario(dir, "two", kTwoAtOnce);
  Lockstress run(dir, {"run", "--scenario", scen, "--out", "out", "--seed", "3",
                       "--junit", "junit.xml"});
  ASSERT_EQ(run.Wait(), 0) << run.Stdout() << run.Stderr();
  EXPECT_NE(run.Stdout().find("caught (negative control)"), std::string::npos)
      << run.Stdout();
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(dir.File("out/results.json")));
  bool null_failed = false;
  for (const auto& c : results["checks"]) {
    if (c["impl"] == "null") {
      EXPECT_EQ(c.value("negative_control", false), true);
      null_failed |=
          c["property"] == "mutual_exclusion" && c["status"] == "fail";
    } else {
      EXPECT_FALSE(c.contains("negative_control"));
      EXPECT_NE(c["status"], "fail") << c.dump();
    }
  }
  EXPECT_TRUE(null_failed);
  EXPECT_EQ(ReadAll(dir.File("junit.xml")).find("<failure"), std::string::npos);
  // `check` of the stored run keeps the control's mark.
  Lockstress check(dir, {"check", "out"});
  EXPECT_EQ(check.Wait(), 0) << check.Stdout();
  // Named alongside `all`, null is judged plainly again.
  Lockstress named(dir, {"run", "--impl", "all,null", "--scenario", scen,
                         "--out", "out2", "--seed", "3"});
  EXPECT_EQ(named.Wait(), 1) << named.Stderr();
  EXPECT_NE(named.Stdout().find("FAIL null scen/two mutual_exclusion"),
            std::string::npos)
      << named.Stdout();
}

TEST(Cli, ANegativeControlThatPassesIsNotCaught) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  // One process alone: nothing can overlap, so the control is not caught.
  std::string scen = Scenario(dir, "one", kOneAcquire);
  Lockstress run(dir,
                 {"run", "--impl", "all", "--scenario", scen, "--out", "out"});
  EXPECT_EQ(run.Wait(), 1) << run.Stderr();
  EXPECT_NE(run.Stdout().find("NOT CAUGHT"), std::string::npos) << run.Stdout();
}

TEST(Cli, RunWritesResultsHistoriesAndLatest) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  Lockstress run(dir, {"run", "--impl", "null", "--scenario", scen, "--seed",
                       "5", "--junit", "junit.xml"});
  std::optional<int> code = run.Wait();
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 2) << run.Stderr();
  fs::path latest = dir.File("lockstress-runs/latest");
  ASSERT_TRUE(fs::is_symlink(latest));
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(latest / "results.json"));
  EXPECT_EQ(results["version"], 1);
  EXPECT_EQ(results["seed"], 5);
  ASSERT_EQ(results["checks"].size(), 1u);
  EXPECT_EQ(results["checks"][0]["impl"], "null");
  EXPECT_EQ(results["checks"][0]["scenario"], "scen/one");
  EXPECT_EQ(results["checks"][0]["property"], "mutual_exclusion");
  EXPECT_TRUE(fs::exists(latest / "histories/null/scen_one.jsonl"));
  EXPECT_NE(ReadAll(dir.File("junit.xml")).find("<testcase"),
            std::string::npos);
  // Nothing is left of the directory under test.
  for (const auto& e : fs::directory_iterator(latest)) {
    EXPECT_EQ(e.path().filename().string().rfind("lockstress-", 0),
              std::string::npos);
  }
  // `check` judges the stored history the same way.
  Lockstress check(dir, {"check", "lockstress-runs/latest"});
  EXPECT_EQ(check.Wait(), code);
}

// worker 1 asks with a 0.2 s timeout while worker 0 holds: LockTimeout,
// necessarily a little later than 200 ms.
constexpr const char* kTimedAgainstHolder = R"(
description = "a timed acquire against a holder"
requires = ["timeout", "nonblocking"]
properties = ["timeout_semantics"]
[topology]
processes = 2
[[step]]
worker = 0
op = "acquire"
timeout = "0"
[[step]]
worker = 0
op = "sleep"
ms = 700
[[step]]
worker = 1
at_ms = 100
op = "acquire"
timeout = "0.2"
)";

TEST(Cli, TolerancesAreOptionsStoredAndReusedByCheck) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  std::string scen = Scenario(dir, "timed", kTimedAgainstHolder);
  Lockstress strict(
      dir, {"run", "--impl", "flock", "--scenario", scen, "--out", "strict",
            "--timeout-late", "0", "--nonblocking-prompt", "400",
            "--starvation-bound", "9000", "--recovery-bound", "6000"});
  ASSERT_EQ(strict.Wait(), 1) << strict.Stdout() << strict.Stderr();
  EXPECT_NE(strict.Stdout().find("timeout_semantics"), std::string::npos);
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(dir.File("strict/results.json")));
  EXPECT_EQ(results["check_options"]["timeout_late_ms"], 0);
  EXPECT_EQ(results["check_options"]["nonblocking_prompt_ms"], 400);
  EXPECT_EQ(results["check_options"]["starvation_bound_ms"], 9000);
  EXPECT_EQ(results["check_options"]["recovery_bound_ms"], 6000);
  // `check` judges with the stored tolerances, unless told otherwise.
  Lockstress again(dir, {"check", "strict"});
  EXPECT_EQ(again.Wait(), 1) << again.Stdout();
  Lockstress looser(dir, {"check", "strict", "--timeout-late", "1000"});
  EXPECT_EQ(looser.Wait(), 0) << looser.Stdout();
  // The default tolerance passes the same behaviour.
  Lockstress plain(
      dir, {"run", "--impl", "flock", "--scenario", scen, "--out", "plain"});
  EXPECT_EQ(plain.Wait(), 0) << plain.Stdout() << plain.Stderr();
}

TEST(Cli, BadToleranceExits2NamingTheOption) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  struct Case {
    std::vector<std::string> args;
    const char* named;
  } cases[] = {
      {{"run", "--scenario", scen, "--timeout-late", "-5"}, "--timeout-late"},
      {{"run", "--scenario", scen, "--nonblocking-prompt", "0"},
       "--nonblocking-prompt"},
      {{"run", "--scenario", scen, "--starvation-bound", "soon"},
       "--starvation-bound"},
      {{"check", ".", "--recovery-bound", "1e3"}, "--recovery-bound"},
  };
  for (Case& c : cases) {
    Lockstress run(dir, c.args);
    EXPECT_EQ(run.Wait(), 2) << c.named;
    EXPECT_NE(run.Stderr().find(c.named), std::string::npos) << run.Stderr();
  }
  EXPECT_FALSE(fs::exists(dir.File("lockstress-runs")));
}

// bin/lockstress with stdout on a pseudo-terminal (stderr to a file);
// returns its exit code and what it wrote to the terminal.
std::pair<std::optional<int>, std::string> RunOnTerminal(
    const testing::TempDir& dir, std::vector<std::string> args) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return {};
  std::string slave = ptsname(master);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, slave.c_str(), O_WRONLY | O_NOCTTY,
                                   0);
  posix_spawn_file_actions_addopen(&fa, 2, dir.File("stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, dir.path().c_str());
  std::string exe = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress";
  args.insert(args.begin(), exe);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int spawned =
      posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (spawned != 0) {
    close(master);
    return {};
  }
  // Drain the terminal until the last writer closes it (EIO) or a deadline.
  std::string text;
  auto until = std::chrono::steady_clock::now() + seconds(120);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{.fd = master, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, 1000) <= 0) continue;
    char buf[4096];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(master);
  kill(pid, SIGKILL);  // no-op when it has exited
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return {std::nullopt, text};
  return {WEXITSTATUS(status), text};
}

TEST(Cli, ProgressOnATerminalCountsViolationsSoFar) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  std::string one = Scenario(dir, "one", kOneAcquire);
  std::string two = Scenario(dir, "two", kTwoAtOnce);
  auto [code, text] =
      RunOnTerminal(dir, {"run", "--impl", "null", "--scenario", one,
                          "--scenario", two, "--out", "out"});
  EXPECT_EQ(code, 1) << text;
  // Rewritten lines; the count after each case: none, then one.
  EXPECT_NE(text.find("\r[1/2] null scen/one"), std::string::npos) << text;
  EXPECT_NE(text.find("0 violations so far"), std::string::npos) << text;
  EXPECT_NE(text.find("\r[2/2] null scen/two"), std::string::npos) << text;
  EXPECT_NE(text.find("1 violation so far"), std::string::npos) << text;
  // Not on a terminal: plain lines, no counts.
  Lockstress plain(
      dir, {"run", "--impl", "null", "--scenario", one, "--out", "out2"});
  plain.Wait();
  EXPECT_EQ(plain.Stdout().find('\r'), std::string::npos);
  EXPECT_EQ(plain.Stdout().find("so far"), std::string::npos);
  EXPECT_NE(plain.Stdout().find("null scen/one: "), std::string::npos);
}

TEST(Cli, DriverThatDoesNotGreetExits2QuotingTheLine) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  Lockstress run(dir,
                 {"run", "--driver", "echo hello world", "--scenario", scen});
  EXPECT_EQ(run.Wait(), 2);
  EXPECT_NE(run.Stderr().find("'hello world'"), std::string::npos)
      << run.Stderr();
}

TEST(Cli, MalformedReplyExits2QuotingTheLine) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  Lockstress run(dir, {"run", "--driver",
                       "echo lockstress-driver 1 liar nonblocking; read x; "
                       "echo 1 okay; sleep 5",
                       "--scenario", scen});
  EXPECT_EQ(run.Wait(), 2);
  EXPECT_NE(run.Stderr().find("'1 okay'"), std::string::npos) << run.Stderr();
}

TEST(Cli, HungDriverIsKilledAndTheRunEnds) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  auto t0 = std::chrono::steady_clock::now();
  Lockstress run(dir,
                 {"run", "--driver",
                  "echo lockstress-driver 1 hung nonblocking; exec sleep 4243",
                  "--scenario", scen, "--out", "out"});
  std::optional<int> code = run.Wait(seconds(60));
  ASSERT_TRUE(code.has_value()) << "the harness hung";
  EXPECT_NE(*code, 2) << run.Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, seconds(30));
  std::string history = ReadAll(dir.File("out/histories/hung/scen_one.jsonl"));
  EXPECT_NE(history.find("\"outcome\":\"lost\""), std::string::npos) << history;
  EXPECT_NE(history.find("killed"), std::string::npos) << history;
}

TEST(Cli, BadScenarioExits2WithFileAndLine) {
  testing::TempDir dir;
  std::string scen =
      Scenario(dir, "bad", "description = \"x\"\nproperties = [\"speed\"]\n");
  Lockstress run(dir, {"run", "--impl", "null", "--scenario", scen});
  EXPECT_EQ(run.Wait(), 2);
  EXPECT_NE(run.Stderr().find(scen + ":2: "), std::string::npos)
      << run.Stderr();
}

TEST(Cli, BadDirExits2AndLeavesNoRunDirectory) {
  testing::TempDir dir;
  for (const char* mode : {"", "--crash-points"}) {
    std::vector<std::string> args = {
        "run",   "--impl",       "flock", "--dir", dir.File("missing"),
        "--out", dir.File("out")};
    if (*mode != '\0') args.push_back(mode);
    Lockstress run(dir, args);
    EXPECT_EQ(run.Wait(), 2) << mode;
    EXPECT_NE(run.Stderr().find("--dir '" + dir.File("missing") +
                                "' is not a directory"),
              std::string::npos)
        << run.Stderr();
    EXPECT_FALSE(fs::exists(dir.File("out"))) << mode;
    EXPECT_FALSE(fs::exists(dir.File("lockstress-runs"))) << mode;
  }
}

TEST(Cli, InterruptKillsWorkersAndRemovesScratch) {
  testing::TempDir dir;
  std::string scen = Scenario(dir, "one", kOneAcquire);
  Lockstress run(dir, {"run", "--driver",
                       "echo lockstress-driver 1 sleepy nonblocking; "
                       "read x; read y; exec sleep 4244",
                       "--scenario", scen, "--out", "out"});
  // Wait until the case has started (its log directory exists), then TERM.
  auto until = std::chrono::steady_clock::now() + seconds(30);
  while (!fs::exists(dir.File("out/logs/sleepy/scen_one")) &&
         std::chrono::steady_clock::now() < until) {
    pollfd none{};
    poll(&none, 0, 10);  // a bounded wait for a file, not a handshake
  }
  ASSERT_TRUE(fs::exists(dir.File("out/logs/sleepy/scen_one")));
  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(seconds(20)), 2);
  for (const auto& e : fs::directory_iterator(dir.File("out"))) {
    EXPECT_EQ(e.path().filename().string().rfind("lockstress-", 0),
              std::string::npos)
        << e.path();
  }
  EXPECT_NE(system("pgrep -f '[s]leep 4244' >/dev/null"), 0)
      << "a worker outlived the run";
}

TEST(Cli, ListsSuitesAndScenarios) {
  testing::TempDir dir;
  Lockstress suites(dir, {"list", "suites"});
  ASSERT_EQ(suites.Wait(), 0);
  EXPECT_NE(suites.Stdout().find("conformance"), std::string::npos);
  EXPECT_NE(suites.Stdout().find("stress"), std::string::npos);
  Lockstress scenarios(dir, {"list", "scenarios"});
  ASSERT_EQ(scenarios.Wait(), 0);
  EXPECT_NE(scenarios.Stdout().find("conformance/break_lock"),
            std::string::npos);
  Lockstress bad(dir, {"list", "things"});
  EXPECT_EQ(bad.Wait(), 2);
}

}  // namespace
}  // namespace lockstress
