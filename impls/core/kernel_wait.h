// WaitInKernel: a blocking lock system call with a deadline.
//
// flock(fd, LOCK_EX), fcntl(F_SETLKW) and fcntl(F_OFD_SETLKW) sleep in the
// kernel until the lock is granted; none of them takes a timeout. The only
// way out of the sleep is a signal. So a finite deadline is kept by a
// per-thread POSIX timer that sends a do-nothing signal to the waiting
// thread when the deadline passes.
//
// Platform facts this code depends on:
//  - flock(2): "flock() may block... EINTR: While waiting to acquire a lock,
//    the call was interrupted by delivery of a signal caught by a handler".
//    fcntl(2), F_SETLKW: "If a signal is caught while waiting, then the call
//    is interrupted and (after the signal handler has returned) returns
//    immediately (with return value -1 and errno set to EINTR)".
//  - signal(7), "Interruption of system calls and library functions by
//    signal handlers": flock(2) and fcntl(2) F_SETLKW are in the list of
//    calls that are RESTARTED after a handler installed with SA_RESTART.
//    Our handler is therefore installed WITHOUT SA_RESTART, otherwise the
//    timer signal would be swallowed by the restart and the wait would never
//    end. It is installed once per process (std::call_once) for a dedicated
//    real-time signal (KernelWaitSignal()); a program that installs its own
//    handler for that signal breaks timed kernel waits.
//  - timer_create(2): SIGEV_THREAD_ID (Linux-specific; the thread id goes
//    in sigev_notify_thread_id, i.e. _sigev_un._tid) sends the signal to one
//    thread, the one waiting, not to an arbitrary thread of the process. The
//    timer runs on CLOCK_MONOTONIC, the clock of std::chrono::steady_clock and
//    so of Deadline.
//  - The race: the timer may fire after we checked the clock but BEFORE the
//    thread has entered the kernel's sleep. The handler then runs in user
//    space, the call enters the kernel with nothing pending, and a one-shot
//    timer would leave it blocked for ever. So the timer is periodic: it
//    fires at the deadline and then every kRepeat until it is deleted, and
//    the next tick interrupts the sleep. (pselect-style atomic mask swaps do
//    not exist for flock/fcntl.) Checked by kernel_wait_test,
//    ShortDeadlinesNeverHang (which hangs with a one-shot timer).
//  - A blocked signal interrupts nothing: the signal is unblocked in the
//    calling thread for the duration of the wait, and the old mask restored
//    after the timer is deleted. A tick still pending at timer_delete is
//    delivered (to the no-op handler) on the return from timer_delete,
//    while it is still unblocked, so it cannot interrupt the caller later.
//  - The handler touches nothing, not even errno, so it is
//    async-signal-safe and TSan/ASan have nothing to report.
//
// Thread safety: WaitInKernel may be called from many threads at once; each
// call has its own timer aimed at its own thread.
#ifndef LOCKSTRESS_IMPLS_CORE_KERNEL_WAIT_H_
#define LOCKSTRESS_IMPLS_CORE_KERNEL_WAIT_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "lockstress/status.h"
#include "lockstress/timeout.h"

namespace lockstress {

// How often the timer re-fires after the deadline until it is deleted.
inline constexpr std::chrono::milliseconds kKernelWaitRepeat{5};

// The real-time signal the deadline timer delivers (SIGRTMIN + 5).
int KernelWaitSignal();

// Runs `call` (one blocking lock system call, e.g. [&] { return
// os.Flock(fd, LOCK_EX); }), which returns 0 on success and -1 with errno
// set on failure, until it succeeds, fails, or `deadline` passes.
//   Deadline::Never(): calls again after EINTR; never gives up.
//   A finite deadline: a per-thread timer interrupts the call at the
//     deadline (and periodically after it); EINTR before the deadline
//     (another signal) retries.
// Returns OK when the call succeeded; LockTimeout (saying how long it
// waited) when the deadline passed; LockFailed naming `syscall`, `path` and
// the errno when the call failed otherwise or the timer could not be made.
Status WaitInKernel(const std::function<int()>& call, const Deadline& deadline,
                    const std::string& path, std::string_view syscall);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_KERNEL_WAIT_H_
