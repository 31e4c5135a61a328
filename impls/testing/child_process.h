// Multi-process tests re-execute the test binary in a child role.
//
// A test file defines a role:
//   LOCKSTRESS_CHILD_ROLE(hold_lock) {   // args: impl path
//     ... ChildSay("acquired"); ChildExpectLine("release", ...); return 0;
//   }
// and a test starts it:
//   ChildProcess child = ChildProcess::Start("hold_lock", {"link", path});
//   ASSERT_EQ(child.ReadLine(kHandshake), "acquired");
//
// Handshake, always explicit and time-bounded, never a sleep:
//
//   parent                         child (same binary, --lockstress-child=R)
//     | -- fork/exec --------------> |
//     |                              | acquire
//     | <------------- "acquired" -- |
//     | check from the parent side   |
//     | -- "release" --------------> |
//     |                              | release, exit(kChildOk)
//     | <------------------- exit 0 -|
//
// Children die with their parent (PR_SET_PDEATHSIG) and a ChildProcess kills
// and reaps its child on destruction, so no test leaves a process behind.
// Thread safety: one ChildProcess per thread.
#ifndef LOCKSTRESS_IMPLS_TESTING_CHILD_PROCESS_H_
#define LOCKSTRESS_IMPLS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstress::testing {

// How long any single handshake step may take before the test fails.
inline constexpr std::chrono::milliseconds kHandshake{20000};

// Exit codes of child roles.
inline constexpr int kChildOk = 0;
inline constexpr int kChildFailed = 61;    // an expectation did not hold
inline constexpr int kChildBadUsage = 62;  // wrong arguments to the role
inline constexpr int kChildNoParent = 63;  // the parent vanished mid-handshake

using ChildRoleFn = int (*)(const std::vector<std::string>& args);
struct ChildRoleRegistrar {
  ChildRoleRegistrar(const char* name, ChildRoleFn fn);
};
#define LOCKSTRESS_CHILD_ROLE(name)                                          \
  static int LockstressChildRole_##name(const std::vector<std::string>&);    \
  static ::lockstress::testing::ChildRoleRegistrar                           \
      lockstress_child_registrar_##name(#name, &LockstressChildRole_##name); \
  static int LockstressChildRole_##name(                                     \
      [[maybe_unused]] const std::vector<std::string>& args)

// Runs the role named by argv when argv[1] is --lockstress-child=ROLE;
// returns nullopt otherwise (then the binary runs its tests).
std::optional<int> MaybeRunChildRole(int argc, char** argv);

// In a child: one line to the parent (stdout, flushed).
void ChildSay(std::string_view line);
// In a child: the next line from the parent, nullopt on EOF or timeout.
std::optional<std::string> ChildReadLine(
    std::chrono::milliseconds timeout = kHandshake);

class ChildProcess {
 public:
  // Starts this binary in `role`; aborts the test binary if fork fails.
  static ChildProcess Start(std::string_view role,
                            const std::vector<std::string>& args);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  // The child's next stdout line; nullopt on EOF or when timeout passes.
  std::optional<std::string> ReadLine(
      std::chrono::milliseconds timeout = kHandshake);
  bool WriteLine(std::string_view line);
  // The exit code, or 128+signal; nullopt when it has not ended in time.
  std::optional<int> Wait(std::chrono::milliseconds timeout = kHandshake);
  void Kill(int signal_number);
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int to_child, int from_child)
      : pid_(pid), to_child_(to_child), from_child_(from_child) {}
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
  std::optional<int> exit_code_;
};

}  // namespace lockstress::testing

#endif  // LOCKSTRESS_IMPLS_TESTING_CHILD_PROCESS_H_
