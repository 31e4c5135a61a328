// The namespace launcher: its arguments (parsed and written back), and the
// real binary in real namespaces (root only; skipped with the reason).
#include "harness/launcher/ns_launch.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace lockstress {
namespace {

const std::string kLauncher =
    std::string(LOCKSTRESS_BIN_DIR) + "/lockstress-ns-launch";

TEST(NsLaunch, ArgumentsRoundTrip) {
  std::vector<std::string> args = {
      "--pid-ns",   "--hostname", "h.test", "--seed-at", "4242",
      "--decoy-at", "4242",       "--seed", "/bin/true", "x",
      "--",         "/bin/echo",  "hi"};
  StatusOr<LaunchPlan> plan = ParseLaunchArgs(args);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->pid_ns);
  EXPECT_EQ(plan->hostname, "h.test");
  EXPECT_EQ(plan->seed_at, 4242);
  EXPECT_EQ(plan->decoy_at, 4242);
  EXPECT_EQ(plan->run_at, 0);
  EXPECT_EQ(plan->seed, (std::vector<std::string>{"/bin/true", "x"}));
  EXPECT_EQ(plan->command, (std::vector<std::string>{"/bin/echo", "hi"}));
  StatusOr<LaunchPlan> again = ParseLaunchArgs(LaunchArgs(*plan));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(LaunchArgs(*again), LaunchArgs(*plan));
}

TEST(NsLaunch, BadArgumentsAreNamed) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {{"--bogus", "--", "/bin/true"}, "unknown argument '--bogus'"},
           {{"--pid-ns"}, "no command"},
           {{"--run-at", "77", "--", "/bin/true"}, "need --pid-ns"},
           {{"--pid-ns", "--run-at", "1", "--", "/bin/true"}, "--run-at must"},
           {{"--pid-ns", "--run-at", "x", "--", "/bin/true"}, "--run-at must"},
           {{"--seed", "--", "/bin/true"}, "--seed needs a command"},
           {{"--pid-ns", "--decoy-at", "500", "--run-at", "500", "--",
             "/bin/true"},
            "same PID"},
       }) {
    StatusOr<LaunchPlan> plan = ParseLaunchArgs(c.args);
    ASSERT_FALSE(plan.ok()) << c.args[0];
    EXPECT_NE(plan.status().message().find(c.says), std::string::npos)
        << plan.status().message();
  }
}

struct Ran {
  int code = -1;
  std::string out;
};

Ran Shell(const std::string& command) {
  Ran r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 256> buf;
  while (fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Without privileges the probe says why (the reason a scenario is skipped
// with): checked as nobody, in a child, when we are root.
TEST(NsLaunch, UnprivilegedProbeGivesTheReason) {
  if (geteuid() != 0) {
    EXPECT_NE(NamespaceSupport(true, true), "");
    return;
  }
  pid_t child = fork();
  if (child == 0) {
    if (setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0) {
      _exit(3);
    }
    std::string why = NamespaceSupport(true, false);
    _exit(why.find("needs root") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(NsLaunch, ChosenPidHostNameAndExitCode) {
  std::string why = NamespaceSupport(true, true);
  if (!why.empty()) GTEST_SKIP() << why;
  Ran r = Shell(kLauncher +
                " --pid-ns --hostname w7.lockstress.test --run-at 777 -- "
                "/bin/sh -c 'echo $$ $(hostname); exit 3'");
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "777 w7.lockstress.test\n");
}

// The seed runs at PID 4242 and dies; the decoy then takes 4242 (reuse):
// the command sees a live process at the dead seed's PID.
TEST(NsLaunch, PidReuseOnDemand) {
  std::string why = NamespaceSupport(true, false);
  if (!why.empty()) GTEST_SKIP() << why;
  Ran r = Shell(kLauncher +
                " --pid-ns --seed-at 4242 --decoy-at 4242 --seed /bin/sh -c "
                "'echo seed $$' -- /bin/sh -c 'kill -0 4242 && echo alive; "
                "cat /proc/4242/comm'");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "seed 4242\nalive\nlockstress-ns-l\n");
}

TEST(NsLaunch, FailingSeedStopsTheLaunch) {
  std::string why = NamespaceSupport(true, false);
  if (!why.empty()) GTEST_SKIP() << why;
  Ran r = Shell(kLauncher +
                " --pid-ns --seed /bin/false -- /bin/echo never 2>/dev/null");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace lockstress
