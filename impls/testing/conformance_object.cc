// Conformance: release errors, status queries, break_lock, re-entry,
// destruction and error context, for one object in this process against
// holders and probes in other processes.
#include <cerrno>
#include <memory>

#include "impls/testing/conformance_checks.h"
#include "impls/testing/conformance_macros.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Whether a status names the lock: its path is the lock's file (lock_path,
// which for sqlite is the shared database), or its text mentions the file
// name the lock was made for.
bool NamesLock(const Status& s, const Lock& lock) {
  const std::string& path = lock.path();
  std::string base = path.substr(path.rfind('/') + 1);
  return !s.path().empty() && (s.path() == lock.lock_path() ||
                               s.ToString().find(base) != std::string::npos);
}

}  // namespace

AssertionResult ChecksReleaseErrors(const std::string& impl,
                                    const std::string& dir) {
  const std::string path = dir + "/release";
  CONF_NEW_LOCK(a, impl, path);
  const ImplInfo& info = a->info();
  const std::string busy = BusyKindFor(info);
  CONF_EXPECT_KIND(a->Release(), ErrorKind::kNotLocked);
  {
    // Another process always counts as another owner.
    CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
    Status s = a->Release();
    std::string probe = ProbeFromChild(impl, path, "exclusive");
    std::string released = holder->Release();
    CONF_EXPECT(s.kind() == ErrorKind::kNotMyLock)
        << "Release while another process holds gave " << s.ToString();
    CONF_EXPECT(probe == busy)
        << "after a non-holder's Release, another process got " << probe;
    CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  }
  // Another object of this process: another owner only for open_file
  // ownership; for thread/process/host ownership either answer will do, as
  // long as the holder's lock survives.
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(info)));
  CONF_NEW_LOCK(b, impl, path);
  Status s = b->Release();
  if (info.ownership == Ownership::kOpenFile) {
    CONF_EXPECT(s.kind() == ErrorKind::kNotMyLock)
        << "open_file ownership: another object's Release gave "
        << s.ToString();
  } else {
    CONF_EXPECT(s.kind() == ErrorKind::kNotMyLock ||
                s.kind() == ErrorKind::kNotLocked)
        << "another object's Release gave " << s.ToString();
  }
  CONF_EXPECT_PROBE(impl, path, "exclusive", busy);
  CONF_EXPECT_OK(a->Release());
  CONF_EXPECT_KIND(a->Release(), ErrorKind::kNotLocked);
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksIsLocked(const std::string& impl,
                               const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kIsLocked)) {
    return ::testing::AssertionSuccess() << "is_locked not declared";
  }
  const std::string path = dir + "/is_locked";
  CONF_NEW_LOCK(a, impl, path);
  CONF_NEW_LOCK(b, impl, path);
  StatusOr<bool> v = a->IsLocked();
  CONF_EXPECT(v.ok() && !*v) << "free lock: " << v.status().ToString();
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
  v = a->IsLocked();
  CONF_EXPECT(v.ok() && *v) << "the holder: " << v.status().ToString();
  v = b->IsLocked();
  CONF_EXPECT(v.ok() && *v)
      << "another object while held: " << v.status().ToString();
  CONF_EXPECT_OK(a->Release());
  v = b->IsLocked();
  CONF_EXPECT(v.ok() && !*v) << "after release: " << v.status().ToString();
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  v = a->IsLocked();
  std::string released = holder->Release();
  CONF_EXPECT(v.ok() && *v)
      << "while another process holds: " << v.status().ToString();
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  v = a->IsLocked();
  CONF_EXPECT(v.ok() && !*v)
      << "after the other process released: " << v.status().ToString();
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksIAmLocking(const std::string& impl,
                                 const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kIAmLocking)) {
    return ::testing::AssertionSuccess() << "i_am_locking not declared";
  }
  const std::string path = dir + "/i_am_locking";
  CONF_NEW_LOCK(a, impl, path);
  CONF_NEW_LOCK(b, impl, path);
  const Ownership owner = a->info().ownership;
  StatusOr<bool> v = a->IAmLocking();
  CONF_EXPECT(v.ok() && !*v) << "free lock: " << v.status().ToString();
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
  v = a->IAmLocking();
  CONF_EXPECT(v.ok() && *v) << "the holder: " << v.status().ToString();
  v = b->IAmLocking();
  CONF_EXPECT(v.ok()) << v.status().ToString();
  if (owner == Ownership::kOpenFile) {
    CONF_EXPECT(!*v) << "open_file ownership: another object says it holds";
  }
  CONF_EXPECT_OK(a->Release());
  v = a->IAmLocking();
  CONF_EXPECT(v.ok() && !*v) << "after release: " << v.status().ToString();
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  v = a->IAmLocking();
  std::string released = holder->Release();
  CONF_EXPECT(v.ok()) << v.status().ToString();
  if (owner != Ownership::kHost) {
    CONF_EXPECT(!*v) << "true while another process holds";
  }
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksBreakLock(const std::string& impl,
                                const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kBreak)) {
    return ::testing::AssertionSuccess() << "break not declared";
  }
  const std::string path = dir + "/break";
  CONF_NEW_LOCK(a, impl, path);
  const std::string busy = BusyKindFor(a->info());
  CONF_EXPECT_OK(a->BreakLock());  // a no-op on a free lock
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  Status broke = a->BreakLock();
  Status took = a->Acquire(TryOnceTimeout(a->info()));
  std::string released = holder->Release();
  CONF_EXPECT_OK(broke);
  CONF_EXPECT_OK(took);
  CONF_EXPECT(released == "NotLocked" || released == "NotMyLock")
      << "the former holder's Release after break_lock gave " << released;
  CONF_EXPECT_PROBE(impl, path, "exclusive", busy);
  CONF_EXPECT_OK(a->Release());
  CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksReentry(const std::string& impl, const std::string& dir) {
  const std::string path = dir + "/reentry";
  CONF_NEW_LOCK(a, impl, path);
  const ImplInfo& info = a->info();
  const std::string busy = BusyKindFor(info);
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(info)));
  if (info.features.has(Feature::kReentrant)) {
    CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(info)));
    CONF_EXPECT_OK(a->Release());
    CONF_EXPECT_PROBE(impl, path, "exclusive", busy);  // still held once
    CONF_EXPECT_OK(a->Release());
    CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
    CONF_EXPECT_KIND(a->Release(), ErrorKind::kNotLocked);
    return ::testing::AssertionSuccess() << "reentrant: counted";
  }
  if (info.features.has(Feature::kNonblocking)) {
    CONF_EXPECT_KIND(a->Acquire(Timeout::NonBlocking()),
                     ErrorKind::kAlreadyLocked);
  }
  if (info.features.has(Feature::kTimeout)) {
    constexpr milliseconds kWait{200};
    Clock::time_point start = Clock::now();
    Status s = a->Acquire(Timeout::After(kWait));
    double took = SecondsSince(start);
    CONF_EXPECT(s.kind() == ErrorKind::kLockTimeout) << s.ToString();
    CONF_EXPECT(took >= 0.2 && took <= 2.2)
        << "re-entry timed out after " << took << " s";
  }
  if (info.features.has(Feature::kBlocking)) {
    Clock::time_point start = Clock::now();
    Status s = a->Acquire(Timeout::Forever());
    CONF_EXPECT(s.kind() == ErrorKind::kLockFailed && s.sys_errno() == EDEADLK)
        << "re-entry with Forever gave " << s.ToString();
    CONF_EXPECT(SecondsSince(start) < 1.0) << "EDEADLK was not prompt";
  }
  CONF_EXPECT_PROBE(impl, path, "exclusive", busy);
  CONF_EXPECT_OK(a->Release());
  CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
  return ::testing::AssertionSuccess() << "not reentrant: self-contender";
}

AssertionResult ChecksDestructorReleases(const std::string& impl,
                                         const std::string& dir) {
  const std::string path = dir + "/destructor";
  {
    CONF_NEW_LOCK(a, impl, path);
    CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
    CONF_EXPECT_PROBE(impl, path, "exclusive", BusyKindFor(a->info()));
  }
  CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksErrorsCarryContext(const std::string& impl,
                                         const std::string& dir) {
  const std::string path = dir + "/context";
  CONF_NEW_LOCK(a, impl, path);
  Status s = a->Release();
  CONF_EXPECT(s.kind() == ErrorKind::kNotLocked && NamesLock(s, *a))
      << "NotLocked should name the lock: " << s.ToString();
  {
    CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
    s = a->Acquire(TryOnceTimeout(a->info()));
    if (s.ok()) (void)a->Release();
    std::string released = holder->Release();
    CONF_EXPECT(!s.ok() && NamesLock(s, *a))
        << "a busy answer should name the lock: " << s.ToString();
    CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  }
  const std::string missing = dir + "/no-such-directory/context";
  CONF_NEW_LOCK(c, impl, missing);
  s = c->Acquire(TryOnceTimeout(c->info()));
  if (s.ok()) (void)c->Release();
  CONF_EXPECT(s.kind() == ErrorKind::kLockFailed)
      << "acquire in a missing directory gave " << s.ToString();
  CONF_EXPECT(s.path().find("no-such-directory") != std::string::npos)
      << "the path is missing from " << s.ToString();
  CONF_EXPECT(!s.syscall().empty() && s.sys_errno() == ENOENT)
      << "the failed syscall and ENOENT are missing from " << s.ToString();
  return ::testing::AssertionSuccess();
}

}  // namespace lockstress::testing
