// The environment a run ran in, recorded in results.json ("environment") at
// run time so that `lockstress report` can show it later: kernel, the
// filesystem and mount options of the directory under test, hostname,
// versions, and the exact command line (plus the one that reproduces the
// run: the same with --seed).
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_REPORTS_ENVIRONMENT_H_
#define LOCKSTRESS_REPORTS_ENVIRONMENT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstress::report {

struct MountEntry {
  std::string mount_point;
  std::string fs_type;
  std::string source;
  std::string mount_options;  // per mount: rw,relatime,...
  std::string super_options;  // per superblock
};

// The mount holding `path` (already absolute and resolved) in the text of a
// /proc/self/mountinfo: the longest mount point that is a prefix of `path`
// on a component boundary, the last listed when several are (a later mount
// hides an earlier one). nullopt when none (malformed text).
std::optional<MountEntry> FindMount(std::string_view mountinfo,
                                    const std::string& path);

// A name for statfs(2)'s f_type ("ext4", "tmpfs", "nfs", ...), or
// "0x<hex>" when unknown.
std::string FsTypeName(std::int64_t f_type);

// One argument quoted for a POSIX shell when it needs it.
std::string ShellQuote(const std::string& arg);

// {"kernel", "hostname", "dir_under_test", "filesystem", "statfs_type",
//  "mount_point", "mount_source", "mount_options", "super_options",
//  "lockstress_version", "compiler", "libraries": {...}, "cpus",
//  "command_line": [...], "command", "reproduce", "cwd", "started"}
// Every probe that fails leaves its field out (never a guess).
nlohmann::json CollectEnvironment(const std::string& dir_under_test,
                                  const std::vector<std::string>& argv,
                                  std::uint64_t seed);

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_ENVIRONMENT_H_
