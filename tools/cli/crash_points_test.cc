// run --crash-points: the judgement on hand-made histories, and the
// command end to end over real workers.
#include "tools/cli/crash_points.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/checkers/checker_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress::cli {
namespace {

const ImplInfo& Info(const char* name) { return FindImpl(name)->info; }

// The holder (w0) crashes in its acquire at 1 ms; the survivor (w1) tries
// at 300 ms with the given answer.
HistoryBuilder Crashed(const ImplInfo& info, ErrorKind survivor) {
  HistoryBuilder b(info.features, info.ownership);
  b.Lost("w0.h0", "acquire", 0, 1, "0");
  if (survivor == ErrorKind::kOk) {
    b.Ok("w1.h0", "acquire", 300, 301, "0");
    b.Ok("w1.h0", "release", 302, 303, "");
  } else {
    b.Err("w1.h0", "acquire", survivor, 300, 301, "0");
  }
  return b;
}

TEST(CrashPointsTest, ScheduleFollowsTheDeclaredFeatures) {
  const std::chrono::seconds bound(5);
  CrashCase link = CrashPointCase(Info("link"), bound, CrashRole::kHolder);
  ASSERT_EQ(link.schedule.workers.size(), 2u);
  EXPECT_EQ(link.armed, 0);
  EXPECT_EQ(link.survivor, 1);
  EXPECT_EQ(link.schedule.workers[0][0].size(), 2u);  // acquire, release
  bool breaks = false;
  for (const PlannedOp& op : link.schedule.workers[1][0]) {
    breaks = breaks || op.kind == PlannedOp::Kind::kBreak;
  }
  EXPECT_TRUE(breaks);
  CrashCase flock = CrashPointCase(Info("flock"), bound, CrashRole::kHolder);
  for (const PlannedOp& op : flock.schedule.workers[1][0]) {
    EXPECT_NE(op.kind, PlannedOp::Kind::kBreak);
    if (op.kind == PlannedOp::Kind::kAcquire) {
      EXPECT_EQ(op.timeout, Timeout::After(bound));
    }
  }
  // Taker and breaker: a killed holder, the armed worker, a survivor.
  CrashCase taker = CrashPointCase(Info("flock"), bound, CrashRole::kTaker);
  ASSERT_EQ(taker.schedule.workers.size(), 3u);
  EXPECT_EQ(taker.armed, 1);
  EXPECT_EQ(taker.survivor, 2);
  ASSERT_EQ(taker.schedule.nemesis.size(), 1u);
  EXPECT_EQ(taker.schedule.nemesis[0].worker, 0);
  EXPECT_EQ(CrashRoles(Info("link")),
            (std::vector<CrashRole>{CrashRole::kHolder, CrashRole::kLongHolder,
                                    CrashRole::kBreaker}));
  EXPECT_EQ(
      CrashRoles(Info("flock")),
      (std::vector<CrashRole>{CrashRole::kHolder, CrashRole::kLongHolder,
                              CrashRole::kTaker, CrashRole::kRemoteTaker}));
  // A long holder's survivor starts after the hold, when a crash in the
  // holder's own thread (a heartbeat) is known to the history.
  ImplInfo lease = Info("flock");
  lease.stale_bound = std::chrono::milliseconds(4500);
  CrashCase longer = CrashPointCase(lease, bound, CrashRole::kLongHolder);
  ASSERT_FALSE(longer.schedule.workers[1][0].empty());
  EXPECT_EQ(longer.schedule.workers[1][0][0].at,
            kSurvivorStart + std::chrono::milliseconds(3000));
}

TEST(CrashPointsTest, StaleRecoveryMustFreeTheLock) {
  CrashVerdict ok =
      JudgeCrashPoint(Crashed(Info("flock"), ErrorKind::kOk).history(),
                      Info("flock"), "flock/after_open", {});
  EXPECT_EQ(ok.status, "pass") << ok.detail;
  EXPECT_EQ(ok.recovered_by, "stale_recovery");
  CrashVerdict stuck =
      JudgeCrashPoint(Crashed(Info("flock"), ErrorKind::kLockTimeout).history(),
                      Info("flock"), "flock/after_open", {});
  EXPECT_EQ(stuck.status, "fail");
  EXPECT_NE(stuck.detail.find("declares stale_recovery"), std::string::npos);
}

TEST(CrashPointsTest, BreakMustClearAStaleLock) {
  HistoryBuilder b = Crashed(Info("link"), ErrorKind::kAlreadyLocked);
  b.Ok("w1.h0", "break", 302, 303, "");
  b.Ok("w1.h0", "acquire", 304, 305, "0");
  b.Ok("w1.h0", "release", 306, 307, "");
  CrashVerdict v = JudgeCrashPoint(b.history(), Info("link"), "p", {});
  EXPECT_EQ(v.status, "pass") << v.detail;
  EXPECT_EQ(v.recovered_by, "break_lock");
  HistoryBuilder still = Crashed(Info("link"), ErrorKind::kAlreadyLocked);
  still.Ok("w1.h0", "break", 302, 303, "");
  still.Err("w1.h0", "acquire", ErrorKind::kAlreadyLocked, 304, 305, "0");
  CrashVerdict bad = JudgeCrashPoint(still.history(), Info("link"), "p", {});
  EXPECT_EQ(bad.status, "fail");
  EXPECT_EQ(bad.recovered_by, "not recovered");
}

TEST(CrashPointsTest, ATakerCrashIsJudgedByTheThirdWorker) {
  const ImplInfo& flock = Info("flock");
  HistoryBuilder b(flock.features, flock.ownership);
  b.Ok("w0.h0", "acquire", 0, 1, "0");
  b.Nemesis("kill", 0, 100, 101);
  b.Lost("w1.h0", "acquire", 200, 250, "5");  // the armed taker crashes
  b.Ok("w2.h0", "acquire", 5700, 5701, "5");
  b.Ok("w2.h0", "release", 5702, 5703, "");
  CrashVerdict v = JudgeCrashPoint(b.history(), flock, "p", {}, 1, 2);
  EXPECT_EQ(v.status, "pass") << v.detail;
  EXPECT_EQ(v.crashed_in, "acquire");
  // The same history judged with worker 0 armed: it was killed by the
  // nemesis, not crashed at the point (no lost op of its own).
  EXPECT_TRUE(
      JudgeCrashPoint(b.history(), flock, "p", {}, 0, 2).crashed_in.empty());
}

TEST(CrashPointsTest, AFailpointNeverReachedFails) {
  HistoryBuilder b(Info("link").features, Info("link").ownership);
  b.Ok("w0.h0", "acquire", 0, 1, "0");
  b.Ok("w0.h0", "release", 2, 3, "");
  CrashVerdict v =
      JudgeCrashPoint(b.history(), Info("link"), "link/no_such_step", {});
  EXPECT_EQ(v.status, "fail");
  EXPECT_NE(v.detail.find("never reached"), std::string::npos);
}

TEST(CrashPointsTest, TwoHoldersAfterTheCrashFail) {
  // The "crashed" holder is in fact alive and holding (no lost event of its
  // acquire): w0 holds from 1 ms to 500 ms; w1 acquires at 300 ms.
  HistoryBuilder b(Info("link").features, Info("link").ownership);
  b.Ok("w0.h0", "acquire", 0, 1, "0");
  b.Ok("w1.h0", "acquire", 300, 301, "0");
  b.Lost("w0.h0", "release", 500, 501, "");
  CrashVerdict v = JudgeCrashPoint(b.history(), Info("link"), "p", {});
  EXPECT_EQ(v.status, "fail");
  EXPECT_NE(v.detail.find("two holders"), std::string::npos) << v.detail;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// bin/lockstress ARGS in `dir`, bounded by timeout(1); the exit status.
int Lockstress(const testing::TempDir& dir, const std::string& args) {
  std::string cmd = "cd '" + dir.path() + "' && timeout -s KILL 300 '" +
                    LOCKSTRESS_BIN_DIR + "/lockstress' " + args +
                    " > out.txt 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CrashPointsEndToEnd, LinkAndPidfileSurviveEveryCrash) {
  testing::TempDir dir;
  int code =
      Lockstress(dir, "run --crash-points --impl link,pidfile --out run");
  std::string out = ReadAll(dir.File("out.txt"));
  ASSERT_EQ(code, 0) << out;
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(dir.File("run/results.json")));
  ASSERT_EQ(results["sections"].size(), 1u) << results.dump(1);
  const nlohmann::json& section = results["sections"][0];
  EXPECT_EQ(section["id"], "crash_points");
  std::size_t points =
      Info("link").failpoints.size() + Info("pidfile").failpoints.size();
  EXPECT_EQ(section["rows"].size(), 2 * points);  // exit and kill each
  EXPECT_EQ(results["checks"].size(), 2 * points);
  for (const nlohmann::json& c : results["checks"]) {
    EXPECT_EQ(c["status"], "pass") << c.dump();
    EXPECT_EQ(c["property"], "crash_recovery");
  }
  EXPECT_NE(out.find("link/after_link_before_count exit: pass (break_lock"),
            std::string::npos)
      << out;
  // Every crash's history is kept, and nothing is left running or mounted.
  EXPECT_TRUE(std::filesystem::exists(dir.File(
      "run/histories/link/crash_points_link_after_link_before_count_kill."
      "jsonl")));
}

TEST(CrashPointsEndToEnd, RefusesOutsideDriversAndUnknownNames) {
  testing::TempDir dir;
  EXPECT_EQ(Lockstress(dir, "run --crash-points --driver 'cat' --out r1"), 2);
  EXPECT_NE(ReadAll(dir.File("out.txt")).find("cannot be crashed"),
            std::string::npos);
  EXPECT_EQ(Lockstress(dir, "run --crash-points --impl nosuch --out r2"), 2);
  EXPECT_NE(ReadAll(dir.File("out.txt")).find("unknown implementation"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.File("r2")));
}

}  // namespace
}  // namespace lockstress::cli
