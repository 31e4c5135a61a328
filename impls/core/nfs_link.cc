#include "impls/core/nfs_link.h"

#include <cerrno>

namespace lockstress {

bool LinkErrnoProvesNoLink(int err) {
  switch (err) {
    case EPERM:
    case EXDEV:
    case ENOENT:
    case ENOTDIR:
    case EACCES:
    case EROFS:
    case EMLINK:
    case ENAMETOOLONG:
    case ELOOP:
    case EFAULT:
    case EINVAL:
      return true;
    default:
      return false;
  }
}

}  // namespace lockstress
