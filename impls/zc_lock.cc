// PLACEHOLDER: replaced by the real implementation in this same commit series.
#include "impls/core/impl_entries.h"
namespace lockstress {
ImplEntry ZcLockEntry() { return {ImplInfo{.name = "zc"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
ImplEntry ZcSimpleLockEntry() { return {ImplInfo{.name = "zc-simple"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
}  // namespace lockstress
