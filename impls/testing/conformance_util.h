// Helpers shared by the conformance checks, the null-lock test and the
// bad-input tests: making locks by registry name, choosing a timeout an
// implementation supports, and other processes that hold or probe a lock.
//
// Every helper that talks to a child bounds each step by kHandshake
// (child_process.h); none sleeps for synchronisation.
// Thread safety: free functions are thread-safe; a ChildHolder belongs to
// one thread.
#ifndef LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_UTIL_H_
#define LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impls/testing/child_process.h"
#include "lockstress/lock.h"
#include "lockstress/registry.h"

namespace lockstress::testing {

// Registry names, in registry order; without "null" unless asked.
std::vector<std::string> ImplNames(bool with_null);
// A gtest parameter name for an implementation: "zc-simple" -> "zc_simple".
std::string TestNameOf(const ::testing::TestParamInfo<std::string>& info);
// True when the implementation's factory is a placeholder returning nullptr.
bool IsPlaceholder(const std::string& impl);
// The ImplInfo of a registered implementation (aborts on unknown names).
const ImplInfo& InfoOf(const std::string& impl);

// A new object for `path`; an error (never nullptr) when it cannot be made.
StatusOr<std::unique_ptr<Lock>> NewLock(
    const std::string& impl, const std::string& path,
    std::chrono::milliseconds max_poll = std::chrono::milliseconds(50));

// The quickest way to try once that `info` supports: NonBlocking, else a
// short After, else Forever (which must then not be needed: the lock free).
Timeout TryOnceTimeout(const ImplInfo& info);
// Waits for the lock at most `bound`, however the implementation can wait:
// After(bound) with `timeout`, else Forever with `blocking`, else NonBlocking
// tries repeated (with a yield) until the bound. The bound keeps a broken
// lock from hanging a test.
Status AcquireWithin(Lock& lock, std::chrono::milliseconds bound);

// Acquire in mode "exclusive" or "shared".
Status AcquireIn(Lock& lock, const std::string& mode, Timeout timeout);

// Another process that holds the lock.
//
//   parent                          child (conf_hold impl path mode)
//     | -- start ------------------> | acquire (TryOnceTimeout)
//     | <---------------- "acquired" | (or "error <status>", exit 61)
//     | ... checks ...               |
//     | -- "release" --------------> | release
//     | <----------- "released KIND" | exit 0
class ChildHolder {
 public:
  // Starts the child and waits for it to hold the lock.
  static std::optional<ChildHolder> Start(const std::string& impl,
                                          const std::string& path,
                                          const std::string& mode,
                                          std::string* error);
  // Asks the child to release; returns the kind name of its Release()
  // ("Ok", "NotMyLock", ...) or a description of what went wrong.
  std::string Release();
  pid_t pid() const { return child_.pid(); }

 private:
  explicit ChildHolder(ChildProcess child) : child_(std::move(child)) {}
  ChildProcess child_;
};

// Tries once from another process (TryOnceTimeout) in `mode`, releases if it
// got the lock, and returns the kind name of the acquire ("Ok",
// "AlreadyLocked", "LockTimeout", ...) or "child: <what went wrong>".
std::string ProbeFromChild(const std::string& impl, const std::string& path,
                           const std::string& mode = "exclusive");

// "AlreadyLocked" for a NonBlocking probe, "LockTimeout" for a timed one.
std::string BusyKindFor(const ImplInfo& info);

// Seconds since `start`, for messages.
double SecondsSince(std::chrono::steady_clock::time_point start);

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_CONFORMANCE_UTIL_H_
