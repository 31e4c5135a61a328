#include "impls/core/proc_locks.h"

#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lockstress {

std::vector<KernelLockEntry> ParseProcLocks(const std::string& text) {
  std::vector<KernelLockEntry> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string id, family, advisory, mode, pid, devino;
    words >> id >> family;
    if (family == "->") continue;  // a waiter, not a holder
    words >> advisory >> mode >> pid >> devino;
    KernelLockEntry e;
    e.family = family;
    e.write = mode == "WRITE";
    unsigned long long inode = 0;
    if (std::sscanf(devino.c_str(), "%x:%x:%llu", &e.major, &e.minor, &inode) !=
        3) {
      continue;
    }
    e.inode = static_cast<ino_t>(inode);
    try {
      e.pid = static_cast<pid_t>(std::stol(pid));
    } catch (...) {
      continue;
    }
    out.push_back(e);
  }
  return out;
}

StatusOr<std::vector<KernelLockEntry>> KernelLocksOn(
    dev_t dev, ino_t ino, const std::string& family) {
  std::ifstream in("/proc/locks");
  if (!in) {
    return PosixError(ErrorKind::kError, "open", "/proc/locks", errno,
                      "cannot read the kernel's lock table");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<KernelLockEntry> out;
  for (const KernelLockEntry& e : ParseProcLocks(text.str())) {
    if (e.inode == ino && e.major == major(dev) && e.minor == minor(dev) &&
        (family.empty() || e.family == family)) {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace lockstress
