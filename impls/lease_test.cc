// Tests of lease.cc against the faults of issue 6, with real files, real
// processes, real threads, and an Os wrapper only where another host, a
// paused step or a skewed clock must be simulated:
//   - the owner record; nothing left behind;
//   - a dead PID on this host is broken at once, also after a crash at each
//     acquire failpoint; a live unrelated process with the holder's PID
//     (PID reuse) is not the holder;
//   - another hostname: a fresh lease is respected, an expired one broken;
//     a live remote holder keeps its lease by its heartbeat (also with
//     whole-second mtimes); the local wall clock is never consulted;
//   - another PID namespace and another UTS namespace with its own
//     hostname (real ones, by unshare, when privileged);
//   - garbage, empty, truncated and huge owner files; mtimes in the future
//     and long ago;
//   - two breakers at once: exactly one wins; a breaker paused mid-break;
//     a holder refreshing while it is being broken;
//   - a holder paused past its lease loses it (the lease's assumption);
//   - symlinks and FIFOs at the lock path are refused, never followed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "impls/core/owner_record.h"
#include "impls/core/process_identity.h"
#include "impls/lease_test_helper.h"
#include "impls/polling_lock_test_helper.h"
#include "impls/testing/test_dirs.h"
#include "lockstress/registry.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr char kImpl[] = "lease";

// Another host (its own hostname), optionally pausing at one failpoint until
// Resume(), and counting wall-clock reads.
class TestOs final : public OsWrapper {
 public:
  explicit TestOs(std::string host = "", std::string pause_at = "")
      : OsWrapper(&Os::Default()),
        host_(std::move(host)),
        pause_at_(std::move(pause_at)) {}
  ~TestOs() override { Resume(); }

  int Gethostname(char* name, size_t len) override {
    if (host_.empty()) return target()->Gethostname(name, len);
    std::snprintf(name, len, "%s", host_.c_str());
    return 0;
  }
  struct timespec WallClock() override {
    ++wall_clock_reads;
    struct timespec t = target()->WallClock();
    t.tv_sec += 365 * 24 * 3600;  // a year ahead: must not matter
    return t;
  }
  int Fstat(int fd, struct stat* st) override {
    int r = target()->Fstat(fd, st);
    if (whole_seconds) st->st_mtim.tv_nsec = 0;
    return r;
  }
  int Lstat(const char* path, struct stat* st) override {
    int r = target()->Lstat(path, st);
    if (whole_seconds) st->st_mtim.tv_nsec = 0;
    return r;
  }
  void Failpoint(std::string_view name) override {
    if (name != pause_at_) return;
    std::unique_lock<std::mutex> lock(mu_);
    if (resumed_) return;
    reached_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, seconds(30), [this] { return resumed_; });
  }
  bool WaitReached() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, seconds(20), [this] { return reached_; });
  }
  void Resume() {
    std::lock_guard<std::mutex> lock(mu_);
    resumed_ = true;
    cv_.notify_all();
  }

  std::atomic<int> wall_clock_reads{0};
  std::atomic<bool> whole_seconds{false};

 private:
  const std::string host_;
  const std::string pause_at_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool reached_ = false;
  bool resumed_ = false;
};

std::unique_ptr<Lock> MakeLease(const std::string& path, Os* os = nullptr,
                                LeaseTiming timing = LeaseTiming{}) {
  LockOptions options;
  options.path = path;
  options.os = os;
  return MakeLeaseLockForTest(options, timing);
}

// A short lease for tests that wait for one to run out.
LeaseTiming Short() {
  LeaseTiming t;
  t.lease = milliseconds(300);
  t.heartbeat = milliseconds(50);
  t.mtime_slack = milliseconds(50);
  t.probe_max_age = milliseconds(100);
  return t;
}

ProcessIdentity Me() { return ReadProcessIdentity(Os::Default()); }

OwnerRecord RecordOf(const ProcessIdentity& id) {
  return OwnerRecord{id.host, id.boot, id.pidns, id.pid, id.start, 1, 0};
}

OwnerRecord Elsewhere() {
  OwnerRecord r = RecordOf(Me());
  r.host = "elsewhere";
  return r;
}

// Sets a file's mtime `offset` from now (the kernel's clock: the same
// clock a local filesystem stamps with).
void SetMtime(const std::string& path, std::chrono::seconds offset) {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  struct timespec times[2] = {now, now};
  times[1].tv_sec += static_cast<time_t>(offset.count());
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
}

void SetMtimeEpoch(const std::string& path, time_t seconds_since_epoch) {
  struct timespec times[2] = {{seconds_since_epoch, 0},
                              {seconds_since_epoch, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
}

void Seed(const std::string& lock_path, const std::string& content) {
  ASSERT_TRUE(WriteFile(lock_path, content));
}

std::vector<std::string> NamesEndingWith(const std::string& dir,
                                         const std::string& suffix) {
  std::vector<std::string> out;
  for (const std::string& name : ListDir(dir)) {
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(dir + "/" + name);
    }
  }
  return out;
}

// A child process that has exited and been reaped: its PID is dead.
std::pair<pid_t, std::uint64_t> DeadProcess() {
  TempDir elsewhere;
  ChildProcess child =
      ChildProcess::Start("hold", {kImpl, elsewhere.File("x")});
  if (child.ReadLine() != "acquired") return {0, 0};
  pid_t pid = child.pid();
  std::uint64_t start = ReadProcStat(Os::Default(), std::to_string(pid)).start;
  child.Kill(SIGKILL);
  (void)child.Wait();
  return {pid, start};
}

TEST(LeaseLockTest, InfoDeclaresStaleRecoveryAndEveryFailpoint) {
  const ImplEntry* entry = FindImpl(kImpl);
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->info.features.has(Feature::kStaleRecovery));
  EXPECT_TRUE(entry->info.features.has(Feature::kThreads));
  EXPECT_TRUE(entry->info.nfs_safe);
  EXPECT_EQ(entry->info.ownership, Ownership::kOpenFile);
  EXPECT_EQ(entry->info.stale_bound, LeaseTiming{}.StaleBound());
  EXPECT_LE(entry->info.stale_bound, milliseconds(5000));  // recovery bound
  EXPECT_EQ(entry->info.failpoints.size(), 10u);
  for (const std::string& f : entry->info.failpoints) {
    EXPECT_EQ(f.rfind("lease/", 0), 0u) << f;
  }
  EXPECT_GE(LeaseTiming{}.LongestToleratedPause(), milliseconds(1500));
}

TEST(LeaseLockTest, LockFileHoldsTheOwnerRecordAndNothingIsLeftBehind) {
  TempDir dir;
  auto lock = MakeTestLock(kImpl, dir.File("f"));
  ASSERT_TRUE(lock->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"f.lock"});
  std::optional<OwnerRecord> r =
      ParseOwnerRecord(ReadFileOrMissing(dir.File("f.lock")));
  ASSERT_TRUE(r.has_value());
  ProcessIdentity me = Me();
  EXPECT_EQ(r->host, me.host);
  EXPECT_EQ(r->boot, me.boot);
  EXPECT_EQ(r->pidns, me.pidns);
  EXPECT_EQ(r->pid, me.pid);
  EXPECT_EQ(r->start, me.start);
  EXPECT_TRUE(*lock->IAmLocking());
  EXPECT_TRUE(lock->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, KilledHolderOnThisHostIsTakenOverAtOnce) {
  TempDir dir;
  ChildProcess child = ChildProcess::Start("hold", {kImpl, dir.File("f")});
  ASSERT_EQ(child.ReadLine(), "acquired");
  auto me = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(*me->IsLocked());
  child.Kill(SIGKILL);
  ASSERT_EQ(child.Wait(), 128 + SIGKILL);
  EXPECT_FALSE(*me->IsLocked());  // a dead holder holds nothing
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, CrashAtEveryAcquireStepLeavesALockOthersTakeOver) {
  for (const char* failpoint :
       {"lease/after_temp_file", "lease/after_link_before_count",
        "lease/after_count_before_unlink_temp"}) {
    SCOPED_TRACE(failpoint);
    TempDir dir;
    ChildProcess child =
        ChildProcess::Start("crash_at", {kImpl, dir.File("f"), failpoint});
    ASSERT_EQ(child.Wait(), kChildCrashed);
    auto me = MakeTestLock(kImpl, dir.File("f"));
    ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
    EXPECT_TRUE(me->Release().ok());
  }
}

TEST(LeaseLockTest, DeadPidOnThisHostIsStale) {
  TempDir dir;
  auto [pid, start] = DeadProcess();
  OwnerRecord r = RecordOf(Me());
  r.pid = pid;
  r.start = start;
  Seed(dir.File("f.lock"), FormatOwnerRecord(r));
  auto me = MakeTestLock(kImpl, dir.File("f"));
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, LiveUnrelatedProcessWithTheHoldersPidIsNotTheHolder) {
  TempDir dir;
  // A live process: the holder's PID, reused. Its start time differs from
  // the one in the record.
  ChildProcess other = ChildProcess::Start("hold", {kImpl, dir.File("other")});
  ASSERT_EQ(other.ReadLine(), "acquired");
  ProcStat ps = ReadProcStat(Os::Default(), std::to_string(other.pid()));
  ASSERT_EQ(ps.state, ProcStat::State::kRunning);
  OwnerRecord r = RecordOf(Me());
  r.pid = other.pid();
  r.start = ps.start;  // first: the true start time -> that is the holder
  Seed(dir.File("f.lock"), FormatOwnerRecord(r));
  auto me = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  r.start = ps.start - 1;  // now: another start time -> PID reuse
  Seed(dir.File("f.lock"), FormatOwnerRecord(r));
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
  ASSERT_TRUE(other.WriteLine("release"));
  EXPECT_EQ(other.ReadLine(), "released");
}

TEST(LeaseLockTest, OtherHostFreshLeaseIsHeldExpiredLeaseIsBroken) {
  TempDir dir;
  TestOs os;  // its wall clock is a year ahead: it must not matter
  Seed(dir.File("f.lock"), FormatOwnerRecord(Elsewhere()));
  auto me = MakeLease(dir.File("f"), &os);
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(*me->IsLocked());
  SetMtime(dir.File("f.lock"), seconds(-10));
  EXPECT_FALSE(*me->IsLocked());
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_EQ(os.wall_clock_reads.load(), 0);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, OtherPidNamespaceIsJudgedByTheLeaseNotByPid) {
  TempDir dir;
  auto [pid, start] = DeadProcess();
  OwnerRecord r = RecordOf(Me());
  r.pidns += 1;  // that PID means nothing here, dead or alive
  r.pid = pid;
  r.start = start;
  Seed(dir.File("f.lock"), FormatOwnerRecord(r));
  auto me = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  SetMtime(dir.File("f.lock"), seconds(-10));
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
}

// A holder in real new namespaces (`flags`: CLONE_NEWPID, CLONE_NEWUTS),
// with `hostname` when given. Handshake over two pipes:
//   test --fork--> middle: unshare(flags) ("s" on status: not permitted)
//                  middle --fork--> holder (PID 1 in a new PID namespace;
//                  our /proc still shows ours): sethostname, acquire;
//                  holder: "a" (or "e") on status; middle: holder's PID
//   test: checks, SIGKILLs the holder, reaps the middle.
struct NamespacedHolder {
  pid_t middle = -1;
  pid_t holder = -1;
  char status = 0;  // 'a' acquired, 'e' failed, 's' not permitted, 0 lost

  NamespacedHolder(int flags, const std::string& hostname,
                   const std::string& path) {
    int status_pipe[2], pid_pipe[2];
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) return;
    if (::pipe2(pid_pipe, O_CLOEXEC) != 0) return;
    middle = ::fork();
    if (middle == 0) {
      if (::unshare(flags) != 0 ||
          (!hostname.empty() &&
           ::sethostname(hostname.data(), hostname.size()) != 0)) {
        (void)!::write(status_pipe[1], "s", 1);
        _exit(0);
      }
      pid_t h = ::fork();
      if (h == 0) {
        auto lock = MakeTestLock(kImpl, path);
        bool ok = lock->Acquire(Timeout::NonBlocking()).ok();
        (void)!::write(status_pipe[1], ok ? "a" : "e", 1);
        ::pause();  // until the test kills it
        _exit(0);
      }
      (void)!::write(pid_pipe[1], &h, sizeof h);
      ::waitpid(h, nullptr, 0);
      _exit(0);
    }
    ::close(status_pipe[1]);
    ::close(pid_pipe[1]);
    if (middle > 0 && ::read(status_pipe[0], &status, 1) == 1 &&
        status != 's' &&
        ::read(pid_pipe[0], &holder, sizeof holder) != sizeof holder) {
      status = 0;
    }
    ::close(status_pipe[0]);
    ::close(pid_pipe[0]);
  }
  ~NamespacedHolder() {
    if (holder > 0) ::kill(holder, SIGKILL);
    if (middle > 0) ::waitpid(middle, nullptr, 0);
  }
};

// The holder is PID 1 of a new PID namespace; PID 1 is alive here too (our
// init) and is not the holder.
TEST(LeaseLockTest, HolderInAnotherPidNamespace) {
  TempDir dir;
  NamespacedHolder h(CLONE_NEWPID, "", dir.File("f"));
  if (h.status == 's') {
    GTEST_SKIP() << "unshare(CLONE_NEWPID) is not permitted here "
                    "(needs CAP_SYS_ADMIN)";
  }
  ASSERT_EQ(h.status, 'a');
  std::optional<OwnerRecord> r =
      ParseOwnerRecord(ReadFileOrMissing(dir.File("f.lock")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pid, 1);
  EXPECT_NE(r->pidns, Me().pidns);
  auto me = MakeTestLock(kImpl, dir.File("f"));
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  ::kill(h.holder, SIGKILL);
  // Dead, but only its lease can tell: taken over within the stale bound.
  Status s =
      me->Acquire(Timeout::After(LeaseTiming{}.StaleBound() + seconds(10)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(me->Release().ok());
}

// Another "host": a UTS namespace with its own hostname (same kernel, same
// PIDs). Its live holder keeps the lock by its heartbeat for longer than a
// lease; once killed, its lease runs out.
TEST(LeaseLockTest, HolderInAnotherUtsNamespaceWithItsOwnHostname) {
  TempDir dir;
  NamespacedHolder h(CLONE_NEWUTS, "lease-test-other-host", dir.File("f"));
  if (h.status == 's') {
    GTEST_SKIP() << "unshare(CLONE_NEWUTS) is not permitted here "
                    "(needs CAP_SYS_ADMIN)";
  }
  ASSERT_EQ(h.status, 'a');
  std::optional<OwnerRecord> r =
      ParseOwnerRecord(ReadFileOrMissing(dir.File("f.lock")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->host, "lease-test-other-host");
  auto me = MakeTestLock(kImpl, dir.File("f"));
  const auto until =
      std::chrono::steady_clock::now() + LeaseTiming{}.lease + seconds(1);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
              ErrorKind::kAlreadyLocked);
    std::this_thread::sleep_for(milliseconds(200));
  }
  ::kill(h.holder, SIGKILL);
  Status s =
      me->Acquire(Timeout::After(LeaseTiming{}.StaleBound() + seconds(10)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(me->Release().ok());
}

TEST(LeaseLockTest, GarbageEmptyTruncatedAndHugeFilesAreJudgedByTheirLease) {
  const std::string record = FormatOwnerRecord(Elsewhere());
  for (const std::string& content :
       {std::string(""), std::string("garbage\n"), record.substr(0, 40),
        std::string("\xff\xfe\0\x01", 4), std::string(1 << 20, 'x')}) {
    SCOPED_TRACE(content.substr(0, 20));
    TempDir dir;
    Seed(dir.File("f.lock"), content);
    auto me = MakeTestLock(kImpl, dir.File("f"));
    EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
              ErrorKind::kAlreadyLocked);
    EXPECT_TRUE(*me->IsLocked());
    SetMtime(dir.File("f.lock"), seconds(-60));
    ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
    EXPECT_TRUE(me->Release().ok());
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  }
}

TEST(LeaseLockTest, AncientMtimeIsStale) {
  TempDir dir;
  Seed(dir.File("f.lock"), FormatOwnerRecord(Elsewhere()));
  SetMtimeEpoch(dir.File("f.lock"), 0);
  auto me = MakeTestLock(kImpl, dir.File("f"));
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
}

TEST(LeaseLockTest, FutureMtimeIsStaleAfterOneLeaseUnchanged) {
  TempDir dir;
  Seed(dir.File("f.lock"), FormatOwnerRecord(Elsewhere()));
  SetMtime(dir.File("f.lock"), seconds(365 * 24 * 3600));
  auto me = MakeLease(dir.File("f"), nullptr, Short());
  // Not "expired" by age (negative), and not trusted for ever either.
  EXPECT_EQ(me->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  Status s = me->Acquire(Timeout::After(seconds(20)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(me->Release().ok());
}

TEST(LeaseLockTest, LiveRemoteHolderKeepsItsLeaseByHeartbeat) {
  TempDir dir;
  TestOs alpha("alpha"), beta("beta");
  beta.whole_seconds = true;  // coarse mtimes (1 s) must not break it
  auto holder = MakeLease(dir.File("f"), &alpha);
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  auto other = MakeLease(dir.File("f"), &beta);
  const auto until = std::chrono::steady_clock::now() +
                     LeaseTiming{}.StaleBound() + milliseconds(500);
  int tries = 0;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(other->Acquire(Timeout::NonBlocking()).kind(),
              ErrorKind::kAlreadyLocked);
    ++tries;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_GT(tries, 10);
  EXPECT_TRUE(*holder->IAmLocking());
  EXPECT_TRUE(holder->Release().ok());
  ASSERT_TRUE(other->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(other->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

// The lease's assumption (docs/lease.md): a holder that stops refreshing for
// longer than the lease is presumed dead by other hosts. Here its heartbeat
// is paused; another host takes over; the holder learns at release.
TEST(LeaseLockTest, HolderPausedPastItsLeaseLosesIt) {
  TempDir dir;
  TestOs alpha("alpha", "lease/heartbeat"), beta("beta");
  auto holder = MakeLease(dir.File("f"), &alpha, Short());
  ASSERT_TRUE(holder->Acquire(Timeout::NonBlocking()).ok());
  ASSERT_TRUE(alpha.WaitReached());  // the holder is "paused" from here
  auto other = MakeLease(dir.File("f"), &beta, Short());
  Status s = other->Acquire(Timeout::After(seconds(20)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(*holder->IAmLocking());
  alpha.Resume();
  EXPECT_EQ(holder->Release().kind(), ErrorKind::kNotMyLock);
  EXPECT_TRUE(*other->IAmLocking());  // the new holder's lock is intact
  EXPECT_TRUE(other->Release().ok());
}

TEST(LeaseLockTest, ConcurrentBreakersOfOneStaleLockExactlyOneWins) {
  TempDir dir;
  constexpr int kBreakers = 8;
  for (int round = 0; round < 100; ++round) {
    Seed(dir.File("f.lock"), FormatOwnerRecord(Elsewhere()));
    SetMtime(dir.File("f.lock"), seconds(-60));
    std::vector<std::unique_ptr<Lock>> locks;
    for (int i = 0; i < kBreakers; ++i) {
      locks.push_back(MakeTestLock(kImpl, dir.File("f")));
    }
    std::atomic<int> ready{0}, winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kBreakers; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kBreakers) std::this_thread::yield();
        if (locks[i]->Acquire(Timeout::NonBlocking()).ok()) ++winners;
      });
    }
    for (std::thread& t : threads) t.join();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    for (auto& l : locks) {
      if (*l->IAmLocking()) {
        EXPECT_TRUE(l->Release().ok());
      }
    }
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
  }
}

// Runs `lock->Acquire(NonBlocking)` in a thread; the Status when joined.
class AcquireInThread {
 public:
  explicit AcquireInThread(Lock* lock)
      : thread_([this, lock] {
          status_ = lock->Acquire(Timeout::NonBlocking());
        }) {}
  ~AcquireInThread() {
    if (thread_.joinable()) thread_.join();
  }
  Status Join() {
    thread_.join();
    return status_;
  }

 private:
  Status status_;
  std::thread thread_;
};

// A stale lock (another host, a minute old) and a breaker paused at
// `step` in another thread.
struct PausedBreaker {
  PausedBreaker(const TempDir& dir, const char* step,
                const OwnerRecord& record = Elsewhere())
      : os("", step) {
    Seed(dir.File("f.lock"), FormatOwnerRecord(record));
    SetMtime(dir.File("f.lock"), seconds(-60));
    lock = MakeTestLock(kImpl, dir.File("f"), &os);
    breaking = std::make_unique<AcquireInThread>(lock.get());
    reached = os.WaitReached();
  }
  ~PausedBreaker() {
    os.Resume();  // lets the thread finish before it is joined
    breaking.reset();
  }
  TestOs os;
  std::unique_ptr<Lock> lock;
  std::unique_ptr<AcquireInThread> breaking;
  bool reached = false;
};

TEST(LeaseLockTest, SecondBreakerWaitsForTheFirstsClaim) {
  TempDir dir;
  PausedBreaker first(dir, "lease/break_after_claim");
  ASSERT_TRUE(first.reached);
  auto second = MakeTestLock(kImpl, dir.File("f"));
  // The first breaker is alive (this process): its claim is respected.
  EXPECT_EQ(second->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  first.os.Resume();
  ASSERT_TRUE(first.breaking->Join().ok());
  EXPECT_EQ(second->Acquire(Timeout::NonBlocking()).kind(),
            ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(first.lock->Release().ok());
}

TEST(LeaseLockTest, BreakerPausedAfterItsRenameNeverRemovesANewLock) {
  TempDir dir;
  PausedBreaker first(dir, "lease/break_after_rename");
  ASSERT_TRUE(first.reached);
  // The stale lock is out of the way: a newcomer takes the free path.
  auto second = MakeTestLock(kImpl, dir.File("f"));
  ASSERT_TRUE(second->Acquire(Timeout::NonBlocking()).ok());
  first.os.Resume();
  EXPECT_EQ(first.breaking->Join().kind(), ErrorKind::kAlreadyLocked);
  EXPECT_TRUE(*second->IAmLocking());
  EXPECT_TRUE(second->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, HolderRefreshingWhileBeingBrokenIsPutBack) {
  for (const char* step :
       {"lease/break_after_claim", "lease/break_after_rename"}) {
    SCOPED_TRACE(step);
    TempDir dir;
    OwnerRecord r = Elsewhere();
    PausedBreaker breaker(dir, step, r);
    ASSERT_TRUE(breaker.reached);
    // The holder was alive after all: it refreshes (new generation, fresh
    // mtime) wherever its file is now.
    std::vector<std::string> moved = NamesEndingWith(dir.path(), ".broken");
    std::string where = moved.empty() ? dir.File("f.lock") : moved[0];
    ++r.generation;
    int fd = ::open(where.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << where;
    std::string text = FormatOwnerRecord(r);
    ASSERT_EQ(::pwrite(fd, text.data(), text.size(), 0),
              static_cast<ssize_t>(text.size()));
    ::close(fd);
    breaker.os.Resume();
    EXPECT_EQ(breaker.breaking->Join().kind(), ErrorKind::kAlreadyLocked);
    EXPECT_EQ(ReadFileOrMissing(dir.File("f.lock")), text);  // put back
    EXPECT_EQ(NamesEndingWith(dir.path(), ".broken"),
              std::vector<std::string>{});
  }
}

TEST(LeaseLockTest, SymlinkOrFifoAtTheLockPathIsRefusedAndNeverFollowed) {
  TempDir dir;
  ASSERT_TRUE(WriteFile(dir.File("victim"), "precious\n"));
  SetMtime(dir.File("victim"), seconds(-3600));
  ASSERT_EQ(::symlink(dir.File("victim").c_str(), dir.File("f.lock").c_str()),
            0);
  auto me = MakeTestLock(kImpl, dir.File("f"));
  Status s = me->Acquire(Timeout::After(milliseconds(200)));
  EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
  EXPECT_NE(s.ToString().find("symbolic link"), std::string::npos);
  EXPECT_EQ(ReadFileOrMissing(dir.File("victim")), "precious\n");
  struct stat st {};
  EXPECT_EQ(::lstat(dir.File("f.lock").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));

  ASSERT_EQ(::mkfifo(dir.File("g.lock").c_str(), 0644), 0);
  auto fifo = MakeTestLock(kImpl, dir.File("g"));
  EXPECT_EQ(fifo->Acquire(Timeout::Forever()).kind(), ErrorKind::kLockFailed);
}

// From failpoint `arm` on ("": at once), the next `count` calls of the
// system calls named in `calls` (fstat, lstat, link, rename, pwrite;
// comma-separated) fail with `err`: the crash branch's "fail with an
// errno", at the unit level.
class FailAfterOs final : public OsWrapper {
 public:
  FailAfterOs(std::string arm, std::string call, int err, int count = 1)
      : OsWrapper(&Os::Default()),
        arm_(std::move(arm)),
        call_(std::move(call)),
        err_(err),
        left_(count) {}
  void Failpoint(std::string_view name) override {
    if (name == arm_ || arm_.empty()) armed_ = true;
  }
  int Fstat(int fd, struct stat* st) override {
    return Fail("fstat") ? -1 : target()->Fstat(fd, st);
  }
  int Lstat(const char* path, struct stat* st) override {
    return Fail("lstat") ? -1 : target()->Lstat(path, st);
  }
  int Link(const char* from, const char* to) override {
    return Fail("link") ? -1 : target()->Link(from, to);
  }
  int Rename(const char* from, const char* to) override {
    return Fail("rename") ? -1 : target()->Rename(from, to);
  }
  ssize_t Pwrite(int fd, const void* buf, size_t n, off_t off) override {
    return Fail("pwrite") ? -1 : target()->Pwrite(fd, buf, n, off);
  }

 private:
  bool Fail(std::string_view call) {
    if ((!armed_ && !arm_.empty()) || left_ == 0 ||
        ("," + call_ + ",").find("," + std::string(call) + ",") ==
            std::string::npos) {
      return false;
    }
    --left_;
    errno = err_;
    return true;
  }
  const std::string arm_, call_;
  const int err_;
  std::atomic<bool> armed_{false};
  std::atomic<int> left_;
};

TEST(LeaseLockTest, InjectedErrorsFailCleanlyAndLeaveNoLockBehind) {
  struct Case {
    const char* arm;
    const char* call;
    int err;
    int count;
  };
  for (const Case& c :
       {Case{"", "pwrite", ENOSPC, 1},
        Case{"lease/after_temp_file", "link", EIO, 1},
        Case{"lease/after_temp_file", "link", EINTR, 1},
        Case{"lease/after_link_before_count", "fstat,lstat", EIO, 2}}) {
    SCOPED_TRACE(std::string(c.arm) + " " + c.call);
    TempDir dir;
    FailAfterOs os(c.arm, c.call, c.err, c.count);
    auto me = MakeTestLock(kImpl, dir.File("f"), &os);
    Status s = me->Acquire(Timeout::NonBlocking());
    EXPECT_EQ(s.kind(), ErrorKind::kLockFailed) << s.ToString();
    EXPECT_EQ(s.sys_errno(), c.err) << s.ToString();
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
    auto other = MakeTestLock(kImpl, dir.File("f"));
    ASSERT_TRUE(other->Acquire(Timeout::NonBlocking()).ok());
    EXPECT_TRUE(other->Release().ok());
  }
}

TEST(LeaseLockTest, FstatFailingAfterTheLinkFallsBackToLstat) {
  TempDir dir;
  FailAfterOs os("lease/after_link_before_count", "fstat", EIO, 1);
  auto me = MakeTestLock(kImpl, dir.File("f"), &os);
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(*me->IAmLocking());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, ReleaseWhoseRenameFailsStillRemovesTheLock) {
  TempDir dir;
  FailAfterOs os("lease/release_after_stop", "rename", EIO, 1);
  auto me = MakeTestLock(kImpl, dir.File("f"), &os);
  ASSERT_TRUE(me->Acquire(Timeout::NonBlocking()).ok());
  EXPECT_TRUE(me->Release().ok());
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{});
}

TEST(LeaseLockTest, ReleaseAfterBreakIsNotLockedOrNotMine) {
  TempDir dir;
  CheckReleaseAfterBreak(kImpl, dir, dir.File("f"));
}

}  // namespace
}  // namespace lockstress::testing
