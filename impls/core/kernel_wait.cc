#include "impls/core/kernel_wait.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <string>

namespace lockstress {
namespace {

using Clock = Deadline::Clock;

// Does nothing: its only purpose is to make the blocked call return EINTR.
// It does not even touch errno.
void NoOpHandler(int /*signo*/) {}

// Installs the handler once per process; returns the errno of a failed
// sigaction, 0 on success.
int InstallHandlerOnce() {
  static std::once_flag once;
  static int install_errno = 0;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = NoOpHandler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // NOT SA_RESTART: see signal(7) in the header.
    if (sigaction(KernelWaitSignal(), &sa, nullptr) != 0) {
      install_errno = errno;
    }
  });
  return install_errno;
}

// Unblocks the timer signal in this thread; restores the old mask.
class SignalUnblocked {
 public:
  SignalUnblocked() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, KernelWaitSignal());
    pthread_sigmask(SIG_UNBLOCK, &set, &old_);
  }
  ~SignalUnblocked() {
    if (sigismember(&old_, KernelWaitSignal()) == 1) {
      pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
  }
  SignalUnblocked(const SignalUnblocked&) = delete;
  SignalUnblocked& operator=(const SignalUnblocked&) = delete;
  SignalUnblocked(SignalUnblocked&&) = delete;
  SignalUnblocked& operator=(SignalUnblocked&&) = delete;

 private:
  sigset_t old_{};
};

// A CLOCK_MONOTONIC timer aimed at the calling thread; deleted on
// destruction.
class ThreadTimer {
 public:
  ThreadTimer() = default;
  ~ThreadTimer() {
    if (created_) timer_delete(timer_);
  }
  ThreadTimer(const ThreadTimer&) = delete;
  ThreadTimer& operator=(const ThreadTimer&) = delete;
  ThreadTimer(ThreadTimer&&) = delete;
  ThreadTimer& operator=(ThreadTimer&&) = delete;

  // Returns 0, or the errno of the failing call (`*what` names it).
  int Start(Clock::time_point at, const char** what) {
    struct sigevent sev {};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = KernelWaitSignal();
    // Debian's glibc 2.36 headers lack the sigev_notify_thread_id macro
    // (the kernel's asm-generic/siginfo.h defines it as this field).
    sev._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer_) != 0) {
      *what = "timer_create";
      return errno;
    }
    created_ = true;
    auto since = at.time_since_epoch();
    auto sec = std::chrono::duration_cast<std::chrono::seconds>(since);
    auto nsec =
        std::chrono::duration_cast<std::chrono::nanoseconds>(since - sec);
    struct itimerspec spec {};
    spec.it_value.tv_sec = static_cast<time_t>(sec.count());
    spec.it_value.tv_nsec = static_cast<long>(nsec.count());
    // An all-zero it_value would disarm the timer instead.
    if (spec.it_value.tv_sec <= 0 && spec.it_value.tv_nsec <= 0) {
      spec.it_value.tv_sec = 0;
      spec.it_value.tv_nsec = 1;
    }
    spec.it_interval.tv_nsec =
        static_cast<long>(std::chrono::nanoseconds(kKernelWaitRepeat).count());
    if (timer_settime(timer_, TIMER_ABSTIME, &spec, nullptr) != 0) {
      *what = "timer_settime";
      return errno;
    }
    return 0;
  }

 private:
  timer_t timer_{};
  bool created_ = false;
};

std::string Seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f",
                std::chrono::duration<double>(d).count());
  return buf;
}

Status CallFailed(std::string_view syscall, const std::string& path, int err) {
  std::string why;
  switch (err) {
    case EDEADLK:
      why = "the kernel detected a deadlock between POSIX lock waiters";
      break;
    case ENOLCK:
      why =
          "the kernel's lock table is full, or the filesystem (NFS "
          "without lockd?) does not support locks";
      break;
    case EBADF:
      why =
          "not an open descriptor, or not open for the lock's access "
          "mode";
      break;
    default:
      break;
  }
  return PosixError(ErrorKind::kLockFailed, syscall, path, err, why);
}

}  // namespace

int KernelWaitSignal() { return SIGRTMIN + 5; }

Status WaitInKernel(const std::function<int()>& call, const Deadline& deadline,
                    const std::string& path, std::string_view syscall) {
  if (deadline.is_never()) {
    for (;;) {
      if (call() == 0) return Status::Ok();
      int err = errno;
      if (err != EINTR) return CallFailed(syscall, path, err);
    }
  }
  if (int err = InstallHandlerOnce(); err != 0) {
    return PosixError(ErrorKind::kLockFailed, "sigaction", path, err,
                      "cannot install the deadline signal handler");
  }
  const Clock::time_point start = Clock::now();
  // Destroyed in reverse order: the timer is deleted while the signal is
  // still unblocked, so a last pending tick is consumed here.
  SignalUnblocked unblocked;
  ThreadTimer timer;
  const char* what = "";
  if (int err = timer.Start(deadline.at(), &what); err != 0) {
    return PosixError(ErrorKind::kLockFailed, what, path, err,
                      "cannot make the deadline timer for a kernel wait");
  }
  for (;;) {
    if (call() == 0) return Status::Ok();
    int err = errno;
    if (err != EINTR) return CallFailed(syscall, path, err);
    if (deadline.expired()) {
      return Status(ErrorKind::kLockTimeout, path,
                    "still held by another owner after waiting " +
                        Seconds(Clock::now() - start) + " s in " +
                        std::string(syscall) + " (deadline passed)");
    }
  }
}

}  // namespace lockstress
