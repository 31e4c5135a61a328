#include "impls/core/lease_seed.h"

#include <cstdint>
#include <string>

#include "impls/core/lock_files.h"

namespace lockstress {
namespace {

// 8-4-4-4-12 lowercase hex, like /proc/sys/kernel/random/boot_id.
std::string BootIdOfHost(const std::string& host, const std::string& ours) {
  std::string a = HashHex("boot of " + host);
  std::string b = HashHex(a);
  std::string id = a.substr(0, 8) + "-" + a.substr(8, 4) + "-" +
                   a.substr(12, 4) + "-" + b.substr(0, 4) + "-" +
                   b.substr(4, 12);
  if (id == ours) id.back() = id.back() == '0' ? '1' : '0';
  return id;
}

}  // namespace

ProcessIdentity SeededIdentity(const StaleSeed& seed, pid_t writer_pid,
                               ProcessIdentity self) {
  if (!seed.owner_host.empty()) {
    self.boot = BootIdOfHost(seed.owner_host, self.boot);
  }
  if (seed.owner_pid > 0 && seed.owner_pid != writer_pid) {
    self.pidns = (std::uint64_t{1} << 32) | self.pidns;
  }
  return self;
}

}  // namespace lockstress
