#include "impls/posix_lock_table.h"

#include <cerrno>

#include "impls/core/kernel_wait.h"
#include "impls/core/lock_files.h"
#include "impls/core/whole_file_lock.h"

namespace lockstress {

PosixLockTable& PosixLockTable::Process() {
  static PosixLockTable* table = new PosixLockTable();
  return *table;
}

PosixLockTable::Ref::~Ref() {
  if (table_ != nullptr) table_->Unref(entry_);
}

void PosixLockTable::Unref(Entry* entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (--entry->refs > 0) return;
  // Nobody references it, so nobody of ours holds or waits for the lock:
  // closing the descriptors now cannot drop a lock of a lockstress object.
  entries_.erase(entry->key);
}

StatusOr<PosixLockTable::Ref> PosixLockTable::Open(Os& os,
                                                   const std::string& path,
                                                   bool create,
                                                   ErrorKind kind) {
  // Held across the open: two threads must not both open the inode, since
  // the loser's close would drop the winner's lock.
  std::lock_guard<std::mutex> lock(mu_);
  struct stat st {};
  if (os.Lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    auto it = entries_.find(Key(st.st_dev, st.st_ino));
    if (it != entries_.end()) {
      ++it->second->refs;
      return Ref(this, it->second.get(), &os);
    }
  }
  StatusOr<UniqueFd> fd =
      OpenLockFile(os, path, O_RDWR | (create ? O_CREAT : 0), kind);
  if (!fd.ok()) return fd.status();
  if (os.Fstat(fd->get(), &st) != 0) {
    return LockPathError(kind, "fstat", path, errno);
  }
  Key key(st.st_dev, st.st_ino);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    // The path was replaced by an inode we already have open: park the new
    // descriptor, never close it while the entry may hold the lock.
    it->second->spare.push_back(std::move(*fd));
    ++it->second->refs;
    return Ref(this, it->second.get(), &os);
  }
  auto entry = std::make_unique<Entry>();
  entry->key = key;
  entry->fd = std::move(*fd);
  entry->refs = 1;
  Entry* raw = entry.get();
  entries_.emplace(key, std::move(entry));
  return Ref(this, raw, &os);
}

StatusOr<TryResult> PosixLockTable::TryLock(const Ref& ref, const void* owner,
                                            const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = *ref.entry_;
  // Another object of this process: the kernel would grant it to us too
  // (one process never conflicts with itself), so this check is the lock.
  if (e.owner != nullptr) return TryResult::kBusy;
  struct flock fl = WholeFileLock(F_WRLCK);
  if (ref.os_->FcntlLock(e.fd.get(), F_SETLK, &fl) == 0) {
    e.owner = owner;
    e.granted = true;
    return TryResult::kAcquired;
  }
  int err = errno;
  // fcntl(2): a conflicting lock gives EACCES or EAGAIN.
  if (err == EACCES || err == EAGAIN) return TryResult::kBusy;
  return PosixError(ErrorKind::kLockFailed, "fcntl(F_SETLK)", path, err);
}

Status PosixLockTable::WaitLock(const Ref& ref, const void* owner,
                                const Deadline& deadline,
                                const std::string& path) {
  Entry& e = *ref.entry_;
  int fd = -1;
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (e.owner != nullptr) {
      if (deadline.is_never()) {
        e.freed.wait(lock);
      } else if (e.freed.wait_until(lock, deadline.at()) ==
                     std::cv_status::timeout &&
                 e.owner != nullptr) {
        return Status(ErrorKind::kLockTimeout, path,
                      "still held by another object of this process when "
                      "the deadline passed");
      }
    }
    // Claim it in-process: other objects now wait here, not in the kernel.
    e.owner = owner;
    e.granted = false;
    fd = e.fd.get();
  }
  // fcntl(2): F_SETLKW may fail with EDEADLK when the kernel sees a cycle
  // of POSIX-lock waiters between processes; that is reported as LockFailed.
  Os& os = *ref.os_;
  Status s = WaitInKernel(
      [&] {
        struct flock fl = WholeFileLock(F_WRLCK);
        return os.FcntlLock(fd, F_SETLKW, &fl);
      },
      deadline, path, "fcntl(F_SETLKW)");
  std::lock_guard<std::mutex> lock(mu_);
  if (s.ok()) {
    e.granted = true;
  } else {
    e.owner = nullptr;
    e.freed.notify_all();
  }
  return s;
}

Status PosixLockTable::Unlock(const Ref& ref, const void* owner,
                              const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = *ref.entry_;
  if (e.owner != owner || !e.granted) {
    return Status(ErrorKind::kNotLocked, path,
                  "internal: this object does not own the inode's entry");
  }
  Status s;
  struct flock fl = WholeFileLock(F_UNLCK);
  if (ref.os_->FcntlLock(e.fd.get(), F_SETLK, &fl) != 0) {
    s = PosixError(ErrorKind::kUnlockError, "fcntl(F_SETLK)", path, errno,
                   "F_UNLCK failed");
  }
  e.owner = nullptr;
  e.granted = false;
  e.freed.notify_all();
  return s;
}

StatusOr<bool> PosixLockTable::IsLocked(const Ref& ref,
                                        const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = *ref.entry_;
  if (e.owner != nullptr && e.granted) return true;
  // F_GETLK reports only other processes' locks, never our own.
  struct flock fl = WholeFileLock(F_WRLCK);
  if (ref.os_->FcntlLock(e.fd.get(), F_GETLK, &fl) != 0) {
    return PosixError(ErrorKind::kError, "fcntl(F_GETLK)", path, errno);
  }
  return fl.l_type != F_UNLCK;
}

}  // namespace lockstress
