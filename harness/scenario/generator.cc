#include "harness/scenario/generator.h"

#include <random>

namespace lockstress {
namespace {

using std::chrono::milliseconds;
using Kind = PlannedOp::Kind;

// Upper bound on rounds per handle for a stress scenario.
constexpr int kMaxStressRounds = 20000;

bool CanTake(const Timeout& t, FeatureSet f) {
  if (t.is_forever()) return f.has(Feature::kBlocking);
  if (t.is_nonblocking()) return f.has(Feature::kNonblocking);
  return f.has(Feature::kTimeout);
}

milliseconds Draw(std::mt19937_64& rng, milliseconds lo, milliseconds hi) {
  std::uniform_int_distribution<std::int64_t> d(lo.count(), hi.count());
  return milliseconds(d(rng));
}

// Appends one round of the mix; returns the time it sleeps.
milliseconds Round(const OpMix& mix, FeatureSet f,
                   const std::vector<Timeout>& timeouts, std::mt19937_64& rng,
                   std::vector<PlannedOp>& ops) {
  int shared =
      f.has(Feature::kShared) && !timeouts.empty() ? mix.acquire_shared : 0;
  int brk = f.has(Feature::kBreak) ? mix.break_lock : 0;
  int acquire = timeouts.empty() ? 0 : mix.acquire;
  int total = acquire + shared + mix.release_non_holder + brk;
  milliseconds slept{0};
  auto sleep = [&](milliseconds d) {
    if (d.count() > 0) ops.push_back({.kind = Kind::kSleep, .sleep = d});
    slept += d;
  };
  if (total == 0) {
    sleep(Draw(rng, mix.idle_min, mix.idle_max));
    return slept;
  }
  std::uniform_int_distribution<int> pick(0, total - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  int r = pick(rng);
  if (r < acquire + shared) {
    std::uniform_int_distribution<std::size_t> which(0, timeouts.size() - 1);
    Timeout t = timeouts[which(rng)];
    ops.push_back({.kind = r < acquire ? Kind::kAcquire : Kind::kAcquireShared,
                   .timeout = t});
    sleep(Draw(rng, mix.hold_min, mix.hold_max));
    // Status queries while (perhaps) holding: `status` in tenths.
    if (percent(rng) < mix.status * 10) {
      if (f.has(Feature::kIsLocked)) ops.push_back({.kind = Kind::kIsLocked});
      if (f.has(Feature::kIAmLocking)) {
        ops.push_back({.kind = Kind::kIAmLocking});
      }
    }
    ops.push_back({.kind = Kind::kRelease});
    int doubles = mix.double_release;
    if (doubles > 0 && percent(rng) < doubles * 100 / (doubles + mix.acquire)) {
      ops.push_back({.kind = Kind::kRelease});
    }
  } else if (r < acquire + shared + mix.release_non_holder) {
    ops.push_back({.kind = Kind::kRelease});
  } else {
    ops.push_back({.kind = Kind::kBreak});
  }
  sleep(Draw(rng, mix.idle_min, mix.idle_max));
  return slept;
}

}  // namespace

Schedule Generate(const Scenario& s, std::uint64_t seed, FeatureSet features,
                  std::optional<milliseconds> duration) {
  Schedule out;
  out.duration = s.duration;
  if (s.stress && duration) out.duration = *duration;
  out.blocking_limit = s.blocking_limit;
  out.nemesis = s.nemesis;
  out.workers.assign(s.processes,
                     std::vector<std::vector<PlannedOp>>(s.handles));
  for (const ScriptedStep& step : s.steps) {
    out.workers[step.worker][step.handle].push_back(step.op);
  }
  if (!s.mix) return out;
  std::vector<Timeout> timeouts;
  for (const Timeout& t : s.mix->timeouts) {
    if (CanTake(t, features)) timeouts.push_back(t);
  }
  std::mt19937_64 root(seed);
  for (auto& worker : out.workers) {
    for (auto& ops : worker) {
      std::mt19937_64 rng(root());  // one sub-stream per handle, in order
      if (s.stress && out.duration.count() > 0) {
        milliseconds planned{0};
        for (int i = 0; i < kMaxStressRounds && planned < out.duration; ++i) {
          planned += Round(*s.mix, features, timeouts, rng, ops);
        }
      } else {
        for (int i = 0; i < s.mix->ops; ++i) {
          Round(*s.mix, features, timeouts, rng, ops);
        }
      }
    }
  }
  return out;
}

}  // namespace lockstress
