// Timeline: one history turned, in a single streaming pass, into the data
// the report's Jepsen-style timeline draws: one lane per handle (worker and
// handle, "w1.h0"), plus a nemesis lane; on each lane the calls (acquire
// waits, refusals, errors, lost calls, other calls) and the holding
// intervals, from an acquire's reply (t1) to the call that ends it (t0 of a
// release or close; a break, a kill or a lost call of its worker cut it).
// These are the `sure` ranges of harness/checkers/intervals.h, which is what
// mutual_exclusion compares, so the evidence it names lines up.
//
// Large histories are downsampled: when there are more items than
// `detail_budget`, every item that matters is kept whole (an evidence event,
// an error, a lost call, a nemesis event, a cut holding), and so is the
// evidence's neighbourhood (its time span again on each side, up to a
// quarter of the budget); then refusals while they fit; the rest is summed
// per lane into `buckets` time buckets (calls, refusals, fraction of the
// time held).
//
// JSON (times in microseconds from the history's first t0):
//   {"lanes": ["nemesis", "w1.h0", ...], "span_us": N, "events": N,
//    "items": [[lane, kind, t0, t1, event_a, event_b], ...],  // by t0
//    "kinds": ["hold", ...],  // the names of the kind numbers
//    "downsampled": bool, "bucket_us": W,
//    "buckets": [[lane, bucket, calls, refused, held_permille], ...],
//    "lines": {"<event index>": [<line number>, "<the line>"], ...}}
// event_a is the event that made the item (a hold: its acquire), event_b
// the event that ended a hold (-1 for none).
//
// Thread safety: one builder per thread.
#ifndef LOCKSTRESS_REPORTS_TIMELINE_H_
#define LOCKSTRESS_REPORTS_TIMELINE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lockstress/history.h"

namespace lockstress::report {

struct TimelineLimits {
  std::size_t detail_budget = 100000;  // items drawn one by one
  int buckets = 2000;                  // per lane, when downsampled
  std::size_t quoted_lines = 5000;     // history lines kept beyond evidence
};

class TimelineBuilder {
 public:
  enum Kind : int {
    kHold = 0,    // held, ended by its release or close
    kHoldCut,     // held, cut by a break, a death or the end of history
    kHoldShared,  // held shared
    kWait,        // an acquire that got the lock: [call, reply]
    kRefused,     // AlreadyLocked / LockTimeout
    kError,       // any other error reply
    kLost,        // no reply: the worker died or hung (indeterminate)
    kCall,        // any other call that answered ok
    kNemesis,     // a nemesis action (kill, stop, cont, ...)
    kStopped,     // a worker SIGSTOPped, until its SIGCONT
    kNumKinds
  };

  TimelineBuilder(std::set<std::size_t> evidence, TimelineLimits limits);
  void Add(std::size_t index, const Event& event, std::string_view line);
  nlohmann::json Finish();

  std::int64_t origin() const { return origin_; }
  std::int64_t end() const { return end_; }

 private:
  struct Item {
    int lane;
    Kind kind;
    std::int64_t t0, t1;
    std::int64_t a, b;  // event indices, -1 for none
  };
  struct Open {
    std::int64_t begin;
    std::int64_t acquire;
    int lane;
    int worker;
    int depth;
    bool shared;
  };

  int Lane(const std::string& name, int worker);
  void Close(const std::string& handle, std::int64_t t, std::int64_t event,
             bool cut);
  void CloseWorker(int worker, std::int64_t t, std::int64_t event);
  void Push(int lane, Kind kind, std::int64_t t0, std::int64_t t1,
            std::int64_t a, std::int64_t b = -1);
  bool Evidence(const Item& item) const;
  bool Important(const Item& item) const;
  // Downsampling: which items are drawn one by one; the rest summed.
  std::vector<bool> ChooseDetailed() const;
  nlohmann::json Buckets(const std::vector<bool>& detailed,
                         const std::vector<int>& renumber,
                         std::int64_t bucket_ns) const;

  std::set<std::size_t> evidence_;
  TimelineLimits limits_;
  std::map<std::string, int> lane_of_;
  std::vector<std::pair<int, std::string>> lanes_;  // (worker, name)
  std::map<std::string, Open> open_;                // by handle
  std::map<int, std::pair<std::int64_t, std::int64_t>> stopped_;  // worker
  std::vector<Item> items_;
  std::map<std::size_t, std::pair<std::int64_t, std::string>> lines_;
  std::size_t events_ = 0;
  std::int64_t origin_ = INT64_MAX, end_ = INT64_MIN;
};

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_TIMELINE_H_
