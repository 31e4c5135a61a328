// The native adapters: outside command-line tools and C/C++ lock libraries
// behind the Lock interface, served over the driver protocol by
// bin/lockstress-native-driver --adapter NAME (main.cc). Each has a
// manifest impls/external/<NAME>.toml (docs/external-adapters.md).
//
//   flock-tool      flock(1), util-linux          flock_tool_lock.cc
//   dotlockfile     dotlockfile(1), liblockfile-bin lockfile_tool_lock.cc
//   lockfile-progs  lockfile-create/-remove/-check  lockfile_tool_lock.cc
//   liblockfile     lockfile_create(3) & co.        liblockfile_lock.cc
//   boost-file-lock boost::interprocess::file_lock  boost_file_lock.cc
//
// Thread safety: the list is immutable after static initialisation.
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_NATIVE_ADAPTERS_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_NATIVE_ADAPTERS_H_

#include <span>
#include <string_view>

#include "lockstress/registry.h"

namespace lockstress::native {

// Every native adapter, in a stable order (ImplEntry as the registry's).
std::span<const ImplEntry> AllNativeAdapters();
// nullptr when unknown.
const ImplEntry* FindNativeAdapter(std::string_view name);

// One entry each; defined next to each adapter.
ImplEntry FlockToolEntry();
ImplEntry DotlockfileEntry();
ImplEntry LockfileProgsEntry();
ImplEntry LiblockfileEntry();
ImplEntry BoostFileLockEntry();

}  // namespace lockstress::native

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_NATIVE_ADAPTERS_H_
