// Status / StatusOr: kinds, kind names, and the context in messages.
#include "lockstress/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace lockstress {
namespace {

constexpr ErrorKind kAllKinds[] = {
    ErrorKind::kOk,          ErrorKind::kAlreadyLocked, ErrorKind::kLockTimeout,
    ErrorKind::kLockFailed,  ErrorKind::kNotLocked,     ErrorKind::kNotMyLock,
    ErrorKind::kUnlockError, ErrorKind::kLockError,     ErrorKind::kError,
    ErrorKind::kUnsupported,
};

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.path().empty());
  EXPECT_EQ(s.sys_errno(), 0);
}

TEST(StatusTest, OkKindMakesAnOkStatus) {
  EXPECT_TRUE(Status(ErrorKind::kOk, "/p", "ignored").ok());
}

TEST(StatusTest, KindNamesRoundTrip) {
  for (ErrorKind k : kAllKinds) {
    std::optional<ErrorKind> back = ParseKind(KindName(k));
    ASSERT_TRUE(back.has_value()) << KindName(k);
    EXPECT_EQ(*back, k);
  }
  EXPECT_EQ(KindName(ErrorKind::kAlreadyLocked), "AlreadyLocked");
  EXPECT_EQ(KindName(ErrorKind::kNotMyLock), "NotMyLock");
  EXPECT_FALSE(ParseKind("alreadylocked").has_value());
  EXPECT_FALSE(ParseKind("").has_value());
}

TEST(StatusTest, KindFamilies) {
  EXPECT_TRUE(IsLockErrorKind(ErrorKind::kAlreadyLocked));
  EXPECT_TRUE(IsLockErrorKind(ErrorKind::kLockTimeout));
  EXPECT_TRUE(IsLockErrorKind(ErrorKind::kLockFailed));
  EXPECT_TRUE(IsLockErrorKind(ErrorKind::kLockError));
  EXPECT_FALSE(IsLockErrorKind(ErrorKind::kNotLocked));
  EXPECT_TRUE(IsUnlockErrorKind(ErrorKind::kNotLocked));
  EXPECT_TRUE(IsUnlockErrorKind(ErrorKind::kNotMyLock));
  EXPECT_TRUE(IsUnlockErrorKind(ErrorKind::kUnlockError));
  EXPECT_FALSE(IsUnlockErrorKind(ErrorKind::kLockFailed));
  EXPECT_FALSE(IsLockErrorKind(ErrorKind::kUnsupported));
  EXPECT_FALSE(IsUnlockErrorKind(ErrorKind::kOk));
}

TEST(StatusTest, ToStringCarriesPathSyscallAndErrnoName) {
  Status s = PosixError(ErrorKind::kLockFailed, "open", "/tmp/x.lock", ENOENT,
                        "directory does not exist");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed);
  EXPECT_EQ(s.path(), "/tmp/x.lock");
  EXPECT_EQ(s.syscall(), "open");
  EXPECT_EQ(s.sys_errno(), ENOENT);
  const std::string text = s.ToString();
  EXPECT_EQ(text.rfind("LockFailed: ", 0), 0u) << text;
  EXPECT_NE(text.find("/tmp/x.lock"), std::string::npos) << text;
  EXPECT_NE(text.find("open"), std::string::npos) << text;
  EXPECT_NE(text.find("ENOENT"), std::string::npos) << text;
  EXPECT_NE(text.find("directory does not exist"), std::string::npos) << text;
  EXPECT_EQ(s.Describe(), text.substr(std::string("LockFailed: ").size()));
}

TEST(StatusTest, ErrnoNames) {
  EXPECT_EQ(ErrnoName(EACCES), "EACCES");
  EXPECT_EQ(ErrnoName(ELOOP), "ELOOP");
  EXPECT_EQ(ErrnoName(EDEADLK), "EDEADLK");
  EXPECT_EQ(ErrnoName(99999), "E?99999");
}

TEST(StatusTest, CopiesShareTheSameContext) {
  Status a(ErrorKind::kNotMyLock, "/p", "held by another owner");
  Status b = a;
  EXPECT_EQ(b.kind(), ErrorKind::kNotMyLock);
  EXPECT_EQ(b.path(), "/p");
  EXPECT_EQ(b.message(), "held by another owner");
}

TEST(StatusOrTest, HoldsValueOrStatus) {
  StatusOr<int> v = 7;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 7);
  EXPECT_TRUE(v.status().ok());
  StatusOr<int> e = Status(ErrorKind::kError, "/p", "broken");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().kind(), ErrorKind::kError);
  EXPECT_EQ(e.status().path(), "/p");
}

}  // namespace
}  // namespace lockstress
