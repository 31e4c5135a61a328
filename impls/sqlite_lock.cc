// PLACEHOLDER: replaced by the real implementation in this same commit series.
#include "impls/core/impl_entries.h"
namespace lockstress {
ImplEntry SqliteLockEntry() { return {ImplInfo{.name = "sqlite"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
}  // namespace lockstress
