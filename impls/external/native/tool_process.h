// ToolProcess: one run of an outside command-line tool (flock(1),
// dotlockfile, lockfile-create, ...) as a real child process, RAII.
//
// The child gets /dev/null or a pipe as stdin, a pipe or our stderr as
// stdout, and our stderr (the driver's log) as stderr; nothing else of ours:
// every descriptor this code makes is O_CLOEXEC, so a tool started for one
// handle never keeps another handle's pipe open (a kept write end would hide
// the end of input that makes `cat` under flock(1) exit and release).
//
// Platform facts:
//  - fork(2) in a threaded process copies only the calling thread; the
//    child runs only async-signal-safe calls (prctl, dup2, execv, _exit)
//    before exec (signal-safety(7)).
//  - PR_SET_PDEATHSIG (prctl(2)) delivers SIGKILL to the child when the
//    thread that forked it ends; a tool never outlives the handle thread
//    that started it. getppid() after prctl closes the race with a parent
//    that died before the prctl.
//
// The destructor kills (SIGKILL) and reaps a child that still runs.
// Thread safety: none; one owner (the handle's thread).
#ifndef LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TOOL_PROCESS_H_
#define LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TOOL_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impls/core/unique_fd.h"
#include "lockstress/status.h"

namespace lockstress::native {

// How a tool ended: an exit code, or the signal that killed it.
struct ToolExit {
  int code = 0;    // valid when signal == 0
  int signal = 0;  // non-zero: killed by this signal
  bool ok() const { return signal == 0 && code == 0; }
  std::string ToString() const;  // "exit 4", "killed by SIGKILL"
};

class ToolProcess {
 public:
  struct Pipes {
    bool stdin_pipe = false;   // else /dev/null
    bool stdout_pipe = false;  // else our stderr
  };
  // Starts argv[0] (an absolute path) with argv. LockFailed naming the
  // tool, `path` and errno when it cannot be started.
  static StatusOr<std::unique_ptr<ToolProcess>> Start(
      const std::vector<std::string>& argv, Pipes pipes,
      const std::string& path);
  // Runs argv to its end (stdin /dev/null, stdout to our stderr).
  static StatusOr<ToolExit> Run(const std::vector<std::string>& argv,
                                const std::string& path);

  ~ToolProcess();
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // Writes `text` to the child's stdin; false when it cannot (EPIPE, ...).
  bool Write(const std::string& text);
  // The next line of the child's stdout (without '\n'); nullopt at end of
  // output. Blocks until a line or the end comes.
  std::optional<std::string> ReadLine();
  // Closes the child's stdin: a filter like cat then ends.
  void CloseStdin() { stdin_.reset(); }
  // Waits for the child to end and reaps it.
  ToolExit Wait();
  pid_t pid() const { return pid_; }

 private:
  ToolProcess(pid_t pid, UniqueFd in, UniqueFd out)
      : pid_(pid), stdin_(std::move(in)), stdout_(std::move(out)) {}
  pid_t pid_;
  UniqueFd stdin_;
  UniqueFd stdout_;
  std::string buffer_;
  std::optional<ToolExit> exit_;
};

}  // namespace lockstress::native

#endif  // LOCKSTRESS_IMPLS_EXTERNAL_NATIVE_TOOL_PROCESS_H_
