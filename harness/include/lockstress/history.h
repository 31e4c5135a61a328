// History: the seam between the harness's parts (Jepsen's roles).
//
// The client side (workers driven by the orchestrator) and the nemesis append
// Events; checkers read a History and know nothing of processes. A history is
// stored as JSONL in the run directory: one header line, then one Event per
// line, in the order the orchestrator received the replies.
//
//   {"type":"header","version":1,"impl":"link","features":"blocking,...",
//    "ownership":"thread","scenario":"conformance/basic","seed":42,
//    "workers":4,"witness":"/path/to/counter"}
//   {"type":"op","worker":1,"handle":"w1.h0","pid":1234,"op":"acquire",
//    "arg":"0.25","t0":123,"t1":456,"outcome":"ok"}
//   {"type":"op",...,"op":"release","outcome":"err","kind":"NotLocked",
//    "message":"..."}
//   {"type":"op",...,"op":"is_locked","outcome":"ok","value":true}
//   {"type":"op",...,"op":"witness","outcome":"ok","read":41,"wrote":42}
//   {"type":"op",...,"op":"acquire","outcome":"lost","message":"worker killed"}
//   {"type":"nemesis","op":"kill","target":2,"t0":..,"t1":..,"message":"..."}
//
// Times are CLOCK_MONOTONIC nanoseconds: t0 just before and t1 just after the
// library call (from the driver's reply). For "lost" (the worker died or hung
// and was killed before it replied) t1 is when the loss was noticed, and the
// outcome of the call is unknown (Jepsen's :info).
//
// Thread safety: values; a History is built by one thread.
#ifndef LOCKSTRESS_HISTORY_H_
#define LOCKSTRESS_HISTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockstress/capabilities.h"
#include "lockstress/status.h"

namespace lockstress {

enum class Outcome : unsigned char {
  kOk,    // the call returned normally
  kErr,   // the call returned an error of `kind`
  kLost,  // no reply: the worker crashed, was killed, or hung (indeterminate)
};

struct Event {
  enum class Type : unsigned char { kOp, kNemesis };
  Type type = Type::kOp;
  int worker = 0;        // worker index; the nemesis has none (-1)
  std::string handle;    // "w1.h0"; empty for the nemesis
  std::int64_t pid = 0;  // the worker's process id, when known
  // open, acquire, acquire_shared, release, is_locked, i_am_locking, break,
  // close, witness; nemesis: kill, stop, cont, ...
  std::string op;
  std::string arg;  // the timeout of an acquire, a path, a target
  std::int64_t t0 = 0;
  std::int64_t t1 = 0;
  Outcome outcome = Outcome::kOk;
  ErrorKind kind = ErrorKind::kOk;  // with kErr
  std::string message;
  std::optional<bool> value;  // is_locked, i_am_locking
  std::int64_t read = 0;      // witness: the counter as read
  std::int64_t wrote = 0;     // witness: the counter as written
  int target = -1;            // nemesis: the worker acted on
  std::int64_t line = 0;      // 1-based line in history.jsonl, if read
};

struct HistoryHeader {
  int version = 1;
  std::string impl;
  FeatureSet features;
  Ownership ownership = Ownership::kProcess;
  std::string scenario;
  std::uint64_t seed = 0;
  int workers = 0;
  std::string witness;  // path of the witness counter file, "" for none
};

struct History {
  HistoryHeader header;
  std::vector<Event> events;
};

// One JSON line (no newline) for an event / the header.
std::string EventToJson(const Event& event);
std::string HeaderToJson(const HistoryHeader& header);
// Parses history.jsonl; errors name the file and line ("file:7: ...").
StatusOr<History> ReadHistory(const std::string& path);
// The same, one event at a time in constant memory (for histories too large
// to hold): on_header once, then on_event(index into History::events, the
// event, the line's text). A non-ok Status from a callback stops the reading
// and is returned.
Status ForEachHistoryEvent(
    const std::string& path,
    const std::function<Status(const HistoryHeader&)>& on_header,
    const std::function<Status(std::size_t, Event&&, std::string_view)>&
        on_event);
Status WriteHistory(const std::string& path, const History& history);

}  // namespace lockstress

#endif  // LOCKSTRESS_HISTORY_H_
