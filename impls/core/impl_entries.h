// One function per implementation file, each returning that file's registry
// entry. Only registry.cc calls them.
#ifndef LOCKSTRESS_IMPLS_CORE_IMPL_ENTRIES_H_
#define LOCKSTRESS_IMPLS_CORE_IMPL_ENTRIES_H_

#include "lockstress/registry.h"

namespace lockstress {

ImplEntry LinkLockEntry();
ImplEntry MkdirLockEntry();
ImplEntry PidfileLockEntry();
ImplEntry SqliteLockEntry();
ImplEntry ZcLockEntry();
ImplEntry ZcSimpleLockEntry();
ImplEntry LocketLockEntry();
ImplEntry FlockLockEntry();
ImplEntry PosixLockEntry();
ImplEntry OfdLockEntry();
ImplEntry RwLockEntry();
ImplEntry LeaseLockEntry();
ImplEntry NullLockEntry();

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_IMPL_ENTRIES_H_
