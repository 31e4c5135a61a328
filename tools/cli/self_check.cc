#include "tools/cli/self_check.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "lockstress/registry.h"

namespace lockstress::cli {
namespace {

using std::chrono::milliseconds;

const char* kPass = "pass";

// In a forked child: a non-blocking acquire must find the lock held.
// Exit 0: AlreadyLocked (right); 1: acquired (exclusion broken); 2: other.
int ContendFromChild(const std::string& impl, const std::string& path) {
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, {.path = path});
  if (!lock.ok()) return 2;
  Status s = (*lock)->Acquire(Timeout::NonBlocking());
  if (s.ok()) return 1;
  return s.kind() == ErrorKind::kAlreadyLocked ? 0 : 2;
}

std::string CheckCrossProcess(const std::string& impl, Lock& held,
                              const std::string& path) {
  pid_t pid = fork();
  if (pid < 0) return "FAIL: fork";
  if (pid == 0) _exit(ContendFromChild(impl, path));
  int status = 0;
  waitpid(pid, &status, 0);
  (void)held;
  if (!WIFEXITED(status)) return "FAIL: child crashed";
  switch (WEXITSTATUS(status)) {
    case 0:
      return kPass;
    case 1:
      return "FAIL: both held it";
    default:
      return "FAIL: child error";
  }
}

std::string CheckCrossThread(const std::string& impl, const std::string& path) {
  auto other = std::async(std::launch::async, [&] {
    StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, {.path = path});
    if (!lock.ok()) return Status(lock.status());
    return (*lock)->Acquire(Timeout::NonBlocking());
  });
  Status s = other.get();
  if (s.ok()) return "FAIL: both held it";
  if (s.kind() != ErrorKind::kAlreadyLocked) return "FAIL: " + s.ToString();
  return kPass;
}

std::string CheckTimeout(const std::string& impl, const std::string& path) {
  auto wanted = milliseconds(100);
  auto other = std::async(std::launch::async, [&] {
    StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, {.path = path});
    if (!lock.ok()) return std::make_pair(lock.status(), milliseconds(0));
    auto t0 = std::chrono::steady_clock::now();
    Status s = (*lock)->Acquire(Timeout::After(wanted));
    auto waited = std::chrono::duration_cast<milliseconds>(
        std::chrono::steady_clock::now() - t0);
    return std::make_pair(s, waited);
  });
  auto [s, waited] = other.get();
  if (s.ok()) return "FAIL: both held it";
  if (s.kind() != ErrorKind::kLockTimeout) return "FAIL: " + s.ToString();
  if (waited < wanted)
    return fmt::format("FAIL: early ({} ms)", waited.count());
  return fmt::format("pass ({} ms)", waited.count());
}

}  // namespace

bool SelfCheckRow::ok() const {
  for (const std::string* cell :
       {&cross_process, &cross_thread, &timeout, &release_errors}) {
    if (cell->rfind("FAIL", 0) == 0) return false;
  }
  return true;
}

SelfCheckRow SelfCheck(const std::string& impl, const std::string& dir) {
  SelfCheckRow row{impl, "-", "-", "-", "-"};
  const ImplEntry* entry = FindImpl(impl);
  if (entry == nullptr) {
    row.cross_process = "FAIL: unknown";
    return row;
  }
  const FeatureSet& f = entry->info.features;
  std::string path = dir + "/" + impl;
  StatusOr<std::unique_ptr<Lock>> made = MakeLock(impl, {.path = path});
  if (!made.ok() || *made == nullptr) {
    row.cross_process = "FAIL: cannot make";
    return row;
  }
  Lock& lock = **made;
  Timeout first = f.has(Feature::kNonblocking) ? Timeout::NonBlocking()
                                               : Timeout::Forever();
  if (Status s = lock.Acquire(first); !s.ok()) {
    row.cross_process = "FAIL: " + s.ToString();
    return row;
  }
  if (f.has(Feature::kNonblocking)) {
    row.cross_process = CheckCrossProcess(impl, lock, path);
    if (f.has(Feature::kThreads))
      row.cross_thread = CheckCrossThread(impl, path);
  }
  if (f.has(Feature::kTimeout)) row.timeout = CheckTimeout(impl, path);
  Status released = lock.Release();
  Status again = lock.Release();
  if (!released.ok()) {
    row.release_errors = "FAIL: " + released.ToString();
  } else if (again.kind() != ErrorKind::kNotLocked) {
    row.release_errors = "FAIL: second release gave " + again.ToString();
  } else {
    row.release_errors = kPass;
  }
  return row;
}

int RunSelfCheck(const std::string& dir, std::ostream& out) {
  out << fmt::format("{:<10} {:<20} {:<20} {:<16} {:<14} {}\n", "IMPL",
                     "PROCESSES", "THREADS", "TIMEOUT", "RELEASE", "VERDICT");
  int bad = 0;
  for (const ImplEntry& e : AllImpls()) {
    std::string sub = dir + "/" + e.info.name;
    std::filesystem::create_directories(sub);
    SelfCheckRow row = SelfCheck(e.info.name, sub);
    bool expected_to_fail = e.info.name == "null";
    std::string verdict = row.ok() == !expected_to_fail
                              ? (row.ok() ? "ok" : "caught (negative control)")
                              : (row.ok() ? "NOT CAUGHT" : "FAILED");
    if (row.ok() == expected_to_fail) ++bad;
    out << fmt::format(
        "{:<10} {:<20} {:<20} {:<16} {:<14} {}\n", row.impl,
        row.cross_process.substr(0, 20), row.cross_thread.substr(0, 20),
        row.timeout.substr(0, 16), row.release_errors.substr(0, 14), verdict);
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace lockstress::cli
