#include "reports/environment.h"

#include <fmt/format.h>
#include <gnu/libc-version.h>
#include <linux/magic.h>
#include <sqlite3.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <toml++/impl/version.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace lockstress::report {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)).
std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' &&
        s[i + 1] <= '3') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
                               (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool Under(const std::string& path, const std::string& mount_point) {
  if (mount_point == "/") return !path.empty() && path[0] == '/';
  return path.compare(0, mount_point.size(), mount_point) == 0 &&
         (path.size() == mount_point.size() || path[mount_point.size()] == '/');
}

std::string Version() {
#ifdef LOCKSTRESS_VERSION
  return LOCKSTRESS_VERSION;
#else
  return "unknown";
#endif
}

std::string Now() {
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return stamp;
}

}  // namespace

std::optional<MountEntry> FindMount(std::string_view mountinfo,
                                    const std::string& path) {
  // A line: ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE
  // SOURCE SUPER_OPTIONS (proc(5), /proc/[pid]/mountinfo).
  std::optional<MountEntry> best;
  std::istringstream in{std::string(mountinfo)};
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 6 || dash + 2 >= f.size()) continue;
    MountEntry e{Unescape(f[4]), f[dash + 1], Unescape(f[dash + 2]), f[5],
                 dash + 3 < f.size() ? f[dash + 3] : ""};
    if (!Under(path, e.mount_point)) continue;
    if (!best || e.mount_point.size() >= best->mount_point.size()) best = e;
  }
  return best;
}

std::string FsTypeName(std::int64_t f_type) {
  // statfs(2) f_type magic numbers (linux/magic.h; those it lacks from
  // statfs(2)'s list).
  struct Known {
    std::int64_t magic;
    const char* name;
  };
  static constexpr Known kKnown[] = {
      {EXT4_SUPER_MAGIC, "ext2/3/4"},
      {TMPFS_MAGIC, "tmpfs"},
      {XFS_SUPER_MAGIC, "xfs"},
      {BTRFS_SUPER_MAGIC, "btrfs"},
      {NFS_SUPER_MAGIC, "nfs"},
      {SMB_SUPER_MAGIC, "smb"},
      {static_cast<std::int64_t>(0xFE534D42), "smb2"},
      {static_cast<std::int64_t>(0xFF534D42), "cifs"},
      {0x65735546, "fuse"},
      {OVERLAYFS_SUPER_MAGIC, "overlayfs"},
      {RAMFS_MAGIC, "ramfs"},
      {V9FS_MAGIC, "9p"},
      {static_cast<std::int64_t>(0xF2F52010), "f2fs"},
      {0x2FC12FC1, "zfs"},
      {0x6a656a63, "fakeowner"},
  };
  for (const Known& k : kKnown) {
    if (k.magic == f_type) return k.name;
  }
  return fmt::format("0x{:x}", f_type);
}

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                            "XYZ0123456789-_./=:,+@%") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

nlohmann::json CollectEnvironment(const std::string& dir_under_test,
                                  const std::vector<std::string>& argv,
                                  std::uint64_t seed) {
  nlohmann::json env = nlohmann::json::object();
  utsname u{};
  if (uname(&u) == 0) {
    env["kernel"] =
        fmt::format("{} {} {} {}", u.sysname, u.release, u.version, u.machine);
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) env["hostname"] = host;
  std::error_code ec;
  std::filesystem::path dir =
      std::filesystem::weakly_canonical(dir_under_test, ec);
  if (ec) dir = dir_under_test;
  env["dir_under_test"] = dir.string();
  struct statfs sf {};
  if (statfs(dir.c_str(), &sf) == 0) {
    env["filesystem"] = FsTypeName(static_cast<std::int64_t>(sf.f_type));
    env["statfs_type"] =
        fmt::format("0x{:x}", static_cast<std::uint64_t>(sf.f_type));
  }
  std::ifstream mi("/proc/self/mountinfo");
  std::stringstream text;
  text << mi.rdbuf();
  if (std::optional<MountEntry> m = FindMount(text.str(), dir.string())) {
    env["mount_point"] = m->mount_point;
    env["mount_type"] = m->fs_type;
    env["mount_source"] = m->source;
    env["mount_options"] = m->mount_options;
    env["super_options"] = m->super_options;
  }
  env["lockstress_version"] = Version();
#if defined(__clang__)
  env["compiler"] = "clang " __clang_version__;
#elif defined(__GNUC__)
  env["compiler"] = "g++ " __VERSION__;
#endif
  env["libraries"] = {
      {"glibc", gnu_get_libc_version()},
      {"sqlite", sqlite3_libversion()},
      {"boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000,
                            BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
      {"nlohmann_json",
       fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                   NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000,
                          FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"tomlplusplus", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR,
                                   TOML_LIB_PATCH)}};
  env["cpus"] = std::thread::hardware_concurrency();
  env["command_line"] = argv;
  std::string command, reproduce;
  bool has_seed = false;
  for (const std::string& a : argv) {
    command += (command.empty() ? "" : " ") + ShellQuote(a);
    has_seed |= a == "--seed" || a.rfind("--seed=", 0) == 0;
  }
  reproduce = command;
  if (!has_seed) reproduce += fmt::format(" --seed {}", seed);
  env["command"] = command;
  env["reproduce"] = reproduce;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (!ec) env["cwd"] = cwd.string();
  env["started"] = Now();
  return env;
}

}  // namespace lockstress::report
