#include "tools/cli/bench_section.h"

#include <gtest/gtest.h>

namespace lockstress::cli {
namespace {

using nlohmann::json;

TEST(RowName, DropsGoogleBenchmarkSuffixes) {
  EXPECT_EQ(RowName("contended/flock/procs:4/cs_us:10/iterations:1/"
                    "manual_time"),
            "contended/flock/procs:4/cs_us:10");
  EXPECT_EQ(RowName("uncontended/link/min_time:0.050/real_time"),
            "uncontended/link");
  EXPECT_EQ(RowName("driver/do-nothing/handoff/threads:2/cs_us:10/"
                    "repeats:3/manual_time"),
            "driver/do-nothing/handoff/threads:2/cs_us:10");
}

json Bench(const std::string& name, long rep, double ops, double ratio) {
  return {{"run_name", name + "/real_time"}, {"run_type", "iteration"},
          {"repetition_index", rep},         {"ops_per_s", ops},
          {"ratio_to_raw", ratio},           {"raw_ops_per_s", ops / ratio}};
}

TEST(BenchSection, OneRowPerBenchmarkWithMedianAndSpread) {
  json gb = {{"benchmarks",
              {Bench("uncontended/flock", 0, 100, 0.9),
               Bench("uncontended/flock", 1, 300, 1.1),
               Bench("uncontended/flock", 2, 200, 1.0),
               {{"run_name", "uncontended/flock/real_time_mean"},
                {"run_type", "aggregate"}},
               {{"run_name", "handoff/link/procs:2/cs_us:10/iterations:1"},
                {"run_type", "iteration"},
                {"error_occurred", true},
                {"error_message", "boom"}}}}};
  json s = BenchSection({{"tmpfs /dev/shm", gb}});
  EXPECT_EQ(s["id"], "bench");
  EXPECT_EQ(s["kind"], "table");
  ASSERT_EQ(s["rows"].size(), 2u);
  const json& row = s["rows"][0];
  ASSERT_EQ(row.size(), s["columns"].size());
  EXPECT_EQ(row[0], "tmpfs /dev/shm");
  EXPECT_EQ(row[1], "flock");
  EXPECT_EQ(row[2], "uncontended");
  EXPECT_EQ(row[3], 200);
  EXPECT_EQ(row[4], 1.0);
  EXPECT_EQ(row[5], "0.9..1.1");
  const json& failed = s["rows"][1];
  EXPECT_EQ(failed[1], "link");
  EXPECT_EQ(failed[2], "handoff/procs:2/cs_us:10");
  EXPECT_EQ(failed[4], "error");
  EXPECT_EQ(failed[6], "boom");
  EXPECT_EQ(s["chart"]["type"], "bar");
}

TEST(ValidJson, NonFiniteNumbersBecomeNull) {
  std::string text = ValidJson(
      R"({"a": NaN, "b": -nan, "c": inf, "d":-inf, "name": "x: NaN \" :inf",)"
      R"( "e": 1, "f": [1], "infinite": 2})");
  json j = json::parse(text);
  EXPECT_TRUE(j["a"].is_null());
  EXPECT_TRUE(j["b"].is_null());
  EXPECT_TRUE(j["c"].is_null());
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_EQ(j["name"], "x: NaN \" :inf");
  EXPECT_EQ(j["infinite"], 2);
  EXPECT_EQ(j["e"], 1);
}

TEST(MergeSection, KeepsTheRestAndReplacesTheSameId) {
  json old = {
      {"version", 1},
      {"seed", 7},
      {"checks", json::array({{{"impl", "flock"}}})},
      {"sections",
       {{{"id", "bench"}, {"rows", json::array()}}, {{"id", "probe_fs"}}}}};
  json section = {{"id", "bench"}, {"rows", {{1}}}};
  json merged = json::parse(MergeSection(old.dump(), section));
  EXPECT_EQ(merged["seed"], 7);
  EXPECT_EQ(merged["checks"].size(), 1u);
  ASSERT_EQ(merged["sections"].size(), 2u);
  EXPECT_EQ(merged["sections"][0]["id"], "probe_fs");
  EXPECT_EQ(merged["sections"][1]["rows"].size(), 1u);
}

TEST(MergeSection, MakesAFreshFile) {
  json merged = json::parse(MergeSection("", {{"id", "bench"}}));
  EXPECT_EQ(merged["version"], 1);
  EXPECT_EQ(merged["sections"].size(), 1u);
}

TEST(MergeSection, RefusesSomethingThatIsNotAnObject) {
  EXPECT_THROW(MergeSection("[1,2", {{"id", "bench"}}), std::runtime_error);
}

}  // namespace
}  // namespace lockstress::cli
