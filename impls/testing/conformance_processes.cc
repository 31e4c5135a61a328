// Conformance across processes: mutual exclusion both ways, a contention
// loop between two child processes with a witness counter file, and no lock
// descriptor leaking into an exec'd child.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "impls/testing/conformance_checks.h"
#include "impls/testing/conformance_macros.h"

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr int kIterationsPerChild = 100;
// Slow mechanisms (an fsync per acquire) stop early: the witness compares
// the counter with the iterations the children report done.
constexpr milliseconds kBudget{1500};
// Time spent inside each critical section between the read and the write
// of the counter, to give a broken lock every chance to overlap.
constexpr std::chrono::microseconds kInside{50};

int ReadCounter(const std::string& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  close(fd);
  return n > 0 ? std::atoi(buf) : -1;
}

bool WriteCounter(const std::string& file, int value) {
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::string text = std::to_string(value) + "\n";
  bool ok = pwrite(fd, text.data(), text.size(), 0) ==
                static_cast<ssize_t>(text.size()) &&
            ftruncate(fd, static_cast<off_t>(text.size())) == 0;
  close(fd);
  return ok;
}

// Shared by the two contending children through a MAP_SHARED file, so the
// one inside can wait (boundedly) for evidence that the other contends: in
// Acquire, inside as well (an overlap), or done. Without it a loaded
// machine may run one child to the end before the other starts, and a
// broken lock would pass. With a working lock the other child is blocked
// in Acquire, so the wait ends at once. Lock-free atomics work across
// processes on shared memory.
struct SharedWitness {
  std::atomic<int> contending;
  std::atomic<int> inside;
  std::atomic<int> finished;
};
static_assert(std::atomic<int>::is_always_lock_free);
constexpr milliseconds kAwaitOther{2};

SharedWitness* MapWitness(const std::string& file) {
  int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  void* p = MAP_FAILED;
  if (ftruncate(fd, sizeof(SharedWitness)) == 0) {
    p = mmap(nullptr, sizeof(SharedWitness), PROT_READ | PROT_WRITE, MAP_SHARED,
             fd, 0);
  }
  close(fd);
  return p == MAP_FAILED ? nullptr : static_cast<SharedWitness*>(p);
}

// Busy: a yield here would cost a whole timeslice on a loaded machine.
void SpinFor(std::chrono::microseconds d) {
  Clock::time_point until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

// Whether any open descriptor of `pid` refers to `file` (proc(5),
// /proc/PID/fd/N are symlinks to the open files).
bool HasOpen(pid_t pid, const std::string& file) {
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(fd_dir.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (struct dirent* e = readdir(d)) {
    char target[4096];
    std::string link = fd_dir + "/" + e->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<size_t>(n)) == file) {
      found = true;
    }
  }
  closedir(d);
  return found;
}

}  // namespace

// args: impl path counter_file marker_file iterations witness_file.
//
//   parent                    child 1, child 2 (conf_contend)
//     | <------------ "ready" | (both, lock objects made)
//     | -- "go" -------------> | (both)
//     |                        | N x: acquire; marker O_EXCL (else overlap);
//     |                        |      read counter; yield; write counter+1;
//     |                        |      unlink marker; release
//     | <- "done OVERLAPS DONE"| exit 0 (or "error ..." and exit 61)
LOCKSTRESS_CHILD_ROLE(conf_contend) {
  if (args.size() != 6) return kChildBadUsage;
  SharedWitness* w = MapWitness(args[5]);
  if (w == nullptr) {
    ChildSay("error cannot map " + args[5]);
    return kChildFailed;
  }
  auto lock = NewLock(args[0], args[1], milliseconds(2));
  if (!lock.ok()) {
    ChildSay("error " + lock.status().ToString());
    return kChildFailed;
  }
  const std::string& counter = args[2];
  const std::string& marker = args[3];
  const int iterations = std::atoi(args[4].c_str());
  ChildSay("ready");
  if (ChildReadLine() != "go") return kChildNoParent;
  int overlaps = 0;
  int done = 0;
  const Clock::time_point stop = Clock::now() + kBudget;
  for (int i = 0; i < iterations && Clock::now() < stop; ++i) {
    w->contending.fetch_add(1);
    Status s = AcquireWithin(**lock, kHandshake);
    w->contending.fetch_sub(1);
    if (!s.ok()) {
      w->finished.fetch_add(1);
      ChildSay("error acquire: " + s.ToString());
      return kChildFailed;
    }
    w->inside.fetch_add(1);
    Clock::time_point until = Clock::now() + kAwaitOther;
    while (w->contending.load() == 0 && w->inside.load() == 1 &&
           w->finished.load() == 0 && Clock::now() < until) {
      sched_yield();
    }
    int fd =
        open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    bool mine = fd >= 0;
    if (mine) close(fd);
    if (!mine && errno == EEXIST) ++overlaps;
    int value = ReadCounter(counter);
    sched_yield();
    SpinFor(kInside);
    if (value < 0 || !WriteCounter(counter, value + 1)) {
      ChildSay("error counter file");
      return kChildFailed;
    }
    if (mine) unlink(marker.c_str());
    w->inside.fetch_sub(1);
    ++done;
    s = (*lock)->Release();
    if (!s.ok()) {
      w->finished.fetch_add(1);
      ChildSay("error release: " + s.ToString());
      return kChildFailed;
    }
  }
  w->finished.fetch_add(1);
  ChildSay("done " + std::to_string(overlaps) + " " + std::to_string(done));
  return kChildOk;
}

// Says "ready", then waits for any line (or EOF) and exits.
LOCKSTRESS_CHILD_ROLE(conf_idle) {
  ChildSay("ready");
  (void)ChildReadLine();
  return kChildOk;
}

AssertionResult ChecksMutualExclusionAcrossProcesses(const std::string& impl,
                                                     const std::string& dir) {
  const std::string path = dir + "/processes";
  CONF_NEW_LOCK(a, impl, path);
  const std::string busy = BusyKindFor(a->info());
  // Holder in this process, contender in a child.
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
  std::string probe = ProbeFromChild(impl, path, "exclusive");
  CONF_EXPECT_OK(a->Release());
  CONF_EXPECT(probe == busy) << "a child acquiring while this process held got "
                             << probe << " (expected " << busy << ")";
  CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
  // Holder in a child, contender in this process.
  CONF_CHILD_HOLDER(holder, impl, path, "exclusive");
  Status s = a->Acquire(TryOnceTimeout(a->info()));
  if (s.ok()) (void)a->Release();
  std::string released = holder->Release();
  CONF_EXPECT(s.kind() != ErrorKind::kOk && KindName(s.kind()) == busy)
      << "acquiring while a child held gave " << s.ToString();
  CONF_EXPECT(released == "Ok") << "the holder's release: " << released;
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
  CONF_EXPECT_OK(a->Release());
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksNoLostIncrementsAcrossProcesses(const std::string& impl,
                                                      const std::string& dir) {
  const std::string path = dir + "/contention";
  const std::string counter = dir + "/contention-counter";
  const std::string marker = dir + "/contention-inside";
  const std::string witness = dir + "/contention-witness";
  CONF_EXPECT(WriteCounter(counter, 0)) << "cannot write " << counter;
  const std::vector<std::string> args = {
      impl,   path, counter, marker, std::to_string(kIterationsPerChild),
      witness};
  std::vector<ChildProcess> children;
  for (int i = 0; i < 2; ++i) {
    children.push_back(ChildProcess::Start("conf_contend", args));
  }
  for (ChildProcess& c : children) {
    std::optional<std::string> line = c.ReadLine();
    CONF_EXPECT(line == "ready") << "child: " << line.value_or("<no answer>");
  }
  for (ChildProcess& c : children) c.WriteLine("go");
  int overlaps = 0;
  int expected = 0;
  for (ChildProcess& c : children) {
    std::optional<std::string> line = c.ReadLine();
    CONF_EXPECT(line && line->rfind("done ", 0) == 0)
        << "child: " << line.value_or("<no answer>");
    int o = 0;
    int d = 0;
    CONF_EXPECT(std::sscanf(line->c_str(), "done %d %d", &o, &d) == 2) << *line;
    overlaps += o;
    expected += d;
    CONF_EXPECT(c.Wait() == kChildOk) << "child did not exit cleanly";
  }
  const int total = ReadCounter(counter);
  CONF_EXPECT(overlaps == 0 && total == expected)
      << overlaps << " times a process entered the critical section while "
      << "the other was inside; witness counter " << total << ", expected "
      << expected << ": " << expected - total << " increments lost";
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksNoDescriptorLeakAcrossExec(const std::string& impl,
                                                 const std::string& dir) {
  const std::string path = dir + "/exec";
  CONF_NEW_LOCK(a, impl, path);
  CONF_EXPECT_OK(a->Acquire(TryOnceTimeout(a->info())));
  // The child is fork+exec'd while this process holds the lock.
  ChildProcess child = ChildProcess::Start("conf_idle", {});
  std::optional<std::string> line = child.ReadLine();
  bool leaked = HasOpen(child.pid(), a->lock_path());
  Status released = a->Release();
  std::string probe = ProbeFromChild(impl, path, "exclusive");
  child.WriteLine("exit");
  (void)child.Wait();
  CONF_EXPECT(line == "ready") << "idle child: " << line.value_or("<none>");
  CONF_EXPECT(!leaked) << "the exec'd child has " << a->lock_path() << " open";
  CONF_EXPECT_OK(released);
  CONF_EXPECT(probe == "Ok")
      << "with the exec'd child alive, after release a third process got "
      << probe;
  return ::testing::AssertionSuccess();
}

}  // namespace lockstress::testing
