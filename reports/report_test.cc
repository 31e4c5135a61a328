// The report's C++ side: the data it embeds, the timeline's downsampling,
// bad input, and the page's safety. The page in a browser:
// report_browser_test.cc.
#include "reports/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impls/testing/test_dirs.h"
#include "reports/assets.h"
#include "reports/case_stats.h"
#include "reports/html_page.h"
#include "reports/run_data.h"
#include "reports/timeline.h"

namespace lockstress::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Event Op(int worker, const std::string& op, std::int64_t t0, std::int64_t t1,
         Outcome outcome = Outcome::kOk, ErrorKind kind = ErrorKind::kOk) {
  Event e;
  e.worker = worker;
  e.handle = "w" + std::to_string(worker) + ".h0";
  e.op = op;
  e.t0 = t0;
  e.t1 = t1;
  e.outcome = outcome;
  e.kind = kind;
  return e;
}

// Items of kind `kind` in a timeline's JSON.
std::vector<json> ItemsOf(const json& t, TimelineBuilder::Kind kind) {
  std::vector<json> out;
  for (const json& it : t["items"]) {
    if (it[1] == static_cast<int>(kind)) out.push_back(it);
  }
  return out;
}

TEST(HtmlPage, DataCannotEndTheScriptElement) {
  json data = {{"detail", "</script><script>alert(1)</script><!-- x"}};
  std::string text = ScriptSafeJson(data);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(json::parse(text), data);
}

TEST(HtmlPage, FillsTheThreePlaceholdersOnly) {
  EXPECT_EQ(
      FillTemplate("a{{CSS}}b{{JS}}c{{DATA}}d{{OTHER}}e{{", "1", "2", "3"),
      "a1b2c3d{{OTHER}}e{{");
}

TEST(HtmlPage, TheEmbeddedAssetsAreWholeAndSafeToInline) {
  EXPECT_NE(TemplateHtml().find("{{DATA}}"), std::string_view::npos);
  EXPECT_NE(TemplateHtml().find("Content-Security-Policy"),
            std::string_view::npos);
  EXPECT_NE(ScriptJs().find("data-rendered"), std::string_view::npos);
  EXPECT_EQ(ScriptJs().find("</script"), std::string_view::npos);
  EXPECT_EQ(StyleCss().find("</style"), std::string_view::npos);
  // Nothing reaches out of the page.
  std::string page = RenderPage({{"checks", json::array()}});
  for (const char* remote :
       {"http://", "https://", "//cdn", "@import", "url("}) {
    std::string text(page);
    // The SVG namespace is a name, not a request.
    std::size_t at = 0;
    while ((at = text.find("http://www.w3.org/2000/svg")) != std::string::npos)
      text.erase(at, 26);
    EXPECT_EQ(text.find(remote), std::string::npos) << remote;
  }
}

TEST(Timeline, HoldsRunFromTheAcquireReplyToTheRelease) {
  TimelineBuilder b({}, {});
  b.Add(0, Op(1, "acquire", 1000, 3000), "l0");
  b.Add(1,
        Op(2, "acquire", 2000, 2500, Outcome::kErr, ErrorKind::kAlreadyLocked),
        "l1");
  b.Add(2, Op(1, "release", 9000, 9500), "l2");
  json t = b.Finish();
  EXPECT_EQ(t["lanes"], json({"w1.h0", "w2.h0"}));
  auto holds = ItemsOf(t, TimelineBuilder::kHold);
  ASSERT_EQ(holds.size(), 1u);
  // [lane, kind, t0 us, t1 us, acquire, release], from the first t0.
  EXPECT_EQ(holds[0], json({0, 0, 2, 8, 0, 2}));
  EXPECT_EQ(ItemsOf(t, TimelineBuilder::kRefused).size(), 1u);
  EXPECT_FALSE(t["downsampled"]);
}

TEST(Timeline, AKillCutsTheHoldingAndIsQuoted) {
  TimelineBuilder b({}, {});
  b.Add(0, Op(1, "acquire", 1000, 2000), "l0");
  Event kill;
  kill.type = Event::Type::kNemesis;
  kill.worker = -1;
  kill.op = "kill";
  kill.target = 1;
  kill.t0 = 5000;
  kill.t1 = 6000;
  b.Add(1, kill, "{\"op\":\"kill\"}");
  b.Add(2, Op(1, "release", 4000, 7000, Outcome::kLost), "l2");
  json t = b.Finish();
  EXPECT_EQ(t["lanes"][0], "nemesis");
  auto cut = ItemsOf(t, TimelineBuilder::kHoldCut);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0][5], 1);  // ended by the kill
  EXPECT_EQ(t["lines"]["1"][1], "{\"op\":\"kill\"}");
  EXPECT_EQ(t["lines"]["2"][1], "l2");  // the lost call
}

TEST(Timeline, DownsamplingKeepsEveryEvidenceErrorAndNemesisEvent) {
  // 3000 acquire/release pairs; the evidence is pair 1500; one error.
  std::set<std::size_t> evidence = {3000, 3001};
  TimelineBuilder b(evidence, {.detail_budget = 100, .buckets = 50});
  std::size_t index = 0;
  for (int k = 0; k < 3000; ++k) {
    std::int64_t t = k * 10000;
    b.Add(index++, Op(1 + k % 3, "acquire", t, t + 1000), "a");
    b.Add(index++, Op(1 + k % 3, "release", t + 5000, t + 6000), "r");
  }
  b.Add(index++, Op(2, "release", 1, 2, Outcome::kErr, ErrorKind::kNotLocked),
        "err");
  json t = b.Finish();
  EXPECT_TRUE(t["downsampled"]);
  EXPECT_LT(t["items"].size(), 40u);
  bool evidence_hold = false;
  for (const json& it : ItemsOf(t, TimelineBuilder::kHold)) {
    evidence_hold |= it[4] == 3000 && it[5] == 3001;
  }
  EXPECT_TRUE(evidence_hold);
  EXPECT_EQ(ItemsOf(t, TimelineBuilder::kError).size(), 1u);
  EXPECT_EQ(t["lines"]["3000"][1], "a");
  // The evidence's neighbourhood is whole; the rest is summed: every call
  // is counted once, drawn or summed.
  std::int64_t calls = ItemsOf(t, TimelineBuilder::kWait).size() +
                       ItemsOf(t, TimelineBuilder::kCall).size();
  EXPECT_GE(calls, 4);  // the evidence pair and its neighbours
  for (const json& row : t["buckets"]) calls += row[2].get<std::int64_t>();
  EXPECT_EQ(calls, 6000);
}

TEST(CaseStats, WaitsFairnessAndThroughputCountEveryAcquire) {
  CaseStats s;
  for (int k = 0; k < 100; ++k) {
    std::int64_t t = k * 1'000'000;
    s.Add(Op(1 + k % 2, "acquire", t, t + 1000 * (k + 1)));
    s.Add(
        Op(3, "acquire", t, t + 10, Outcome::kErr, ErrorKind::kAlreadyLocked));
  }
  json j = s.Finish(0, 100'000'000);
  EXPECT_EQ(j["wait"]["count"], 100);
  std::int64_t binned = 0;
  for (const json& bin : j["wait"]["bins"])
    binned += bin[2].get<std::int64_t>();
  EXPECT_EQ(binned, 100);
  EXPECT_EQ(j["wait"]["max_us"], 100.0);
  EXPECT_EQ(j["per_handle"],
            json({{"w1.h0", 50, 0}, {"w2.h0", 50, 0}, {"w3.h0", 0, 100}}));
  double sum = 0;
  for (const json& v : j["throughput"]["per_s"]) sum += v.get<double>();
  EXPECT_GT(sum, 0);
}

class RunDir : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.path() + "/run"; }
  void Results(const std::string& text) {
    Write(dir() + "/results.json", text);
  }
  // Exit code and stderr of `lockstress report dir()`.
  std::pair<int, std::string> Report() {
    std::ostringstream out, err;
    int code = RunReport({.run_dir = dir()}, out, err);
    return {code, err.str()};
  }
  testing::TempDir tmp_;
};

constexpr char kHeader[] =
    R"({"type":"header","version":1,"impl":"x","scenario":"s","workers":2})";

TEST_F(RunDir, RendersChecksWithTheirHistoryAndEvidence) {
  Write(
      dir() + "/histories/x/s.jsonl",
      std::string(kHeader) + "\n" +
          R"({"type":"op","worker":1,"handle":"w1.h0","op":"acquire","t0":1,"t1":2,"outcome":"ok"})"
          "\n"
          R"({"type":"op","worker":2,"handle":"w2.h0","op":"acquire","t0":3,"t1":4,"outcome":"ok"})"
          "\n");
  Results(R"({"version":1,"seed":5,"checks":[
    {"impl":"x","scenario":"s","property":"mutual_exclusion","status":"fail",
     "detail":"</script>","evidence":[0,1],"history":"histories/x/s.jsonl"},
    {"impl":"x","scenario":"s","property":"liveness","status":"pass"}]})");
  auto [code, err] = Report();
  ASSERT_EQ(code, 0) << err;
  std::string page = Read(dir() + "/index.html");
  EXPECT_NE(page.find("\\u003c/script>"), std::string::npos);
  StatusOr<json> data = LoadRunData(dir());
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->at("cases").size(), 1u);
  const json& tl = data->at("cases")[0]["timeline"];
  EXPECT_EQ(tl["lines"].size(), 2u);
  EXPECT_EQ(data->at("checks")[1]["case"], 0);
}

TEST_F(RunDir, OlderRunsFindTheirHistoryInRunJson) {
  Write(dir() + "/histories/x/s.jsonl", std::string(kHeader) + "\n");
  Write(
      dir() + "/run.json",
      R"({"cases":[{"impl":"x","scenario":"s","history":"histories/x/s.jsonl"}]})");
  Results(
      R"({"checks":[{"impl":"x","scenario":"s","property":"p","status":"skip"}]})");
  StatusOr<json> data = LoadRunData(dir());
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->at("cases")[0]["history"], "histories/x/s.jsonl");
  EXPECT_TRUE(data->at("cases")[0].contains("timeline"));
}

TEST_F(RunDir, RendersARunWithOnlySections) {
  Results(R"({"version":1,"sections":[{"id":"bench","title":"Benchmarks",
    "columns":["impl","ops/s","verdict"],"rows":[["flock",1.5e6,"pass"]],
    "chart":{"type":"bar","label_columns":[0],"value_column":1}}]})");
  auto [code, err] = Report();
  EXPECT_EQ(code, 0) << err;
  EXPECT_TRUE(fs::exists(dir() + "/index.html"));
}

struct BadCase {
  const char* name;
  const char* results;
  const char* history;  // histories/x/s.jsonl, when not null
  const char* message;  // expected in the error
};

class BadInput : public RunDir,
                 public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadInput, NamesWhereAndWritesNothing) {
  const BadCase& c = GetParam();
  if (c.results != nullptr) Results(c.results);
  if (c.history != nullptr) Write(dir() + "/histories/x/s.jsonl", c.history);
  auto [code, err] = Report();
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find(c.message), std::string::npos) << err;
  if (fs::exists(dir())) {
    for (const auto& e : fs::directory_iterator(dir()))
      EXPECT_NE(e.path().filename().string().rfind("index.html", 0), 0u)
          << e.path();
  }
}

constexpr char kOneCheck[] =
    R"({"checks":[{"impl":"x","scenario":"s","property":"p","status":"pass",
        "history":"histories/x/s.jsonl"}]})";

INSTANTIATE_TEST_SUITE_P(
    Report, BadInput,
    ::testing::Values(
        BadCase{"missing_dir", nullptr, nullptr, "not a directory"},
        BadCase{"no_results", nullptr, "", "results.json: cannot open"},
        BadCase{"not_json", "{\n\"checks\": [\n  {,\n]}", nullptr,
                "results.json:3: not JSON"},
        BadCase{
            "bad_status",
            R"({"checks":[{"impl":"x","scenario":"s","property":"p","status":"maybe"}]})",
            nullptr, "checks[0].status"},
        BadCase{"nothing", "{}", nullptr, "neither"},
        BadCase{
            "bad_section",
            R"({"sections":[{"id":"b","title":"B","columns":["a"],"rows":[[1,2]]}]})",
            nullptr, "sections[0].rows[0]"},
        BadCase{
            "escaping_history",
            R"({"checks":[{"impl":"x","scenario":"s","property":"p","status":"pass","history":"../../etc/passwd"}]})",
            nullptr, "not a path inside the run directory"},
        BadCase{"missing_history", kOneCheck, nullptr,
                "cannot open the history file"},
        BadCase{"bad_history_line", kOneCheck,
                "{\"type\":\"header\",\"version\":1,\"impl\":\"x\"}\n{oops\n",
                "s.jsonl:2: not JSON"},
        BadCase{
            "evidence_beyond",
            R"({"checks":[{"impl":"x","scenario":"s","property":"p","status":"fail","evidence":[9],"history":"histories/x/s.jsonl"}]})",
            "{\"type\":\"header\",\"version\":1,\"impl\":\"x\"}\n",
            "event 9 is beyond the 0 events"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(RunDir, ASyntheticRunKeepsItsPlantedViolation) {
  std::ostringstream out, err;
  ASSERT_EQ(RunReport({.run_dir = dir(), .synthetic_ops = 20000}, out, err), 0)
      << err.str();
  StatusOr<json> data = LoadRunData(dir(), {.detail_budget = 500});
  ASSERT_TRUE(data.ok());
  const json& check = data->at("checks")[0];
  ASSERT_EQ(check["status"], "fail");
  const json& tl = data->at("cases")[0]["timeline"];
  EXPECT_TRUE(tl["downsampled"]);
  EXPECT_EQ(tl["events"], 20000);
  for (const json& ev : check["evidence"]) {
    EXPECT_TRUE(tl["lines"].contains(std::to_string(ev.get<int>()))) << ev;
  }
  // Both overlapping holdings are drawn one by one.
  int evidence_holds = 0;
  for (const json& it : ItemsOf(tl, TimelineBuilder::kHold)) {
    for (const json& ev : check["evidence"]) evidence_holds += it[4] == ev;
  }
  EXPECT_EQ(evidence_holds, 2);
  // A second synthetic run into the same directory is refused.
  EXPECT_EQ(RunReport({.run_dir = dir(), .synthetic_ops = 10}, out, err), 2);
}

}  // namespace
}  // namespace lockstress::report
