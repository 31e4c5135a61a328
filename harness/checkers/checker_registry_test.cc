// The registry, and the rule that no checker passes by silence.
#include <set>

#include "gtest/gtest.h"
#include "harness/checkers/checker.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

TEST(CheckerRegistryTest, TwelveCheckersWithUniqueNames) {
  std::set<std::string_view> names;
  for (const auto& c : AllCheckers()) names.insert(c->property());
  EXPECT_EQ(AllCheckers().size(), 12u);
  EXPECT_EQ(names.size(), 12u);
  for (const char* p :
       {"mutual_exclusion", "timeout_semantics", "release_errors",
        "status_queries", "break_lock", "crash_recovery", "stale_recovery",
        "reentrancy", "shared_locks", "liveness", "fairness", "security"}) {
    ASSERT_NE(FindChecker(p), nullptr) << p;
    EXPECT_EQ(FindChecker(p)->property(), p);
  }
  EXPECT_EQ(FindChecker("no_such_property"), nullptr);
}

TEST(CheckerRegistryTest, VerdictNames) {
  EXPECT_EQ(VerdictName(Verdict::kPass), "pass");
  EXPECT_EQ(VerdictName(Verdict::kFail), "fail");
  EXPECT_EQ(VerdictName(Verdict::kSkip), "skip");
}

TEST(CheckerRegistryTest, EmptyHistorySkipsEverywhereWithAReason) {
  HistoryBuilder b;
  for (const auto& c : AllCheckers()) {
    CheckResult r = b.Check(c->property());
    EXPECT_EQ(r.verdict, Verdict::kSkip) << c->property() << " " << Show(r);
    EXPECT_TRUE(r.evidence.empty());
  }
}

TEST(CheckerRegistryTest, OneHandleAloneNeverFails) {
  // A clean sequential history of one handle: nothing fails.
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1, "inf");
  b.Query("w1.h0", "is_locked", true, 2, 3);
  b.Query("w1.h0", "i_am_locking", true, 4, 5);
  b.Ok("w1.h0", "release", 6, 7, "");
  b.Err("w1.h0", "release", ErrorKind::kNotLocked, 8, 9, "");
  b.Ok("w1.h0", "acquire", 10, 11, "0");
  b.Ok("w1.h0", "release", 12, 13, "");
  for (const auto& c : AllCheckers()) {
    CheckResult r = b.Check(c->property());
    EXPECT_NE(r.verdict, Verdict::kFail) << c->property() << " " << Show(r);
  }
}

}  // namespace
}  // namespace lockstress
