// FaultOs and FaultPlan: the spec grammar, and each fault doing exactly
// what it says (and nothing when not armed).
#include "harness/faults/fault_os.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>

#include "harness/faults/fault_spec.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

FaultPlan Plan(std::initializer_list<const char*> specs) {
  FaultPlan plan;
  for (const char* s : specs) {
    Status st = plan.Add(s);
    EXPECT_TRUE(st.ok()) << s << ": " << st.message();
  }
  return plan;
}

TEST(FaultSpecTest, ParsesEveryKindAndRoundTrips) {
  FaultPlan plan =
      Plan({"failpoint=link/after_link_before_count,action=exit",
            "failpoint=p,action=pause,ms=20,hit=3",
            "failpoint=q,action=errno,errno=EIO,syscall=unlink",
            "syscall=open,errno=EMFILE,nth=2,count=0", "clock_skew_ms=-5000",
            "clock_jump_ms=3600000,after_ms=10", "mtime_granularity_ms=2000"});
  ASSERT_EQ(plan.failpoints.size(), 3u);
  EXPECT_EQ(plan.failpoints[1].hit, 3);
  EXPECT_EQ(plan.failpoints[2].err, EIO);
  EXPECT_EQ(plan.failpoints[2].syscall, "unlink");
  ASSERT_EQ(plan.syscalls.size(), 1u);
  EXPECT_EQ(plan.syscalls[0].count, 0);
  EXPECT_EQ(plan.clock_skew.count(), -5000);
  FaultPlan again;
  for (const std::string& s : plan.ToSpecs()) ASSERT_TRUE(again.Add(s).ok());
  EXPECT_EQ(again.ToSpecs(), plan.ToSpecs());
  EXPECT_TRUE(FaultPlan().empty());
  EXPECT_FALSE(plan.empty());
}

TEST(FaultSpecTest, RefusesBadSpecsNamingTheKey) {
  for (const char* bad :
       {"", "failpoint", "failpoint=p", "failpoint=p,action=explode",
        "failpoint=p,action=pause", "failpoint=p,action=errno",
        "failpoint=p,action=errno,errno=EWHAT", "failpoint=p,action=exit,x=1",
        "syscall=openat,errno=EIO", "syscall=open,errno=EIO,nth=0",
        "clock_skew_ms=soon", "mtime_granularity_ms=0", "colour=blue",
        "failpoint=p,action=exit,action=kill"}) {
    FaultPlan plan;
    Status s = plan.Add(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("fault '"), std::string::npos) << s.message();
  }
  FaultPlan plan;
  EXPECT_TRUE(AddSpecs(plan, "clock_skew_ms=1;;syscall=open,errno=EIO").ok());
  EXPECT_EQ(plan.syscalls.size(), 1u);
  EXPECT_FALSE(AddSpecs(plan, "clock_skew_ms=1;nonsense").ok());
}

TEST(FaultOsTest, SyscallFaultHitsTheNthCallsOnly) {
  testing::TempDir dir;
  FaultOs os(&Os::Default(), Plan({"syscall=lstat,errno=EIO,nth=2,count=2"}));
  struct stat st {};
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);
  errno = 0;
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), -1);
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);
  // Other calls are untouched.
  EXPECT_EQ(os.Mkdir(dir.File("d").c_str(), 0755), 0);
}

TEST(FaultOsTest, FailpointErrnoFailsTheNextCallOfThisThreadOnce) {
  testing::TempDir dir;
  FaultOs os(&Os::Default(),
             Plan({"failpoint=a,action=errno,errno=ENOSPC",
                   "failpoint=b,action=errno,errno=EINTR,syscall=mkdir"}));
  struct stat st {};
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);  // not armed yet
  os.Failpoint("a");
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), -1);
  EXPECT_EQ(errno, ENOSPC);
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);  // once
  os.Failpoint("a");                                // passage 2: hit=1 is spent
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);
  EXPECT_EQ(os.Passages("a"), 2);
  os.Failpoint("b");
  EXPECT_EQ(os.Lstat(dir.path().c_str(), &st), 0);  // not a mkdir
  EXPECT_EQ(os.Mkdir(dir.File("d").c_str(), 0755), -1);
  EXPECT_EQ(errno, EINTR);
  EXPECT_EQ(os.Mkdir(dir.File("d").c_str(), 0755), 0);
}

TEST(FaultOsTest, FailedCloseStillClosesTheDescriptor) {
  testing::TempDir dir;
  FaultOs os(&Os::Default(), Plan({"syscall=close,errno=EIO"}));
  int fd = os.Open(dir.File("f").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(os.Close(fd), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);  // gone, as close(2) leaves it on Linux
}

TEST(FaultOsTest, ClockSkewAndJump) {
  FaultOs skewed(&Os::Default(), Plan({"clock_skew_ms=-3600000"}));
  std::int64_t real = Os::Default().WallClock().tv_sec;
  std::int64_t seen = skewed.WallClock().tv_sec;
  // An hour behind, give or take a generous second of scheduling.
  EXPECT_NEAR(static_cast<double>(real - seen), 3600.0, 2.0);
  FaultOs jumped(&Os::Default(), Plan({"clock_jump_ms=86400000,after_ms=0"}));
  EXPECT_NEAR(static_cast<double>(jumped.WallClock().tv_sec -
                                  Os::Default().WallClock().tv_sec),
              86400.0, 2.0);
  // Not yet jumped: the jump is an hour away.
  FaultOs later(&Os::Default(),
                Plan({"clock_jump_ms=86400000,after_ms=3600000"}));
  EXPECT_NEAR(static_cast<double>(later.WallClock().tv_sec -
                                  Os::Default().WallClock().tv_sec),
              0.0, 2.0);
}

TEST(FaultOsTest, CoarseMtimesAreRoundedDown) {
  testing::TempDir dir;
  int fd = ::open(dir.File("f").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  struct timespec times[2] = {{1000, 999999999}, {1003, 500000000}};
  ASSERT_EQ(::futimens(fd, times), 0);
  FaultOs os(&Os::Default(), Plan({"mtime_granularity_ms=2000"}));
  struct stat st {};
  ASSERT_EQ(os.Fstat(fd, &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1002);
  EXPECT_EQ(st.st_mtim.tv_nsec, 0);
  EXPECT_EQ(st.st_atim.tv_sec, 1000);
  ASSERT_EQ(os.Lstat(dir.File("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1002);
  struct stat real {};
  ASSERT_EQ(Os::Default().Fstat(fd, &real), 0);
  EXPECT_EQ(real.st_mtim.tv_nsec, 500000000);  // the real one is exact
  ::close(fd);
}

TEST(FaultOsDeathTest, ExitAndKillCrashAtTheArmedPassage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        FaultOs os(&Os::Default(), Plan({"failpoint=p,action=exit,hit=2"}));
        os.Failpoint("p");
        os.Failpoint("other");
        os.Failpoint("p");
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(kCrashExit), "failpoint p .passage 2.");
  EXPECT_EXIT(
      {
        FaultOs os(&Os::Default(), Plan({"failpoint=p,action=kill"}));
        os.Failpoint("p");
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "SIGKILL");
}

TEST(FaultOsTest, PauseGoesOn) {
  FaultOs os(&Os::Default(), Plan({"failpoint=p,action=pause,ms=1"}));
  os.Failpoint("p");
  os.Failpoint("p");
  EXPECT_EQ(os.Passages("p"), 2);
}

// lockstress-worker refuses a bad spec by option or environment (exit 2,
// naming the spec) and greets with a good one.
TEST(FaultOsTest, WorkerRefusesBadSpecsAndTakesGoodOnes) {
  testing::TempDir dir;
  std::string worker = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress-worker";
  auto run = [&](const std::string& cmd) {
    int status = std::system(
        ("cd '" + dir.path() + "' && " + cmd + " </dev/null >out.txt 2>&1")
            .c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run("timeout 20 '" + worker +
                "' --impl link --fault 'failpoint=p,action=boom'"),
            2);
  EXPECT_EQ(run("LOCKSTRESS_FAULTS='clock_skew_ms=x' timeout 20 '" + worker +
                "' --impl link"),
            2);
  EXPECT_EQ(run("timeout 20 '" + worker +
                "' --impl link --fault 'syscall=open,errno=EIO'"),
            0);  // greets, then end of input
}

}  // namespace
}  // namespace lockstress
