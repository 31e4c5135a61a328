// Deliberately broken lock implementations: the proof that lockstress can
// fail (issue 3, "Proof that it can fail"). Each file in this directory
// holds one bug, says exactly what is wrong and which property must catch
// it, and declares the features of a correct lock so that the checkers
// judge it. lockstress-broken-driver (main.cc) serves one of them through
// DriverServer; broken_drivers_test.cc asserts that `lockstress run
// --driver` exits 1 naming the property.
//
// These locks make their system calls directly, not through Os: they are
// test fixtures, not implementations, and have no failpoints.
//
// Thread safety: the table is immutable; each Lock follows lock.h (one
// object, one thread at a time).
#ifndef LOCKSTRESS_HARNESS_TESTING_BROKEN_BROKEN_LOCKS_H_
#define LOCKSTRESS_HARNESS_TESTING_BROKEN_BROKEN_LOCKS_H_

#include <memory>
#include <string>
#include <vector>

#include "lockstress/registry.h"

namespace lockstress::broken {

struct BrokenLock {
  std::string bug;       // the --bug value
  std::string property;  // the property whose checker must fail it
  // The scenario that catches it: a file stem in scenarios/conformance/,
  // or SUITE/STEM for another suite (faults/container_live_holder).
  std::string scenario;
  ImplEntry entry;  // info (greeting name "broken-<bug>") and factory
};

// Every broken lock, in a stable order.
const std::vector<BrokenLock>& AllBrokenLocks();
// nullptr for an unknown bug.
const BrokenLock* FindBrokenLock(const std::string& bug);

// One per file.
BrokenLock CheckThenCreate();
BrokenLock ReleaseWithoutOwnerCheck();
BrokenLock SilentDoubleRelease();
BrokenLock EarlyTimeout();
BrokenLock LateTimeout();
BrokenLock NonblockingWaits();
BrokenLock LyingIsLocked();
BrokenLock PosixThreads();
BrokenLock QueryDropsPosixLock();
BrokenLock StaleNeverRecovers();
BrokenLock PidStaleBreaker();
BrokenLock FollowsSymlink();

}  // namespace lockstress::broken

#endif  // LOCKSTRESS_HARNESS_TESTING_BROKEN_BROKEN_LOCKS_H_
