#include "impls/core/lease_heartbeat.h"

#include <utility>

#include "impls/core/lock_files.h"

namespace lockstress {

LeaseHeartbeat::LeaseHeartbeat(Os& os, int fd, std::string path,
                               OwnerRecord record,
                               std::chrono::milliseconds period)
    : os_(os),
      fd_(fd),
      path_(std::move(path)),
      period_(period),
      thread_([this, record = std::move(record)] { Run(record); }) {}

LeaseHeartbeat::~LeaseHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseHeartbeat::Run(OwnerRecord record) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (wake_.wait_for(lock, period_, [this] { return stop_; })) return;
    lock.unlock();
    ++record.generation;
    os_.Failpoint("lease/heartbeat");
    (void)WriteWhole(os_, fd_, path_, FormatOwnerRecord(record),
                     ErrorKind::kError);
    lock.lock();
  }
}

}  // namespace lockstress
