// WholeFileLock: the struct flock that covers all of a file.
//
// Platform facts (fcntl(2), "Advisory record locking"):
//  - l_whence SEEK_SET, l_start 0 and l_len 0 cover the file from its first
//    byte to the end, however far it grows later.
//  - For open file description locks (F_OFD_*) l_pid must be 0, else
//    EINVAL; POSIX locks ignore it on input. The value-initialised struct
//    leaves it 0 for both.
//
// Thread safety: a pure function.
#ifndef LOCKSTRESS_IMPLS_CORE_WHOLE_FILE_LOCK_H_
#define LOCKSTRESS_IMPLS_CORE_WHOLE_FILE_LOCK_H_

#include <fcntl.h>
#include <unistd.h>

namespace lockstress {

// A lock request of `type` (F_RDLCK, F_WRLCK, F_UNLCK) on the whole file.
inline struct flock WholeFileLock(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // to the end of the file, however it grows
  fl.l_pid = 0;  // required for OFD locks
  return fl;
}

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_WHOLE_FILE_LOCK_H_
