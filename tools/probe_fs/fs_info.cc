#include "tools/probe_fs/fs_info.h"

#include <errno.h>
#include <fmt/format.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace lockstress::probe_fs {
namespace {

// statfs(2) f_type values (linux/magic.h; FUSE's and SMB2's are not there).
std::string TypeName(long type) {
  switch (static_cast<unsigned long>(type)) {
    case EXT4_SUPER_MAGIC:
      return "ext2/ext3/ext4";
    case TMPFS_MAGIC:
      return "tmpfs";
    case 0x65735546UL:
      return "fuse";
    case NFS_SUPER_MAGIC:
      return "nfs";
    case 0xFF534D42UL:
      return "cifs";
    case 0xFE534D42UL:
      return "smb2";
    case XFS_SUPER_MAGIC:
      return "xfs";
    case BTRFS_SUPER_MAGIC:
      return "btrfs";
    case OVERLAYFS_SUPER_MAGIC:
      return "overlayfs";
    default:
      return fmt::format("{:#x}", static_cast<unsigned long>(type));
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool Under(const std::string& path, const std::string& mp) {
  if (mp == "/") return true;
  return path == mp || (path.rfind(mp, 0) == 0 && path[mp.size()] == '/');
}

}  // namespace

StatusOr<FsInfo> DescribeDirectory(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return PosixError(ErrorKind::kError, "stat", path, errno);
  if (!S_ISDIR(st.st_mode))
    return Status(ErrorKind::kError, path, "is not a directory");
  char real[PATH_MAX];
  if (realpath(path.c_str(), real) == nullptr)
    return PosixError(ErrorKind::kError, "realpath", path, errno);
  FsInfo info;
  info.path = real;
  struct statfs sf;
  if (statfs(real, &sf) != 0)
    return PosixError(ErrorKind::kError, "statfs", path, errno);
  info.statfs_type = TypeName(sf.f_type);
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // id parent major:minor root mount_point options [tags] - type source
    // super_options
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 6 || dash + 2 >= f.size()) continue;
    std::string mp = Unescape(f[4]);
    if (!Under(info.path, mp) || mp.size() < info.mount_point.size()) continue;
    info.mount_point = mp;
    info.fs_type = f[dash + 1];
    info.source = Unescape(f[dash + 2]);
    info.mount_options = f[5] + (dash + 3 < f.size() ? "," + f[dash + 3] : "");
  }
  return info;
}

std::string EncodeFsInfo(const FsInfo& i) {
  // '\x1f' (unit separator) cannot appear in paths from mountinfo's
  // escaped form and is not a newline.
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", i.path, i.statfs_type,
                     i.mount_point, i.fs_type, i.source, i.mount_options);
}

FsInfo DecodeFsInfo(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  for (char c : line) {
    if (c == '\x1f') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  f.resize(6);
  return FsInfo{f[0], f[1], f[2], f[3], f[4], f[5]};
}

}  // namespace lockstress::probe_fs
