#include "reports/synthetic.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "lockstress/history.h"
#include "reports/environment.h"

namespace lockstress::report {
namespace {

namespace fs = std::filesystem;

constexpr int kWorkers = 8;
constexpr char kHistory[] = "histories/synthetic/stress_synthetic.jsonl";

// Writes events as it makes them: a million events never sit in memory.
class Writer {
 public:
  explicit Writer(std::ofstream& out) : out_(out) {}
  std::size_t Op(int worker, const char* op, const char* arg, std::int64_t t0,
                 std::int64_t t1, Outcome outcome = Outcome::kOk,
                 ErrorKind kind = ErrorKind::kOk) {
    Event e;
    e.worker = worker;
    e.handle = fmt::format("w{}.h0", worker);
    e.pid = 1000 + worker;
    e.op = op;
    e.arg = arg;
    e.t0 = t0;
    e.t1 = t1;
    e.outcome = outcome;
    e.kind = kind;
    if (outcome == Outcome::kLost) e.message = "worker killed";
    return Write(e);
  }
  std::size_t Nemesis(const char* op, int target, std::int64_t t) {
    Event e;
    e.type = Event::Type::kNemesis;
    e.worker = -1;
    e.op = op;
    e.target = target;
    e.t0 = t;
    e.t1 = t + 20000;
    e.message = fmt::format("{} worker {}", op, target);
    return Write(e);
  }
  std::size_t count() const { return count_; }

 private:
  std::size_t Write(const Event& e) {
    out_ << EventToJson(e) << '\n';
    return count_++;
  }
  std::ofstream& out_;
  std::size_t count_ = 0;
};

}  // namespace

Status WriteSyntheticRun(const std::string& run_dir, std::size_t ops,
                         std::uint64_t seed,
                         const std::vector<std::string>& argv) {
  std::error_code ec;
  if (fs::exists(run_dir, ec) && !fs::is_empty(run_dir, ec)) {
    return Status(ErrorKind::kError, "",
                  run_dir +
                      ": exists and is not empty (the synthetic run "
                      "needs a fresh directory)");
  }
  fs::create_directories(fs::path(run_dir) / "histories/synthetic", ec);
  if (ec) return Status(ErrorKind::kError, "", run_dir + ": " + ec.message());
  std::string path = run_dir + "/" + kHistory;
  std::ofstream out(path, std::ios::trunc);
  HistoryHeader header;
  header.impl = "synthetic";
  header.features =
      *FeatureSet::Parse("blocking,nonblocking,timeout,stale_recovery");
  header.ownership = Ownership::kOpenFile;
  header.scenario = "stress/synthetic";
  header.seed = seed;
  header.workers = kWorkers;
  out << HeaderToJson(header) << '\n';

  std::mt19937_64 rng(seed);
  auto between = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  Writer w(out);
  std::int64_t t = 1'000'000'000;
  int holder = -1;
  std::size_t violation_at = ops / 2;
  std::vector<std::size_t> evidence;
  while (w.count() < ops) {
    t += between(2'000, 20'000);
    if (holder < 0) {
      holder = static_cast<int>(between(1, kWorkers));
      w.Op(holder, "acquire", "0", t, t + between(3'000, 60'000));
      continue;
    }
    if (w.count() >= violation_at && evidence.empty()) {
      // The violation: another worker is granted the lock while it is held.
      w.Op(holder, "release", "", t, t + 5'000);
      t += 10'000;
      int other = holder % kWorkers + 1;
      std::size_t a = w.Op(holder, "acquire", "inf", t, t + 5'000);
      std::size_t b = w.Op(other, "acquire", "inf", t + 50'000, t + 60'000);
      std::size_t a_end = w.Op(holder, "release", "", t + 400'000, t + 405'000);
      std::size_t b_end = w.Op(other, "release", "", t + 500'000, t + 505'000);
      evidence = {a, a_end, b, b_end};
      t += 600'000;
      holder = -1;
      continue;
    }
    std::int64_t roll = between(0, 999);
    if (roll < 250) {
      w.Op(holder, "release", "", t, t + between(2'000, 10'000));
      holder = -1;
    } else if (roll < 252) {
      // The nemesis kills the holder; its pending call is lost.
      w.Nemesis("kill", holder, t);
      w.Op(holder, "release", "", t - 10'000, t + 30'000, Outcome::kLost);
      holder = -1;
    } else if (roll < 254) {
      w.Nemesis("stop", holder, t);
      t += between(100'000, 2'000'000);
      w.Nemesis("cont", holder, t);
    } else if (roll < 260) {
      int other = static_cast<int>(between(1, kWorkers));
      w.Op(other, "acquire", "0.001", t, t + 1'000'000 + between(0, 90'000),
           Outcome::kErr, ErrorKind::kLockTimeout);
    } else if (roll < 261) {
      int other = static_cast<int>(between(1, kWorkers));
      w.Op(other, "release", "", t, t + 4'000, Outcome::kErr,
           ErrorKind::kNotMyLock);
    } else {
      int other = static_cast<int>(between(1, kWorkers));
      if (other == holder) continue;
      w.Op(other, "acquire", "0", t, t + between(2'000, 15'000), Outcome::kErr,
           ErrorKind::kAlreadyLocked);
    }
  }
  out.flush();
  if (!out) return Status(ErrorKind::kError, "", path + ": write failed");

  nlohmann::json env = CollectEnvironment(run_dir, argv, seed);
  std::string scenario = header.scenario;
  nlohmann::json check = {
      {"impl", "synthetic"}, {"scenario", scenario}, {"history", kHistory}};
  nlohmann::json checks = nlohmann::json::array();
  checks.push_back(check);
  checks.back().update(
      {{"property", "mutual_exclusion"},
       {"status", evidence.empty() ? "pass" : "fail"},
       {"detail", evidence.empty()
                      ? "too few operations for the planted overlap"
                      : "two workers held the lock at once (planted)"},
       {"evidence", evidence}});
  checks.push_back(check);
  checks.back().update(
      {{"property", "liveness"}, {"status", "pass"}, {"detail", "synthetic"}});
  checks.push_back(check);
  checks.back().update({{"property", "fairness"},
                        {"status", "skip"},
                        {"detail", "synthetic history: not judged"}});
  nlohmann::json results = {
      {"version", 1}, {"seed", seed}, {"environment", env}, {"checks", checks}};
  std::ofstream r(run_dir + "/results.json", std::ios::trunc);
  r << results.dump(2) << '\n';
  r.flush();
  if (!r)
    return Status(ErrorKind::kError, "",
                  run_dir + "/results.json: write failed");
  return Status::Ok();
}

}  // namespace lockstress::report
