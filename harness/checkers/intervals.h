// Intervals: who held the lock when, derived from a History.
//
// Per handle, a holding interval runs from t1 of a successful acquire to t0
// of its next release (driver protocol v1). Because every call takes time,
// each interval has two readings:
//   sure: [acquire.t1, release.t0]  the lock was certainly held by the handle
//   may:  [acquire.t0, release.t1]  the lock was possibly held by the handle
// Checkers that prove a violation use `sure` (two sure intervals overlap);
// checkers that need "nobody held it" use `may` (no may interval touches).
//
// Indeterminate events (Jepsen's :info). An acquire whose outcome is `lost`
// may or may not have taken the lock: it yields an interval with certain ==
// false, an empty sure range, and a may range from its t0 until the lock is
// known to be gone. A lost event also means the worker died: every interval
// of that worker ends (sure at the lost event's t0).
//
// Endings besides release:
//   - a successful close of the handle (closing a holding object releases
//     it, lock.h Destruction);
//   - a successful break by anyone ends every open interval (sure at the
//     break's t0, may at its t1); the handle is then "broken";
//   - the death of the worker (nemesis kill of it, or a lost event of it)
//     ends the sure range at the kill's t0. The lock may stay behind
//     (stale), so the may range runs on until a successful break, another
//     handle's successful conflicting acquire, or the end of the history;
//   - races: an acquire whose call overlaps a successful break in time may
//     have come before or after it, so its interval is uncertain (no sure
//     range) from the start;
//   - a successful release by a handle of the same owner (ownership process
//     or host, see SameOwner) ends the holder's interval: one owner, one lock;
//   - a release that errs ends the interval (the impl says it does not hold).
// A seeded stale lock (nemesis event "stale": the lock was left before the
// run by a holder that died, fault_launch.h) is an interval of the pseudo
// handle kSeededHolder (worker -1), dead at the event: an empty sure range,
// and a may range until a break or another handle's acquire, as any dead
// holder's.
// Reentrant nesting: acquires by a holder nest; the interval ends at the
// release that brings the depth back to zero.
//
// Thread safety: pure functions over values.
#ifndef LOCKSTRESS_HARNESS_CHECKERS_INTERVALS_H_
#define LOCKSTRESS_HARNESS_CHECKERS_INTERVALS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockstress/history.h"

namespace lockstress {

// The handle of a seeded stale lock's holder.
inline constexpr char kSeededHolder[] = "seeded";

enum class IntervalEnd : unsigned char { kRelease, kBreak, kDeath, kOpen };

struct Interval {
  std::string handle;
  int worker = 0;
  bool shared = false;
  bool certain = true;  // false: from a lost acquire
  std::int64_t sure_begin = 0, sure_end = 0;
  std::int64_t may_begin = 0, may_end = 0;
  std::size_t begin_event = 0;           // the acquire
  std::optional<std::size_t> end_event;  // release, break, kill, lost
  IntervalEnd end = IntervalEnd::kOpen;
  int max_depth = 1;  // reentrant nesting reached

  bool SureOverlaps(std::int64_t a, std::int64_t b) const {
    return certain && sure_begin < sure_end && sure_begin < b && a < sure_end;
  }
  bool MayOverlaps(std::int64_t a, std::int64_t b) const {
    return may_begin <= b && a <= may_end;
  }
  // [a, b] lies wholly inside the sure range.
  bool SureContains(std::int64_t a, std::int64_t b) const {
    return certain && sure_begin <= a && b <= sure_end;
  }
};

struct Holdings {
  std::vector<Interval> intervals;  // in order of their acquire
  std::int64_t origin = 0;          // smallest t0: times print relative to it
  std::int64_t end = 0;             // largest t1

  // Indexes for Contended() and StoppedDuring(), built by DeriveIntervals
  // so that those answer in O(log n).
  struct Latest {  // the two latest-ending calls of different handles
    std::int64_t t1 = 0;
    const std::string* handle = nullptr;
    std::int64_t t1_other = 0;  // latest t1 of a handle other than `handle`
    bool has_other = false;
  };
  std::vector<std::int64_t> may_begins;   // sorted
  std::vector<std::int64_t> may_end_max;  // prefix max, same order
  std::vector<std::int64_t> call_t0s;     // acquires and queries, sorted
  std::vector<Latest> call_latest;        // prefix, same order
  struct Stop {
    int worker;
    std::int64_t from, until;
  };
  std::vector<Stop> stops;  // SIGSTOP .. next SIGCONT (or the end)
};

Holdings DeriveIntervals(const History& history);

// The interval of `handle` open just before event i (one ending at i
// counts), nullptr when the handle did not hold the lock then.
const Interval* HeldAt(const Holdings& h, const std::string& handle,
                       std::size_t i);
// The last interval of `handle` begun before event i, whatever its end.
const Interval* LastBefore(const Holdings& h, const std::string& handle,
                           std::size_t i);
// Whether event i's [t0, t1] could have met a held lock: some interval may
// overlap it, or another handle's acquire or status query was in flight
// then (a contender's attempt, or a status query that probes by trying the
// lock, holds the mechanism's state for a moment: SQLite's RESERVED lock, a
// flock probe). A refusal or an is_locked true that was not contended is a
// lie.
bool Contended(const History& history, const Holdings& h, std::size_t i);
// Whether any interval may overlap [t0, t1].
bool MayBeHeld(const Holdings& h, std::int64_t t0, std::int64_t t1);
// Whether the nemesis had `worker` stopped (SIGSTOP until the next cont,
// or the end) at some time in [t0, t1]: its calls' durations mean nothing.
bool StoppedDuring(const Holdings& h, int worker, std::int64_t t0,
                   std::int64_t t1);
// True when an acquire refused (AlreadyLocked / LockTimeout).
bool IsRefused(const Event& e);

// True for an acquire / acquire_shared, whatever the outcome.
bool IsAcquire(const Event& e);
// True for a successful acquire / acquire_shared.
bool IsOkAcquire(const Event& e);
// The acquire's timeout argument in nanoseconds: nullopt for "inf", 0 for
// "0" or a negative value.
std::optional<std::int64_t> TimeoutNanos(const std::string& arg);

// Two handles are one owner for release / i_am_locking (header ownership):
// thread: the same handle, or the same worker without `threads`;
// open_file: the same handle; process: the same worker; host, none: always.
bool SameOwner(const HistoryHeader& header, const std::string& handle_a,
               int worker_a, const std::string& handle_b, int worker_b);
// Two holders must exclude each other (the contract: objects exclude each
// other across processes always, across threads with `threads`), unless
// both hold it shared.
bool MustExclude(const HistoryHeader& header, const Interval& a,
                 const Interval& b);

// A duration: "12.345ms".
std::string DurMs(std::int64_t nanos);
// "12.345ms" relative to the history's first event.
std::string Ms(const Holdings& h, std::int64_t t);
// "w1.h0 acquire(0.25) ok [1.000ms..2.000ms] (#7)" for evidence lines.
std::string Describe(const Holdings& h, const History& history,
                     std::size_t index);
// "w1.h0 held [1.000ms..2.000ms]"
std::string DescribeInterval(const Holdings& h, const Interval& iv);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_CHECKERS_INTERVALS_H_
