// Conformance: the timeout kinds against a holder in another process, and
// the Unsupported answers for undeclared features.
#include "impls/testing/conformance_checks.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "impls/testing/conformance_macros.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Tolerances: "not earlier than asked" is strict; "not much later" and
// "promptly" are loose, since sanitizer builds are slow and the machine is
// shared.
constexpr double kPromptSeconds = 1.0;
constexpr double kLateSlackSeconds = 2.0;
constexpr milliseconds kTimedWait{300};

// The scheduler state of one of our threads ('R', 'S', 'D', ...), from
// /proc/self/task/TID/stat (proc(5): the field after the parenthesised
// command name).
char ThreadState(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  std::getline(in, line);
  size_t close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size()
             ? '?'
             : line[close + 2];
}

// Shared between the test and its waiter thread, so that a waiter that
// never returns can be detached without dangling references.
struct Waiter {
  std::unique_ptr<Lock> lock;
  std::atomic<pid_t> tid{0};
  std::atomic<bool> returned{false};
  Status result;
  Clock::time_point returned_at;
};

}  // namespace

std::optional<std::string> FeatureSkipReason(const std::string& impl,
                                             Feature feature) {
  if (InfoOf(impl).features.has(feature)) return std::nullopt;
  return impl + " does not declare '" + std::string(FeatureName(feature)) +
         "' (its Unsupported answer is checked by UndeclaredFeatures)";
}

AssertionResult ChecksNonBlockingIsPrompt(const std::string& impl,
                                          const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kNonblocking)) {
    return ::testing::AssertionSuccess() << "nonblocking not declared";
  }
  const std::string path = dir + "/nonblocking";
  CONF_NEW_LOCK(lock, impl, path);
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  Clock::time_point start = Clock::now();
  Status s = lock->Acquire(Timeout::NonBlocking());
  double took = SecondsSince(start);
  if (s.ok()) (void)lock->Release();
  std::string released = holder->Release();
  CONF_EXPECT(s.kind() == ErrorKind::kAlreadyLocked)
      << "NonBlocking against a holder in another process gave "
      << s.ToString();
  CONF_EXPECT(took < kPromptSeconds) << "AlreadyLocked took " << took << " s";
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksTimeoutWaitsTheWholeDuration(const std::string& impl,
                                                   const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kTimeout)) {
    return ::testing::AssertionSuccess() << "timeout not declared";
  }
  const std::string path = dir + "/timeout";
  CONF_NEW_LOCK(lock, impl, path);
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  Clock::time_point start = Clock::now();
  Status s = lock->Acquire(Timeout::After(kTimedWait));
  double took = SecondsSince(start);
  if (s.ok()) (void)lock->Release();
  std::string released = holder->Release();
  const double asked = std::chrono::duration<double>(kTimedWait).count();
  CONF_EXPECT(s.kind() == ErrorKind::kLockTimeout)
      << "After(" << asked << " s) against a holder gave " << s.ToString();
  CONF_EXPECT(took >= asked) << "LockTimeout after " << took << " s";
  CONF_EXPECT(took <= asked + kLateSlackSeconds)
      << "LockTimeout only after " << took << " s";
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  return ::testing::AssertionSuccess();
}

// Handshake:
//   test thread              waiter thread            holder child
//     | -- start child -------------------------------> | acquire
//     | <------------------------------------ "acquired" |
//     | -- start waiter --> | Acquire(Forever) ...      |
//     | sees it asleep ('S' in /proc) and not returned  |
//     | -- "release" -----------------------------------> | release
//     |                     | ... returns OK            |
//     | checks it returned after "release" was sent      |
AssertionResult ChecksForeverWaitsForRelease(const std::string& impl,
                                             const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kBlocking)) {
    return ::testing::AssertionSuccess() << "blocking not declared";
  }
  const std::string path = dir + "/forever";
  auto waiter = std::make_shared<Waiter>();
  CONF_NEW_LOCK(lock, impl, path);
  waiter->lock = std::move(lock);
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  std::thread thread([waiter] {
    waiter->tid = static_cast<pid_t>(syscall(SYS_gettid));
    waiter->result = waiter->lock->Acquire(Timeout::Forever());
    waiter->returned_at = Clock::now();
    waiter->returned.store(true, std::memory_order_release);
  });
  // Bounded polling of the waiter's state: it must be asleep, not returned.
  Clock::time_point deadline = Clock::now() + kHandshake;
  bool asleep = false;
  while (!waiter->returned.load(std::memory_order_acquire) &&
         Clock::now() < deadline) {
    pid_t tid = waiter->tid.load();
    if (tid != 0 && ThreadState(tid) == 'S') {
      asleep = true;
      break;
    }
    std::this_thread::sleep_for(milliseconds(1));
  }
  bool returned_early = waiter->returned.load(std::memory_order_acquire);
  Clock::time_point release_sent = Clock::now();
  std::string released = holder->Release();
  deadline = Clock::now() + kHandshake;
  while (!waiter->returned.load(std::memory_order_acquire) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  if (!waiter->returned.load(std::memory_order_acquire)) {
    thread.detach();  // the shared Waiter keeps its state alive
    return ::testing::AssertionFailure()
           << "Forever did not return within " << kHandshake.count()
           << " ms after the holder released";
  }
  thread.join();
  if (waiter->result.ok()) (void)waiter->lock->Release();
  CONF_EXPECT(!returned_early)
      << "Forever returned " << waiter->result.ToString()
      << " while another process held the lock";
  CONF_EXPECT(asleep) << "the waiter never slept in Acquire(Forever)";
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  CONF_EXPECT_OK(waiter->result);
  CONF_EXPECT(waiter->returned_at >= release_sent)
      << "Forever returned before the holder was asked to release";
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksUndeclaredFeaturesAreUnsupported(const std::string& impl,
                                                       const std::string& dir) {
  const std::string path = dir + "/unsupported";
  CONF_NEW_LOCK(lock, impl, path);
  const FeatureSet features = lock->info().features;
  std::string checked;
  auto unsupported = [&](Feature f, Status s) -> AssertionResult {
    if (s.ok()) (void)lock->Release();
    checked +=
        std::string(checked.empty() ? "" : ",") + std::string(FeatureName(f));
    if (s.kind() == ErrorKind::kUnsupported) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "'" << FeatureName(f) << "' is not declared, but the call gave "
           << s.ToString() << " instead of Unsupported";
  };
  auto status_of = [](const StatusOr<bool>& v) { return v.status(); };
  std::vector<std::pair<Feature, std::function<Status()>>> calls = {
      {Feature::kBlocking, [&] { return lock->Acquire(Timeout::Forever()); }},
      {Feature::kNonblocking,
       [&] { return lock->Acquire(Timeout::NonBlocking()); }},
      {Feature::kTimeout,
       [&] { return lock->Acquire(Timeout::After(milliseconds(50))); }},
      {Feature::kIsLocked, [&] { return status_of(lock->IsLocked()); }},
      {Feature::kIAmLocking, [&] { return status_of(lock->IAmLocking()); }},
      {Feature::kBreak, [&] { return lock->BreakLock(); }},
      {Feature::kShared,
       [&] { return lock->AcquireShared(TryOnceTimeout(lock->info())); }},
  };
  for (auto& [feature, call] : calls) {
    if (features.has(feature)) continue;
    AssertionResult r = unsupported(feature, call());
    if (!r) return r;
  }
  return ::testing::AssertionSuccess()
         << "undeclared and Unsupported: "
         << (checked.empty() ? "(none)" : checked);
}

}  // namespace lockstress::testing
