#include "lockstress/os.h"

#include <sys/syscall.h>

namespace lockstress {

Os& Os::Default() {
  static Os* os = new Os();
  return *os;
}

int Os::Open(const char* path, int flags, mode_t mode) {
  return ::open(path, flags, mode);
}
int Os::Close(int fd) { return ::close(fd); }
ssize_t Os::Read(int fd, void* buf, size_t n) { return ::read(fd, buf, n); }
ssize_t Os::Pread(int fd, void* buf, size_t n, off_t offset) {
  return ::pread(fd, buf, n, offset);
}
ssize_t Os::Write(int fd, const void* buf, size_t n) {
  return ::write(fd, buf, n);
}
ssize_t Os::Pwrite(int fd, const void* buf, size_t n, off_t offset) {
  return ::pwrite(fd, buf, n, offset);
}
int Os::Ftruncate(int fd, off_t length) { return ::ftruncate(fd, length); }
int Os::Fsync(int fd) { return ::fsync(fd); }
int Os::Fstat(int fd, struct stat* st) { return ::fstat(fd, st); }
int Os::Lstat(const char* path, struct stat* st) { return ::lstat(path, st); }
int Os::Link(const char* from, const char* to) { return ::link(from, to); }
int Os::Unlink(const char* path) { return ::unlink(path); }
int Os::Rename(const char* from, const char* to) { return ::rename(from, to); }
int Os::Mkdir(const char* path, mode_t mode) { return ::mkdir(path, mode); }
int Os::Rmdir(const char* path) { return ::rmdir(path); }
int Os::Flock(int fd, int operation) { return ::flock(fd, operation); }
int Os::FcntlLock(int fd, int cmd, struct flock* lock) {
  return ::fcntl(fd, cmd, lock);
}
int Os::Gethostname(char* name, size_t len) { return ::gethostname(name, len); }
pid_t Os::Getpid() { return ::getpid(); }
pid_t Os::Gettid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }
struct timespec Os::WallClock() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}
void Os::Failpoint(std::string_view /*name*/) {}

}  // namespace lockstress
