#include "gtest/gtest.h"
#include "harness/checkers/checker_test_helper.h"

namespace lockstress {
namespace {

constexpr char kP[] = "shared_locks";

TEST(SharedLocksTest, ReadersTogetherWriterAlonePasses) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire_shared", 0, 1);
  b.Ok("w2.h0", "acquire_shared", 2, 3);
  b.Ok("w1.h0", "release", 10, 11, "");
  b.Ok("w2.h0", "release", 12, 13, "");
  b.Ok("w3.h0", "acquire", 5, 14);
  b.Ok("w3.h0", "release", 15, 16, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kPass) << Show(r);
}

TEST(SharedLocksTest, WriterWithAReaderFails) {
  HistoryBuilder b;
  std::size_t rd = b.Ok("w1.h0", "acquire_shared", 0, 1);
  std::size_t w = b.Ok("w2.h0", "acquire", 2, 3);
  b.Ok("w1.h0", "release", 10, 11, "");
  b.Ok("w2.h0", "release", 12, 13, "");
  CheckResult r = b.Check(kP);
  ASSERT_EQ(r.verdict, Verdict::kFail) << Show(r);
  EXPECT_EQ(r.evidence, (std::vector<std::size_t>{w, rd}));
}

TEST(SharedLocksTest, SkipsWithoutConcurrentReaders) {
  HistoryBuilder b;
  b.Ok("w1.h0", "acquire_shared", 0, 1);
  b.Ok("w1.h0", "release", 10, 11, "");
  b.Ok("w2.h0", "acquire_shared", 12, 13);
  b.Ok("w2.h0", "release", 14, 15, "");
  CheckResult r = b.Check(kP);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_NE(r.detail.find("no concurrent readers"), std::string::npos);
  FeatureSet f = FeatureSet::All();
  f.remove(Feature::kShared);
  HistoryBuilder c(f);
  EXPECT_EQ(c.Check(kP).verdict, Verdict::kSkip);
}

}  // namespace
}  // namespace lockstress
