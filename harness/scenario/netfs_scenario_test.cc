// The [netfs] table: clients and cuts load; bad keys and values are errors
// naming the file and line; the shipped netfs suites load.
#include "harness/scenario/netfs_scenario.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/scenario/scenario.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

constexpr const char* kHead = R"(description = "d"
properties = ["mutual_exclusion"]
[topology]
processes = 3
[mix]
ops = 1
)";

StatusOr<Scenario> Load(const testing::TempDir& dir, const std::string& tail) {
  std::string path = dir.File("s.toml");
  std::ofstream(path) << kHead << tail;
  return LoadScenario(path);
}

TEST(NetfsScenario, LoadsClientsAndCuts) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, R"(
[netfs]
clients = 3
[[netfs.cut]]
at_ms = 100
target = "worker"
worker = 2
duration_ms = 900
how = "link"
[[netfs.cut]]
target = "waiter"
)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->netfs.clients, 3);
  ASSERT_EQ(s->netfs.cuts.size(), 2u);
  EXPECT_EQ(s->netfs.cuts[0],
            (NetCut{.target = NemesisAction::Target::kWorker,
                    .worker = 2,
                    .at = std::chrono::milliseconds(100),
                    .duration = std::chrono::milliseconds(900),
                    .link_down = true}));
  EXPECT_EQ(s->netfs.cuts[1].target, NemesisAction::Target::kWaiter);
  EXPECT_FALSE(s->netfs.cuts[1].link_down);
}

TEST(NetfsScenario, NoTableMeansNoClients) {
  testing::TempDir dir;
  StatusOr<Scenario> s = Load(dir, "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->netfs.clients, 0);
}

TEST(NetfsScenario, BadTablesNameTheLine) {
  struct Case {
    const char* tail;
    const char* where;  // ":LINE:" in the message
    const char* what;
  } cases[] = {
      {"[netfs]\nclientz = 2\n", ":8:", "unknown key 'netfs.clientz'"},
      {"[netfs]\nclients = 0\n", ":8:", "clients"},
      {"[netfs]\n[[netfs.cut]]\nhow = \"unplug\"\n", ":9:", "how"},
      {"[netfs]\n[[netfs.cut]]\ntarget = \"worker\"\nworker = 7\n",
       ":10:", "worker"},
  };
  for (const Case& c : cases) {
    testing::TempDir dir;
    StatusOr<Scenario> s = Load(dir, c.tail);
    ASSERT_FALSE(s.ok()) << c.tail;
    EXPECT_NE(s.status().ToString().find(c.where), std::string::npos)
        << s.status().ToString();
    EXPECT_NE(s.status().ToString().find(c.what), std::string::npos)
        << s.status().ToString();
  }
}

TEST(NetfsScenario, ShippedNetfsSuitesLoad) {
  for (const char* suite : {"netfs", "netfs_partition"}) {
    StatusOr<std::vector<Scenario>> s =
        LoadSuite(std::string(LOCKSTRESS_SOURCE_DIR) + "/scenarios", suite);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_FALSE(s->empty());
    for (const Scenario& sc : *s) EXPECT_EQ(sc.netfs.clients, 2) << sc.name;
  }
}

}  // namespace
}  // namespace lockstress
