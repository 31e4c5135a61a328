#include "impls/core/lease_files.h"

#include <atomic>
#include <cerrno>
#include <utility>

#include "impls/core/lock_files.h"
#include "impls/core/nfs_link.h"

namespace lockstress {

std::uint64_t NextLeaseSerial() {
  static std::atomic<std::uint64_t> serial{0};
  return ++serial;
}

bool Observed::Unchanged(const Observed& o) const {
  return exists && o.exists && SameInode(st, o.st) &&
         st.st_size == o.st.st_size &&
         st.st_mtim.tv_sec == o.st.st_mtim.tv_sec &&
         st.st_mtim.tv_nsec == o.st.st_mtim.tv_nsec && content == o.content;
}

LeaseFiles::LeaseFiles(Os& os, std::string lock_path)
    : os_(os),
      lock_path_(std::move(lock_path)),
      lock_hash_(HashHex(lock_path_)) {}

std::string LeaseFiles::SideName(const ProcessIdentity& self,
                                 std::string_view tag) {
  std::string who =
      HashHex(self.host + "/" + self.boot + "/" + std::to_string(self.pidns));
  return DirectoryOf(lock_path_) + "/.lease." + lock_hash_ + "." + who + "." +
         std::to_string(self.pid) + "." + std::to_string(os_.Gettid()) + "." +
         std::to_string(NextLeaseSerial()) + "." + std::string(tag);
}

StatusOr<Observed> LeaseFiles::Observe(const std::string& path,
                                       ErrorKind kind) {
  Observed seen;
  if (os_.Lstat(path.c_str(), &seen.st) != 0) {
    if (errno == ENOENT) return seen;
    return LockPathError(kind, "lstat", path, errno);
  }
  if (!S_ISREG(seen.st.st_mode)) {
    const char* what = S_ISLNK(seen.st.st_mode)    ? "a symbolic link"
                       : S_ISFIFO(seen.st.st_mode) ? "a FIFO"
                       : S_ISDIR(seen.st.st_mode)  ? "a directory"
                                                   : "not a regular file";
    return Status(kind, path,
                  std::string("the lock path is ") + what +
                      ", not a lock file; refusing to follow, open or "
                      "remove it");
  }
  seen.exists = true;
  // O_NOFOLLOW|O_NONBLOCK and S_ISREG (lock_files.h): a file swapped for a
  // symlink or FIFO since the lstat is refused, never followed or waited on.
  StatusOr<std::string> content = ReadSmallFile(os_, path, 4096);
  if (content.ok()) {
    seen.content = std::move(*content);
  } else if (content.status().sys_errno() == ENOENT) {
    seen.exists = false;  // removed since the lstat
  }
  return seen;
}

StatusOr<std::optional<Created>> LeaseFiles::CreateByLink(
    const ProcessIdentity& self, const std::string& target,
    const OwnerRecord& record) {
  const std::string temp = SideName(self, "tmp");
  StatusOr<UniqueFd> fd = OpenLockFile(os_, temp, O_CREAT | O_EXCL | O_RDWR);
  if (!fd.ok()) return fd.status();
  // The record is complete before the link, so a lock file never exists
  // without it (unless another client has not seen the data yet, on NFS:
  // then it is judged by its fresh mtime, which is safe).
  Status written = WriteWhole(os_, fd->get(), temp, FormatOwnerRecord(record),
                              ErrorKind::kLockFailed);
  if (!written.ok()) {
    (void)os_.Unlink(temp.c_str());
    return written;
  }
  os_.Failpoint("lease/after_temp_file");
  int r = os_.Link(temp.c_str(), target.c_str());
  int link_errno = r == 0 ? 0 : errno;
  os_.Failpoint("lease/after_link_before_count");
  if (r != 0 && LinkErrnoProvesNoLink(link_errno)) {
    (void)os_.Unlink(temp.c_str());
    return LockPathError(ErrorKind::kLockFailed, "link", target, link_errno);
  }
  Created made;
  // The count: fstat, else lstat of the side name (the same inode).
  if (os_.Fstat(fd->get(), &made.st) != 0 &&
      os_.Lstat(temp.c_str(), &made.st) != 0) {
    int err = errno;
    (void)os_.Unlink(temp.c_str());
    // A link that succeeded is ours alone; never leave it behind held by
    // a live process that does not know it holds.
    if (r == 0) (void)os_.Unlink(target.c_str());
    return LockPathError(ErrorKind::kLockFailed, "fstat", temp, err);
  }
  // The count decides, not link's return value (nfs_link.h).
  const bool ours = made.st.st_nlink == 2;
  if (ours) os_.Failpoint("lease/after_count_before_unlink_temp");
  // Either way the side name goes: while held, the lock file's only name is
  // the lock path, and our open descriptor keeps its inode from reuse.
  (void)os_.Unlink(temp.c_str());
  if (!ours) {
    if (r == 0 || link_errno == EEXIST) return std::optional<Created>();
    return LockPathError(ErrorKind::kLockFailed, "link", target, link_errno);
  }
  made.fd = std::move(*fd);
  made.record = record;
  return std::optional<Created>(std::move(made));
}

StatusOr<bool> LeaseFiles::MoveAwayIfUnchanged(const ProcessIdentity& self,
                                               const std::string& path,
                                               const Observed& judged) {
  const std::string grave = SideName(self, "broken");
  if (os_.Rename(path.c_str(), grave.c_str()) != 0) {
    if (errno == ENOENT) return true;  // gone already
    return LockPathError(ErrorKind::kLockFailed, "rename", path, errno);
  }
  os_.Failpoint("lease/break_after_rename");
  StatusOr<Observed> moved = Observe(grave, ErrorKind::kLockFailed);
  if (moved.ok() && moved->Unchanged(judged)) {
    os_.Failpoint("lease/break_after_verify");
    (void)os_.Unlink(grave.c_str());
    return true;
  }
  // Not the file judged stale: its holder refreshed it (alive after all),
  // or it was replaced between our look and the rename. Put it back.
  // link(2) fails with EEXIST rather than replace a lock taken meanwhile.
  (void)os_.Link(grave.c_str(), path.c_str());
  (void)os_.Unlink(grave.c_str());
  return false;
}

void LeaseFiles::RemoveIfOurs(const std::string& path,
                              const struct stat& held) {
  struct stat now {};
  if (os_.Lstat(path.c_str(), &now) == 0 && SameInode(now, held)) {
    (void)os_.Unlink(path.c_str());
  }
}

}  // namespace lockstress
