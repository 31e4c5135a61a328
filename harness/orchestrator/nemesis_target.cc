#include "harness/orchestrator/nemesis_target.h"

#include <random>

namespace lockstress {

int NemesisChooser::Choose(std::size_t action,
                           const std::vector<int>& candidates) const {
  // A stream of its own per action (not shared with the generator's
  // per-handle streams): the seed, a tag, and the action's index.
  std::seed_seq seq{static_cast<std::uint32_t>(seed_),
                    static_cast<std::uint32_t>(seed_ >> 32), 0x6e656d65u,
                    static_cast<std::uint32_t>(action)};
  std::mt19937_64 rng(seq);
  std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
  return candidates[pick(rng)];
}

}  // namespace lockstress
