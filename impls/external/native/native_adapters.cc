#include "impls/external/native/native_adapters.h"

#include <vector>

namespace lockstress::native {

std::span<const ImplEntry> AllNativeAdapters() {
  static const std::vector<ImplEntry>* all = [] {
    auto* entries = new std::vector<ImplEntry>{
        FlockToolEntry(), DotlockfileEntry(), LockfileProgsEntry()};
#ifdef LOCKSTRESS_HAVE_LIBLOCKFILE  // liblockfile-dev was found (CMake)
    entries->push_back(LiblockfileEntry());
#endif
    entries->push_back(BoostFileLockEntry());
    return entries;
  }();
  return *all;
}

const ImplEntry* FindNativeAdapter(std::string_view name) {
  for (const ImplEntry& e : AllNativeAdapters()) {
    if (e.info.name == name) return &e;
  }
  return nullptr;
}

}  // namespace lockstress::native
