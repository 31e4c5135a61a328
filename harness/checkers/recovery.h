// Recovery: what happened to the lock after a holder was killed.
//
// Shared by crash_recovery and stale_recovery. For every nemesis kill whose
// target held the lock (a certain interval ended by that kill), and every
// stale lock seeded before the run (nemesis "stale", intervals.h
// kSeededHolder; its "kill" is the seeding):
//   kFreed     the first acquire by another handle after the kill succeeded
//              (nobody was refused first): the lock died with its holder;
//   kTakenOver another handle got it without a break, after refusals;
//   kBroken    a successful break came before anybody else got it;
//   kStale     nobody else got it and nobody broke it.
// `latency` is from the kill's t1 to the taker's t1 (kFreed, kTakenOver).
// `late_refusal` is the first refusal (or a blocking acquire still waiting)
// of another handle after kill.t1 + bound, before any break: proof that the
// lock stayed taken longer than the bound while others kept trying.
//
// Thread safety: pure functions over values.
#ifndef LOCKSTRESS_HARNESS_CHECKERS_RECOVERY_H_
#define LOCKSTRESS_HARNESS_CHECKERS_RECOVERY_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/checkers/intervals.h"
#include "lockstress/history.h"

namespace lockstress {

struct Recovery {
  enum class Kind : unsigned char { kFreed, kTakenOver, kBroken, kStale };
  Kind kind = Kind::kStale;
  const Interval* holder = nullptr;
  std::size_t kill_event = 0;
  std::optional<std::size_t> next_event;  // the taker's acquire or the break
  std::int64_t latency = 0;
  std::optional<std::size_t> late_refusal;
};

std::string_view RecoveryKindName(Recovery::Kind kind);

// `bound_late`: slack for a blocking acquire that got the lock just after
// the bound (its polling interval), typically CheckOptions::timeout_late.
std::vector<Recovery> AnalyzeKills(const History& history, const Holdings& h,
                                   std::chrono::milliseconds bound,
                                   std::chrono::milliseconds bound_late);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_CHECKERS_RECOVERY_H_
