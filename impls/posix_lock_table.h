// PosixLockTable: the per-process table that POSIX record locks need.
//
// POSIX fcntl locks belong to the (pid, inode) pair, not to a descriptor
// (fcntl(2), "Advisory record locking"):
//  - "If a process closes any file descriptor referring to a file, then all
//    of the process's locks on that file are released, regardless of the
//    file descriptor(s) on which the locks were obtained." So a second
//    object that opens and closes the same file silently frees the first
//    object's lock. SQLite's os_unix.c calls this "broken by design".
//  - Two descriptors of one process never conflict: F_SETLK from a second
//    object of the holder's process succeeds and merely replaces the lock.
//  - F_GETLK never reports the caller's own locks.
// So, as LevelDB's PosixLockTable and SQLite's unixInodeInfo do, this
// process keeps one entry per inode (st_dev, st_ino) holding:
//  - ONE shared descriptor, opened the first time any object uses the inode
//    and closed only when no object references the entry any more, which
//    is never while a lock is held (the holder keeps a reference). Objects
//    never open and close a private descriptor of a file in the table.
//  - The in-process owner: which object holds the lock exclusively (or has
//    claimed it and is waiting for it in the kernel). Other objects of the
//    process wait for it on a condition variable, with their deadline,
//    before they wait in the kernel, so at most one thread per inode waits
//    in F_SETLKW.
//  - The kernel lock is set when an object of this process acquires and
//    cleared when it releases: this process has at most one in-process hold
//    per inode at a time (reentrancy is counted by LockObject).
// If the path is replaced (renamed over) between resolving and opening, the
// new descriptor lands on an inode that may already have an entry; closing
// it would drop that entry's lock, so it is parked in the entry ("spare",
// SQLite's pUnused list) and closed only with the entry.
//
// What no table can prevent: any other code of this process that opens and
// closes the file (a raw ::open + ::close, a library reading it) still
// drops the lock. The table prevents it only for lockstress objects
// (checked by posix_lock_test, RawOpenCloseDropsTheLock and
// OtherObjectDoesNotDropTheLock).
//
// fork(): the child inherits the table but not the locks (fcntl(2)); a child
// must exec or not use the table.
//
// Thread safety: thread-safe; every entry field is guarded by mu_, except
// the shared descriptor number, which is immutable for the entry's life.
#ifndef LOCKSTRESS_IMPLS_POSIX_LOCK_TABLE_H_
#define LOCKSTRESS_IMPLS_POSIX_LOCK_TABLE_H_

#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "impls/core/mechanism.h"
#include "impls/core/unique_fd.h"
#include "lockstress/os.h"
#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress {

class PosixLockTable {
 private:
  struct Entry;

 public:
  // The one table of this process.
  static PosixLockTable& Process();

  // A counted reference to one inode's entry: while it exists, the shared
  // descriptor stays open. Move-only.
  class Ref {
   public:
    Ref(Ref&& other) noexcept
        : table_(std::exchange(other.table_, nullptr)),
          entry_(std::exchange(other.entry_, nullptr)),
          os_(other.os_) {}
    Ref& operator=(Ref&&) = delete;
    Ref(const Ref&) = delete;
    ~Ref();

   private:
    friend class PosixLockTable;
    Ref(PosixLockTable* table, Entry* entry, Os* os)
        : table_(table), entry_(entry), os_(os) {}
    PosixLockTable* table_;
    Entry* entry_;
    Os* os_;  // the caller's system-call layer
  };

  // Resolves `path` and references its inode's entry, opening the shared
  // descriptor (O_RDWR, plus O_CREAT with `create`) when this process has
  // none. Errors are `kind`, naming the path; ENOENT without `create` comes
  // back as an error with sys_errno() == ENOENT.
  StatusOr<Ref> Open(Os& os, const std::string& path, bool create,
                     ErrorKind kind);

  // One try: busy when another object of this process owns the inode or
  // another process holds the kernel lock.
  StatusOr<TryResult> TryLock(const Ref& ref, const void* owner,
                              const std::string& path);
  // Waits in this process (condition variable) and then in the kernel
  // (F_SETLKW via WaitInKernel) until acquired or the deadline passes.
  Status WaitLock(const Ref& ref, const void* owner, const Deadline& deadline,
                  const std::string& path);
  // Clears the kernel lock and the in-process ownership of `owner`.
  Status Unlock(const Ref& ref, const void* owner, const std::string& path);
  // An object of this process holds it, or F_GETLK reports another
  // process's lock.
  StatusOr<bool> IsLocked(const Ref& ref, const std::string& path);

 private:
  using Key = std::pair<dev_t, ino_t>;
  struct Entry {
    Key key;
    UniqueFd fd;                  // the shared descriptor
    std::vector<UniqueFd> spare;  // closed only with the entry (see above)
    int refs = 0;
    const void* owner = nullptr;  // the in-process owner, or null
    bool granted = false;         // the owner holds the kernel lock
    std::condition_variable freed;
  };

  PosixLockTable() = default;
  void Unref(Entry* entry);

  std::mutex mu_;
  std::map<Key, std::unique_ptr<Entry>> entries_;  // guarded by mu_
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_POSIX_LOCK_TABLE_H_
