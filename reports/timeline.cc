#include "reports/timeline.h"

#include <algorithm>

namespace lockstress::report {
namespace {

constexpr const char* kKindNames[] = {
    "hold",  "hold_cut", "hold_shared", "wait",    "refused",
    "error", "lost",     "call",        "nemesis", "stopped"};
static_assert(std::size(kKindNames) == TimelineBuilder::kNumKinds);

bool IsAcquireOp(const std::string& op) {
  return op == "acquire" || op == "acquire_shared";
}

bool IsRefusal(const Event& e) {
  return e.outcome == Outcome::kErr && (e.kind == ErrorKind::kAlreadyLocked ||
                                        e.kind == ErrorKind::kLockTimeout);
}

}  // namespace

TimelineBuilder::TimelineBuilder(std::set<std::size_t> evidence,
                                 TimelineLimits limits)
    : evidence_(std::move(evidence)), limits_(limits) {}

int TimelineBuilder::Lane(const std::string& name, int worker) {
  auto [it, added] =
      lane_of_.try_emplace(name, static_cast<int>(lanes_.size()));
  if (added) lanes_.emplace_back(worker, name);
  return it->second;
}

void TimelineBuilder::Push(int lane, Kind kind, std::int64_t t0,
                           std::int64_t t1, std::int64_t a, std::int64_t b) {
  items_.push_back({lane, kind, t0, std::max(t0, t1), a, b});
}

void TimelineBuilder::Close(const std::string& handle, std::int64_t t,
                            std::int64_t event, bool cut) {
  auto it = open_.find(handle);
  if (it == open_.end()) return;
  const Open& o = it->second;
  Kind kind = cut ? kHoldCut : (o.shared ? kHoldShared : kHold);
  Push(o.lane, kind, o.begin, t, o.acquire, event);
  open_.erase(it);
}

void TimelineBuilder::CloseWorker(int worker, std::int64_t t,
                                  std::int64_t event) {
  std::vector<std::string> handles;
  for (const auto& [handle, o] : open_) {
    if (o.worker == worker) handles.push_back(handle);
  }
  for (const std::string& handle : handles) Close(handle, t, event, true);
}

void TimelineBuilder::Add(std::size_t index, const Event& e,
                          std::string_view line) {
  ++events_;
  origin_ = std::min(origin_, e.t0);
  end_ = std::max({end_, e.t0, e.t1});
  auto i = static_cast<std::int64_t>(index);
  bool quoted = evidence_.count(index) > 0;
  if (e.type == Event::Type::kNemesis) {
    int lane = Lane("nemesis", -1);
    Push(lane, kNemesis, e.t0, e.t1, i);
    quoted = true;
    if (e.op == "kill") CloseWorker(e.target, e.t0, i);
    if (e.op == "stop") stopped_[e.target] = {e.t0, i};
    if (e.op == "cont" && stopped_.count(e.target) > 0) {
      auto [from, stop_event] = stopped_[e.target];
      Push(lane, kStopped, from, e.t1, stop_event, i);
      stopped_.erase(e.target);
    }
  } else {
    int lane = Lane(e.handle, e.worker);
    if (e.outcome == Outcome::kLost) {
      Push(lane, kLost, e.t0, e.t1, i);
      CloseWorker(e.worker, e.t0, i);
      quoted |= lines_.size() < limits_.quoted_lines;
    } else if (e.outcome == Outcome::kErr) {
      Push(lane, IsRefusal(e) ? kRefused : kError, e.t0, e.t1, i);
      if (!IsRefusal(e)) quoted |= lines_.size() < limits_.quoted_lines;
      // A release that errs ends the interval: the library says it does not
      // hold the lock (intervals.h).
      if (e.op == "release") Close(e.handle, e.t0, i, true);
    } else if (IsAcquireOp(e.op)) {
      Push(lane, kWait, e.t0, e.t1, i);
      auto it = open_.find(e.handle);
      if (it != open_.end()) {
        ++it->second.depth;  // reentrant: nests inside the holding
      } else {
        open_[e.handle] = {e.t1,     i, lane,
                           e.worker, 1, e.op == "acquire_shared"};
      }
    } else {
      Push(lane, kCall, e.t0, e.t1, i);
      if (e.op == "release") {
        auto it = open_.find(e.handle);
        if (it != open_.end() && --it->second.depth <= 0)
          Close(e.handle, e.t0, i, false);
      } else if (e.op == "close") {
        Close(e.handle, e.t0, i, false);
      } else if (e.op == "break") {
        std::vector<std::string> handles;
        for (const auto& [handle, o] : open_) handles.push_back(handle);
        for (const std::string& h : handles) Close(h, e.t0, i, true);
      }
    }
  }
  if (quoted) lines_[index] = {e.line, std::string(line)};
}

bool TimelineBuilder::Evidence(const Item& item) const {
  auto is_evidence = [&](std::int64_t ev) {
    return ev >= 0 && evidence_.count(static_cast<std::size_t>(ev)) > 0;
  };
  return is_evidence(item.a) || is_evidence(item.b);
}

bool TimelineBuilder::Important(const Item& item) const {
  if (Evidence(item)) return true;
  switch (item.kind) {
    case kError:
    case kLost:
    case kNemesis:
    case kStopped:
    case kHoldCut:
      return true;
    default:
      return false;
  }
}

std::vector<bool> TimelineBuilder::ChooseDetailed() const {
  // The evidence's neighbourhood stays whole too: from its first to its
  // last event, widened by that span on each side.
  std::int64_t from = INT64_MAX, to = INT64_MIN;
  for (const Item& it : items_) {
    if (Evidence(it)) {
      from = std::min(from, it.t0);
      to = std::max(to, it.t1);
    }
  }
  std::int64_t pad = from <= to ? std::max<std::int64_t>(to - from, 1000) : 0;
  std::vector<bool> detailed(items_.size(), false);
  std::size_t context = 0, kept = 0, refusals = 0;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    const Item& it = items_[k];
    bool near = it.t1 >= from - pad && it.t0 <= to + pad &&
                context < limits_.detail_budget / 4;
    context += near;
    detailed[k] = Important(it) || near;
    kept += detailed[k];
    refusals += !detailed[k] && it.kind == kRefused;
  }
  if (kept + refusals <= limits_.detail_budget) {
    for (std::size_t k = 0; k < items_.size(); ++k)
      detailed[k] = detailed[k] || items_[k].kind == kRefused;
  }
  return detailed;
}

nlohmann::json TimelineBuilder::Buckets(const std::vector<bool>& detailed,
                                        const std::vector<int>& renumber,
                                        std::int64_t bucket_ns) const {
  struct Sum {
    std::int64_t calls = 0, refused = 0, held = 0;  // held: ns
  };
  std::map<std::pair<int, std::int64_t>, Sum> sums;  // (lane, bucket)
  for (std::size_t k = 0; k < items_.size(); ++k) {
    if (detailed[k]) continue;
    const Item& it = items_[k];
    int lane = renumber[it.lane];
    if (it.kind == kHold || it.kind == kHoldShared) {
      for (std::int64_t b = (it.t0 - origin_) / bucket_ns;
           b * bucket_ns + origin_ < it.t1; ++b) {
        std::int64_t from = std::max(it.t0, origin_ + b * bucket_ns);
        std::int64_t to = std::min(it.t1, origin_ + (b + 1) * bucket_ns);
        sums[{lane, b}].held += std::max<std::int64_t>(to - from, 0);
      }
    } else {
      Sum& s = sums[{lane, (it.t0 - origin_) / bucket_ns}];
      ++s.calls;
      s.refused += it.kind == kRefused;
    }
  }
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [key, s] : sums) {
    buckets.push_back(
        {key.first, key.second, s.calls, s.refused,
         std::min<std::int64_t>(s.held * 1000 / bucket_ns, 1000)});
  }
  return buckets;
}

nlohmann::json TimelineBuilder::Finish() {
  if (events_ == 0) origin_ = end_ = 0;
  // Whatever is still held at the end is cut by the end of the history.
  std::vector<std::string> still;
  for (const auto& [handle, o] : open_) still.push_back(handle);
  for (const std::string& h : still) Close(h, end_, -1, true);
  for (const auto& [worker, stop] : stopped_) {
    Push(Lane("nemesis", -1), kStopped, stop.first, end_, stop.second);
  }
  stopped_.clear();

  // Lanes in order: the nemesis, then by worker and handle name.
  std::vector<int> order(lanes_.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::sort(order.begin(), order.end(),
            [&](int x, int y) { return lanes_[x] < lanes_[y]; });
  std::vector<int> renumber(lanes_.size());
  nlohmann::json lanes = nlohmann::json::array();
  for (std::size_t k = 0; k < order.size(); ++k) {
    renumber[order[k]] = static_cast<int>(k);
    lanes.push_back(lanes_[order[k]].second);
  }

  std::int64_t span = std::max<std::int64_t>(end_ - origin_, 1);
  auto us = [&](std::int64_t t) { return (t - origin_) / 1000; };
  bool downsampled = items_.size() > limits_.detail_budget;
  std::int64_t bucket_ns = std::max<std::int64_t>(span / limits_.buckets, 1000);
  std::vector<bool> detailed(items_.size(), true);
  nlohmann::json buckets = nlohmann::json::array();
  if (downsampled) {
    detailed = ChooseDetailed();
    buckets = Buckets(detailed, renumber, bucket_ns);
  }

  std::vector<std::size_t> kept;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    if (detailed[k]) kept.push_back(k);
  }
  std::sort(kept.begin(), kept.end(), [&](std::size_t x, std::size_t y) {
    return items_[x].t0 < items_[y].t0;
  });
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t k : kept) {
    const Item& it = items_[k];
    items.push_back({renumber[it.lane], static_cast<int>(it.kind), us(it.t0),
                     us(it.t1), it.a, it.b});
  }
  nlohmann::json lines = nlohmann::json::object();
  for (const auto& [index, line] : lines_)
    lines[std::to_string(index)] = {line.first, line.second};
  nlohmann::json kinds = nlohmann::json::array();
  for (const char* k : kKindNames) kinds.push_back(k);
  return {{"lanes", lanes},
          {"span_us", span / 1000},
          {"events", events_},
          {"kinds", kinds},
          {"items", items},
          {"downsampled", downsampled},
          {"bucket_us", downsampled ? bucket_ns / 1000.0 : 0.0},
          {"buckets", buckets},
          {"lines", lines}};
}

}  // namespace lockstress::report
