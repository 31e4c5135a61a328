#include "harness/protocol/line_io.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace lockstress::protocol {

LineReader::Result LineReader::ReadLine(
    std::string* line,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  while (true) {
    std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line->assign(buffer_, 0, nl);
      buffer_.erase(0, nl + 1);
      return Result::kLine;
    }
    if (buffer_.size() > kMaxLineLength) {
      *line = buffer_;
      return Result::kError;
    }
    if (eof_) {
      if (buffer_.empty()) return Result::kEof;
      *line = std::move(buffer_);
      buffer_.clear();
      return Result::kLine;
    }
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return Result::kTimeout;
      pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
      // Round up so that a sub-millisecond remainder still waits.
      int r = poll(&p, 1, static_cast<int>(left.count()) + 1);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Result::kError;
      if (r == 0) continue;  // re-checks the deadline above
    }
    char chunk[4096];
    ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Result::kError;
    if (n == 0) {
      eof_ = true;
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool LineWriter::WriteLine(std::string_view line) {
  std::string whole(line);
  whole += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t done = 0;
  while (done < whole.size()) {
    ssize_t n = write(fd_, whole.data() + done, whole.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace lockstress::protocol
