// Every built-in's stale-state writer (ImplEntry::write_stale): run in a
// child process that then dies, it leaves what a holder killed holding
// leaves, in the implementation's own format. A fresh object of the same
// implementation then finds it: taken over at once with stale_recovery
// (kernel locks die with their holder), otherwise stale until broken.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "impls/core/lock_files.h"
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
      Status first = lock->Acquire(Timeout::NonBlocking());
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
