// Driver protocol v1: the line format between the harness and a driver
// (docs/driver-protocol.md). Pure functions: parse and format the greeting,
// requests and replies. Parsing is strict: anything that is not exactly a
// well-formed line is an error whose message quotes the line.
//
// Thread safety: stateless functions over values.
#ifndef LOCKSTRESS_HARNESS_PROTOCOL_PROTOCOL_H_
#define LOCKSTRESS_HARNESS_PROTOCOL_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lockstress/capabilities.h"
#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress::protocol {

inline constexpr int kVersion = 1;
inline constexpr std::string_view kGreetingWord = "lockstress-driver";
inline constexpr std::size_t kMaxHandleLength = 64;

// `lockstress-driver 1 <name> <feature>[,<feature>...]`
struct Greeting {
  std::string name;
  FeatureSet features;
};

enum class Verb : unsigned char {
  kOpen,
  kAcquire,
  kAcquireShared,
  kRelease,
  kIsLocked,
  kIAmLocking,
  kBreak,
  kClose,
  kQuit,
};
std::string_view VerbName(Verb verb);
std::optional<Verb> ParseVerb(std::string_view word);

// `<seq> <verb> [<handle> [<path...> | <timeout>]]`
struct Request {
  std::uint64_t seq = 0;
  Verb verb = Verb::kQuit;
  std::string handle;                        // all verbs but quit
  std::string path;                          // open
  Timeout timeout = Timeout::NonBlocking();  // acquire, acquire_shared
};

// `<seq> ok <t0> <t1> [true|false]` or
// `<seq> err <t0> <t1> <Kind> [message...]`
struct Reply {
  std::uint64_t seq = 0;
  std::int64_t t0 = 0;
  std::int64_t t1 = 0;
  ErrorKind kind = ErrorKind::kOk;  // kOk for an `ok` reply
  std::optional<bool> value;        // ok replies of is_locked, i_am_locking
  std::string message;              // err replies; may be empty
  bool ok() const { return kind == ErrorKind::kOk; }
};

// True when `handle` matches [A-Za-z0-9_.-]{1,64}.
bool IsValidHandle(std::string_view handle);

// Lines are given and returned without the trailing '\n'.
std::string FormatGreeting(const Greeting& greeting);
StatusOr<Greeting> ParseGreeting(std::string_view line);
std::string FormatRequest(const Request& request);
StatusOr<Request> ParseRequest(std::string_view line);
// Newlines and carriage returns in the message become spaces.
std::string FormatReply(const Reply& reply);
StatusOr<Reply> ParseReply(std::string_view line);

// A reply for `status` (kOk gives `ok` without a value).
Reply ReplyFromStatus(std::uint64_t seq, std::int64_t t0, std::int64_t t1,
                      const Status& status);

// CLOCK_MONOTONIC in nanoseconds.
std::int64_t MonotonicNanos();

}  // namespace lockstress::protocol

#endif  // LOCKSTRESS_HARNESS_PROTOCOL_PROTOCOL_H_
