// PLACEHOLDER: replaced by the real implementation in this same commit series.
#include "impls/core/impl_entries.h"
namespace lockstress {
ImplEntry MkdirLockEntry() { return {ImplInfo{.name = "mkdir"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
}  // namespace lockstress
