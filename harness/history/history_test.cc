#include "lockstress/history.h"

#include <gtest/gtest.h>

#include <fstream>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

History Sample() {
  History h;
  h.header = {.version = 1,
              .impl = "link",
              .features = {Feature::kBlocking, Feature::kThreads},
              .ownership = Ownership::kThread,
              .scenario = "conformance/basic",
              .seed = 42,
              .workers = 2,
              .witness = "/tmp/w"};
  Event acquire{.worker = 1,
                .handle = "w1.h0",
                .pid = 99,
                .op = "acquire",
                .arg = "0.25",
                .t0 = 10,
                .t1 = 20};
  Event release{.worker = 1,
                .handle = "w1.h0",
                .op = "release",
                .t0 = 30,
                .t1 = 40,
                .outcome = Outcome::kErr,
                .kind = ErrorKind::kNotLocked,
                .message = "nobody \"holds\"\n"};
  Event query{.worker = 0,
              .handle = "w0.h0",
              .op = "is_locked",
              .t0 = 5,
              .t1 = 6,
              .value = false};
  Event witness{.worker = 1,
                .handle = "w1.h0",
                .op = "witness",
                .t0 = 21,
                .t1 = 22,
                .read = 41,
                .wrote = 42};
  Event lost{.worker = 0,
             .handle = "w0.h0",
             .op = "acquire",
             .arg = "inf",
             .t0 = 50,
             .t1 = 60,
             .outcome = Outcome::kLost,
             .message = "worker killed"};
  Event kill{.type = Event::Type::kNemesis,
             .worker = -1,
             .op = "kill",
             .t0 = 55,
             .t1 = 56,
             .message = "SIGKILL",
             .target = 0};
  h.events = {acquire, release, query, witness, lost, kill};
  return h;
}

void ExpectSame(const Event& a, const Event& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.worker, b.worker);
  EXPECT_EQ(a.handle, b.handle);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.op, b.op);
  EXPECT_EQ(a.arg, b.arg);
  EXPECT_EQ(a.t0, b.t0);
  EXPECT_EQ(a.t1, b.t1);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.read, b.read);
  EXPECT_EQ(a.wrote, b.wrote);
  EXPECT_EQ(a.target, b.target);
}

TEST(History, RoundTrips) {
  testing::TempDir dir;
  History h = Sample();
  std::string path = dir.File("history.jsonl");
  ASSERT_TRUE(WriteHistory(path, h).ok());
  StatusOr<History> back = ReadHistory(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->header.impl, "link");
  EXPECT_EQ(back->header.features, h.header.features);
  EXPECT_EQ(back->header.ownership, Ownership::kThread);
  EXPECT_EQ(back->header.seed, 42u);
  EXPECT_EQ(back->header.workers, 2);
  EXPECT_EQ(back->header.witness, "/tmp/w");
  ASSERT_EQ(back->events.size(), h.events.size());
  for (std::size_t i = 0; i < h.events.size(); ++i) {
    ExpectSame(back->events[i], h.events[i]);
    EXPECT_EQ(back->events[i].line, static_cast<std::int64_t>(i) + 2);
  }
  EXPECT_EQ(testing::ListDir(dir.path()),
            std::vector<std::string>{"history.jsonl"});
}

TEST(History, OneLinePerEvent) {
  std::string line = EventToJson(Sample().events[1]);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("\"kind\":\"NotLocked\""), std::string::npos);
}

void ExpectBad(const std::string& content, const std::string& where,
               const std::string& what) {
  testing::TempDir dir;
  std::string path = dir.File("h.jsonl");
  std::ofstream(path) << content;
  StatusOr<History> h = ReadHistory(path);
  ASSERT_FALSE(h.ok()) << content;
  EXPECT_NE(h.status().message().find(path + ":" + where + ": "),
            std::string::npos)
      << h.status().message();
  EXPECT_NE(h.status().message().find(what), std::string::npos)
      << h.status().message();
}

TEST(History, ErrorsNameFileAndLine) {
  std::string header = HeaderToJson(Sample().header) + "\n";
  ExpectBad("", "1", "no header");
  ExpectBad("{\"type\":\"op\",\"op\":\"acquire\"}\n", "1", "header");
  ExpectBad(header + "not json\n", "2", "not JSON");
  ExpectBad(header + "{\"type\":\"op\"}\n", "2", "missing field 'op'");
  ExpectBad(header + "\n{\"type\":\"op\",\"op\":\"x\",\"outcome\":\"maybe\"}\n",
            "3", "unknown outcome");
  ExpectBad(header + "{\"type\":\"op\",\"op\":\"x\",\"outcome\":\"err\"}\n",
            "2", "needs a kind");
  ExpectBad(header + "{\"type\":\"op\",\"op\":\"x\",\"kind\":\"Oops\"}\n", "2",
            "unknown kind");
  ExpectBad(header + "{\"type\":\"op\",\"op\":\"x\",\"t0\":\"soon\"}\n", "2",
            "'t0'");
  ExpectBad(header + header, "2", "second header");
  ExpectBad("{\"type\":\"header\",\"version\":2,\"impl\":\"x\"}\n", "1",
            "version 2");
}

TEST(History, MissingFileIsAnError) {
  EXPECT_FALSE(ReadHistory("/nonexistent/history.jsonl").ok());
}

}  // namespace
}  // namespace lockstress
