#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kVictim[] =
    "size=120 mtime_ns=5 ctime_ns=5 nlink=1 ino=7 fnv=00000000000000aa";

// A harness record (hostile_paths.h) appended to the builder's history.
std::size_t Harness(HistoryBuilder& b, const std::string& op,
                    const std::string& arg, const std::string& message,
                    int target = -1) {
  std::size_t i = b.Nemesis(op, target, 0, 0);
  b.history().events[i].arg = arg;
  b.history().events[i].message = message;
  return i;
}

// A symlink planted, refused twice, the victim untouched.
HistoryBuilder RefusedSymlink() {
  HistoryBuilder b;
  Harness(b, "victim", "before", kVictim);
  Harness(b, "plant", "/d/lock", "symlink target=/d/victim");
  b.Err("w0.h0", "acquire", ErrorKind::kLockFailed, 1, 2, "0");
  b.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 3, 4, "0");
  return b;
}

TEST(SecurityTest, SkipsWithoutHostileSetUp) {
  HistoryBuilder b;
  b.Ok("w0.h0", "acquire", 0, 1, "0");
  b.Ok("w0.h0", "release", 2, 3, "");
  EXPECT_EQ(b.Check("security").verdict, Verdict::kSkip);
}

TEST(SecurityTest, RefusedSymlinkAndUntouchedVictimPass) {
  HistoryBuilder b = RefusedSymlink();
  Harness(b, "victim", "after", kVictim);
  CheckResult r = b.Check("security");
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(SecurityTest, TruncatedVictimFails) {
  HistoryBuilder b = RefusedSymlink();
  std::size_t after = Harness(
      b, "victim", "after",
      "size=0 mtime_ns=9 ctime_ns=9 nlink=1 ino=7 fnv=cbf29ce484222325");
  CheckResult r = b.Check("security");
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("victim file changed"), std::string::npos);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{0, after}));
}

TEST(SecurityTest, MissingAfterRecordFails) {
  HistoryBuilder b = RefusedSymlink();
  EXPECT_EQ(b.Check("security").verdict, Verdict::kFail);
}

TEST(SecurityTest, HeldThroughThePlantedSymlinkFails) {
  HistoryBuilder b = RefusedSymlink();
  b.Ok("w1.h0", "acquire", 5, 6, "0");
  std::size_t seen =
      Harness(b, "lock_entry", "/d/lock", "type=symlink target=/d/victim", 1);
  b.Ok("w1.h0", "release", 7, 8, "");
  Harness(b, "victim", "after", kVictim);
  CheckResult r = b.Check("security");
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("planted symlink"), std::string::npos) << r.detail;
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{seen}));
}

TEST(SecurityTest, HungFifoOpenFails) {
  HistoryBuilder b;
  Harness(b, "victim", "before", kVictim);
  Harness(b, "plant", "/d/lock", "fifo");
  std::size_t lost = b.Lost("w0.h0", "acquire", 1, 9000, "0");
  Harness(b, "victim", "after", kVictim);
  CheckResult r = b.Check("security");
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("hang"), std::string::npos);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{lost}));
}

TEST(SecurityTest, SlowNonblockingAcquireIsAHang) {
  HistoryBuilder b;
  Harness(b, "plant", "/d/lock", "fifo");
  b.Err("w0.h0", "acquire", ErrorKind::kLockFailed, 1, 900, "0");
  CheckOptions opt;
  opt.nonblocking_prompt = std::chrono::milliseconds(500);
  EXPECT_EQ(b.Check("security", opt).verdict, Verdict::kFail);
  opt.nonblocking_prompt = std::chrono::milliseconds(1000);
  EXPECT_EQ(b.Check("security", opt).verdict, Verdict::kPass);
}

TEST(SecurityTest, LostAfterANemesisKillIsNoHang) {
  HistoryBuilder b;
  Harness(b, "plant", "/d/lock", "fifo");
  b.Nemesis("kill", 0, 2, 3);
  b.Lost("w0.h0", "acquire", 1, 4, "inf");
  EXPECT_EQ(b.Check("security").verdict, Verdict::kPass);
}

TEST(SecurityTest, WritableLockEntryInWorldWritableDirectoryFails) {
  HistoryBuilder b;
  Harness(b, "plant", "/d", "chmod 0777");
  b.Ok("w0.h0", "acquire", 1, 2, "0");
  Harness(b, "lock_entry", "/d/lock.lock", "type=directory mode=0755", 0);
  b.Ok("w0.h0", "release", 3, 4, "");
  EXPECT_EQ(b.Check("security").verdict, Verdict::kPass);
  b.Ok("w0.h0", "acquire", 5, 6, "0");
  std::size_t bad =
      Harness(b, "lock_entry", "/d/lock.lock", "type=directory mode=0777", 0);
  CheckResult r = b.Check("security");
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("writable by others"), std::string::npos);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{bad}));
}

}  // namespace
}  // namespace lockstress
