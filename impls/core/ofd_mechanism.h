// OfdMechanism: an open file description lock (F_OFD_SETLK) on all of PATH,
// the mechanism of both ofd (ofd_lock.cc, exclusive only) and rw
// (rw_lock.cc, readers and writers). Those files hold each one's model,
// ImplInfo and entry; the descriptor handling is held_descriptor.h's.
//
// Platform facts (fcntl(2), "Open file description locks (non-POSIX)"):
//  - Every request covers the whole file (whole_file_lock.h); l_pid must be
//    0, else EINVAL.
//  - F_RDLCK needs a descriptor open for reading, F_WRLCK one open for
//    writing (else EBADF): the lock descriptor is O_RDWR.
//  - Conflicts are EAGAIN or EACCES for F_OFD_SETLK.
//  - F_OFD_GETLK reports a conflicting lock held through ANY other open file
//    description, including one of this process. IsLocked asks it for
//    F_WRLCK, which any read or write lock conflicts with, from a separate
//    read-only descriptor (l_pid comes back -1); it never takes the lock.
//
// Thread safety: a Mechanism, used by its one LockObject, one thread at a
// time.
#ifndef LOCKSTRESS_IMPLS_CORE_OFD_MECHANISM_H_
#define LOCKSTRESS_IMPLS_CORE_OFD_MECHANISM_H_

#include <string>

#include "impls/core/held_descriptor.h"

namespace lockstress {

class OfdMechanism final : public HeldDescriptorMechanism {
 public:
  // `name` names the failpoints ("ofd" gives "ofd/after_open" and
  // "ofd/after_unlock_before_close"). With `offers_shared`, a kShared
  // acquire takes F_RDLCK; otherwise every acquire takes F_WRLCK.
  OfdMechanism(const LockOptions& options, const std::string& lock_path,
               const std::string& name, bool offers_shared);

  StatusOr<bool> IsLocked(bool object_holds) override;

 protected:
  int LockNow(int fd, LockMode mode) override;
  int LockWaiting(int fd, LockMode mode) override;
  int Unlock(int fd) override;
  bool IsBusy(int err) const override;

 private:
  short TypeOf(LockMode mode) const;

  const bool offers_shared_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_OFD_MECHANISM_H_
