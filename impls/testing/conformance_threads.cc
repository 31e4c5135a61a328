// Conformance within one process: two objects in two threads (`threads`),
// and shared mode (`shared`) across processes.
#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

#include "impls/testing/conformance_checks.h"
#include "impls/testing/conformance_macros.h"

namespace lockstress::testing {
namespace {

constexpr int kIterationsPerThread = 200;
// Slow mechanisms (an fsync per acquire) stop early: the witness compares
// the counter with the iterations actually done.
constexpr std::chrono::milliseconds kBudget{1500};
// The longest the thread inside waits for the other to show up.
constexpr std::chrono::milliseconds kAwaitOther{2};

// The witness. The counter is incremented non-atomically: a relaxed load,
// a yield, then a relaxed store, so concurrent increments are lost exactly
// as with a plain int, without the undefined behaviour of a data race
// (and without ThreadSanitizer reports: it cannot see that a kernel lock
// orders the critical sections).
//
// Scheduling must not hide a broken lock (on a loaded machine one thread
// may run all its iterations before the other is scheduled), so the thread
// inside waits, briefly and boundedly, for evidence that the other one is
// contending: in Acquire (contending), inside too (an overlap), or done.
// With a working lock the other is blocked in Acquire, so the wait ends at
// once.
struct Witness {
  std::atomic<int> counter{0};
  std::atomic<int> inside{0};
  std::atomic<int> contending{0};
  std::atomic<int> finished{0};
  std::atomic<int> done{0};  // critical sections completed
  std::atomic<int> overlaps{0};
  std::mutex mu;
  std::string first_error;  // guarded by mu

  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> guard(mu);
    if (first_error.empty()) first_error = what;
  }
};

// Each thread makes its own object, as lockfile's users do: with `thread`
// ownership the owner's name (HOSTNAME-TID-PID) is taken when the object is
// made, so an object made in one thread and used in another would share the
// maker's name.
void Contend(const std::string& impl, const std::string& path, Witness& w,
             std::latch& start) {
  auto made = NewLock(impl, path, std::chrono::milliseconds(2));
  start.arrive_and_wait();
  if (!made.ok()) {
    w.Fail("making the lock: " + made.status().ToString());
    w.finished.fetch_add(1);
    return;
  }
  Lock& lock = **made;
  const auto stop = std::chrono::steady_clock::now() + kBudget;
  for (int i = 0;
       i < kIterationsPerThread && std::chrono::steady_clock::now() < stop;
       ++i) {
    w.contending.fetch_add(1);
    Status s = AcquireWithin(lock, kHandshake);
    w.contending.fetch_sub(1);
    if (!s.ok()) {
      w.Fail("acquire: " + s.ToString());
      break;
    }
    if (w.inside.fetch_add(1) != 0) w.overlaps.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + kAwaitOther;
    while (w.contending.load() == 0 && w.inside.load() == 1 &&
           w.finished.load() == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
    int value = w.counter.load(std::memory_order_relaxed);
    std::this_thread::yield();
    w.counter.store(value + 1, std::memory_order_relaxed);
    w.inside.fetch_sub(1);
    w.done.fetch_add(1);
    s = lock.Release();
    if (!s.ok()) {
      w.Fail("release: " + s.ToString());
      break;
    }
  }
  w.finished.fetch_add(1);
}

}  // namespace

AssertionResult ChecksMutualExclusionAcrossThreads(const std::string& impl,
                                                   const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kThreads)) {
    return ::testing::AssertionSuccess() << "threads not declared";
  }
  const std::string path = dir + "/threads";
  Witness w;
  std::latch start(2);
  std::thread ta([&] { Contend(impl, path, w, start); });
  std::thread tb([&] { Contend(impl, path, w, start); });
  ta.join();
  tb.join();
  const int expected = w.done.load();
  CONF_EXPECT(w.first_error.empty()) << w.first_error;
  const int total = w.counter.load();
  CONF_EXPECT(w.overlaps.load() == 0 && total == expected)
      << w.overlaps.load() << " times both threads were inside at once; "
      << "witness counter " << total << ", expected " << expected << ": "
      << expected - total << " increments lost";
  return ::testing::AssertionSuccess();
}

AssertionResult ChecksSharedReadersExcludeWriter(const std::string& impl,
                                                 const std::string& dir) {
  if (FeatureSkipReason(impl, Feature::kShared)) {
    return ::testing::AssertionSuccess() << "shared not declared";
  }
  const std::string path = dir + "/shared";
  CONF_NEW_LOCK(a, impl, path);
  const Timeout once = TryOnceTimeout(a->info());
  const std::string busy = BusyKindFor(a->info());
  {
    // Readers together; a writer waits for all of them.
    CONF_CHILD_HOLDER(reader, impl, path, "shared");
    Status s = a->AcquireShared(once);
    std::string writer = ProbeFromChild(impl, path, "exclusive");
    if (s.ok()) (void)a->Release();
    std::string writer_one_left = ProbeFromChild(impl, path, "exclusive");
    std::string released = reader->Release();
    CONF_EXPECT_OK(s);
    CONF_EXPECT(writer == busy) << "a writer among two readers got " << writer;
    CONF_EXPECT(writer_one_left == busy)
        << "a writer with one reader left got " << writer_one_left;
    CONF_EXPECT(released == "Ok") << "the reader's release: " << released;
  }
  CONF_EXPECT_PROBE(impl, path, "exclusive", "Ok");
  {
    // A writer alone: no reader, no other writer.
    CONF_CHILD_HOLDER(writer, impl, path, "exclusive");
    Status s = a->AcquireShared(once);
    if (s.ok()) (void)a->Release();
    std::string reader = ProbeFromChild(impl, path, "shared");
    std::string released = writer->Release();
    CONF_EXPECT(KindName(s.kind()) == busy)
        << "a reader while a writer holds got " << s.ToString();
    CONF_EXPECT(reader == busy) << "another process reading got " << reader;
    CONF_EXPECT(released == "Ok") << "the writer's release: " << released;
  }
  CONF_EXPECT_OK(a->AcquireShared(once));
  CONF_EXPECT_OK(a->Release());
  return ::testing::AssertionSuccess();
}

}  // namespace lockstress::testing
