#include "harness/faults/fault_spec.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>

namespace lockstress {
namespace {

constexpr std::string_view kSyscalls[] = {
    "open",      "close", "read",  "pread", "write", "pwrite",
    "ftruncate", "fsync", "fstat", "lstat", "link",  "unlink",
    "rename",    "mkdir", "rmdir", "flock", "fcntl", "gethostname"};

Status Bad(std::string_view spec, const std::string& why) {
  return Status(ErrorKind::kError, "",
                "fault '" + std::string(spec) + "': " + why);
}

// key=value pairs; a key given twice or without '=' is an error.
StatusOr<std::map<std::string, std::string>> Pairs(std::string_view spec) {
  std::map<std::string, std::string> out;
  if (spec.empty()) return Bad(spec, "empty");
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view pair = spec.substr(start, comma - start);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Bad(spec, "'" + std::string(pair) + "' is not key=value");
    }
    std::string key(pair.substr(0, eq));
    if (!out.emplace(key, std::string(pair.substr(eq + 1))).second) {
      return Bad(spec, "key '" + key + "' given twice");
    }
    start = comma + 1;
  }
  return out;
}

// Reads an integer key in [lo, hi]; absent: `dflt`.
StatusOr<long long> Number(std::string_view spec,
                           std::map<std::string, std::string>& kv,
                           const std::string& key, long long dflt, long long lo,
                           long long hi) {
  auto it = kv.find(key);
  if (it == kv.end()) return dflt;
  long long v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) {
    return Bad(spec, key + " must be an integer in [" + std::to_string(lo) +
                         ", " + std::to_string(hi) + "], not '" + s + "'");
  }
  kv.erase(it);
  return v;
}

StatusOr<int> Errno(std::string_view spec,
                    std::map<std::string, std::string>& kv) {
  auto it = kv.find("errno");
  if (it == kv.end()) return Bad(spec, "errno=NAME is required");
  std::optional<int> e = ParseErrnoName(it->second);
  if (!e) return Bad(spec, "unknown errno '" + it->second + "'");
  kv.erase(it);
  return *e;
}

Status NoneLeft(std::string_view spec,
                const std::map<std::string, std::string>& kv) {
  if (kv.empty()) return Status::Ok();
  return Bad(spec, "unknown or misplaced key '" + kv.begin()->first + "'");
}

constexpr long long kMaxMs = 24LL * 3600 * 1000 * 365 * 10;  // ten years

Status AddFailpoint(FaultPlan& plan, std::string_view spec,
                    std::map<std::string, std::string> kv) {
  FailpointFault f;
  f.point = kv["failpoint"];
  kv.erase("failpoint");
  if (f.point.empty()) return Bad(spec, "failpoint needs a name");
  std::string action = kv.count("action") ? kv["action"] : "";
  kv.erase("action");
  StatusOr<long long> hit = Number(spec, kv, "hit", 1, 1, 1000000);
  if (!hit.ok()) return hit.status();
  f.hit = static_cast<int>(*hit);
  if (action == "exit") {
    f.action = FailpointAction::kExit;
  } else if (action == "kill") {
    f.action = FailpointAction::kKill;
  } else if (action == "pause") {
    f.action = FailpointAction::kPause;
    StatusOr<long long> ms = Number(spec, kv, "ms", -1, 0, 3600000);
    if (!ms.ok()) return ms.status();
    if (*ms < 0) return Bad(spec, "action=pause needs ms=N");
    f.pause = std::chrono::milliseconds(*ms);
  } else if (action == "errno") {
    f.action = FailpointAction::kErrno;
    StatusOr<int> e = Errno(spec, kv);
    if (!e.ok()) return e.status();
    f.err = *e;
    if (auto it = kv.find("syscall"); it != kv.end()) {
      if (!IsOsSyscall(it->second)) {
        return Bad(spec, "unknown system call '" + it->second + "'");
      }
      f.syscall = it->second;
      kv.erase(it);
    }
  } else {
    return Bad(spec, "action must be exit, kill, pause or errno");
  }
  if (Status s = NoneLeft(spec, kv); !s.ok()) return s;
  plan.failpoints.push_back(f);
  return Status::Ok();
}

Status AddSyscall(FaultPlan& plan, std::string_view spec,
                  std::map<std::string, std::string> kv) {
  SyscallFault f;
  f.syscall = kv["syscall"];
  kv.erase("syscall");
  if (!IsOsSyscall(f.syscall)) {
    return Bad(spec, "unknown system call '" + f.syscall + "'");
  }
  StatusOr<int> e = Errno(spec, kv);
  if (!e.ok()) return e.status();
  f.err = *e;
  StatusOr<long long> nth = Number(spec, kv, "nth", 1, 1, 1000000000);
  if (!nth.ok()) return nth.status();
  StatusOr<long long> count = Number(spec, kv, "count", 1, 0, 1000000000);
  if (!count.ok()) return count.status();
  f.nth = static_cast<int>(*nth);
  f.count = static_cast<int>(*count);
  if (Status s = NoneLeft(spec, kv); !s.ok()) return s;
  plan.syscalls.push_back(f);
  return Status::Ok();
}

}  // namespace

std::string_view FailpointActionName(FailpointAction action) {
  switch (action) {
    case FailpointAction::kExit:
      return "exit";
    case FailpointAction::kKill:
      return "kill";
    case FailpointAction::kPause:
      return "pause";
    case FailpointAction::kErrno:
    default:
      return "errno";
  }
}

std::optional<int> ParseErrnoName(std::string_view name) {
  // Every errno Linux defines is below 200 (errno(3), asm-generic/errno.h).
  for (int err = 1; err < 200; ++err) {
    const char* known = strerrorname_np(err);
    if (known != nullptr && name == known) return err;
  }
  return std::nullopt;
}

bool IsOsSyscall(std::string_view name) {
  for (std::string_view s : kSyscalls) {
    if (s == name) return true;
  }
  return false;
}

bool FaultPlan::empty() const {
  return failpoints.empty() && syscalls.empty() && clock_skew.count() == 0 &&
         clock_jump.count() == 0 && mtime_granularity.count() == 0;
}

Status FaultPlan::Add(std::string_view spec) {
  StatusOr<std::map<std::string, std::string>> kv = Pairs(spec);
  if (!kv.ok()) return kv.status();
  if (kv->count("failpoint")) return AddFailpoint(*this, spec, *kv);
  if (kv->count("syscall")) return AddSyscall(*this, spec, *kv);
  if (kv->count("clock_skew_ms")) {
    StatusOr<long long> ms =
        Number(spec, *kv, "clock_skew_ms", 0, -kMaxMs, kMaxMs);
    if (!ms.ok()) return ms.status();
    clock_skew = std::chrono::milliseconds(*ms);
    return NoneLeft(spec, *kv);
  }
  if (kv->count("clock_jump_ms")) {
    StatusOr<long long> ms =
        Number(spec, *kv, "clock_jump_ms", 0, -kMaxMs, kMaxMs);
    if (!ms.ok()) return ms.status();
    StatusOr<long long> after = Number(spec, *kv, "after_ms", 0, 0, 3600000);
    if (!after.ok()) return after.status();
    clock_jump = std::chrono::milliseconds(*ms);
    clock_jump_after = std::chrono::milliseconds(*after);
    return NoneLeft(spec, *kv);
  }
  if (kv->count("mtime_granularity_ms")) {
    StatusOr<long long> ms =
        Number(spec, *kv, "mtime_granularity_ms", 0, 1, 86400000);
    if (!ms.ok()) return ms.status();
    mtime_granularity = std::chrono::milliseconds(*ms);
    return NoneLeft(spec, *kv);
  }
  return Bad(spec,
             "needs failpoint=, syscall=, clock_skew_ms=, clock_jump_ms= or "
             "mtime_granularity_ms=");
}

std::vector<std::string> FaultPlan::ToSpecs() const {
  std::vector<std::string> out;
  for (const FailpointFault& f : failpoints) {
    std::string s = "failpoint=" + f.point +
                    ",action=" + std::string(FailpointActionName(f.action)) +
                    ",hit=" + std::to_string(f.hit);
    if (f.action == FailpointAction::kPause) {
      s += ",ms=" + std::to_string(f.pause.count());
    }
    if (f.action == FailpointAction::kErrno) {
      s += ",errno=" + ErrnoName(f.err);
      if (!f.syscall.empty()) s += ",syscall=" + f.syscall;
    }
    out.push_back(s);
  }
  for (const SyscallFault& f : syscalls) {
    out.push_back("syscall=" + f.syscall + ",errno=" + ErrnoName(f.err) +
                  ",nth=" + std::to_string(f.nth) +
                  ",count=" + std::to_string(f.count));
  }
  if (clock_skew.count() != 0) {
    out.push_back("clock_skew_ms=" + std::to_string(clock_skew.count()));
  }
  if (clock_jump.count() != 0) {
    out.push_back("clock_jump_ms=" + std::to_string(clock_jump.count()) +
                  ",after_ms=" + std::to_string(clock_jump_after.count()));
  }
  if (mtime_granularity.count() != 0) {
    out.push_back("mtime_granularity_ms=" +
                  std::to_string(mtime_granularity.count()));
  }
  return out;
}

Status AddSpecs(FaultPlan& plan, std::string_view specs) {
  size_t start = 0;
  while (start < specs.size()) {
    size_t semi = specs.find(';', start);
    if (semi == std::string_view::npos) semi = specs.size();
    std::string_view one = specs.substr(start, semi - start);
    if (!one.empty()) {
      if (Status s = plan.Add(one); !s.ok()) return s;
    }
    start = semi + 1;
  }
  return Status::Ok();
}

}  // namespace lockstress
