#include "harness/orchestrator/witness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "harness/protocol/protocol.h"

namespace lockstress {

Status CreateWitness(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return PosixError(ErrorKind::kError, "open", path, errno);
  ssize_t n = write(fd, "0\n", 2);
  int err = errno;
  close(fd);
  if (n != 2) return PosixError(ErrorKind::kError, "write", path, err);
  return Status::Ok();
}

void BumpWitness(const std::string& path, Event* event) {
  event->op = "witness";
  event->t0 = protocol::MonotonicNanos();
  auto fail = [&](const char* call, int err) {
    event->outcome = Outcome::kErr;
    event->kind = ErrorKind::kError;
    event->message = PosixError(ErrorKind::kError, call, path, err).Describe();
    event->t1 = protocol::MonotonicNanos();
  };
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return fail("open", errno);
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n < 0) {
    int err = errno;
    close(fd);
    return fail("pread", err);
  }
  std::int64_t value = 0;
  std::from_chars(buf, buf + n, value);  // an empty or torn file reads as 0
  std::string next = std::to_string(value + 1) + "\n";
  // Read-modify-write in separate calls: the race is the point.
  if (pwrite(fd, next.data(), next.size(), 0) !=
          static_cast<ssize_t>(next.size()) ||
      ftruncate(fd, static_cast<off_t>(next.size())) != 0) {
    int err = errno;
    close(fd);
    return fail("pwrite", err);
  }
  close(fd);
  event->read = value;
  event->wrote = value + 1;
  event->outcome = Outcome::kOk;
  event->t1 = protocol::MonotonicNanos();
}

}  // namespace lockstress
