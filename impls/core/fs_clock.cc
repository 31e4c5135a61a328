#include "impls/core/fs_clock.h"

#include <cerrno>
#include <limits>
#include <utility>

#include "impls/core/lock_files.h"
#include "impls/core/unique_fd.h"

namespace lockstress {

std::int64_t DiffNanos(const struct timespec& a, const struct timespec& b) {
  constexpr std::int64_t kMaxSeconds =
      std::numeric_limits<std::int64_t>::max() / 1000000000 - 1;
  // Computed in long double to avoid overflow of tv_sec differences.
  long double seconds =
      static_cast<long double>(a.tv_sec) - static_cast<long double>(b.tv_sec);
  if (seconds > kMaxSeconds) return std::numeric_limits<std::int64_t>::max();
  if (seconds < -kMaxSeconds) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(seconds) * 1000000000 +
         (static_cast<std::int64_t>(a.tv_nsec) -
          static_cast<std::int64_t>(b.tv_nsec));
}

FsClock::FsClock(Os& os, std::string probe_path,
                 std::chrono::milliseconds max_age)
    : os_(os), probe_path_(std::move(probe_path)), max_age_(max_age) {}

StatusOr<struct timespec> FsClock::Now(Mode mode) {
  const auto now = std::chrono::steady_clock::now();
  if (mode == Mode::kEstimate && last_ && now - last_->taken <= max_age_) {
    auto elapsed =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_->taken)
            .count();
    struct timespec t = last_->fs_time;
    t.tv_sec += static_cast<time_t>(elapsed / 1000000000);
    t.tv_nsec += static_cast<long>(elapsed % 1000000000);
    if (t.tv_nsec >= 1000000000) {
      t.tv_nsec -= 1000000000;
      ++t.tv_sec;
    }
    return t;
  }
  StatusOr<struct timespec> fs_time = Probe();
  if (!fs_time.ok()) return fs_time;
  last_ = Sample{*fs_time, now};
  return fs_time;
}

StatusOr<struct timespec> FsClock::Probe() {
  // O_EXCL: the name is ours alone; a leftover from a crash is removed first.
  (void)os_.Unlink(probe_path_.c_str());
  StatusOr<UniqueFd> fd =
      OpenLockFile(os_, probe_path_, O_CREAT | O_EXCL | O_WRONLY);
  if (!fd.ok()) return fd.status();
  struct stat st {};
  Status written = WriteWhole(os_, fd->get(), probe_path_, "probe\n",
                              ErrorKind::kLockFailed);
  os_.Failpoint("lease/probe_written");
  int fstat_errno = 0;
  if (written.ok() && os_.Fstat(fd->get(), &st) != 0) fstat_errno = errno;
  fd->reset();
  (void)os_.Unlink(probe_path_.c_str());
  if (!written.ok()) return written;
  if (fstat_errno != 0) {
    return LockPathError(ErrorKind::kLockFailed, "fstat", probe_path_,
                         fstat_errno);
  }
  return st.st_mtim;
}

}  // namespace lockstress
