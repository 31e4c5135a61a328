#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "fairness";

TEST(FairnessTest, ReportsJainsIndexAndNeverFails) {
  HistoryBuilder b;
  double t = 0;
  for (int i = 0; i < 3; ++i) {
    b.Ok("w1.h0", "acquire", t, t + 1);
    b.Ok("w1.h0", "release", t + 2, t + 3, "");
    t += 4;
  }
  b.Ok("w2.h0", "acquire", t, t + 1);
  b.Ok("w2.h0", "release", t + 2, t + 3, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
  // (3+1)^2 / (2 * (9+1)) = 0.8
  EXPECT_NE(r.detail.find("Jain's index 0.800 over 2 handles"),
            std::string::npos)
      << r.detail;
  EXPECT_NE(r.detail.find("w1.h0:3 w2.h0:1"), std::string::npos);
}

TEST(FairnessTest, EqualSharesScoreOne) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  b.Ok("w1.h0", "release", 2, 3, "");
  b.Ok("w2.h0", "acquire", 4, 5);
  b.Ok("w2.h0", "release", 6, 7, "");
  CheckResult r = b.Check(kP);
  EXPECT_NE(r.detail.find("1.000 over 2 handles, 1.000 over 2 workers"),
            std::string::npos)
      << r.detail;
}

TEST(FairnessTest, SkipsWithOneHandle) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire", 0, 1);
  EXPECT_EQ(b.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress
