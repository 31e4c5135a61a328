// Test-only knob of lease.cc: a lease lock with its own timing, so that
// unit tests can use leases of a few hundred milliseconds.
#ifndef LOCKSTRESS_IMPLS_LEASE_TEST_HELPER_H_
#define LOCKSTRESS_IMPLS_LEASE_TEST_HELPER_H_

#include <memory>

#include "impls/core/stale_judge.h"
#include "lockstress/lock.h"

namespace lockstress {

std::unique_ptr<Lock> MakeLeaseLockForTest(const LockOptions& options,
                                           const LeaseTiming& timing);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_LEASE_TEST_HELPER_H_
