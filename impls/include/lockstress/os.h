// Os: the thin system-call layer every built-in implementation goes through.
//
// Like SQLite's aSyscall[] table and LevelDB's EnvWrapper, it exists so that
// the harness can interpose: fail a call with an errno, pause or crash
// between two steps (failpoints), or skew the wall clock, without editing
// the implementations. Each method behaves exactly as the system call of the
// same name: it returns -1 and sets errno on failure.
//
// Failpoints: an implementation calls Failpoint("link/after_link") between
// two steps; the default does nothing. Every implementation lists its
// failpoint names in ImplInfo::failpoints.
//
// Thread safety: Os::Default() is stateless and thread-safe; wrappers must
// be thread-safe too, since lock objects in many threads share one Os.
#ifndef LOCKSTRESS_OS_H_
#define LOCKSTRESS_OS_H_

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

namespace lockstress {

class Os {
 public:
  virtual ~Os() = default;
  // The real system calls.
  static Os& Default();

  virtual int Open(const char* path, int flags, mode_t mode);
  virtual int Close(int fd);
  virtual ssize_t Read(int fd, void* buf, size_t n);
  virtual ssize_t Pread(int fd, void* buf, size_t n, off_t offset);
  virtual ssize_t Write(int fd, const void* buf, size_t n);
  virtual ssize_t Pwrite(int fd, const void* buf, size_t n, off_t offset);
  virtual int Ftruncate(int fd, off_t length);
  virtual int Fsync(int fd);
  virtual int Fstat(int fd, struct stat* st);
  virtual int Lstat(const char* path, struct stat* st);
  virtual int Link(const char* from, const char* to);
  virtual int Unlink(const char* path);
  virtual int Rename(const char* from, const char* to);
  virtual int Mkdir(const char* path, mode_t mode);
  virtual int Rmdir(const char* path);
  virtual int Flock(int fd, int operation);
  // fcntl with a struct flock argument: F_SETLK(W), F_GETLK, F_OFD_*.
  virtual int FcntlLock(int fd, int cmd, struct flock* lock);
  virtual int Gethostname(char* name, size_t len);
  virtual pid_t Getpid();
  virtual pid_t Gettid();
  // CLOCK_REALTIME: the wall clock that time-based staleness compares with
  // file mtimes. Clock-fault scenarios skew it here.
  virtual struct timespec WallClock();
  // Called between two steps of an implementation; does nothing by default.
  virtual void Failpoint(std::string_view name);
};

// Forwards every call to a target; override only what you change.
class OsWrapper : public Os {
 public:
  explicit OsWrapper(Os* target) : target_(target) {}
  Os* target() const { return target_; }

  int Open(const char* path, int flags, mode_t mode) override {
    return target_->Open(path, flags, mode);
  }
  int Close(int fd) override { return target_->Close(fd); }
  ssize_t Read(int fd, void* buf, size_t n) override {
    return target_->Read(fd, buf, n);
  }
  ssize_t Pread(int fd, void* buf, size_t n, off_t offset) override {
    return target_->Pread(fd, buf, n, offset);
  }
  ssize_t Write(int fd, const void* buf, size_t n) override {
    return target_->Write(fd, buf, n);
  }
  ssize_t Pwrite(int fd, const void* buf, size_t n, off_t offset) override {
    return target_->Pwrite(fd, buf, n, offset);
  }
  int Ftruncate(int fd, off_t length) override {
    return target_->Ftruncate(fd, length);
  }
  int Fsync(int fd) override { return target_->Fsync(fd); }
  int Fstat(int fd, struct stat* st) override { return target_->Fstat(fd, st); }
  int Lstat(const char* path, struct stat* st) override {
    return target_->Lstat(path, st);
  }
  int Link(const char* from, const char* to) override {
    return target_->Link(from, to);
  }
  int Unlink(const char* path) override { return target_->Unlink(path); }
  int Rename(const char* from, const char* to) override {
    return target_->Rename(from, to);
  }
  int Mkdir(const char* path, mode_t mode) override {
    return target_->Mkdir(path, mode);
  }
  int Rmdir(const char* path) override { return target_->Rmdir(path); }
  int Flock(int fd, int operation) override {
    return target_->Flock(fd, operation);
  }
  int FcntlLock(int fd, int cmd, struct flock* lock) override {
    return target_->FcntlLock(fd, cmd, lock);
  }
  int Gethostname(char* name, size_t len) override {
    return target_->Gethostname(name, len);
  }
  pid_t Getpid() override { return target_->Getpid(); }
  pid_t Gettid() override { return target_->Gettid(); }
  struct timespec WallClock() override {
    return target_->WallClock();
  }
  void Failpoint(std::string_view name) override { target_->Failpoint(name); }

 private:
  Os* target_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_OS_H_
