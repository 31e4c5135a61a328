// Timeout and Deadline: lockfile's timeout words, made exact.
#include "lockstress/timeout.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <limits>

namespace lockstress {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(TimeoutTest, FromSecondsRefusesNaN) {
  StatusOr<Timeout> t = Timeout::FromSeconds(std::nan(""));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().kind(), ErrorKind::kLockFailed);
  EXPECT_EQ(t.status().sys_errno(), EINVAL);
}

TEST(TimeoutTest, FromSecondsInfinityIsForever) {
  auto t = Timeout::FromSeconds(std::numeric_limits<double>::infinity());
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->is_forever());
}

TEST(TimeoutTest, FromSecondsZeroOrNegativeIsNonBlocking) {
  for (double s :
       {0.0, -0.0, -1.0, -1e9, -std::numeric_limits<double>::infinity()}) {
    auto t = Timeout::FromSeconds(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_TRUE(t->is_nonblocking()) << s;
  }
}

TEST(TimeoutTest, FromSecondsPositiveIsADuration) {
  auto t = Timeout::FromSeconds(0.25);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->is_forever());
  EXPECT_FALSE(t->is_nonblocking());
  EXPECT_EQ(t->duration(), milliseconds(250));
}

TEST(TimeoutTest, AfterZeroIsNonBlocking) {
  EXPECT_TRUE(Timeout::After(nanoseconds(0)).is_nonblocking());
  EXPECT_TRUE(Timeout::After(milliseconds(-5)).is_nonblocking());
  EXPECT_EQ(Timeout::NonBlocking().duration(), nanoseconds(0));
  EXPECT_EQ(Timeout::Forever().duration(), nanoseconds::max());
}

TEST(TimeoutTest, ParseProtocolWords) {
  auto inf = Timeout::Parse("inf");
  ASSERT_TRUE(inf.ok());
  EXPECT_TRUE(inf->is_forever());
  auto zero = Timeout::Parse("0");
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->is_nonblocking());
  auto minus = Timeout::Parse("-1");
  ASSERT_TRUE(minus.ok());
  EXPECT_TRUE(minus->is_nonblocking());
  auto quarter = Timeout::Parse("0.25");
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->duration(), milliseconds(250));
}

TEST(TimeoutTest, ParseRefusesGarbageNamingTheText) {
  for (const char* bad : {"", "abc", "1s", "0.5x", "nan", "infinity", " 1"}) {
    auto t = Timeout::Parse(bad);
    ASSERT_FALSE(t.ok()) << "'" << bad << "'";
    EXPECT_NE(t.status().ToString().find("'" + std::string(bad) + "'"),
              std::string::npos)
        << t.status().ToString();
  }
}

TEST(TimeoutTest, ToStringRoundTrips) {
  for (Timeout t : {Timeout::Forever(), Timeout::NonBlocking(),
                    Timeout::After(milliseconds(250)),
                    Timeout::After(std::chrono::seconds(3)),
                    Timeout::After(nanoseconds(1))}) {
    auto back = Timeout::Parse(t.ToString());
    ASSERT_TRUE(back.ok()) << t.ToString();
    EXPECT_EQ(*back, t) << t.ToString();
  }
  EXPECT_EQ(Timeout::Forever().ToString(), "inf");
  EXPECT_EQ(Timeout::NonBlocking().ToString(), "0");
  EXPECT_EQ(Timeout::After(milliseconds(250)).ToString(), "0.25");
  EXPECT_EQ(Timeout::After(std::chrono::seconds(3)).ToString(), "3");
}

TEST(DeadlineTest, NeverAndFrom) {
  EXPECT_TRUE(Deadline::Never().is_never());
  EXPECT_FALSE(Deadline::Never().expired());
  EXPECT_TRUE(Deadline::From(Timeout::Forever()).is_never());
  Deadline now = Deadline::From(Timeout::NonBlocking());
  EXPECT_TRUE(now.expired());
  EXPECT_EQ(now.remaining(), nanoseconds(0));
  Deadline later = Deadline::From(Timeout::After(std::chrono::seconds(60)));
  EXPECT_FALSE(later.expired());
  EXPECT_GT(later.remaining(), std::chrono::seconds(50));
}

}  // namespace
}  // namespace lockstress
