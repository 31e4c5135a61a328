// Deriving holding intervals; see intervals.h for the model.
#include "harness/checkers/intervals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace lockstress {
namespace {

struct HandleState {
  std::optional<std::size_t> open;  // index into intervals
  int depth = 0;
};

void Close(Interval& iv, std::int64_t sure_end, std::int64_t may_end,
           IntervalEnd why, std::size_t event) {
  iv.sure_end = std::max(iv.sure_begin, std::min(iv.sure_end, sure_end));
  iv.may_end = std::max(iv.may_begin, may_end);
  iv.end = why;
  iv.end_event = event;
}

}  // namespace

bool IsAcquire(const Event& e) {
  return e.type == Event::Type::kOp &&
         (e.op == "acquire" || e.op == "acquire_shared");
}

bool IsOkAcquire(const Event& e) {
  return IsAcquire(e) && e.outcome == Outcome::kOk;
}

bool IsRefused(const Event& e) {
  return IsAcquire(e) && e.outcome == Outcome::kErr &&
         (e.kind == ErrorKind::kAlreadyLocked ||
          e.kind == ErrorKind::kLockTimeout);
}

const Interval* HeldAt(const Holdings& h, const std::string& handle,
                       std::size_t i) {
  const Interval* found = nullptr;
  for (const Interval& iv : h.intervals) {
    if (iv.handle != handle || iv.begin_event >= i) continue;
    if (!iv.end_event || *iv.end_event >= i) found = &iv;
  }
  return found;
}

const Interval* LastBefore(const Holdings& h, const std::string& handle,
                           std::size_t i) {
  const Interval* found = nullptr;
  for (const Interval& iv : h.intervals) {
    if (iv.handle == handle && iv.begin_event < i) found = &iv;
  }
  return found;
}

bool MayBeHeld(const Holdings& h, std::int64_t t0, std::int64_t t1) {
  auto k = std::upper_bound(h.may_begins.begin(), h.may_begins.end(), t1) -
           h.may_begins.begin();
  return k > 0 && h.may_end_max[k - 1] >= t0;
}

bool Contended(const History& history, const Holdings& h, std::size_t i) {
  const Event& e = history.events[i];
  if (MayBeHeld(h, e.t0, e.t1)) return true;
  auto k = std::upper_bound(h.call_t0s.begin(), h.call_t0s.end(), e.t1) -
           h.call_t0s.begin();
  if (k == 0) return false;
  const Holdings::Latest& l = h.call_latest[k - 1];
  if (*l.handle != e.handle) return l.t1 >= e.t0;
  return l.has_other && l.t1_other >= e.t0;
}

bool StoppedDuring(const Holdings& h, int worker, std::int64_t t0,
                   std::int64_t t1) {
  for (const Holdings::Stop& s : h.stops) {
    if (s.worker == worker && s.from <= t1 && s.until >= t0) return true;
  }
  return false;
}

namespace {

void BuildIndexes(const History& history, Holdings& h) {
  std::vector<std::pair<std::int64_t, std::int64_t>> may;
  for (const Interval& iv : h.intervals) {
    may.emplace_back(iv.may_begin, iv.may_end);
  }
  std::sort(may.begin(), may.end());
  std::int64_t max_end = std::numeric_limits<std::int64_t>::min();
  for (const auto& [begin, end] : may) {
    max_end = std::max(max_end, end);
    h.may_begins.push_back(begin);
    h.may_end_max.push_back(max_end);
  }
  const auto& ev = history.events;
  std::vector<std::size_t> calls;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (IsAcquire(e) || (e.type == Event::Type::kOp &&
                         (e.op == "is_locked" || e.op == "i_am_locking"))) {
      calls.push_back(i);
    }
    if (e.type == Event::Type::kNemesis && e.op == "stop") {
      Holdings::Stop s{e.target, e.t0,
                       std::numeric_limits<std::int64_t>::max()};
      for (std::size_t j = i + 1; j < ev.size(); ++j) {
        const Event& c = ev[j];
        if (c.type == Event::Type::kNemesis && c.op == "cont" &&
            c.target == e.target) {
          s.until = c.t1;
          break;
        }
      }
      h.stops.push_back(s);
    }
  }
  std::sort(calls.begin(), calls.end(),
            [&](std::size_t a, std::size_t b) { return ev[a].t0 < ev[b].t0; });
  Holdings::Latest l;
  for (std::size_t i : calls) {
    const Event& e = ev[i];
    if (l.handle == nullptr || e.t1 > l.t1) {
      if (l.handle != nullptr && *l.handle != e.handle) {
        l.t1_other = l.t1;
        l.has_other = true;
      }
      l.t1 = e.t1;
      l.handle = &e.handle;
    } else if (*l.handle != e.handle && (!l.has_other || e.t1 > l.t1_other)) {
      l.t1_other = e.t1;
      l.has_other = true;
    }
    h.call_t0s.push_back(e.t0);
    h.call_latest.push_back(l);
  }
}

}  // namespace

std::optional<std::int64_t> TimeoutNanos(const std::string& arg) {
  if (arg == "inf" || arg.empty()) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(arg.c_str(), &end);
  if (end == arg.c_str() || !std::isfinite(seconds)) return std::nullopt;
  if (seconds <= 0) return 0;
  return static_cast<std::int64_t>(seconds * 1e9);
}

bool SameOwner(const HistoryHeader& header, const std::string& handle_a,
               int worker_a, const std::string& handle_b, int worker_b) {
  switch (header.ownership) {
    case Ownership::kThread:
      return handle_a == handle_b ||
             (worker_a == worker_b && !header.features.has(Feature::kThreads));
    case Ownership::kOpenFile:
      return handle_a == handle_b;
    case Ownership::kProcess:
      return worker_a == worker_b;
    case Ownership::kHost:
    case Ownership::kNone:
    default:
      return true;
  }
}

bool MustExclude(const HistoryHeader& header, const Interval& a,
                 const Interval& b) {
  if (a.handle == b.handle) return false;
  if (a.shared && b.shared) return false;
  return a.worker != b.worker || header.features.has(Feature::kThreads);
}

Holdings DeriveIntervals(const History& history) {
  Holdings out;
  const auto& ev = history.events;
  if (!ev.empty()) {
    out.origin = std::numeric_limits<std::int64_t>::max();
    out.end = std::numeric_limits<std::int64_t>::min();
    for (const Event& e : ev) {
      out.origin = std::min(out.origin, e.t0);
      out.end = std::max({out.end, e.t1, e.t0});
    }
  }
  std::map<std::string, HandleState> state;
  std::vector<std::size_t> dead;  // intervals ended by death: may_end later
  // The latest end of a successful break so far.
  std::int64_t last_break_t1 = std::numeric_limits<std::int64_t>::min();
  auto& ivs = out.intervals;

  auto die = [&](int worker, std::int64_t t0, std::size_t i) {
    for (auto& [handle, st] : state) {
      if (!st.open || ivs[*st.open].worker != worker) continue;
      Close(ivs[*st.open], t0, out.end, IntervalEnd::kDeath, i);
      dead.push_back(*st.open);
      st.open.reset();
      st.depth = 0;
    }
  };

  for (std::size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    if (e.type == Event::Type::kNemesis) {
      if (e.op == "kill" && e.target >= 0) die(e.target, e.t0, i);
      if (e.op == "stale") {
        // A holder that died before the run (a seeded stale lock): dead at
        // once, its lock lingers like any dead holder's (below).
        Interval iv;
        iv.handle = kSeededHolder;
        iv.worker = -1;
        iv.sure_begin = iv.sure_end = e.t1;
        iv.may_begin = e.t0;
        iv.may_end = out.end;
        iv.begin_event = i;
        iv.end_event = i;
        iv.end = IntervalEnd::kDeath;
        dead.push_back(ivs.size());
        ivs.push_back(iv);
      }
      continue;
    }
    HandleState& st = state[e.handle];
    if (IsAcquire(e)) {
      if (e.outcome == Outcome::kErr) continue;
      if (st.open) {  // nested (or a re-entry the impl allowed)
        if (e.outcome == Outcome::kOk) {
          ++st.depth;
          Interval& iv = ivs[*st.open];
          iv.max_depth = std::max(iv.max_depth, st.depth);
        }
      } else {
        Interval iv;
        iv.handle = e.handle;
        iv.worker = e.worker;
        iv.shared = e.op == "acquire_shared";
        iv.certain = e.outcome == Outcome::kOk;
        if (last_break_t1 >= e.t0) iv.certain = false;  // raced a break
        iv.sure_begin = e.t1;
        iv.may_begin = e.t0;
        iv.sure_end = iv.may_end = out.end;
        iv.begin_event = i;
        st.open = ivs.size();
        st.depth = 1;
        ivs.push_back(iv);
      }
    } else if (e.op == "release") {
      if (e.outcome == Outcome::kOk && st.open) {
        if (--st.depth == 0) {
          Close(ivs[*st.open], e.t0, e.t1, IntervalEnd::kRelease, i);
          st.open.reset();
        }
      } else if (e.outcome == Outcome::kOk) {
        // A same-owner handle released: the owner's lock is gone.
        for (auto& [handle, other] : state) {
          if (!other.open) continue;
          Interval& iv = ivs[*other.open];
          if (!SameOwner(history.header, e.handle, e.worker, iv.handle,
                         iv.worker)) {
            continue;
          }
          Close(iv, e.t0, e.t1, IntervalEnd::kRelease, i);
          other.open.reset();
          other.depth = 0;
        }
      } else if (e.outcome == Outcome::kErr && st.open) {
        std::int64_t may = e.kind == ErrorKind::kUnlockError ? out.end : e.t1;
        Close(ivs[*st.open], e.t0, may, IntervalEnd::kRelease, i);
        st.open.reset();
        st.depth = 0;
      }
    } else if (e.op == "close" && e.outcome == Outcome::kOk && st.open) {
      // Closing a holding object releases it (lock.h, Destruction).
      Close(ivs[*st.open], e.t0, e.t1, IntervalEnd::kRelease, i);
      st.open.reset();
      st.depth = 0;
    } else if (e.op == "break" && e.outcome == Outcome::kOk) {
      last_break_t1 = std::max(last_break_t1, e.t1);
      for (auto& [handle, other] : state) {
        if (!other.open) continue;
        Interval& iv = ivs[*other.open];
        if (ev[iv.begin_event].t1 >= e.t0) {
          // The acquire raced with the break: either may have come first.
          // The sure range before the break is empty; keep it open, unsure.
          iv.certain = false;
          continue;
        }
        Close(iv, e.t0, e.t1, IntervalEnd::kBreak, i);
        other.open.reset();
        other.depth = 0;
      }
    }
    if (e.outcome == Outcome::kLost) die(e.worker, e.t0, i);
  }

  // A dead holder's lock may linger until broken or taken by another.
  for (std::size_t d : dead) {
    Interval& iv = ivs[d];
    std::int64_t until = out.end;
    for (std::size_t i = *iv.end_event + 1; i < ev.size(); ++i) {
      const Event& e = ev[i];
      bool broke = e.op == "break" && e.outcome == Outcome::kOk &&
                   e.type == Event::Type::kOp;
      bool took = IsOkAcquire(e) && e.handle != iv.handle &&
                  !(iv.shared && e.op == "acquire_shared");
      if (broke || took) {
        until = e.t1;
        break;
      }
    }
    iv.may_end = std::max(iv.may_begin, until);
  }
  BuildIndexes(history, out);
  return out;
}

std::string DurMs(std::int64_t nanos) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(nanos) / 1e6);
  return buf;
}

std::string Ms(const Holdings& h, std::int64_t t) {
  return DurMs(t - h.origin);
}

std::string Describe(const Holdings& h, const History& history,
                     std::size_t index) {
  const Event& e = history.events[index];
  std::string s;
  if (e.type == Event::Type::kNemesis && e.op == "stale") {
    s = "seeded " + e.message;
  } else if (e.type == Event::Type::kNemesis) {
    s = "nemesis " + e.op + " w" + std::to_string(e.target);
  } else {
    s = e.handle + " " + e.op;
    if (!e.arg.empty() && IsAcquire(e)) s += "(" + e.arg + ")";
    switch (e.outcome) {
      case Outcome::kOk:
        s += " ok";
        if (e.value) s += *e.value ? " true" : " false";
        if (e.op == "witness") {
          s += " read=" + std::to_string(e.read) +
               " wrote=" + std::to_string(e.wrote);
        }
        break;
      case Outcome::kErr:
        s += " " + std::string(KindName(e.kind));
        break;
      case Outcome::kLost:
      default:
        s += " lost";
        break;
    }
  }
  s += " [" + Ms(h, e.t0) + ".." + Ms(h, e.t1) + "] (#" +
       std::to_string(index) + ")";
  return s;
}

std::string DescribeInterval(const Holdings& h, const Interval& iv) {
  if (iv.handle == kSeededHolder) {
    return "the seeded stale lock (its holder died before the run, at " +
           Ms(h, iv.sure_begin) + ")";
  }
  if (!iv.certain) {
    return iv.handle + " possibly held [" + Ms(h, iv.may_begin) + ".." +
           Ms(h, iv.may_end) + "]";
  }
  return iv.handle + (iv.shared ? " held shared [" : " held [") +
         Ms(h, iv.sure_begin) + ".." + Ms(h, iv.sure_end) + "]";
}

}  // namespace lockstress
