// Bad input, for every implementation except the null lock (which touches
// no file at all and so "succeeds" at everything: null_lock_test.cc covers
// it). Each case expects a refusal that names the path and the cause, that
// nothing was followed, truncated or created, and that the directory looks
// as before (ListDir before == after).
//
// Decisions, per mechanism, for a lock path that is not a regular file
// (symlink, dangling symlink, FIFO):
//   open-based mechanisms (flock, posix, ofd, rw, zc, pidfile, sqlite, ...)
//     open with O_NOFOLLOW|O_NONBLOCK and refuse non-regular files
//     (lock_files.h): LockFailed, naming ELOOP or "not a regular file";
//   name-based mechanisms (link, mkdir, locket's name): an entry already
//     sits at the lock path, so link(2)/mkdir(2) fail with EEXIST and the
//     lock looks held: AlreadyLocked (NonBlocking) or LockTimeout (timed).
//   Either answer is accepted; success never is, nor a hang: the FIFO case
//   runs in a child with a deadline, since opening a FIFO without
//   O_NONBLOCK would block until a writer came.
//
// Files kept by design: none may appear after a failed attempt, since in
// every case below the lock file cannot be created. The exception list
// (KeptByDesign) exists for implementations that keep their lock file or
// database (zc, sqlite, the kernel locks) should one create it before
// failing: only that name and SQLite's -journal/-wal/-shm siblings are
// tolerated.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "impls/testing/child_process.h"
#include "impls/testing/conformance_util.h"
#include "impls/testing/test_dirs.h"

namespace lockstress::testing {
namespace {

constexpr uid_t kNobody = 65534;
constexpr std::chrono::milliseconds kAttemptDeadline{10000};

std::string ReadAll(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string BaseName(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

// Names that may appear after a failed attempt, by design (see the top).
bool KeptByDesign(const Lock& lock, const std::string& name) {
  static const char* const kKeepers[] = {
      "zc", "zc-simple", "sqlite", "flock", "posix", "ofd", "rw"};
  bool keeper = false;
  for (const char* k : kKeepers) keeper = keeper || lock.info().name == k;
  const std::string base = BaseName(lock.lock_path());
  return keeper && (name == base || name.rfind(base + "-", 0) == 0);
}

::testing::AssertionResult SameListing(const Lock& lock,
                                       const std::vector<std::string>& before,
                                       const std::vector<std::string>& after) {
  std::string extra;
  for (const std::string& n : after) {
    bool was = std::find(before.begin(), before.end(), n) != before.end();
    if (!was && !KeptByDesign(lock, n)) extra += " +" + n;
  }
  for (const std::string& n : before) {
    if (std::find(after.begin(), after.end(), n) == after.end()) {
      extra += " -" + n;
    }
  }
  if (extra.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "directory changed:" << extra;
}

// The message names the path (or the given part of it) and one of the
// causes.
::testing::AssertionResult NamesPathAndCause(
    const std::string& text, const std::string& path_part,
    std::initializer_list<const char*> causes) {
  if (text.find(path_part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "'" << text << "' does not name " << path_part;
  }
  for (const char* c : causes) {
    if (text.find(c) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "'" << text << "' names no cause";
}

bool IsRefusal(ErrorKind k) {
  return k == ErrorKind::kLockFailed || k == ErrorKind::kAlreadyLocked ||
         k == ErrorKind::kLockTimeout;
}

}  // namespace

// args: impl path drop|keep. Optionally becomes nobody (65534) first, then
// tries once and says "KIND<TAB>STATUS". Says "cannot-drop ERRNO" when the
// privileges cannot be dropped.
LOCKSTRESS_CHILD_ROLE(bad_try) {
  if (args.size() != 3) return kChildBadUsage;
  if (args[2] == "drop") {
    // Order matters: groups and gid while still root, the uid last.
    if (setgroups(0, nullptr) != 0 ||
        setresgid(kNobody, kNobody, kNobody) != 0 ||
        setresuid(kNobody, kNobody, kNobody) != 0) {
      ChildSay("cannot-drop " + ErrnoName(errno));
      return kChildOk;
    }
  }
  auto lock = NewLock(args[0], args[1]);
  if (!lock.ok()) {
    ChildSay("error\t" + lock.status().ToString());
    return kChildFailed;
  }
  Status s = (*lock)->Acquire(TryOnceTimeout((*lock)->info()));
  ChildSay(std::string(KindName(s.kind())) + "\t" + s.ToString());
  if (s.ok()) (void)(*lock)->Release();
  return kChildOk;
}

namespace {

class BadInputTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (IsPlaceholder(GetParam())) {
      GTEST_SKIP() << GetParam() << " is a placeholder: its factory "
                   << "returns nullptr";
    }
  }
  std::unique_ptr<Lock> Make(const std::string& path) {
    auto lock = NewLock(GetParam(), path);
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    return lock.ok() ? std::move(lock).value() : nullptr;
  }
  Status TryOnce(Lock& lock) {
    Status s = lock.Acquire(TryOnceTimeout(lock.info()));
    if (s.ok()) (void)lock.Release();
    return s;
  }
  // Runs bad_try in a child; "KIND\tSTATUS", or "" when it hung.
  std::string TryInChild(const std::string& path, const std::string& drop) {
    ChildProcess child =
        ChildProcess::Start("bad_try", {GetParam(), path, drop});
    std::optional<std::string> line = child.ReadLine(kAttemptDeadline);
    if (!line) child.Kill(SIGKILL);
    (void)child.Wait();
    return line.value_or("");
  }
  TempDir dir_;
};

TEST_P(BadInputTest, MissingDirectory) {
  const std::string path = dir_.File("missing/lock");
  auto lock = Make(path);
  ASSERT_NE(lock, nullptr);
  auto before = ListDir(dir_.path());
  Status s = TryOnce(*lock);
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_TRUE(NamesPathAndCause(s.ToString(), dir_.File("missing"),
                                {"ENOENT", "director"}));
  EXPECT_TRUE(SameListing(*lock, before, ListDir(dir_.path())));
}

TEST_P(BadInputTest, UnwritableDirectory) {
  // We run as root, which bypasses permissions: the attempt runs in a child
  // that first becomes nobody. The directory is root's, mode 0755.
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string sub = dir_.File("readonly");
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  ASSERT_EQ(chown(sub.c_str(), 0, 0), 0);
  const std::string path = sub + "/lock";
  std::string answer = TryInChild(path, "drop");
  if (answer.rfind("cannot-drop", 0) == 0) {
    GTEST_SKIP() << "cannot become nobody to test permissions: " << answer;
  }
  ASSERT_FALSE(answer.empty()) << "the attempt hung";
  EXPECT_EQ(answer.substr(0, answer.find('\t')), "LockFailed") << answer;
  EXPECT_TRUE(NamesPathAndCause(answer, sub, {"EACCES", "ermission"}));
  EXPECT_TRUE(ListDir(sub).empty());
}

TEST_P(BadInputTest, SymlinkToVictimIsNotFollowed) {
  auto lock = Make(dir_.File("lock"));
  ASSERT_NE(lock, nullptr);
  const std::string victim = dir_.File("victim");
  const std::string content = "precious content\n";
  std::ofstream(victim) << content;
  ASSERT_EQ(symlink(victim.c_str(), lock->lock_path().c_str()), 0);
  auto before = ListDir(dir_.path());
  Status s = TryOnce(*lock);
  EXPECT_TRUE(IsRefusal(s.kind())) << s.ToString();
  EXPECT_TRUE(NamesPathAndCause(s.ToString(), BaseName(lock->lock_path()),
                                {"ELOOP", "symbolic link", "symlink", "held",
                                 "exists", "EEXIST", "not a regular file"}));
  EXPECT_EQ(ReadAll(victim), content) << "the victim was written through";
  struct stat st {};
  ASSERT_EQ(lstat(lock->lock_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the symlink was replaced";
  EXPECT_TRUE(SameListing(*lock, before, ListDir(dir_.path())));
}

TEST_P(BadInputTest, DanglingSymlinkTargetIsNotCreated) {
  auto lock = Make(dir_.File("lock"));
  ASSERT_NE(lock, nullptr);
  const std::string target = dir_.File("target-that-must-not-appear");
  ASSERT_EQ(symlink(target.c_str(), lock->lock_path().c_str()), 0);
  auto before = ListDir(dir_.path());
  Status s = TryOnce(*lock);
  EXPECT_TRUE(IsRefusal(s.kind())) << s.ToString();
  EXPECT_TRUE(NamesPathAndCause(s.ToString(), BaseName(lock->lock_path()),
                                {"ELOOP", "symbolic link", "symlink", "held",
                                 "exists", "EEXIST", "not a regular file"}));
  struct stat st {};
  EXPECT_NE(lstat(target.c_str(), &st), 0) << "the symlink was followed";
  EXPECT_TRUE(SameListing(*lock, before, ListDir(dir_.path())));
}

TEST_P(BadInputTest, FifoAtLockPathNeitherHangsNorSucceeds) {
  auto lock = Make(dir_.File("lock"));
  ASSERT_NE(lock, nullptr);
  ASSERT_EQ(mkfifo(lock->lock_path().c_str(), 0644), 0);
  auto before = ListDir(dir_.path());
  std::string answer = TryInChild(dir_.File("lock"), "keep");
  ASSERT_FALSE(answer.empty())
      << "the attempt on a FIFO hung for " << kAttemptDeadline.count() << " ms";
  std::string kind = answer.substr(0, answer.find('\t'));
  EXPECT_TRUE(kind == "LockFailed" || kind == "AlreadyLocked" ||
              kind == "LockTimeout")
      << answer;
  EXPECT_TRUE(NamesPathAndCause(
      answer, BaseName(lock->lock_path()),
      {"FIFO", "not a regular file", "held", "exists", "EEXIST"}));
  struct stat st {};
  ASSERT_EQ(lstat(lock->lock_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(SameListing(*lock, before, ListDir(dir_.path())));
}

TEST_P(BadInputTest, OverlongPathIsLockFailed) {
  // 45 components of 100 characters: longer than PATH_MAX (4096) as a
  // whole, each under NAME_MAX.
  std::string path = dir_.path();
  const std::string component(100, 'd');
  while (path.size() <= PATH_MAX) path += "/" + component;
  path += "/lock";
  auto lock = Make(path);
  ASSERT_NE(lock, nullptr);
  auto before = ListDir(dir_.path());
  Status s = TryOnce(*lock);
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_TRUE(
      NamesPathAndCause(s.ToString(), component, {"ENAMETOOLONG", "too long"}));
  EXPECT_TRUE(SameListing(*lock, before, ListDir(dir_.path())));
}

INSTANTIATE_TEST_SUITE_P(Registry, BadInputTest,
                         ::testing::ValuesIn(ImplNames(false)), TestNameOf);

TEST(BadTimeoutTest, NanIsLockFailedEinval) {
  StatusOr<Timeout> t = Timeout::FromSeconds(std::nan(""));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().kind(), ErrorKind::kLockFailed);
  EXPECT_EQ(t.status().sys_errno(), EINVAL);
  EXPECT_NE(t.status().ToString().find("NaN"), std::string::npos);
}

}  // namespace
}  // namespace lockstress::testing
