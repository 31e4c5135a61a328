#include "impls/core/stale_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include "impls/core/lock_files.h"
#include "impls/core/unique_fd.h"
#include "lockstress/os.h"
#include "lockstress/timeout.h"

namespace lockstress {
namespace {

// Reports another owner: its PID (also as the TID, so HOSTNAME-TID-PID
// names stay plausible) and host name; everything else is the real thing.
class OwnerOs : public OsWrapper {
 public:
  OwnerOs(pid_t pid, std::string host)
      : OsWrapper(&Os::Default()), pid_(pid), host_(std::move(host)) {}
  pid_t Getpid() override { return pid_ > 0 ? pid_ : OsWrapper::Getpid(); }
  pid_t Gettid() override { return pid_ > 0 ? pid_ : OsWrapper::Gettid(); }
  int Gethostname(char* name, size_t len) override {
    if (host_.empty()) return OsWrapper::Gethostname(name, len);
    if (len <= host_.size()) {
      errno = ENAMETOOLONG;
      return -1;
    }
    host_.copy(name, host_.size());
    name[host_.size()] = '\0';
    return 0;
  }

 private:
  const pid_t pid_;
  const std::string host_;
};

struct Abandoned {
  std::unique_ptr<OwnerOs> os;
  std::unique_ptr<Lock> lock;
};

// Held on purpose until the process ends: reachable from a global, so leak
// checkers do not count it, and never destroyed (destruction would release).
std::vector<Abandoned>& AbandonedLocks() {
  static auto* all = new std::vector<Abandoned>();
  return *all;
}

}  // namespace

std::string_view StaleRecordName(StaleRecord record) {
  switch (record) {
    case StaleRecord::kEmpty:
      return "empty";
    case StaleRecord::kTruncated:
      return "truncated";
    case StaleRecord::kGarbage:
      return "garbage";
    case StaleRecord::kOwner:
    default:
      return "owner";
  }
}

std::optional<StaleRecord> ParseStaleRecord(std::string_view name) {
  for (StaleRecord r : {StaleRecord::kOwner, StaleRecord::kEmpty,
                        StaleRecord::kTruncated, StaleRecord::kGarbage}) {
    if (StaleRecordName(r) == name) return r;
  }
  return std::nullopt;
}

Status AbandonHeldLock(const LockMaker& make, const StaleSeed& seed,
                       const RecordSpoiler& spoil) {
  static std::mutex mu;
  std::lock_guard<std::mutex> guard(mu);
  Abandoned a;
  a.os = std::make_unique<OwnerOs>(seed.owner_pid, seed.owner_host);
  a.lock = make({.path = seed.path, .os = a.os.get()});
  if (a.lock == nullptr) {
    return Status(ErrorKind::kLockFailed, seed.path,
                  "the implementation made no lock object");
  }
  if (Status s = a.lock->Acquire(Timeout::NonBlocking()); !s.ok()) return s;
  AbandonedLocks().push_back(std::move(a));
  if (seed.record == StaleRecord::kOwner) return Status::Ok();
  return spoil(seed.path, seed.record);
}

Status SpoilRecordFile(const std::string& file, StaleRecord record) {
  StatusOr<std::string> was = ReadSmallFile(Os::Default(), file);
  if (!was.ok()) return was.status();
  std::string now;
  if (record == StaleRecord::kTruncated) {
    now = was->substr(0, was->size() / 2);
  } else if (record == StaleRecord::kGarbage) {
    now = std::string("\xff\xfe garbage\0-1 not-a-pid \x7f", 25);
  }
  UniqueFd fd(::open(file.c_str(), O_WRONLY | kLockFileOpenFlags));
  if (fd.get() < 0)
    return LockPathError(ErrorKind::kError, "open", file, errno);
  return WriteWhole(Os::Default(), fd.get(), file, now, ErrorKind::kError);
}

StaleWriter FileRecordWriter(
    LockMaker make,
    std::function<std::string(const std::string&)> record_file) {
  return [make = std::move(make),
          record_file = std::move(record_file)](const StaleSeed& seed) {
    return AbandonHeldLock(make, seed,
                           [&](const std::string& path, StaleRecord record) {
                             return SpoilRecordFile(record_file(path), record);
                           });
  };
}

ImplEntry WithStaleRecordFile(
    ImplEntry entry,
    std::function<std::string(const std::string&)> record_file) {
  entry.write_stale = FileRecordWriter(entry.make, std::move(record_file));
  return entry;
}

std::string RecordIsLockPath(const std::string& path) { return path; }

}  // namespace lockstress
