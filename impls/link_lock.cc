// PLACEHOLDER: replaced by the real implementation in this same commit series.
#include "impls/core/impl_entries.h"
namespace lockstress {
ImplEntry LinkLockEntry() { return {ImplInfo{.name = "link"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
}  // namespace lockstress
