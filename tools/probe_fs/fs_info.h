// What filesystem a directory is on: statfs(2) f_type, and the mount from
// /proc/self/mountinfo (the longest mount point that is a prefix of the
// directory's real path), with its type, source and options.
//
// Thread safety: stateless. Probe a possibly dead network mount from a
// child (ProbeChild): statfs and realpath can block in FUSE requests.
#ifndef LOCKSTRESS_TOOLS_PROBE_FS_FS_INFO_H_
#define LOCKSTRESS_TOOLS_PROBE_FS_FS_INFO_H_

#include <string>

#include "lockstress/status.h"

namespace lockstress::probe_fs {

struct FsInfo {
  std::string path;         // the real path
  std::string statfs_type;  // "ext4/ext3/ext2", "tmpfs", "fuse", "0x1234"
  std::string mount_point;
  std::string fs_type;  // mountinfo's type, e.g. "fuse.glusterfs"
  std::string source;
  std::string mount_options;  // per-mount and superblock options
};

// kLockFailed-free: kError naming the path when it is not a directory.
StatusOr<FsInfo> DescribeDirectory(const std::string& path);

// "fs_type|mount_point|..." on one line, and back (to cross a pipe).
std::string EncodeFsInfo(const FsInfo& info);
FsInfo DecodeFsInfo(const std::string& line);

}  // namespace lockstress::probe_fs

#endif  // LOCKSTRESS_TOOLS_PROBE_FS_FS_INFO_H_
