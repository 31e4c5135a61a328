#include "impls/core/change_waiter.h"

#include <poll.h>
#include <sys/inotify.h>

#include <algorithm>
#include <array>
#include <thread>

namespace lockstress {

ChangeWaiter::ChangeWaiter(const std::string& directory,
                           std::chrono::milliseconds max_interval)
    : max_(std::max<std::chrono::microseconds>(max_interval,
                                               std::chrono::microseconds(1))) {
  next_ = std::min(next_, max_);
  if (directory.empty()) return;
  inotify_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!inotify_) return;  // e.g. EMFILE: back-off alone still bounds the wait
  constexpr uint32_t kMask = IN_DELETE | IN_MOVED_FROM | IN_ATTRIB |
                             IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF;
  if (inotify_add_watch(inotify_.get(), directory.c_str(), kMask) < 0) {
    inotify_.reset();
  }
}

void ChangeWaiter::Wait(const Deadline& deadline) {
  auto sleep = std::min<std::chrono::nanoseconds>(next_, deadline.remaining());
  next_ = std::min(next_ * 2, max_);
  if (sleep.count() <= 0) return;
  if (!inotify_) {
    std::this_thread::sleep_for(sleep);
    return;
  }
  struct pollfd pfd = {inotify_.get(), POLLIN, 0};
  // Round up so a sub-millisecond sleep still sleeps.
  int ms = static_cast<int>((sleep.count() + 999999) / 1000000);
  if (poll(&pfd, 1, ms) > 0) Drain();
}

void ChangeWaiter::Restart() {
  next_ = std::min<std::chrono::microseconds>(std::chrono::microseconds(1000),
                                              max_);
  Drain();
}

void ChangeWaiter::Drain() {
  if (!inotify_) return;
  std::array<char, 4096> buf;  // the events themselves do not matter
  while (read(inotify_.get(), buf.data(), buf.size()) > 0) {
  }
}

}  // namespace lockstress
