// The code tables alone: every lockfile_create(3) return code and every
// flock(1) exit status maps onto the protocol kind its documentation
// implies (lockfile_codes.h, flock_tool_lock.h). The real tools and the
// library are checked against the same tables in tool_adapters_test and
// library_adapters_test.
#include "impls/external/native/lockfile_codes.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "impls/external/native/flock_tool_lock.h"

namespace lockstress::native {
namespace {

using std::chrono::milliseconds;

const Timeout kTry = Timeout::NonBlocking();
const Timeout kWait = Timeout::After(milliseconds(300));
const Timeout kForever = Timeout::Forever();

ErrorKind Kind(int code, const Timeout& t) {
  return LockfileCreateStatus(code, t, "lockfile_create", "/x").kind();
}

TEST(LockfileCodes, SuccessIsOk) {
  EXPECT_TRUE(LockfileCreateStatus(kLSuccess, kTry, "t", "/x").ok());
}

TEST(LockfileCodes, MaxTrysDependsOnTheWait) {
  EXPECT_EQ(Kind(kLMaxTrys, kTry), ErrorKind::kAlreadyLocked);
  EXPECT_EQ(Kind(kLMaxTrys, kWait), ErrorKind::kLockTimeout);
  // A wait for ever that gives up is not a timeout.
  EXPECT_EQ(Kind(kLMaxTrys, kForever), ErrorKind::kLockError);
}

TEST(LockfileCodes, CreationFailuresAreLockFailed) {
  for (int code :
       {kLNameLen, kLTmpLock, kLTmpWrite, kLManLock, kLOrphaned, kLRmStale}) {
    EXPECT_EQ(Kind(code, kTry), ErrorKind::kLockFailed)
        << LockfileCodeName(code);
  }
}

TEST(LockfileCodes, UnknownErrorsAreLockError) {
  EXPECT_EQ(Kind(kLError, kTry), ErrorKind::kLockError);
  EXPECT_EQ(Kind(99, kTry), ErrorKind::kLockError);
  EXPECT_EQ(LockfileCodeName(99), "L_?99");
}

TEST(LockfileCodes, MessageNamesTheCodeAndErrno) {
  Status s =
      LockfileCreateStatus(kLTmpLock, kTry, "lockfile_create", "/d/x", ENOENT);
  EXPECT_EQ(s.path(), "/d/x");
  EXPECT_EQ(s.sys_errno(), ENOENT);
  EXPECT_NE(s.ToString().find("L_TMPLOCK"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("ENOENT"), std::string::npos) << s.ToString();
}

ErrorKind FlockKind(int code, const Timeout& t) {
  return FlockToolExitStatus({.code = code, .signal = 0}, t, "/x").kind();
}

TEST(FlockToolExit, ConflictDependsOnTheOption) {
  EXPECT_EQ(FlockKind(kFlockConflict, kTry), ErrorKind::kAlreadyLocked);
  EXPECT_EQ(FlockKind(kFlockConflict, kWait), ErrorKind::kLockTimeout);
  EXPECT_EQ(FlockKind(kFlockConflict, kForever), ErrorKind::kLockError);
}

TEST(FlockToolExit, SysexitsCodes) {
  EXPECT_EQ(FlockKind(kExUsage, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(kExNoInput, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(kExCantCreat, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(kExOsErr, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(kExUnavailable, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(127, kTry), ErrorKind::kLockFailed);
  EXPECT_EQ(FlockKind(kExDataErr, kTry), ErrorKind::kLockError);
  EXPECT_EQ(FlockKind(42, kTry), ErrorKind::kLockError);
}

TEST(FlockToolExit, KilledIsLockError) {
  Status s = FlockToolExitStatus({.code = 0, .signal = SIGKILL}, kTry, "/x");
  EXPECT_EQ(s.kind(), ErrorKind::kLockError);
  EXPECT_NE(s.message().find("SIGKILL"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace lockstress::native
