// The generator: expands a Scenario into a Schedule (Jepsen's generator,
// pure). Scripted steps come first for their handle; then the random mix,
// drawn from a std::mt19937_64 seeded explicitly with `seed`, one
// sub-stream per handle in a fixed order — so the same scenario, seed and
// features always give the same schedule, whatever the timing of the run.
//
// Ops the implementation cannot take (timeout kinds, shared, status
// queries, break it does not declare) are left out of the random mix;
// scripted steps are kept as written (the driver answers Unsupported).
//
// Thread safety: a pure function.
#ifndef LOCKSTRESS_HARNESS_SCENARIO_GENERATOR_H_
#define LOCKSTRESS_HARNESS_SCENARIO_GENERATOR_H_

#include <chrono>
#include <cstdint>
#include <optional>

#include "harness/scenario/scenario.h"
#include "harness/scenario/schedule.h"

namespace lockstress {

// `duration` overrides the scenario's for stress scenarios (--duration).
Schedule Generate(const Scenario& scenario, std::uint64_t seed,
                  FeatureSet features,
                  std::optional<std::chrono::milliseconds> duration = {});

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_SCENARIO_GENERATOR_H_
