// Every built-in's stale-state writer (ImplEntry::write_stale): run in a
// child process that then dies, it leaves what a holder killed holding
// leaves, in the implementation's own format. A fresh object of the same
// implementation then finds it: taken over at once with stale_recovery
// (kernel locks die with their holder), otherwise stale until broken.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "impls/core/lock_files.h"
#include "impls/core/owner_record.h"
#include "impls/core/process_identity.h"
#include "impls/lease_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"
#include "lockstress/stale_state.h"

namespace lockstress {
namespace {

// Runs the writer in a child that _exits right after (the dead holder);
// returns the child's PID, or -1 when the writer failed.
pid_t SeedInChild(const ImplEntry& entry, const StaleSeed& seed) {
  pid_t pid = fork();
  if (pid == 0) _exit(entry.write_stale(seed).ok() ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pid : -1;
}

TEST(StaleWriter, EveryBuiltInButTheNullLockHasOne) {
  for (const ImplEntry& e : AllImpls()) {
    EXPECT_EQ(e.write_stale != nullptr, e.info.name != "null") << e.info.name;
  }
}

TEST(StaleWriter, LeavesADeadHoldersLockInEveryRecordForm) {
  for (const ImplEntry& e : AllImpls()) {
    if (!e.write_stale) continue;
    for (StaleRecord record :
         {StaleRecord::kOwner, StaleRecord::kEmpty, StaleRecord::kTruncated,
          StaleRecord::kGarbage}) {
      SCOPED_TRACE(e.info.name + " " + std::string(StaleRecordName(record)));
      testing::TempDir dir;
      StaleSeed seed{.path = dir.File("lock"), .record = record};
      ASSERT_GT(SeedInChild(e, seed), 0);
      std::unique_ptr<Lock> lock = e.make({.path = seed.path});
      // With stale_recovery, taken over within the declared bound (at once
      // for the kernel locks; a lease judges a spoiled record by its
      // lease). The margin is a hang bound, not a timing assertion. (zc has
      // no timed acquire; its kernel lock is free at once.)
      const Timeout wait =
          e.info.features.has(Feature::kStaleRecovery) &&
                  e.info.features.has(Feature::kTimeout)
              ? Timeout::After(e.info.stale_bound + std::chrono::seconds(10))
              : Timeout::NonBlocking();
      Status first = lock->Acquire(wait);
      if (e.info.features.has(Feature::kStaleRecovery)) {
        EXPECT_TRUE(first.ok()) << first.Describe();
      } else {
        EXPECT_EQ(first.kind(), ErrorKind::kAlreadyLocked) << first.Describe();
        EXPECT_TRUE(lock->BreakLock().ok());
        Status second = lock->Acquire(Timeout::NonBlocking());
        EXPECT_TRUE(second.ok()) << second.Describe();
      }
      EXPECT_TRUE(lock->Release().ok());
    }
  }
}

// The owner is named in the implementation's format: pidfile writes the
// PID, link's unique name carries the host name.
TEST(StaleWriter, NamesTheSeededOwner) {
  const ImplEntry* pidfile = FindImpl("pidfile");
  ASSERT_NE(pidfile, nullptr);
  testing::TempDir dir;
  ASSERT_GT(SeedInChild(*pidfile, {.path = dir.File("lock"), .owner_pid = 1}),
            0);
  EXPECT_EQ(*ReadSmallFile(Os::Default(), dir.File("lock")), "1\n");

  testing::TempDir dir2;
  pid_t child = SeedInChild(*pidfile, {.path = dir2.File("lock")});
  ASSERT_GT(child, 0);
  EXPECT_EQ(*ReadSmallFile(Os::Default(), dir2.File("lock")),
            std::to_string(child) + "\n");

  const ImplEntry* link = FindImpl("link");
  ASSERT_NE(link, nullptr);
  testing::TempDir dir3;
  ASSERT_GT(SeedInChild(*link, {.path = dir3.File("lock"),
                                .owner_pid = 4242,
                                .owner_host = "elsewhere.test"}),
            0);
  bool named = false;
  for (const std::string& f : testing::ListDir(dir3.path())) {
    named = named || f.rfind("elsewhere.test-4242-4242", 0) == 0;
  }
  EXPECT_TRUE(named);
}

// lease's record names the seeded owner whole (impls/core/lease_seed.h):
// the dead writer as it was; another host with another boot; another
// container's init in another PID namespace. Only the dead writer is judged
// dead at once; the others are left to their lease, which the reader here
// makes an hour long, so that only a judgement by PID can free the lock.
class LeaseSeed : public ::testing::Test {
 protected:
  OwnerRecord Seed(const StaleSeed& seed, pid_t* writer = nullptr) {
    pid_t pid = SeedInChild(*lease_, seed);
    EXPECT_GT(pid, 0);
    if (writer != nullptr) *writer = pid;
    StatusOr<std::string> text =
        ReadSmallFile(Os::Default(), seed.path + ".lock");
    EXPECT_TRUE(text.ok()) << text.status().Describe();
    std::optional<OwnerRecord> r = ParseOwnerRecord(text.ok() ? *text : "");
    EXPECT_TRUE(r.has_value()) << (text.ok() ? *text : "");
    return r.value_or(OwnerRecord{});
  }
  ErrorKind TryNow(const std::string& path) {
    LeaseTiming hour;
    hour.lease = std::chrono::hours(1);
    std::unique_ptr<Lock> lock = MakeLeaseLockForTest({.path = path}, hour);
    Status s = lock->Acquire(Timeout::NonBlocking());
    if (s.ok()) {
      EXPECT_TRUE(lock->Release().ok());
    }
    return s.kind();
  }

  const ImplEntry* lease_ = FindImpl("lease");
  const ProcessIdentity me_ = ReadProcessIdentity(Os::Default());
  testing::TempDir dir_;
};

TEST_F(LeaseSeed, DeadWriterIsRecordedAsItWasAndJudgedDeadAtOnce) {
  ASSERT_NE(lease_, nullptr);
  pid_t writer = 0;
  OwnerRecord r = Seed({.path = dir_.File("lock")}, &writer);
  EXPECT_EQ(r.pid, writer);
  EXPECT_EQ(r.host, me_.host);
  EXPECT_EQ(r.boot, me_.boot);
  EXPECT_EQ(r.pidns, me_.pidns);
  EXPECT_NE(r.start, 0u);
  EXPECT_EQ(TryNow(dir_.File("lock")), ErrorKind::kOk);
}

TEST_F(LeaseSeed, OtherHostHasItsOwnBoot) {
  ASSERT_NE(lease_, nullptr);
  OwnerRecord r = Seed({.path = dir_.File("lock"),
                        .owner_pid = 4242,
                        .owner_host = "elsewhere.test"});
  EXPECT_EQ(r.host, "elsewhere.test");
  EXPECT_EQ(r.pid, 4242);
  EXPECT_FALSE(r.boot.empty());
  EXPECT_NE(r.boot, me_.boot);
  EXPECT_EQ(TryNow(dir_.File("lock")), ErrorKind::kAlreadyLocked);
}

TEST_F(LeaseSeed, ContainerInitIsInAnotherPidNamespace) {
  ASSERT_NE(lease_, nullptr);
  OwnerRecord r = Seed({.path = dir_.File("lock"), .owner_pid = 1});
  EXPECT_EQ(r.pid, 1);
  EXPECT_EQ(r.host, me_.host);
  EXPECT_EQ(r.boot, me_.boot);
  EXPECT_NE(r.pidns, me_.pidns);
  EXPECT_NE(r.pidns, 0u);
  // Judged directly, PID 1 (our init, another start time) would be "PID
  // reused": dead at once. Another namespace's PID 1 is left to its lease.
  EXPECT_EQ(TryNow(dir_.File("lock")), ErrorKind::kAlreadyLocked);
}

TEST(StaleWriter, GarbageRecordNamesNobody) {
  const ImplEntry* pidfile = FindImpl("pidfile");
  ASSERT_NE(pidfile, nullptr);
  testing::TempDir dir;
  ASSERT_GT(SeedInChild(*pidfile, {.path = dir.File("lock"),
                                   .record = StaleRecord::kGarbage}),
            0);
  std::string text = *ReadSmallFile(Os::Default(), dir.File("lock"));
  EXPECT_EQ(text.size(), 25u);
  EXPECT_NE(text.find('\0'), std::string::npos);
  EXPECT_EQ(StaleRecordName(*ParseStaleRecord("truncated")), "truncated");
  EXPECT_FALSE(ParseStaleRecord("half").has_value());
}

}  // namespace
}  // namespace lockstress
