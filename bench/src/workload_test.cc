// The workload engine against the raw pthread mutex and the null lock:
// counts, alternation and the overlap witness. No timing assertions.
#include "lockstress/bench/workload.h"

#include <gtest/gtest.h>

#include "impls/testing/test_dirs.h"
#include "lockstress/bench/subjects.h"

namespace lockstress::bench {
namespace {

const Subject& Find(const std::vector<Subject>& all, const std::string& name) {
  for (const Subject& s : all) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << name;
  return all.front();
}

TEST(Workload, ProcessesShareTheMutexAndNeverOverlap) {
  testing::TempDir dir;
  std::vector<Subject> raws = RawSubjects();
  WorkloadSpec spec{Spawn::kProcesses, 3, std::chrono::microseconds(10),
                    std::chrono::milliseconds(100), false};
  StatusOr<WorkloadResult> r =
      RunWorkload(spec, Find(raws, "raw-pthread-mutex").make, dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->acquisitions.size(), 3u);
  EXPECT_GT(r->total(), 0u);
  EXPECT_EQ(r->overlaps, 0u);
  EXPECT_GT(r->seconds, 0);
}

TEST(Workload, AlternationMakesEveryAcquisitionAnOwnershipChange) {
  testing::TempDir dir;
  std::vector<Subject> raws = RawSubjects();
  WorkloadSpec spec{Spawn::kThreads, 2, std::chrono::microseconds(10),
                    std::chrono::milliseconds(100), true};
  StatusOr<WorkloadResult> r =
      RunWorkload(spec, Find(raws, "raw-flock").make, dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->acquisitions.size(), 2u);
  // Strict alternation: the counts differ by at most one, and all but the
  // first acquisition hand the lock over.
  std::int64_t a = static_cast<std::int64_t>(r->acquisitions[0]);
  std::int64_t b = static_cast<std::int64_t>(r->acquisitions[1]);
  EXPECT_LE(std::abs(a - b), 1);
  EXPECT_GE(r->ownership_changes + 1, r->total());
  EXPECT_FALSE(r->handoff_ns.empty());
  EXPECT_EQ(r->overlaps, 0u);
}

TEST(Workload, TheNullLockIsCaughtOverlapping) {
  testing::TempDir dir;
  StatusOr<std::vector<Subject>> impls = ImplSubjects({"null"});
  ASSERT_TRUE(impls.ok());
  WorkloadSpec spec{Spawn::kThreads, 4, std::chrono::microseconds(50),
                    std::chrono::milliseconds(100), false};
  StatusOr<WorkloadResult> r =
      RunWorkload(spec, impls->front().make, dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->overlaps, 0u);
}

TEST(Workload, ACycleThatCannotBeMadeFailsTheWorkloadNamingIt) {
  WorkloadSpec spec{Spawn::kProcesses, 2, std::chrono::microseconds(0),
                    std::chrono::milliseconds(20), false};
  StatusOr<std::vector<Subject>> impls = ImplSubjects({"sqlite"});
  ASSERT_TRUE(impls.ok());
  std::vector<Subject> raws = RawSubjects();
  StatusOr<WorkloadResult> r = RunWorkload(spec, Find(raws, "raw-sqlite").make,
                                           "/nonexistent-lockstress-dir");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("contender"), std::string::npos)
      << r.status().ToString();
}

TEST(ImplSubjects, UnknownNameIsAnError) {
  StatusOr<std::vector<Subject>> s = ImplSubjects({"no-such-lock"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().ToString().find("no-such-lock"), std::string::npos);
}

}  // namespace
}  // namespace lockstress::bench
