// The conformance expectations of lock.h, one function each.
//
// Each takes a registry name and an existing empty-enough directory to put
// its lock in, and returns an AssertionResult, so that the parameterized
// conformance test asserts EXPECT_TRUE on every real implementation and the
// null-lock test asserts EXPECT_FALSE on the negative control with the very
// same code. A check whose feature the implementation does not declare
// returns success with "not declared" in its message; the callers skip such
// checks (FeatureSkipReason) and ChecksUndeclaredFeaturesAreUnsupported
// verifies the Unsupported answers instead.
//
// Other processes are this test binary re-executed in a child role
// (child_process.h); every step is bounded by kHandshake.
#ifndef LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_CHECKS_H_
#define LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_CHECKS_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "lockstress/capabilities.h"

namespace lockstress::testing {

using ::testing::AssertionResult;

// "<impl> does not declare <feature>" when it does not; nullopt otherwise.
std::optional<std::string> FeatureSkipReason(const std::string& impl,
                                             Feature feature);

// --- single object vs. a holder in another process (conformance_checks.cc)
// NonBlocking against a holder answers AlreadyLocked well within 1 s.
AssertionResult ChecksNonBlockingIsPrompt(const std::string& impl,
                                          const std::string& dir);
// After(d) answers LockTimeout not before d, nor after d + 2 s.
AssertionResult ChecksTimeoutWaitsTheWholeDuration(const std::string& impl,
                                                   const std::string& dir);
// Forever waits for the holder, who releases only once the waiter is known
// to be asleep in Acquire; the waiter then gets the lock.
AssertionResult ChecksForeverWaitsForRelease(const std::string& impl,
                                             const std::string& dir);
// Each feature not declared answers Unsupported.
AssertionResult ChecksUndeclaredFeaturesAreUnsupported(const std::string& impl,
                                                       const std::string& dir);

// --- release, queries, break, re-entry, destruction (conformance_object.cc)
// NotLocked when free; NotMyLock when another process holds (and another
// object, for open_file ownership); the holder's lock survives.
AssertionResult ChecksReleaseErrors(const std::string& impl,
                                    const std::string& dir);
// is_locked false / true for the holder / true for another object.
AssertionResult ChecksIsLocked(const std::string& impl, const std::string& dir);
// i_am_locking true only for the holder.
AssertionResult ChecksIAmLocking(const std::string& impl,
                                 const std::string& dir);
// After break_lock another object acquires; the former holder's Release
// answers NotLocked or NotMyLock and leaves the new holder's lock alone.
AssertionResult ChecksBreakLock(const std::string& impl,
                                const std::string& dir);
// Re-entry per lock.h: counted when reentrant, a self-contender otherwise.
AssertionResult ChecksReentry(const std::string& impl, const std::string& dir);
// Destroying a holding object releases the lock.
AssertionResult ChecksDestructorReleases(const std::string& impl,
                                         const std::string& dir);
// Errors carry the lock's path, and the syscall and errno where one failed.
AssertionResult ChecksErrorsCarryContext(const std::string& impl,
                                         const std::string& dir);

// --- processes (conformance_processes.cc)
// Holder in the parent, contender in a child, and the other way round.
AssertionResult ChecksMutualExclusionAcrossProcesses(const std::string& impl,
                                                     const std::string& dir);
// Two child processes loop acquire / increment a counter file / release:
// no lost increment, never two inside at once.
AssertionResult ChecksNoLostIncrementsAcrossProcesses(const std::string& impl,
                                                      const std::string& dir);
// A child exec'd while the parent holds does not keep the lock alive.
AssertionResult ChecksNoDescriptorLeakAcrossExec(const std::string& impl,
                                                 const std::string& dir);

// --- threads and shared mode (conformance_threads.cc)
// Two objects in two threads exclude each other (needs `threads`).
AssertionResult ChecksMutualExclusionAcrossThreads(const std::string& impl,
                                                   const std::string& dir);
// Readers together, a writer alone (needs `shared`).
AssertionResult ChecksSharedReadersExcludeWriter(const std::string& impl,
                                                 const std::string& dir);

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_CHECKS_H_
