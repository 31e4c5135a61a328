// The registry: every built-in implementation by stable name.
// impls/registry.cc is the only place that lists them.
//
// Thread safety: the registry is immutable after static initialisation.
#ifndef LOCKSTRESS_REGISTRY_H_
#define LOCKSTRESS_REGISTRY_H_

#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "lockstress/capabilities.h"
#include "lockstress/lock.h"
#include "lockstress/stale_state.h"

namespace lockstress {

struct ImplEntry {
  ImplInfo info;
  // Makes an object; never touches the filesystem (errors come at use).
  std::function<std::unique_ptr<Lock>(const LockOptions&)> make;
  // Leaves a dead holder's lock at a path, in this implementation's own
  // on-disk format (stale_state.h); empty when it has none.
  StaleWriter write_stale = {};
};

// All built-in implementations, in a stable order.
std::span<const ImplEntry> AllImpls();
// nullptr when unknown.
const ImplEntry* FindImpl(std::string_view name);
// LockFailed naming the unknown name and listing the known ones.
StatusOr<std::unique_ptr<Lock>> MakeLock(std::string_view name,
                                         const LockOptions& options);

}  // namespace lockstress

#endif  // LOCKSTRESS_REGISTRY_H_
