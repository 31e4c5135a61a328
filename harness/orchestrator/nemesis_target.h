// NemesisChooser: which worker a nemesis action hits when several qualify
// (several hold the lock, or several wait for it). The choice is drawn from
// a PRNG seeded with the run's seed and the action's index, so the same
// seed makes the same choice among the same candidates, and no worker is
// favoured (the lowest-numbered one used to be hit every time).
//
// Thread safety: stateless apart from its seed; Choose() is const.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_NEMESIS_TARGET_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_NEMESIS_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockstress {

class NemesisChooser {
 public:
  explicit NemesisChooser(std::uint64_t seed) : seed_(seed) {}
  // One of `candidates` (worker indices, not empty) for the action at
  // `action` in the schedule's nemesis list.
  int Choose(std::size_t action, const std::vector<int>& candidates) const;

 private:
  std::uint64_t seed_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_NEMESIS_TARGET_H_
