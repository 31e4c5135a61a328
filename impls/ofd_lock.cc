// PLACEHOLDER: replaced by the real implementation in this same commit series.
#include "impls/core/impl_entries.h"
namespace lockstress {
ImplEntry OfdLockEntry() { return {ImplInfo{.name = "ofd"}, [](const LockOptions&) { return std::unique_ptr<Lock>(); }}; }
}  // namespace lockstress
