// Capabilities: what an implementation promises, declared as data.
//
// The feature words are the driver protocol's words (docs/driver-protocol.md)
// and the harness selects checks by them: a check needing a feature that an
// implementation does not declare is skipped with that reason, never passed.
//
//   blocking        acquire(Forever) waits until the lock is free
//   nonblocking     acquire(NonBlocking) answers AlreadyLocked at once
//   timeout         acquire(After(d)) answers LockTimeout after about d
//   is_locked       is_locked() tells whether anybody holds the lock
//   i_am_locking    i_am_locking() tells whether this object holds it
//   break           break_lock() removes anybody's lock
//   shared          acquire_shared(): readers together, a writer alone
//   reentrant       the holder may acquire again; each acquire is matched by
//                   one release
//   stale_recovery  a lock whose holder died is taken over (by the kernel or
//                   by the implementation) within stale_bound, without
//                   break_lock
//   threads         separate objects in threads of one process exclude each
//                   other as separate processes do
//
// Thread safety: immutable values.
#ifndef LOCKSTRESS_CAPABILITIES_H_
#define LOCKSTRESS_CAPABILITIES_H_

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockstress/status.h"

namespace lockstress {

enum class Feature : unsigned char {
  kBlocking,
  kNonblocking,
  kTimeout,
  kIsLocked,
  kIAmLocking,
  kBreak,
  kShared,
  kReentrant,
  kStaleRecovery,
  kThreads,
};
inline constexpr int kFeatureCount = 10;

std::string_view FeatureName(Feature feature);
std::optional<Feature> ParseFeature(std::string_view name);

class FeatureSet {
 public:
  constexpr FeatureSet() = default;
  constexpr FeatureSet(std::initializer_list<Feature> features) {
    for (Feature f : features) bits_ |= Bit(f);
  }
  static FeatureSet All();
  // A comma-separated list of feature words; an unknown word is an error
  // naming the word.
  static StatusOr<FeatureSet> Parse(std::string_view list);

  constexpr bool has(Feature f) const { return (bits_ & Bit(f)) != 0; }
  constexpr void add(Feature f) { bits_ |= Bit(f); }
  constexpr void remove(Feature f) { bits_ &= ~Bit(f); }
  bool empty() const { return bits_ == 0; }
  std::vector<Feature> list() const;
  // Comma-joined words in the canonical order above ("" when empty).
  std::string ToString() const;

  friend constexpr bool operator==(FeatureSet, FeatureSet) = default;

 private:
  static constexpr std::uint32_t Bit(Feature f) {
    return std::uint32_t{1} << static_cast<unsigned>(f);
  }
  std::uint32_t bits_ = 0;
};

// Who owns a held lock: the unit that release() and i_am_locking() know.
enum class Ownership : unsigned char {
  kThread,    // the thread (lockfile's HOSTNAME-TID-PID names)
  kOpenFile,  // the lock object / its open file description
  kProcess,   // any object of the holding process
  kHost,      // any process on the holding host
  kNone,      // nobody: the null lock
};
std::string_view OwnershipName(Ownership ownership);

// Everything the suite needs to know about an implementation, as data.
struct ImplInfo {
  std::string name;       // stable registry name: "link", "posix", ...
  std::string model;      // what it is faithful to: "lockfile.LinkLockFile"
  std::string mechanism;  // one line: "hard link of a unique file to PATH.lock"
  FeatureSet features;
  Ownership ownership = Ownership::kProcess;
  bool nfs_safe = false;  // claims to be safe on NFS
  // How a waiter waits: "kernel (flock)", "inotify + backoff 1..50 ms", ...
  std::string wait_policy;
  // With stale_recovery: the longest a dead holder's lock stays taken.
  std::chrono::milliseconds stale_bound{0};
  // Names of the failpoints between its steps (see os.h), in order.
  std::vector<std::string> failpoints;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_CAPABILITIES_H_
