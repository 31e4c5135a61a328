#include "impls/core/stale_judge.h"

#include <functional>

#include "impls/core/owner_record.h"

namespace lockstress {
namespace {

std::string Ms(std::int64_t nanos) {
  return std::to_string(nanos / 1000000) + " ms";
}

}  // namespace

StaleJudge::StaleJudge(Os& os, FsClock& clock, LeaseTiming timing)
    : os_(os), clock_(clock), timing_(timing) {}

StatusOr<Judgement> StaleJudge::Judge(const ProcessIdentity& self,
                                      const struct stat& st,
                                      std::string_view content) {
  if (std::optional<Judgement> direct = JudgeDirectly(self, content)) {
    return *direct;
  }
  return JudgeByLease(st, content);
}

std::optional<Judgement> StaleJudge::JudgeDirectly(const ProcessIdentity& self,
                                                   std::string_view content) {
  std::optional<OwnerRecord> r = ParseOwnerRecord(content);
  if (!r || r->host != self.host || r->boot.empty() || r->boot != self.boot ||
      r->pidns == 0 || r->pidns != self.pidns || !self.proc_is_ours ||
      r->start == 0 || self.start == 0) {
    return std::nullopt;
  }
  const std::string pid = std::to_string(r->pid);
  if (r->pid == self.pid) {
    if (r->start == self.start) return Judgement{false, "held by this process"};
    return Judgement{true, "PID " + pid +
                               " is this process now, not the holder "
                               "(PID reused)"};
  }
  ProcStat ps = ReadProcStat(os_, pid);
  switch (ps.state) {
    case ProcStat::State::kMissing:
      return Judgement{true, "PID " + pid + " is dead"};
    case ProcStat::State::kExited:
      return Judgement{true, "PID " + pid + " has exited (zombie)"};
    case ProcStat::State::kRunning:
      if (ps.start != r->start) {
        return Judgement{true, "PID " + pid + " is a live process started at " +
                                   std::to_string(ps.start) + ", not at " +
                                   std::to_string(r->start) +
                                   " like the holder (PID reused)"};
      }
      return Judgement{false, "PID " + pid + " is alive"};
    case ProcStat::State::kUnreadable:
    default:
      return std::nullopt;  // cannot tell: the lease decides
  }
}

StatusOr<Judgement> StaleJudge::JudgeByLease(const struct stat& st,
                                             std::string_view content) {
  const std::int64_t lease = std::chrono::nanoseconds(timing_.lease).count();
  const std::int64_t slack =
      std::chrono::nanoseconds(timing_.mtime_slack).count();
  StatusOr<struct timespec> guess = clock_.Now(FsClock::Mode::kEstimate);
  if (!guess.ok()) return guess.status();
  // An estimate is at most one granularity behind a fresh probe: when even
  // that cannot reach the lease, the lease is surely running.
  std::int64_t age = DiffNanos(*guess, st.st_mtim);
  if (age >= -slack && age + slack <= lease) {
    watched_.reset();
    return Judgement{false, "lease running (age about " + Ms(age) + ")"};
  }
  StatusOr<struct timespec> now = clock_.Now(FsClock::Mode::kFresh);
  if (!now.ok()) return now.status();
  age = DiffNanos(*now, st.st_mtim);
  if (age < -slack) return JudgeByWatching(st, content);
  watched_.reset();
  if (age > lease) {
    return Judgement{true, "lease expired: mtime " + Ms(age) +
                               " old by the filesystem's clock"};
  }
  return Judgement{false, "lease running (age " + Ms(age) + ")"};
}

Judgement StaleJudge::JudgeByWatching(const struct stat& st,
                                      std::string_view content) {
  const auto now = std::chrono::steady_clock::now();
  const std::size_t hash = std::hash<std::string_view>{}(content);
  const bool same = watched_ && watched_->dev == st.st_dev &&
                    watched_->ino == st.st_ino &&
                    watched_->size == st.st_size &&
                    watched_->mtime.tv_sec == st.st_mtim.tv_sec &&
                    watched_->mtime.tv_nsec == st.st_mtim.tv_nsec &&
                    watched_->content_hash == hash;
  if (!same) {
    watched_ = Watched{st.st_dev, st.st_ino, st.st_size, st.st_mtim, hash, now};
  }
  if (now - watched_->since > timing_.lease) {
    return {true,
            "mtime in the future, and unchanged for longer than the "
            "lease"};
  }
  return {false, "mtime in the future: watching it for one lease"};
}

}  // namespace lockstress
