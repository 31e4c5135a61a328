// LeaseFiles: the filesystem steps of the lease lock (lease.cc), each safe
// on its own: observing a lock file, creating one by the NFS-safe link
// recipe, and moving a judged-stale one out of the way.
//
// Side files. Every temporary name lives in the lock's directory (so that
// link(2) and rename(2) stay on one filesystem) and is unique to one
// process, thread and step:
//   DIR/.lease.<hash of lock path>.<hash of host,boot,pidns>.<pid>.<tid>.
//   <serial>.<tag>
// with tag tmp (a record about to be linked), broken (a stale lock moved
// away), released (our own lock moved away at release), probe (fs_clock.h).
// A crash can leave one of them behind as litter; none of them is ever
// mistaken for a lock.
//
// Thread safety: not thread-safe; one per lock object.
#ifndef LOCKSTRESS_IMPLS_CORE_LEASE_FILES_H_
#define LOCKSTRESS_IMPLS_CORE_LEASE_FILES_H_

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "impls/core/owner_record.h"
#include "impls/core/process_identity.h"
#include "impls/core/unique_fd.h"
#include "lockstress/os.h"
#include "lockstress/status.h"

namespace lockstress {

// What is at a lock path: nothing, or a regular file with (the first 4 KiB
// of) its content. Anything else there (symlink, FIFO, directory) is an
// error: a lock file is never followed, opened for writing, or broken.
struct Observed {
  bool exists = false;
  struct stat st {};
  std::string content;  // "" when unreadable (judged by the lease alone)

  // The very same file, unchanged: inode, size, mtime and content.
  bool Unchanged(const Observed& other) const;
};

// A lock file this process created and still holds open.
struct Created {
  UniqueFd fd;
  struct stat st {};
  OwnerRecord record;
};

class LeaseFiles {
 public:
  LeaseFiles(Os& os, std::string lock_path);

  // A unique side-file name for `tag`, for the process `self`.
  std::string SideName(const ProcessIdentity& self, std::string_view tag);

  // lstat + read. `kind` is the error kind for a failure.
  StatusOr<Observed> Observe(const std::string& path, ErrorKind kind);

  // The NFS-safe creation (nfs_link.h): write `record` into a fresh side
  // file, link it to `target`, count the links, remove the side name.
  // nullopt: `target` exists (busy). Failpoints lease/after_temp_file,
  // lease/after_link_before_count, lease/after_count_before_unlink_temp.
  StatusOr<std::optional<Created>> CreateByLink(const ProcessIdentity& self,
                                                const std::string& target,
                                                const OwnerRecord& record);

  // Moves `path` to a side name, observes it there, and deletes it only
  // when it is still exactly `judged`; otherwise puts it back with link(2),
  // which never replaces a file that took the path meanwhile. true: the
  // judged file is gone (or was already). Failpoints lease/break_after_
  // rename, lease/break_after_verify.
  StatusOr<bool> MoveAwayIfUnchanged(const ProcessIdentity& self,
                                     const std::string& path,
                                     const Observed& judged);

  // Removes `path` if it is still the file `held` (our own break claim).
  void RemoveIfOurs(const std::string& path, const struct stat& held);

 private:
  Os& os_;
  const std::string lock_path_;
  const std::string lock_hash_;
};

// A process-wide serial for unique names and owner records.
std::uint64_t NextLeaseSerial();

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LEASE_FILES_H_
