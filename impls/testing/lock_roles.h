// Test-only: a lock made from the registry by name, and the body of a child
// role that holds one until its parent says "release". Shared by the tests
// of locket, sqlite and zc, which otherwise keep only what is particular to
// their implementation.
//
// Handshake of HoldForParent (child_process.h; each step bounded there):
//
//   parent                                 child
//     | -- start -------------------------> |
//     |                                     | Acquire(NonBlocking)
//     | <-------- "acquired" + `extra` ---- |   (or "error STATUS", exit 61)
//     | -- "release" ---------------------> |
//     |                                     | Release()
//     | <-------- "released" -------------- |   (or "error STATUS", exit 61)
//     | <-------------------- exit 0 ------ |
//
// Thread safety: free functions; each uses only its own objects.
#ifndef LOCKSTRESS_IMPLS_TESTING_LOCK_ROLES_H_
#define LOCKSTRESS_IMPLS_TESTING_LOCK_ROLES_H_

#include <memory>
#include <string>
#include <utility>

#include "impls/testing/child_process.h"
#include "lockstress/lock.h"
#include "lockstress/registry.h"

namespace lockstress::testing {

// The lock `impl` makes with `options`, or null when it refuses them.
inline std::unique_ptr<Lock> MakeLockOrNull(const std::string& impl,
                                            const LockOptions& options) {
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  if (!lock.ok()) return nullptr;
  return std::move(*lock);
}

// The child side of the handshake above; returns the role's exit code.
inline int HoldForParent(Lock& lock, const std::string& extra = "") {
  Status s = lock.Acquire(Timeout::NonBlocking());
  if (!s.ok()) {
    ChildSay("error " + s.ToString());
    return kChildFailed;
  }
  ChildSay("acquired" + extra);
  if (ChildReadLine() != "release") return kChildNoParent;
  s = lock.Release();
  ChildSay(s.ok() ? "released" : "error " + s.ToString());
  return s.ok() ? kChildOk : kChildFailed;
}

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_LOCK_ROLES_H_
