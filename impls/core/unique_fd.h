// UniqueFd: owns one file descriptor and closes it exactly once.
//
// Platform fact: close() is never retried on EINTR. On Linux the descriptor
// is released even when close() reports EINTR, and a retry could close an
// unrelated descriptor that another thread has just been given (close(2),
// "Dealing with error returns from close()"; SQLite's robust_close).
//
// Move-only. Thread safety: none; one owner.
#ifndef LOCKSTRESS_IMPLS_CORE_UNIQUE_FD_H_
#define LOCKSTRESS_IMPLS_CORE_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

#include "lockstress/os.h"

namespace lockstress {

class UniqueFd {
 public:
  UniqueFd() = default;
  // With `os`, the descriptor is closed through it (interposable).
  explicit UniqueFd(int fd, Os* os = nullptr) : fd_(fd), os_(os) {}
  UniqueFd(UniqueFd&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), os_(other.os_) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
      os_ = other.os_;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      if (os_ != nullptr) {
        os_->Close(fd_);
      } else {
        ::close(fd_);
      }
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
  Os* os_ = nullptr;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_UNIQUE_FD_H_
