// Test-only: builds Histories in memory, in milliseconds, for checker tests.
//
//   HistoryBuilder b(FeatureSet::All());
//   std::size_t a = b.Ok("w1.h0", "acquire", 0, 1, "inf");
//   b.Ok("w1.h0", "release", 10, 11);
//   CheckResult r = b.Check("mutual_exclusion");
//
// The worker is the number after "w" in the handle ("w2.h0" -> 2).
#ifndef LOCKSTRESS_HARNESS_CHECKERS_CHECKER_TEST_HELPER_H_
#define LOCKSTRESS_HARNESS_CHECKERS_CHECKER_TEST_HELPER_H_

#include <cstdlib>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "harness/checkers/checker.h"

namespace lockstress {

class HistoryBuilder {
 public:
  explicit HistoryBuilder(FeatureSet features = FeatureSet::All(),
                          Ownership ownership = Ownership::kOpenFile) {
    history_.header.features = features;
    history_.header.ownership = ownership;
    history_.header.impl = "test";
  }

  std::size_t Ok(const std::string& handle, const std::string& op, double t0,
                 double t1, const std::string& arg = "inf") {
    return Add(handle, op, t0, t1, arg, Outcome::kOk, ErrorKind::kOk);
  }
  std::size_t Err(const std::string& handle, const std::string& op,
                  ErrorKind kind, double t0, double t1,
                  const std::string& arg = "inf") {
    return Add(handle, op, t0, t1, arg, Outcome::kErr, kind);
  }
  std::size_t Lost(const std::string& handle, const std::string& op, double t0,
                   double t1, const std::string& arg = "inf") {
    return Add(handle, op, t0, t1, arg, Outcome::kLost, ErrorKind::kOk);
  }
  std::size_t Query(const std::string& handle, const std::string& op,
                    bool value, double t0, double t1) {
    std::size_t i = Ok(handle, op, t0, t1, "");
    history_.events[i].value = value;
    return i;
  }
  std::size_t Witness(const std::string& handle, std::int64_t read,
                      std::int64_t wrote, double t0, double t1) {
    std::size_t i = Ok(handle, "witness", t0, t1, "");
    history_.events[i].read = read;
    history_.events[i].wrote = wrote;
    return i;
  }
  std::size_t Nemesis(const std::string& op, int target, double t0, double t1) {
    Event e;
    e.type = Event::Type::kNemesis;
    e.worker = -1;
    e.op = op;
    e.target = target;
    e.t0 = Ns(t0);
    e.t1 = Ns(t1);
    history_.events.push_back(std::move(e));
    return history_.events.size() - 1;
  }

  CheckResult Check(std::string_view property,
                    const CheckOptions& options = {}) const {
    const Checker* c = FindChecker(property);
    EXPECT_NE(c, nullptr) << property;
    if (c == nullptr) return {};
    CheckResult r = c->Check(history_, options);
    EXPECT_EQ(r.property, property);
    EXPECT_FALSE(r.detail.empty()) << property << ": a verdict needs a why";
    return r;
  }

  History& history() { return history_; }

  static std::int64_t Ns(double ms) {
    return static_cast<std::int64_t>(ms * 1e6);
  }

 private:
  std::size_t Add(const std::string& handle, const std::string& op, double t0,
                  double t1, const std::string& arg, Outcome outcome,
                  ErrorKind kind) {
    Event e;
    e.handle = handle;
    e.worker = handle.size() > 1 && handle[0] == 'w'
                   ? std::atoi(handle.c_str() + 1)
                   : 0;
    e.pid = 1000 + e.worker;
    e.op = op;
    e.arg = arg;
    e.t0 = Ns(t0);
    e.t1 = Ns(t1);
    e.outcome = outcome;
    e.kind = kind;
    history_.events.push_back(std::move(e));
    return history_.events.size() - 1;
  }

  History history_;
};

inline std::string Show(const CheckResult& r) {
  std::string s =
      std::string(VerdictName(r.verdict)) + ": " + r.detail + " evidence:";
  for (std::size_t i : r.evidence) s += " " + std::to_string(i);
  return s;
}

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_CHECKERS_CHECKER_TEST_HELPER_H_
