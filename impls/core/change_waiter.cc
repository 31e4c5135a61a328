#include "impls/core/change_waiter.h"

#include <poll.h>
#include <sys/inotify.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

namespace lockstress {

ChangeWaiter::ChangeWaiter(const std::string& directory,
                           std::chrono::milliseconds max_interval,
                           std::string name)
    : name_(std::move(name)),
      max_(std::max<std::chrono::microseconds>(max_interval,
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
  // Events about other entries do not end the sleep.
  auto until = std::chrono::steady_clock::now() + sleep;
  for (;;) {
    auto left = until - std::chrono::steady_clock::now();
    if (left.count() <= 0) return;
    struct pollfd pfd = {inotify_.get(), POLLIN, 0};
    // Round up so a sub-millisecond sleep still sleeps.
    int ms = static_cast<int>(
        (std::chrono::duration_cast<std::chrono::nanoseconds>(left).count() +
         999999) /
        1000000);
    if (poll(&pfd, 1, ms) <= 0) return;
    if (Drain()) return;
  }
}

void ChangeWaiter::Restart() {
  next_ = std::min<std::chrono::microseconds>(std::chrono::microseconds(1000),
                                              max_);
  Drain();
}

bool ChangeWaiter::Drain() {
  if (!inotify_) return false;
  bool relevant = name_.empty();
  // inotify(7): a read returns whole events, each a struct inotify_event
  // followed by `len` bytes of NUL-padded name (len 0: the watched
  // directory itself).
  alignas(struct inotify_event) std::array<char, 4096> buf;
  for (;;) {
    ssize_t n = read(inotify_.get(), buf.data(), buf.size());
    if (n <= 0) return relevant;
    for (ssize_t off = 0;
         off + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
      if (ev->len == 0 || (ev->mask & IN_Q_OVERFLOW) != 0 ||
          name_ == ev->name) {
        relevant = true;
      }
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
}

}  // namespace lockstress
