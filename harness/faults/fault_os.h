// FaultOs: an Os wrapper (os.h) that does what a FaultPlan says: crashes,
// pauses or arms an errno at a failpoint, fails system calls, skews or jumps
// the wall clock, and coarsens the mtimes it reads.
//
// lockstress-worker installs one in front of Os::Default() when it is given
// --fault or LOCKSTRESS_FAULTS, and passes it to every lock object it makes
// (LockOptions::os). Like LevelDB's FaultInjectionTestEnv over EnvWrapper
// and SQLite's aSyscall[] overrides, nothing in the implementations changes.
//
// Platform facts:
//  - _exit(2) ends the process at once, without running atexit handlers or
//    destructors: nothing is released by us, exactly as in a crash; the
//    kernel still closes every descriptor (so flock/OFD/POSIX locks go).
//  - SIGKILL cannot be caught; kill(getpid(), SIGKILL) ends the whole
//    process (signal(7)), like the nemesis's kill -9.
//  - Filesystems store mtimes at their own granularity (ext4 with 256-byte
//    inodes: 1 ns; ext3 and HFS+: 1 s; FAT: 2 s; NFSv3 servers: what the
//    server's filesystem keeps). Rounding st_mtim down here shows an
//    implementation the mtimes such a filesystem would.
//
// Thread safety: thread-safe. Hit counters are atomic; an errno armed by a
// failpoint is pending for the thread that passed the failpoint only.
#ifndef LOCKSTRESS_HARNESS_FAULTS_FAULT_OS_H_
#define LOCKSTRESS_HARNESS_FAULTS_FAULT_OS_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "harness/faults/fault_spec.h"
#include "lockstress/os.h"

namespace lockstress {

class FaultOs final : public OsWrapper {
 public:
  FaultOs(Os* target, FaultPlan plan);

  int Open(const char* path, int flags, mode_t mode) override;
  int Close(int fd) override;
  ssize_t Read(int fd, void* buf, size_t n) override;
  ssize_t Pread(int fd, void* buf, size_t n, off_t offset) override;
  ssize_t Write(int fd, const void* buf, size_t n) override;
  ssize_t Pwrite(int fd, const void* buf, size_t n, off_t offset) override;
  int Ftruncate(int fd, off_t length) override;
  int Fsync(int fd) override;
  int Fstat(int fd, struct stat* st) override;
  int Lstat(const char* path, struct stat* st) override;
  int Link(const char* from, const char* to) override;
  int Unlink(const char* path) override;
  int Rename(const char* from, const char* to) override;
  int Mkdir(const char* path, mode_t mode) override;
  int Rmdir(const char* path) override;
  int Flock(int fd, int operation) override;
  int FcntlLock(int fd, int cmd, struct flock* lock) override;
  int Gethostname(char* name, size_t len) override;
  struct timespec WallClock() override;
  void Failpoint(std::string_view name) override;

  // How many times `point` has been passed (for tests and logs).
  int Passages(std::string_view point) const;

 private:
  // The errno the call `syscall` must fail with now, or 0 to make it.
  int Injected(std::string_view syscall);
  void Coarsen(struct stat* st) const;

  const FaultPlan plan_;
  const std::chrono::steady_clock::time_point born_;
  // One per plan_.failpoints / plan_.syscalls entry.
  std::unique_ptr<std::atomic<int>[]> passages_;
  std::unique_ptr<std::atomic<int>[]> calls_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_FAULTS_FAULT_OS_H_
