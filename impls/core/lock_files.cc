#include "impls/core/lock_files.h"

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>

namespace lockstress {
namespace {

// How often OpenLockFile retries an open interrupted by a signal.
constexpr int kOpenEintrRetries = 16;

}  // namespace

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string EntryName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status LockPathError(ErrorKind kind, std::string_view syscall,
                     const std::string& path, int err) {
  std::string why;
  switch (err) {
    case ENOENT:
      why = "directory '" + DirectoryOf(path) + "' does not exist";
      break;
    case ENOTDIR:
      why = "a component of the path is not a directory";
      break;
    case EACCES:
    case EPERM:
      why = "no permission: is directory '" + DirectoryOf(path) +
            "' writable by this user?";
      break;
    case EROFS:
      why = "the filesystem is read-only";
      break;
    case ELOOP:
      why =
          "the lock path is a symbolic link, and lock files are never "
          "followed";
      break;
    case ENAMETOOLONG:
      why = "the path is too long";
      break;
    case EISDIR:
      why = "the lock path is a directory";
      break;
    case ENXIO:
      why = "the lock path is a FIFO or device";
      break;
    case ENOSPC:
    case EDQUOT:
      why = "no space left for the lock file";
      break;
    case EMFILE:
    case ENFILE:
      why = "out of file descriptors";
      break;
    default:
      break;
  }
  return PosixError(kind, syscall, path, err, why);
}

StatusOr<UniqueFd> OpenLockFile(Os& os, const std::string& path, int flags,
                                ErrorKind kind) {
  // open(2) may fail with EINTR when a signal arrives while it blocks
  // (NFS with `intr`, FUSE, a FIFO); nothing was opened, so we try again,
  // a bounded number of times, as SQLite's robust_open does.
  int raw = -1;
  for (int tries = 0; tries < kOpenEintrRetries; ++tries) {
    raw = os.Open(path.c_str(), flags | kLockFileOpenFlags, 0644);
    if (raw >= 0 || errno != EINTR) break;
  }
  UniqueFd fd(raw, &os);
  if (!fd) return LockPathError(kind, "open", path, errno);
  struct stat st {};
  if (os.Fstat(fd.get(), &st) != 0) {
    return LockPathError(kind, "fstat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISFIFO(st.st_mode)  ? "a FIFO"
                       : S_ISDIR(st.st_mode) ? "a directory"
                                             : "not a regular file";
    return Status(kind, path,
                  std::string("the lock path is ") + what +
                      ", not a regular file; refusing to use it as a lock");
  }
  return fd;
}

std::string HostName(Os& os) {
  char buf[HOST_NAME_MAX + 1] = {};
  if (os.Gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string UniqueName(Os& os, bool threaded) {
  std::string name = HostName(os);
  if (threaded) name += "-" + std::to_string(os.Gettid());
  name += "-" + std::to_string(os.Getpid());
  return name;
}

std::string HashHex(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

StatusOr<std::string> ReadSmallFile(Os& os, const std::string& path,
                                    size_t limit) {
  StatusOr<UniqueFd> fd = OpenLockFile(os, path, O_RDONLY, ErrorKind::kError);
  if (!fd.ok()) return fd.status();
  std::string out(limit, '\0');
  size_t got = 0;
  while (got < limit) {
    ssize_t n = os.Pread(fd->get(), out.data() + got, limit - got,
                         static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LockPathError(ErrorKind::kError, "pread", path, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

Status WriteWhole(Os& os, int fd, const std::string& path,
                  const std::string& content, ErrorKind kind) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = os.Pwrite(fd, content.data() + done, content.size() - done,
                          static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LockPathError(kind, "pwrite", path, errno);
    done += static_cast<size_t>(n);
  }
  if (os.Ftruncate(fd, static_cast<off_t>(content.size())) != 0) {
    return LockPathError(kind, "ftruncate", path, errno);
  }
  return Status::Ok();
}

}  // namespace lockstress
