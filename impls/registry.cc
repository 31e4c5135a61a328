// The only place that lists the built-in implementations by name.
#include "lockstress/registry.h"

#include <string>
#include <vector>

#include "impls/core/impl_entries.h"

namespace lockstress {

std::span<const ImplEntry> AllImpls() {
  static const std::vector<ImplEntry>* impls = new std::vector<ImplEntry>{
      LinkLockEntry(),   MkdirLockEntry(), PidfileLockEntry(),
      SqliteLockEntry(), ZcLockEntry(),    ZcSimpleLockEntry(),
      LocketLockEntry(), FlockLockEntry(), PosixLockEntry(),
      OfdLockEntry(),    RwLockEntry(),    LeaseLockEntry(),
      NullLockEntry(),
  };
  return *impls;
}

const ImplEntry* FindImpl(std::string_view name) {
  for (const ImplEntry& entry : AllImpls()) {
    if (entry.info.name == name) return &entry;
  }
  return nullptr;
}

StatusOr<std::unique_ptr<Lock>> MakeLock(std::string_view name,
                                         const LockOptions& options) {
  const ImplEntry* entry = FindImpl(name);
  if (entry == nullptr) {
    std::string known;
    for (const ImplEntry& e : AllImpls()) {
      known += (known.empty() ? "" : ", ") + e.info.name;
    }
    return Status(ErrorKind::kLockFailed, options.path,
                  "unknown implementation '" + std::string(name) +
                      "' (known: " + known + ")");
  }
  return entry->make(options);
}

}  // namespace lockstress
