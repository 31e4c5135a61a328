// StaleJudge: is the holder of a lease lock file dead?
//
// Two ways to know, tried in order (docs/lease.md has the full argument):
//
//  1. Directly. The record (owner_record.h) names our host, our boot and
//     our PID namespace, and /proc is our namespace's (process_identity.h):
//     then /proc/PID/stat answers. No such process, a zombie, or a process
//     with another start time (the PID was reused) -> dead, at once. The
//     same start time -> alive, however long it has not refreshed (a
//     SIGSTOPped holder stays the holder).
//  2. By the lease. Anything else (another hostname, boot or namespace, a
//     /proc we cannot trust, an unreadable or unparseable record): the
//     holder refreshes the file's mtime every heartbeat; the lock is stale
//     once its mtime is older than `lease` by the filesystem's own clock
//     (fs_clock.h). An mtime further in the future than the granularity
//     slack cannot be measured that way (a seeded file, a server clock that
//     stepped back): such a file is stale once we have watched it stay
//     exactly the same (inode, size, mtime, content) for `lease` on our
//     monotonic clock.
//
// Thread safety: not thread-safe; one per lock object.
#ifndef LOCKSTRESS_IMPLS_CORE_STALE_JUDGE_H_
#define LOCKSTRESS_IMPLS_CORE_STALE_JUDGE_H_

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "impls/core/fs_clock.h"
#include "impls/core/process_identity.h"
#include "lockstress/os.h"
#include "lockstress/status.h"

namespace lockstress {

struct LeaseTiming {
  // A lock judged by its lease is stale once its mtime is older than this.
  std::chrono::milliseconds lease{3000};
  // How often a holder rewrites its record (refreshing the mtime).
  std::chrono::milliseconds heartbeat{250};
  // The coarsest mtime granularity tolerated (1 s: ext3, some NFS
  // servers). Mtimes this far ahead of the probe are still "now".
  std::chrono::milliseconds mtime_slack{1000};
  // A probe older than this is not extrapolated (fs_clock.h). Long is
  // safe: the extrapolation only ever says "surely fresh"; a lock is
  // declared stale only after a fresh probe. A forward jump of the
  // filesystem's clock delays a takeover by at most this much; rate
  // differences (NTP slews <= 500 ppm) are milliseconds.
  std::chrono::milliseconds probe_max_age{10000};

  // The longest a holder may stop (SIGSTOP, swap, VM pause) without losing
  // a lease judged from another host: lease - heartbeat - mtime_slack.
  std::chrono::milliseconds LongestToleratedPause() const {
    return lease - heartbeat - mtime_slack;
  }
  // ImplInfo::stale_bound: a dead holder's last refresh is at most `lease`
  // plus the granularity old when it is broken, plus polling and probing.
  std::chrono::milliseconds StaleBound() const {
    return lease + mtime_slack + std::chrono::milliseconds(500);
  }
};

struct Judgement {
  bool stale = false;
  std::string why;  // for messages and tests: "PID 12 is dead", ...
};

class StaleJudge {
 public:
  StaleJudge(Os& os, FsClock& clock, LeaseTiming timing);

  // `st`: lstat of the lock file; `content`: what was read of it ("" when
  // unreadable). Errors only when the filesystem clock cannot be read.
  StatusOr<Judgement> Judge(const ProcessIdentity& self, const struct stat& st,
                            std::string_view content);

 private:
  std::optional<Judgement> JudgeDirectly(const ProcessIdentity& self,
                                         std::string_view content);
  StatusOr<Judgement> JudgeByLease(const struct stat& st,
                                   std::string_view content);
  Judgement JudgeByWatching(const struct stat& st, std::string_view content);

  Os& os_;
  FsClock& clock_;
  const LeaseTiming timing_;
  // The file being watched because its mtime lies in the future.
  struct Watched {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    std::size_t content_hash;
    std::chrono::steady_clock::time_point since;
  };
  std::optional<Watched> watched_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_STALE_JUDGE_H_
