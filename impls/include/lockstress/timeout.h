// Timeout: how long acquire() may wait. lockfile's acquire(timeout):
//   None        -> block until the lock is free          (Timeout::Forever())
//   <= 0        -> do not wait; AlreadyLocked if held (Timeout::NonBlocking())
//   > 0 seconds -> wait that long; LockTimeout if held   (Timeout::After(d))
//
// Thread safety: an immutable value.
#ifndef LOCKSTRESS_TIMEOUT_H_
#define LOCKSTRESS_TIMEOUT_H_

#include <chrono>
#include <string>
#include <string_view>

#include "lockstress/status.h"

namespace lockstress {

class Timeout {
 public:
  static constexpr Timeout Forever() { return Timeout(kForever, {}); }
  static constexpr Timeout NonBlocking() { return Timeout(kNonBlocking, {}); }
  // A duration; zero or negative means NonBlocking, as in lockfile.
  static constexpr Timeout After(std::chrono::nanoseconds d) {
    return d.count() <= 0 ? NonBlocking() : Timeout(kDuration, d);
  }
  // Seconds as lockfile takes them: +inf is Forever, <= 0 NonBlocking.
  // NaN is refused (LockFailed, EINVAL): it has no meaning as a wait.
  static StatusOr<Timeout> FromSeconds(double seconds);
  // The driver protocol's words: "inf", "0", or decimal seconds
  // ("-1" means 0). Anything else is refused with a message naming the text.
  static StatusOr<Timeout> Parse(std::string_view text);

  constexpr bool is_forever() const { return kind_ == kForever; }
  constexpr bool is_nonblocking() const { return kind_ == kNonBlocking; }
  // The wait for a duration; zero for NonBlocking, max() for Forever.
  std::chrono::nanoseconds duration() const;
  // The protocol form: "inf", "0" or seconds with up to 9 decimals.
  std::string ToString() const;

  friend constexpr bool operator==(const Timeout&, const Timeout&) = default;

 private:
  enum Kind : unsigned char { kForever, kNonBlocking, kDuration };
  constexpr Timeout(Kind kind, std::chrono::nanoseconds d)
      : kind_(kind), duration_(d) {}
  Kind kind_;
  std::chrono::nanoseconds duration_;
};

// A point in CLOCK_MONOTONIC time by which a wait must end (or never).
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  static Deadline Never() { return Deadline(Clock::time_point::max()); }
  static Deadline From(const Timeout& timeout);
  explicit Deadline(Clock::time_point at) : at_(at) {}

  bool is_never() const { return at_ == Clock::time_point::max(); }
  bool expired() const { return !is_never() && Clock::now() >= at_; }
  // Time left, never negative; max() for Never.
  std::chrono::nanoseconds remaining() const;
  Clock::time_point at() const { return at_; }

 private:
  Clock::time_point at_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_TIMEOUT_H_
