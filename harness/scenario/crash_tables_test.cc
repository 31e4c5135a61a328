// The [[fault]], [clock] and [hostile] tables: what they become, and
// errors at the right line for everything the worker would refuse.
#include "harness/scenario/crash_tables.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/scenario/scenario.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

constexpr const char* kHead = R"(description = "faults"
properties = ["security"]
[topology]
processes = 2
[[step]]
op = "acquire"
)";

StatusOr<Scenario> Load(const testing::TempDir& dir, const std::string& tail) {
  std::filesystem::create_directories(dir.File("faults"));
  std::string path = dir.File("faults/case.toml");
  std::ofstream(path) << kHead << tail;
  return LoadScenario(path);
}

TEST(CrashTablesTest, TablesBecomeWorkerSpecs) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, R"(
[[fault]]
worker = 0
failpoint = "link/after_link_before_count"
action = "exit"
[[fault]]
syscall = "open"
errno = "EMFILE"
nth = 2
count = 3
[clock]
worker = 1
skew_ms = -3600000
jump_ms = 1000
jump_after_ms = 500
mtime_granularity_ms = 2000
[hostile]
plant = "fifo"
world_writable = true
)");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->crash.ForWorker(0),
            (std::vector<std::string>{
                "failpoint=link/after_link_before_count,action=exit",
                "syscall=open,errno=EMFILE,nth=2,count=3"}));
  EXPECT_EQ(
      s->crash.ForWorker(1),
      (std::vector<std::string>{
          "syscall=open,errno=EMFILE,nth=2,count=3", "clock_skew_ms=-3600000",
          "clock_jump_ms=1000,after_ms=500", "mtime_granularity_ms=2000"}));
  EXPECT_TRUE(s->crash.hostile);
  EXPECT_EQ(s->crash.setup.plant, HostileSetup::Plant::kFifo);
  EXPECT_TRUE(s->crash.setup.world_writable);
}

TEST(CrashTablesTest, NoTablesNoFaults) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->crash.empty());
}

TEST(CrashTablesTest, ErrorsNameFileAndLine) {
  struct Bad {
    const char* tail;
    const char* line;  // ":N:" in the message
    const char* says;
  };
  for (const Bad& b : std::initializer_list<Bad>{
           {"[[fault]]\nfailpoint = \"p\"\naction = \"explode\"\n",
            ":7:", "action must be"},
           {"[[fault]]\nworker = 2\nfailpoint = \"p\"\naction = \"exit\"\n",
            ":8:", "worker must be"},
           {"[[fault]]\nsyscall = \"open\"\nerrno = \"ENOTANERRNO\"\n",
            ":7:", "unknown errno"},
           {"[[fault]]\ncolour = \"red\"\n", ":8:", "unknown key 'colour'"},
           {"[[fault]]\nerrno = \"EIO\"\n",
            ":7:", "needs failpoint or syscall"},
           {"[clock]\nskew = 5\n", ":8:", "unknown key 'skew'"},
           {"[clock]\njump_after_ms = 5\n", ":8:", "needs jump_ms"},
           {"[hostile]\nplant = \"bomb\"\n", ":8:", "plant must be"},
           {"[hostile]\nworld_writable = \"yes\"\n", ":8:", "true or false"},
       }) {
    testing::TempDir dir;
    StatusOr<Scenario> s = Load(dir, b.tail);
    ASSERT_FALSE(s.ok()) << b.tail;
    EXPECT_NE(s.status().message().find(b.line), std::string::npos)
        << s.status().message();
    EXPECT_NE(s.status().message().find(b.says), std::string::npos)
        << s.status().message();
  }
}

// Every shipped faults/ scenario loads.
TEST(CrashTablesTest, ShippedFaultScenariosLoad) {
  StatusOr<std::vector<Scenario>> all =
      LoadSuite(std::string(LOCKSTRESS_SOURCE_DIR) + "/scenarios", "faults");
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_FALSE(all->empty());
}

}  // namespace
}  // namespace lockstress
