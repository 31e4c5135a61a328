// lockstress-native-driver --adapter NAME: the driver
// (docs/driver-protocol.md) for one native adapter (native_adapters.h):
// flock-tool, dotlockfile, lockfile-progs, liblockfile, boost-file-lock.
// The same DriverServer as lockstress-worker serves it; with `threads`
// (every adapter declares it) each handle lives on its own thread.
//
//   lockstress-native-driver --adapter flock-tool
//   lockstress-native-driver --list          NAME FEATURES MODEL, one a line
//
// Exit codes: as lockstress-worker — 0 after quit or end of input, 2 for
// usage errors and lines it cannot answer.
#include <signal.h>

#include <iostream>
#include <string>
#include <string_view>

#include "harness/driver/driver_server.h"
#include "impls/external/native/native_adapters.h"

namespace {

constexpr int kUsage = 2;

int Usage(std::string_view why) {
  std::cerr << "lockstress-native-driver: " << why
            << "\nusage: lockstress-native-driver --adapter NAME | --list\n";
  return kUsage;
}

int List() {
  for (const lockstress::ImplEntry& e :
       lockstress::native::AllNativeAdapters()) {
    std::cout << e.info.name << " " << e.info.features.ToString() << " "
              << e.info.model << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--adapter" && i + 1 < argc) {
      name = argv[++i];
    } else if (arg.starts_with("--adapter=")) {
      name = std::string(arg.substr(10));
    } else if (arg == "--list") {
      return List();
    } else {
      return Usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (name.empty()) return Usage("--adapter NAME is required");
  const lockstress::ImplEntry* entry =
      lockstress::native::FindNativeAdapter(name);
  if (entry == nullptr) {
    return Usage("unknown adapter '" + name + "' (--list names them)");
  }
  // A vanished reader must give EPIPE on write, not kill us silently.
  signal(SIGPIPE, SIG_IGN);
  lockstress::LockFactory factory =
      [entry](const lockstress::LockOptions& options)
      -> lockstress::StatusOr<std::unique_ptr<lockstress::Lock>> {
    return entry->make(options);
  };
  lockstress::DriverServer server(entry->info, factory, /*in_fd=*/0,
                                  /*out_fd=*/1);
  return server.Serve();
}
