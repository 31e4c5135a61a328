// The witness: a counter file on the filesystem under test that every
// critical section reads, increments and writes back — deliberately not
// atomically. With real mutual exclusion the counter equals the number of
// critical sections; two holders at once lose increments, and the
// mutual_exclusion checker sees `read` values repeat. It needs no clock.
//
// Thread safety: stateless functions; the file is the shared state.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_WITNESS_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_WITNESS_H_

#include <cstdint>
#include <string>

#include "lockstress/history.h"
#include "lockstress/status.h"

namespace lockstress {

// Creates (or resets) the counter at 0.
Status CreateWitness(const std::string& path);
// Reads, increments, writes back; fills read/wrote/t0/t1/outcome of `event`.
void BumpWitness(const std::string& path, Event* event);

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_WITNESS_H_
