// Every built-in under injected errnos (EINTR, ENOSPC, EIO, EMFILE): at each
// of its failpoints (the next system call after the step fails) and at the
// first calls of each system call. An implementation may fail, but must not
// lie:
//   - an acquire that answers ok really holds (another thread's try is
//     refused while it does): no silent success;
//   - an acquire that answers an error leaves nothing behind: another
//     thread acquires at once, without break_lock (no leaked half-made lock
//     that blocks everyone for ever);
//   - a release of a lock nobody else touched answers ok or UnlockError
//     (never NotLocked / NotMyLock); after an UnlockError the lock is usable
//     again at once or, where break is declared, after break_lock.
#include <gtest/gtest.h>

#include <thread>

#include "harness/faults/fault_os.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress {
namespace {

constexpr const char* kErrnos[] = {"EINTR", "ENOSPC", "EIO", "EMFILE"};
constexpr const char* kSyscalls[] = {"open",      "fstat", "lstat", "link",
                                     "unlink",    "mkdir", "rmdir", "pwrite",
                                     "ftruncate", "flock", "fcntl"};

// Runs `f` on a thread of its own (thread-owned locks: another owner).
template <typename F>
void OnOwnThread(F f) {
  std::thread t(f);
  t.join();
}

std::unique_ptr<Lock> Make(const ImplEntry& e, const std::string& path,
                           Os* os = nullptr) {
  return e.make({.path = path, .os = os});
}

void CheckOne(const ImplEntry& e, const std::string& spec) {
  SCOPED_TRACE(e.info.name + " under " + spec);
  testing::TempDir dir;
  std::string path = dir.File("lock");
  FaultPlan plan;
  ASSERT_TRUE(plan.Add(spec).ok());
  FaultOs os(&Os::Default(), plan);
  Status acquired, released, other_while_held;
  OnOwnThread([&] {
    std::unique_ptr<Lock> a = Make(e, path, &os);
    acquired = a->Acquire(Timeout::NonBlocking());
    if (acquired.ok()) {
      OnOwnThread([&] {
        other_while_held = Make(e, path)->Acquire(Timeout::NonBlocking());
      });
      released = a->Release();
    }
  });
  if (acquired.ok()) {
    EXPECT_EQ(other_while_held.kind(), ErrorKind::kAlreadyLocked)
        << "acquire answered ok, but another owner's try got "
        << other_while_held.ToString();
    // Nobody broke or took the lock: NotLocked / NotMyLock would be a lie.
    EXPECT_TRUE(released.ok() || released.kind() == ErrorKind::kUnlockError)
        << released.ToString();
  } else {
    EXPECT_TRUE(acquired.kind() == ErrorKind::kLockFailed ||
                acquired.kind() == ErrorKind::kAlreadyLocked ||
                acquired.kind() == ErrorKind::kError)
        << acquired.ToString();
  }
  Status after;
  OnOwnThread([&] {
    std::unique_ptr<Lock> b = Make(e, path);
    after = b->Acquire(Timeout::NonBlocking());
    bool may_break =
        acquired.ok() && !released.ok() && e.info.features.has(Feature::kBreak);
    if (!after.ok() && may_break) {
      (void)b->BreakLock();
      after = b->Acquire(Timeout::NonBlocking());
    }
    if (after.ok()) (void)b->Release();
  });
  EXPECT_TRUE(after.ok()) << "nothing should block the next owner: acquire "
                          << (acquired.ok() ? "ok" : acquired.ToString())
                          << ", release "
                          << (acquired.ok()
                                  ? (released.ok() ? "ok" : released.ToString())
                                  : "not tried")
                          << ", then the next owner got " << after.ToString();
}

std::vector<const ImplEntry*> Tested() {
  std::vector<const ImplEntry*> out;
  for (const ImplEntry& e : AllImpls()) {
    if (e.info.name == "null") continue;  // the negative control
    if (e.make({.path = "/nonexistent/probe"}) == nullptr) continue;
    out.push_back(&e);
  }
  return out;
}

TEST(ErrnoHandlingTest, AtEveryFailpoint) {
  int cases = 0;
  for (const ImplEntry* e : Tested()) {
    for (const std::string& point : e->info.failpoints) {
      for (const char* err : kErrnos) {
        CheckOne(*e, "failpoint=" + point + ",action=errno,errno=" + err);
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 0);
}

TEST(ErrnoHandlingTest, AtTheFirstCallsOfEachSystemCall) {
  for (const ImplEntry* e : Tested()) {
    for (const char* call : kSyscalls) {
      // EINTR and EIO: the two ways a call can fail mid-operation (all
      // four errnos up to the 6th call pass too: 1 min, too slow here).
      for (const char* err : {"EINTR", "EIO"}) {
        for (int nth = 1; nth <= 4; ++nth) {
          CheckOne(*e, std::string("syscall=") + call + ",errno=" + err +
                           ",nth=" + std::to_string(nth));
        }
      }
    }
  }
}

}  // namespace
}  // namespace lockstress
