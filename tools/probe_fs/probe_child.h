// ProbeChild: one forked process that performs filesystem steps for probe-fs
// and talks to the parent one line at a time over two pipes.
//
// probe-fs needs real, separate processes: a POSIX lock is owned by a
// process, and a lock that only conflicts inside one process proves nothing
// about another client. Every wait is bounded twice: the parent's reads have
// a deadline, and the child arms alarm(2) so a child stuck in a dead FUSE
// request dies (SIGALRM) instead of lingering; the destructor SIGKILLs and
// reaps it.
//
//   parent                      child
//     |--- fork ------------------>|  alarm(bound)
//     |<------------- "held" ------|  (Say)
//     |--- "release" ------------->|  (Hear)
//     |<------------- "released" --|
//     |    ~ProbeChild: SIGKILL, waitpid
//
// Thread safety: none; one thread drives a ProbeChild. Fork only from a
// single-threaded program (the CLI before it starts threads).
#ifndef LOCKSTRESS_TOOLS_PROBE_FS_PROBE_CHILD_H_
#define LOCKSTRESS_TOOLS_PROBE_FS_PROBE_CHILD_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "lockstress/status.h"

namespace lockstress::probe_fs {

// The child's end: blocking line I/O (the child's alarm bounds it).
class ChildSide {
 public:
  ChildSide(int read_fd, int write_fd) : in_(read_fd), out_(write_fd) {}
  void Say(const std::string& line);
  // The next line from the parent; "" when the parent is gone.
  std::string Hear();

 private:
  int in_, out_;
};

class ProbeChild {
 public:
  using Body = std::function<void(ChildSide&)>;
  // Forks a child that runs body and then _exit(0)s. The child dies by
  // SIGALRM after `bound`.
  static StatusOr<ProbeChild> Start(const Body& body,
                                    std::chrono::seconds bound);
  ProbeChild(ProbeChild&& other) noexcept;
  ProbeChild& operator=(ProbeChild&&) = delete;
  ProbeChild(const ProbeChild&) = delete;
  ~ProbeChild();

  // The child's next line, or nullopt when it did not come within `wait`
  // (or the child exited).
  std::optional<std::string> Read(std::chrono::milliseconds wait);
  void Send(const std::string& line);

 private:
  ProbeChild(pid_t pid, int from_child, int to_child)
      : pid_(pid), from_child_(from_child), to_child_(to_child) {}
  pid_t pid_ = -1;
  int from_child_ = -1, to_child_ = -1;
  std::string buffer_;
};

// Runs body in a child and returns the first line it says, or nullopt when
// none came within `bound` (the child is killed).
std::optional<std::string> AskChild(const ProbeChild::Body& body,
                                    std::chrono::seconds bound);

}  // namespace lockstress::probe_fs

#endif  // LOCKSTRESS_TOOLS_PROBE_FS_PROBE_CHILD_H_
