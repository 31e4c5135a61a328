// FsClock: "now" as the filesystem that holds a lock sees it.
//
// A lease is only as good as the clock it is measured with. The holder's
// refreshes stamp the lock file's mtime with the *filesystem's* clock (the
// NFS server's, for NFS; the kernel's coarse clock, locally), so staleness
// is measured against the same clock: we write a fresh probe file in the
// lock's directory and read back its mtime. The local wall clock
// (Os::WallClock) is never consulted, so a skewed or jumping client clock
// cannot break a live lease or keep a dead one.
//
// Platform facts:
//  - write(2) sets the file's mtime to the current time of the filesystem
//    (for NFS the server sets it; locally it is current_time(), the coarse
//    realtime clock, a few ms resolution). Some filesystems store coarser
//    stamps (1 s, FAT's 2 s): see the granularity slack in stale_judge.h.
//  - Creating and removing the probe shows up in inotify (IN_CLOSE_WRITE,
//    IN_DELETE) for every waiter watching the directory. Probing at every
//    try would wake all waiters, whose probes would wake us again: a
//    wake-up storm. So Now(kEstimate) extrapolates the last probe with the
//    monotonic clock (no wall time involved) and a probe is written only
//    when the last one is older than `max_age`, or when a caller is about
//    to break a lock (Now(kFresh)).
//
// Thread safety: not thread-safe; one per lock object.
#ifndef LOCKSTRESS_IMPLS_CORE_FS_CLOCK_H_
#define LOCKSTRESS_IMPLS_CORE_FS_CLOCK_H_

#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "lockstress/os.h"
#include "lockstress/status.h"

namespace lockstress {

class FsClock {
 public:
  enum class Mode : unsigned char { kEstimate, kFresh };

  // `probe_path`: a name in the lock's directory that nobody else uses.
  FsClock(Os& os, std::string probe_path, std::chrono::milliseconds max_age);

  // The filesystem's current time. Errors (the probe could not be written)
  // are LockFailed naming the probe path and the cause.
  StatusOr<struct timespec> Now(Mode mode);

 private:
  StatusOr<struct timespec> Probe();

  Os& os_;
  const std::string probe_path_;
  const std::chrono::milliseconds max_age_;
  struct Sample {
    struct timespec fs_time;
    std::chrono::steady_clock::time_point taken;
  };
  std::optional<Sample> last_;
};

// a - b in nanoseconds (saturating far outside +-292 years).
std::int64_t DiffNanos(const struct timespec& a, const struct timespec& b);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_FS_CLOCK_H_
