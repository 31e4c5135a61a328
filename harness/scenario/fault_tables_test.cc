// The faults suite's tables ([stale], [namespaces], in_default_run), read
// through the real loader: good files, and every bad value named with its
// file and line.
#include "harness/scenario/fault_tables.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/scenario/scenario.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

constexpr const char* kHead = R"(description = "x"
properties = ["stale_recovery"]
)";
constexpr const char* kTail = R"(
[[step]]
op = "acquire"
)";

StatusOr<Scenario> Load(const testing::TempDir& dir, const std::string& tail) {
  std::filesystem::create_directories(dir.File("faults"));
  std::string path = dir.File("faults/case.toml");
  std::ofstream(path) << kHead << tail << kTail;
  return LoadScenario(path);
}

TEST(FaultTables, AbsentMeansNone) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->faults.any());
  EXPECT_FALSE(s->faults.in_default_run);
}

TEST(FaultTables, ReadsEveryKey) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, R"(in_default_run = true
[stale]
owner = "reused_pid"
record = "garbage"
mtime = "future"
foreign_user = true
[namespaces]
pid = true
uts = true
holder_pid = 4242
decoy = true
)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const FaultTables& f = s->faults;
  EXPECT_TRUE(f.in_default_run);
  ASSERT_TRUE(f.stale && f.namespaces);
  EXPECT_EQ(f.stale->owner, "reused_pid");
  EXPECT_EQ(f.stale->record, "garbage");
  EXPECT_EQ(f.stale->mtime, "future");
  EXPECT_TRUE(f.stale->foreign_user);
  EXPECT_TRUE(f.namespaces->pid && f.namespaces->uts && f.namespaces->decoy);
  EXPECT_EQ(f.namespaces->holder_pid, 4242);
  EXPECT_NE(f.Describe().find("reused_pid"), std::string::npos);
  EXPECT_NE(f.Describe().find("PID namespaces"), std::string::npos);
}

TEST(FaultTables, BadValuesNameFileAndLine) {
  struct Case {
    const char* tail;
    const char* line;  // ":N:" in the message (kHead has 2 lines)
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"[stale]\nowner = \"ghost\"\n", ":4:", "owner must be one of"},
           {"[stale]\nrecord = 3\n", ":4:", "wrong type"},
           {"[stale]\nmtime = \"soon\"\n", ":4:", "mtime must be one of"},
           {"[stale]\ncolour = \"red\"\n", ":4:", "unknown key 'colour'"},
           {"[stale]\nowner = \"reused_pid\"\n", ":4:", "needs [namespaces]"},
           {"[namespaces]\nhostname = \"x\"\n", ":4:", "unknown key"},
           {"[namespaces]\nuts = false\n", ":3:", "needs pid = true or uts"},
           {"[namespaces]\nuts = true\nholder_pid = 500\n",
            ":3:", "need pid = true"},
           {"[namespaces]\npid = true\ndecoy = true\n",
            ":3:", "decoy needs holder_pid"},
           {"[namespaces]\npid = true\nholder_pid = 5\n",
            ":5:", "holder_pid must be in"},
           {"in_default_run = \"yes\"\n", ":3:", "wrong type"},
       }) {
    testing::TempDir dir;
    StatusOr<Scenario> s = Load(dir, c.tail);
    ASSERT_FALSE(s.ok()) << c.tail;
    const std::string& m = s.status().message();
    EXPECT_NE(m.find("case.toml" + std::string(c.line)), std::string::npos)
        << c.tail << " -> " << m;
    EXPECT_NE(m.find(c.says), std::string::npos) << c.tail << " -> " << m;
  }
}

// The shipped faults suite: every scenario places a fault (a stale lock,
// namespaces, or the crash tables: failpoints, clocks, hostile paths), and
// only some are cheap enough for the default run.
TEST(FaultTables, ShippedFaultsSuite) {
  std::string root = std::string(LOCKSTRESS_SOURCE_DIR) + "/scenarios";
  StatusOr<std::vector<Scenario>> faults = LoadSuite(root, "faults");
  ASSERT_TRUE(faults.ok()) << faults.status().ToString();
  int cheap = 0;
  for (const Scenario& s : *faults) {
    EXPECT_TRUE(s.faults.any() || !s.crash.empty()) << s.name;
    cheap += s.faults.in_default_run;
  }
  EXPECT_GE(faults->size(), 28u);
  EXPECT_GE(cheap, 1);
  EXPECT_LT(static_cast<std::size_t>(cheap), faults->size());
}

}  // namespace
}  // namespace lockstress
