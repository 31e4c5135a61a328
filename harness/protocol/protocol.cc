#include "harness/protocol/protocol.h"

#include <time.h>

#include <array>
#include <charconv>
#include <vector>

namespace lockstress::protocol {
namespace {

constexpr std::array<std::string_view, 9> kVerbNames = {
    "open",         "acquire", "acquire_shared", "release", "is_locked",
    "i_am_locking", "break",   "close",          "quit",
};

Status Malformed(std::string_view what, std::string_view line,
                 std::string_view why) {
  return Status(ErrorKind::kError, "",
                "malformed " + std::string(what) + " '" + std::string(line) +
                    "': " + std::string(why));
}

// Splits on single spaces; an empty field (two spaces, a leading or trailing
// space) is kept as "" so that the callers refuse it.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t sp = line.find(' ', start);
    if (sp == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, sp - start));
    start = sp + 1;
  }
}

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <typename Int>
std::optional<Int> ParseDecimal(std::string_view s) {
  if (!AllDigits(s)) return std::nullopt;
  Int v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// "inf", or [-]digits[.digits].
bool IsTimeoutText(std::string_view s) {
  if (s == "inf") return true;
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.empty() ||
      whole.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  if (dot == std::string_view::npos) return true;
  std::string_view frac = s.substr(dot + 1);
  return !frac.empty() &&
         frac.find_first_not_of("0123456789") == std::string_view::npos;
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string_view VerbName(Verb verb) {
  auto i = static_cast<std::size_t>(verb);
  return i < kVerbNames.size() ? kVerbNames[i] : "quit";
}

std::optional<Verb> ParseVerb(std::string_view word) {
  for (std::size_t i = 0; i < kVerbNames.size(); ++i) {
    if (kVerbNames[i] == word) return static_cast<Verb>(i);
  }
  return std::nullopt;
}

bool IsValidHandle(std::string_view handle) {
  if (handle.empty() || handle.size() > kMaxHandleLength) return false;
  for (char c : handle) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string FormatGreeting(const Greeting& greeting) {
  return std::string(kGreetingWord) + " " + std::to_string(kVersion) + " " +
         greeting.name + " " + greeting.features.ToString();
}

StatusOr<Greeting> ParseGreeting(std::string_view line) {
  std::vector<std::string_view> f = Fields(line);
  if (f.size() != 4) {
    return Malformed("greeting", line,
                     "expected 'lockstress-driver 1 <name> <features>'");
  }
  if (f[0] != kGreetingWord) {
    return Malformed("greeting", line, "does not start with lockstress-driver");
  }
  if (f[1] != "1") {
    return Malformed("greeting", line,
                     "unsupported protocol version '" + std::string(f[1]) +
                         "' (this harness speaks 1)");
  }
  if (f[2].empty() || HasControl(f[2])) {
    return Malformed("greeting", line, "empty or invalid name");
  }
  Greeting g{std::string(f[2]), {}};
  std::size_t start = 0;
  while (true) {
    std::size_t comma = f[3].find(',', start);
    std::string_view word = f[3].substr(start, comma - start);
    std::optional<Feature> feature = ParseFeature(word);
    if (!feature) {
      return Malformed("greeting", line,
                       "unknown feature '" + std::string(word) + "'");
    }
    g.features.add(*feature);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return g;
}

std::string FormatRequest(const Request& r) {
  std::string out = std::to_string(r.seq) + " " + std::string(VerbName(r.verb));
  if (r.verb == Verb::kQuit) return out;
  out += " " + r.handle;
  if (r.verb == Verb::kOpen) out += " " + r.path;
  if (r.verb == Verb::kAcquire || r.verb == Verb::kAcquireShared) {
    out += " " + r.timeout.ToString();
  }
  return out;
}

StatusOr<Request> ParseRequest(std::string_view line) {
  std::vector<std::string_view> f = Fields(line);
  Request r;
  std::optional<std::uint64_t> seq = ParseDecimal<std::uint64_t>(f[0]);
  if (!seq) return Malformed("request", line, "sequence number is not decimal");
  r.seq = *seq;
  if (f.size() < 2) return Malformed("request", line, "no verb");
  std::optional<Verb> verb = ParseVerb(f[1]);
  if (!verb) {
    return Malformed("request", line,
                     "unknown verb '" + std::string(f[1]) + "'");
  }
  r.verb = *verb;
  if (r.verb == Verb::kQuit) {
    if (f.size() != 2) return Malformed("request", line, "quit takes nothing");
    return r;
  }
  if (f.size() < 3 || !IsValidHandle(f[2])) {
    return Malformed("request", line, "handle must match [A-Za-z0-9_.-]{1,64}");
  }
  r.handle = std::string(f[2]);
  switch (r.verb) {
    case Verb::kOpen: {
      // The rest of the line, spaces included, is the path.
      std::size_t at = f[0].size() + 1 + f[1].size() + 1 + f[2].size() + 1;
      if (at > line.size() || line.substr(at).empty()) {
        return Malformed("request", line, "open needs a path");
      }
      r.path = std::string(line.substr(at));
      if (HasControl(r.path)) {
        return Malformed("request", line, "control character in the path");
      }
      return r;
    }
    case Verb::kAcquire:
    case Verb::kAcquireShared: {
      if (f.size() != 4 || !IsTimeoutText(f[3])) {
        return Malformed("request", line,
                         "acquire needs one timeout: inf, 0 or seconds");
      }
      StatusOr<Timeout> t = Timeout::Parse(f[3]);
      if (!t.ok()) return Malformed("request", line, t.status().message());
      r.timeout = *t;
      return r;
    }
    default:
      if (f.size() != 3) {
        return Malformed(
            "request", line,
            std::string(VerbName(r.verb)) + " takes only a handle");
      }
      return r;
  }
}

std::string FormatReply(const Reply& r) {
  std::string out = std::to_string(r.seq) + (r.ok() ? " ok " : " err ") +
                    std::to_string(r.t0) + " " + std::to_string(r.t1);
  if (r.ok()) {
    if (r.value) out += *r.value ? " true" : " false";
    return out;
  }
  out += " " + std::string(KindName(r.kind));
  if (!r.message.empty()) {
    std::string m = r.message;
    for (char& c : m) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    out += " " + m;
  }
  return out;
}

StatusOr<Reply> ParseReply(std::string_view line) {
  std::vector<std::string_view> f = Fields(line);
  if (f.size() < 4) {
    return Malformed("reply", line, "expected '<seq> ok|err <t0> <t1> ...'");
  }
  Reply r;
  std::optional<std::uint64_t> seq = ParseDecimal<std::uint64_t>(f[0]);
  std::optional<std::int64_t> t0 = ParseDecimal<std::int64_t>(f[2]);
  std::optional<std::int64_t> t1 = ParseDecimal<std::int64_t>(f[3]);
  if (!seq) return Malformed("reply", line, "sequence number is not decimal");
  if (!t0 || !t1) return Malformed("reply", line, "t0/t1 are not decimal ns");
  if (*t1 < *t0) return Malformed("reply", line, "t1 is before t0");
  r.seq = *seq;
  r.t0 = *t0;
  r.t1 = *t1;
  if (f[1] == "ok") {
    if (f.size() == 4) return r;
    if (f.size() == 5 && (f[4] == "true" || f[4] == "false")) {
      r.value = f[4] == "true";
      return r;
    }
    return Malformed("reply", line, "ok takes only 'true' or 'false' after t1");
  }
  if (f[1] != "err") return Malformed("reply", line, "expected ok or err");
  if (f.size() < 5) return Malformed("reply", line, "err needs a Kind");
  std::optional<ErrorKind> kind = ParseKind(f[4]);
  if (!kind || *kind == ErrorKind::kOk) {
    return Malformed("reply", line, "unknown Kind '" + std::string(f[4]) + "'");
  }
  r.kind = *kind;
  std::size_t at =
      f[0].size() + f[1].size() + f[2].size() + f[3].size() + f[4].size() + 5;
  if (at < line.size()) r.message = std::string(line.substr(at));
  if (f.size() > 5 && r.message.empty()) {
    return Malformed("reply", line, "empty message after a space");
  }
  return r;
}

Reply ReplyFromStatus(std::uint64_t seq, std::int64_t t0, std::int64_t t1,
                      const Status& status) {
  Reply r{.seq = seq, .t0 = t0, .t1 = t1, .kind = status.kind()};
  if (!status.ok()) r.message = status.Describe();
  return r;
}

std::int64_t MonotonicNanos() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace lockstress::protocol
