// security: hostile input at the lock path (scenarios with a [hostile]
// table; harness/orchestrator/hostile_paths.h records what this reads).
//
// Fails when:
//   - the victim file a planted symlink points at changed between the
//     "victim before" and "victim after" records (size, mtime, ctime, link
//     count, inode or content): a lock wrote, truncated or replaced it
//     through the link;
//   - while a handle held the lock, the lock path was still the planted
//     symlink or FIFO (a "lock_entry" record): the lock was taken through
//     the link, or on the FIFO, instead of being refused;
//   - in a directory others can write to (a "chmod 0777" plant), the lock
//     entry, while held, was writable by group or others (mode & 022): they
//     could rewrite the owner record or drop their own owner file inside;
//   - a call hung: an op was lost (the watchdog killed its worker) without a
//     nemesis kill of that worker, or a non-blocking acquire took longer
//     than nonblocking_prompt.
// Skips when the history holds no hostile set-up.
#include <map>
#include <set>

#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "security";

// The value of `key=` among the space-separated words of `message`.
std::string Word(const std::string& message, const std::string& key) {
  std::string needle = key + "=";
  size_t at = 0;
  while ((at = message.find(needle, at)) != std::string::npos) {
    if (at == 0 || message[at - 1] == ' ') {
      size_t end = message.find(' ', at);
      return message.substr(at + needle.size(), end == std::string::npos
                                                    ? std::string::npos
                                                    : end - at - needle.size());
    }
    at += needle.size();
  }
  return "";
}

bool IsHarness(const Event& e) { return e.type == Event::Type::kNemesis; }

struct Finding {
  std::string detail;
  std::vector<std::size_t> evidence;
};

CheckResult Check(const History& history, const CheckOptions& opt) {
  std::optional<std::size_t> before, after;
  bool planted = false, world_writable = false;
  std::set<int> killed;
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (!IsHarness(e)) continue;
    if (e.op == "victim" && e.arg == "before") before = i;
    if (e.op == "victim" && e.arg == "after") after = i;
    if (e.op == "plant") planted = true;
    if (e.op == "plant" && e.message == "chmod 0777") world_writable = true;
    if (e.op == "kill" && e.target >= 0) killed.insert(e.target);
  }
  if (!planted && !before) {
    return Skip(kName, "no hostile set-up in this history (no [hostile])");
  }
  Holdings h = DeriveIntervals(history);
  std::vector<Finding> found;
  if (before) {
    const Event& b = history.events[*before];
    if (!after) {
      found.push_back(
          {"the victim's state after the run was not recorded "
           "(the run did not finish)",
           {*before}});
    } else if (history.events[*after].message != b.message) {
      found.push_back({"the victim file changed: before [" + b.message +
                           "], after [" + history.events[*after].message +
                           "]: a lock wrote, truncated or replaced it "
                           "through the planted link",
                       {*before, *after}});
    }
  }
  int entries = 0, ops = 0;
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    const Event& e = history.events[i];
    if (IsHarness(e) && e.op == "lock_entry") {
      ++entries;
      std::string type = Word(e.message, "type");
      std::string who = "w" + std::to_string(e.target);
      if (type == "symlink" || type == "fifo") {
        found.push_back({who + " held the lock while " + e.arg +
                             " was the "
                             "planted " +
                             type + " (" + e.message +
                             "): taken through it instead of refused",
                         {i}});
      } else if (world_writable && !Word(e.message, "mode").empty() &&
                 (std::stoi(Word(e.message, "mode"), nullptr, 8) & 022)) {
        found.push_back({who + " held the lock while " + e.arg + " had mode " +
                             Word(e.message, "mode") +
                             ", writable by others in a directory others can "
                             "write to",
                         {i}});
      }
      continue;
    }
    if (IsHarness(e)) continue;
    ++ops;
    if (e.outcome == Outcome::kLost && killed.count(e.worker) == 0) {
      found.push_back({"hang: " + Describe(h, history, i) +
                           " never answered (the watchdog killed its worker)",
                       {i}});
    } else if (e.op == "acquire" && e.arg == "0" &&
               e.t1 - e.t0 > opt.nonblocking_prompt.count() * 1000000LL) {
      found.push_back({"hang: the non-blocking " + Describe(h, history, i) +
                           " took " + DurMs(e.t1 - e.t0) + ", more than " +
                           std::to_string(opt.nonblocking_prompt.count()) +
                           "ms",
                       {i}});
    }
  }
  if (!found.empty()) {
    return Fail(kName, found[0].detail, found[0].evidence,
                static_cast<int>(found.size()));
  }
  return Pass(kName, std::string(before ? "victim untouched; " : "") +
                         std::to_string(ops) + " calls, none hung; " +
                         std::to_string(entries) +
                         " lock entries seen while held, none the planted "
                         "entry" +
                         (world_writable ? " or writable by others" : ""));
}

}  // namespace

std::unique_ptr<Checker> MakeSecurityChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
