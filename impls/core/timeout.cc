#include "lockstress/timeout.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace lockstress {

StatusOr<Timeout> Timeout::FromSeconds(double seconds) {
  if (std::isnan(seconds)) {
    return PosixError(ErrorKind::kLockFailed, "", "", EINVAL,
                      "timeout is NaN, which is no number of seconds");
  }
  if (std::isinf(seconds)) {
    return seconds > 0 ? Forever() : NonBlocking();
  }
  if (seconds <= 0) return NonBlocking();
  // Beyond ~292 years nanoseconds overflow; such a wait is for ever.
  if (seconds > 9.0e9) return Forever();
  return After(std::chrono::nanoseconds(
      static_cast<std::int64_t>(std::llround(seconds * 1e9))));
}

StatusOr<Timeout> Timeout::Parse(std::string_view text) {
  if (text == "inf") return Forever();
  double seconds = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, seconds);
  if (text.empty() || ec != std::errc() || ptr != end || std::isnan(seconds) ||
      std::isinf(seconds)) {
    return Status(ErrorKind::kError, "",
                  "bad timeout '" + std::string(text) +
                      "': expected inf, 0, or seconds as a decimal");
  }
  return FromSeconds(seconds);
}

std::chrono::nanoseconds Timeout::duration() const {
  switch (kind_) {
    case kForever:
      return std::chrono::nanoseconds::max();
    case kNonBlocking:
      return std::chrono::nanoseconds::zero();
    default:
      return duration_;
  }
}

std::string Timeout::ToString() const {
  if (is_forever()) return "inf";
  if (is_nonblocking()) return "0";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld",
                static_cast<long long>(duration_.count() / 1000000000),
                static_cast<long long>(duration_.count() % 1000000000));
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

Deadline Deadline::From(const Timeout& timeout) {
  if (timeout.is_forever()) return Never();
  return Deadline(Clock::now() + timeout.duration());
}

std::chrono::nanoseconds Deadline::remaining() const {
  if (is_never()) return std::chrono::nanoseconds::max();
  auto left = at_ - Clock::now();
  return left.count() > 0
             ? std::chrono::duration_cast<std::chrono::nanoseconds>(left)
             : std::chrono::nanoseconds::zero();
}

}  // namespace lockstress
