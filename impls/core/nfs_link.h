// The NFS-safe link(2) recipe, shared by link_lock.cc and lease.cc.
//
// Platform fact (link(2), BUGS; open(2), O_EXCL): "On NFS filesystems, the
// return code may be wrong in case the NFS server performs the link
// creation and dies before it can say so. Use stat(2) to find out if the
// link got created." A retransmitted LINK then answers EEXIST although our
// link exists. So the caller ignores link's return value unless the errno
// proves that no link can have been made, and counts the links of its
// unique file instead: st_nlink == 2 means the link is ours.
//
// Thread safety: pure functions.
#ifndef LOCKSTRESS_IMPLS_CORE_NFS_LINK_H_
#define LOCKSTRESS_IMPLS_CORE_NFS_LINK_H_

#include <sys/stat.h>

namespace lockstress {

// errnos of link(2) that prove no link was made: no lost reply can hide
// behind them, so the link-count check is skipped and acquire fails.
bool LinkErrnoProvesNoLink(int err);

inline bool SameInode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_NFS_LINK_H_
