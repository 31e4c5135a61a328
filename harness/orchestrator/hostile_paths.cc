#include "harness/orchestrator/hostile_paths.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/protocol/protocol.h"

namespace lockstress {
namespace {

constexpr char kVictimContent[] =
    "victim: a file a planted symlink points at; lockstress checks that no "
    "lock writes, truncates or replaces it\n";

std::int64_t Nanos(const struct timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::uint64_t Fnv1a(const std::string& data) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

Event HarnessEvent(std::string op, std::string arg, std::string message) {
  Event e{.type = Event::Type::kNemesis, .worker = -1};
  e.op = std::move(op);
  e.arg = std::move(arg);
  e.message = std::move(message);
  e.t0 = e.t1 = protocol::MonotonicNanos();
  return e;
}

Event VictimEvent(const std::string& test_dir, const std::string& when) {
  std::string path = VictimPath(test_dir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return HarnessEvent("victim", when,
                        fmt::format("missing errno={}", std::strerror(errno)));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return HarnessEvent(
      "victim", when,
      fmt::format("size={} mtime_ns={} ctime_ns={} nlink={} ino={} fnv={:016x}",
                  st.st_size, Nanos(st.st_mtim), Nanos(st.st_ctim), st.st_nlink,
                  st.st_ino, Fnv1a(content.str())));
}

Status Failed(const std::string& what, const std::string& path, int err) {
  return Status(ErrorKind::kError, path,
                what + " " + path + ": " + std::strerror(err));
}

}  // namespace

std::string VictimPath(const std::string& test_dir) {
  return test_dir + "/victim";
}

StatusOr<std::vector<Event>> PlantHostile(const HostileSetup& setup,
                                          const std::string& test_dir,
                                          const std::string& lock_path) {
  std::vector<Event> events;
  std::string victim = VictimPath(test_dir);
  {
    std::ofstream out(victim, std::ios::binary | std::ios::trunc);
    out << kVictimContent;
    if (!out.flush()) return Failed("cannot write", victim, errno);
  }
  events.push_back(VictimEvent(test_dir, "before"));
  switch (setup.plant) {
    case HostileSetup::Plant::kSymlink:
      if (::symlink(victim.c_str(), lock_path.c_str()) != 0) {
        return Failed("cannot plant a symlink at", lock_path, errno);
      }
      events.push_back(
          HarnessEvent("plant", lock_path, "symlink target=" + victim));
      break;
    case HostileSetup::Plant::kFifo:
      if (::mkfifo(lock_path.c_str(), 0644) != 0) {
        return Failed("cannot plant a FIFO at", lock_path, errno);
      }
      events.push_back(HarnessEvent("plant", lock_path, "fifo"));
      break;
    case HostileSetup::Plant::kNone:
    default:
      break;
  }
  if (setup.world_writable) {
    // chmod(2), not the umask: the directory must be 0777 whatever it is.
    if (::chmod(test_dir.c_str(), 0777) != 0) {
      return Failed("cannot chmod 0777", test_dir, errno);
    }
    events.push_back(HarnessEvent("plant", test_dir, "chmod 0777"));
  }
  return events;
}

Event VictimAfter(const std::string& test_dir) {
  return VictimEvent(test_dir, "after");
}

Event LockEntryEvent(const std::string& lock_path) {
  struct stat st {};
  std::string what;
  if (::lstat(lock_path.c_str(), &st) != 0) {
    what = "type=missing";
  } else if (S_ISLNK(st.st_mode)) {
    char target[4096] = {};
    ssize_t n = ::readlink(lock_path.c_str(), target, sizeof target - 1);
    what = "type=symlink target=" + std::string(target, n > 0 ? n : 0);
  } else if (S_ISFIFO(st.st_mode)) {
    what = "type=fifo";
  } else {
    what = fmt::format("type={} mode={:04o}",
                       S_ISDIR(st.st_mode) ? "directory" : "regular",
                       st.st_mode & 07777);
  }
  return HarnessEvent("lock_entry", lock_path, what);
}

std::vector<std::string> UmaskZeroArgv(const std::vector<std::string>& argv) {
  std::vector<std::string> out = {"/bin/sh", "-c", "umask 0; exec \"$@\"",
                                  "sh"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace lockstress
