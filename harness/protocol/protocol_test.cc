#include "harness/protocol/protocol.h"

#include <gtest/gtest.h>

namespace lockstress::protocol {
namespace {

TEST(Greeting, RoundTrips) {
  Greeting g{"link",
             {Feature::kBlocking, Feature::kTimeout, Feature::kThreads}};
  std::string line = FormatGreeting(g);
  EXPECT_EQ(line, "lockstress-driver 1 link blocking,timeout,threads");
  StatusOr<Greeting> back = ParseGreeting(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, "link");
  EXPECT_EQ(back->features, g.features);
}

TEST(Greeting, MalformedIsRefusedQuotingTheLine) {
  for (std::string_view bad :
       {"", "hello", "lockstress-driver 2 x blocking",
        "lockstress-driver 1 x blocking,flying", "lockstress-driver 1 x",
        "lockstress-driver 1  blocking", "lockstress-driver 1 x blocking ",
        "lockstress-driver 1 x blocking,,timeout", "lockstress-driver 1 x "}) {
    StatusOr<Greeting> g = ParseGreeting(bad);
    ASSERT_FALSE(g.ok()) << bad;
    EXPECT_NE(g.status().message().find("'" + std::string(bad) + "'"),
              std::string::npos)
        << g.status().message();
  }
}

TEST(Request, EveryVerbRoundTrips) {
  for (std::string_view line :
       {"1 open h0 /tmp/a path with spaces", "2 acquire h0 inf",
        "3 acquire h0 0", "4 acquire_shared w1.h-2_x 0.25", "5 release h0",
        "6 is_locked h0", "7 i_am_locking h0", "8 break h0", "9 close h0",
        "10 quit"}) {
    StatusOr<Request> r = ParseRequest(line);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(FormatRequest(*r), line);
  }
}

TEST(Request, FieldsAreParsed) {
  StatusOr<Request> r = ParseRequest("42 open w0 /x/y z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seq, 42u);
  EXPECT_EQ(r->verb, Verb::kOpen);
  EXPECT_EQ(r->handle, "w0");
  EXPECT_EQ(r->path, "/x/y z");
  r = ParseRequest("1 acquire h 1.5");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timeout, Timeout::After(std::chrono::milliseconds(1500)));
  r = ParseRequest("1 acquire h -1");  // negative means 0
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timeout.is_nonblocking());
  r = ParseRequest("1 acquire h inf");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timeout.is_forever());
}

TEST(Request, MalformedIsRefusedQuotingTheLine) {
  std::string long_handle(65, 'a');
  for (std::string bad : {std::string(""),
                          std::string("x open h /p"),
                          std::string("1"),
                          std::string("-1 quit"),
                          std::string("1 fly h"),
                          std::string("1 quit x"),
                          std::string("1 open h"),
                          std::string("1 open h "),
                          std::string("1 acquire h"),
                          std::string("1 acquire h soon"),
                          std::string("1 acquire h 1e3"),
                          std::string("1 acquire h 1."),
                          std::string("1 acquire h 1 2"),
                          std::string("1 release"),
                          std::string("1 release h extra"),
                          std::string("1 release h/x"),
                          std::string("1  release h"),
                          std::string("1 release h "),
                          "1 release " + long_handle,
                          std::string("99999999999999999999 quit")}) {
    StatusOr<Request> r = ParseRequest(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("'" + bad + "'"), std::string::npos)
        << r.status().message();
  }
  EXPECT_TRUE(ParseRequest("1 release " + std::string(64, 'a')).ok());
}

TEST(Reply, RoundTrips) {
  for (std::string_view line :
       {"1 ok 10 20", "2 ok 10 20 true", "3 ok 5 5 false",
        "4 err 1 2 AlreadyLocked", "5 err 1 2 NotMyLock held by host-1-2",
        "6 err 1 2 Unsupported shared is not declared"}) {
    StatusOr<Reply> r = ParseReply(line);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(FormatReply(*r), line);
  }
  StatusOr<Reply> r = ParseReply("5 err 1 2 NotMyLock held by host-1-2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, ErrorKind::kNotMyLock);
  EXPECT_EQ(r->message, "held by host-1-2");
}

TEST(Reply, MessagesStayOnOneLine) {
  Reply r{.seq = 1,
          .t0 = 1,
          .t1 = 2,
          .kind = ErrorKind::kError,
          .message = "two\nlines\r"};
  EXPECT_EQ(FormatReply(r), "1 err 1 2 Error two lines ");
}

TEST(Reply, MalformedIsRefusedQuotingTheLine) {
  for (std::string_view bad :
       {"", "1 ok", "1 ok 1", "1 fine 1 2", "1 ok 1 2 maybe", "1 ok 1 2 true x",
        "1 ok 2 1", "1 ok -1 2", "x ok 1 2", "1 err 1 2", "1 err 1 2 Ok",
        "1 err 1 2 Oops msg", "1 err 1 2 NotLocked ", "1 ok 1 2 "}) {
    StatusOr<Reply> r = ParseReply(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("'" + std::string(bad) + "'"),
              std::string::npos)
        << r.status().message();
  }
}

TEST(Reply, FromStatus) {
  Reply ok = ReplyFromStatus(3, 1, 2, Status::Ok());
  EXPECT_EQ(FormatReply(ok), "3 ok 1 2");
  Reply err = ReplyFromStatus(
      4, 1, 2, Status(ErrorKind::kNotLocked, "/p", "nobody holds it"));
  EXPECT_EQ(err.kind, ErrorKind::kNotLocked);
  EXPECT_NE(err.message.find("/p"), std::string::npos);
}

TEST(Handle, Pattern) {
  EXPECT_TRUE(IsValidHandle("w1.h0_A-z"));
  EXPECT_FALSE(IsValidHandle(""));
  EXPECT_FALSE(IsValidHandle("a b"));
  EXPECT_FALSE(IsValidHandle(std::string(65, 'x')));
}

TEST(Clock, MonotonicAdvances) {
  std::int64_t a = MonotonicNanos();
  std::int64_t b = MonotonicNanos();
  EXPECT_GT(a, 0);
  EXPECT_GE(b, a);
}

}  // namespace
}  // namespace lockstress::protocol
