// fairness: Jain's fairness index over successful acquisitions, per handle
// and per worker: J = (sum x)^2 / (n * sum x^2), 1 when all got the same,
// 1/n when one got all. Reported, never failed (the contract promises no
// fairness); skips when fewer than two handles acquired.
#include <cstdio>
#include <map>

#include "harness/checkers/checkers.h"
#include "harness/checkers/intervals.h"

namespace lockstress {
namespace {

constexpr char kName[] = "fairness";

template <typename Key>
std::string Jain(const std::map<Key, int>& counts) {
  double sum = 0, squares = 0;
  for (const auto& [key, n] : counts) {
    sum += n;
    squares += static_cast<double>(n) * n;
  }
  double j = squares == 0 ? 0 : sum * sum / (counts.size() * squares);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", j);
  return buf;
}

CheckResult Check(const History& history, const CheckOptions&) {
  std::map<std::string, int> per_handle;
  std::map<int, int> per_worker;
  for (const Event& e : history.events) {
    if (IsOkAcquire(e)) {
      ++per_handle[e.handle];
      ++per_worker[e.worker];
    }
  }
  if (per_handle.size() < 2) {
    return Skip(kName, "fewer than two handles acquired the lock");
  }
  std::string counts;
  for (const auto& [handle, n] : per_handle) {
    counts += (counts.empty() ? "" : " ") + handle + ":" + std::to_string(n);
  }
  return Pass(kName, "Jain's index " + Jain(per_handle) + " over " +
                         std::to_string(per_handle.size()) + " handles, " +
                         Jain(per_worker) + " over " +
                         std::to_string(per_worker.size()) +
                         " workers; acquisitions " + counts);
}

}  // namespace

std::unique_ptr<Checker> MakeFairnessChecker() {
  return std::make_unique<FunctionChecker>(kName, Check);
}

}  // namespace lockstress
