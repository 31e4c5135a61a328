#include "impls/testing/conformance_util.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

namespace lockstress::testing {
namespace {

using std::chrono::milliseconds;

}  // namespace

// args: impl path mode. See ChildHolder for the handshake.
LOCKSTRESS_CHILD_ROLE(conf_hold) {
  if (args.size() != 3) return kChildBadUsage;
  StatusOr<std::unique_ptr<Lock>> lock = NewLock(args[0], args[1]);
  if (!lock.ok()) {
    ChildSay("error " + lock.status().ToString());
    return kChildFailed;
  }
  Status s = AcquireIn(**lock, args[2], TryOnceTimeout((*lock)->info()));
  if (!s.ok()) {
    ChildSay("error " + s.ToString());
    return kChildFailed;
  }
  ChildSay("acquired");
  std::optional<std::string> line = ChildReadLine();
  if (line != "release") return kChildNoParent;
  Status r = (*lock)->Release();
  ChildSay("released " + std::string(KindName(r.kind())));
  return kChildOk;
}

// args: impl path mode. Says the kind name of one try, releasing on success.
LOCKSTRESS_CHILD_ROLE(conf_probe) {
  if (args.size() != 3) return kChildBadUsage;
  StatusOr<std::unique_ptr<Lock>> lock = NewLock(args[0], args[1]);
  if (!lock.ok()) {
    ChildSay("error " + lock.status().ToString());
    return kChildFailed;
  }
  Status s = AcquireIn(**lock, args[2], TryOnceTimeout((*lock)->info()));
  ChildSay(std::string(KindName(s.kind())));
  if (s.ok()) (void)(*lock)->Release();
  return kChildOk;
}

std::vector<std::string> ImplNames(bool with_null) {
  std::vector<std::string> names;
  for (const ImplEntry& e : AllImpls()) {
    if (with_null || e.info.name != "null") names.push_back(e.info.name);
  }
  return names;
}

std::string TestNameOf(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

bool IsPlaceholder(const std::string& impl) {
  const ImplEntry* entry = FindImpl(impl);
  return entry == nullptr ||
         entry->make(LockOptions{.path = "/nonexistent/placeholder"}) ==
             nullptr;
}

const ImplInfo& InfoOf(const std::string& impl) {
  const ImplEntry* entry = FindImpl(impl);
  if (entry == nullptr) {
    std::fprintf(stderr, "unknown implementation '%s'\n", impl.c_str());
    std::abort();
  }
  return entry->info;
}

StatusOr<std::unique_ptr<Lock>> NewLock(const std::string& impl,
                                        const std::string& path,
                                        milliseconds max_poll) {
  LockOptions options{.path = path, .max_poll_interval = max_poll};
  StatusOr<std::unique_ptr<Lock>> lock = MakeLock(impl, options);
  if (lock.ok() && *lock == nullptr) {
    return Status(ErrorKind::kUnsupported, path,
                  "'" + impl + "' is a placeholder (factory gave nullptr)");
  }
  return lock;
}

Timeout TryOnceTimeout(const ImplInfo& info) {
  if (info.features.has(Feature::kNonblocking)) return Timeout::NonBlocking();
  if (info.features.has(Feature::kTimeout))
    return Timeout::After(milliseconds(100));
  return Timeout::Forever();
}

Status AcquireWithin(Lock& lock, milliseconds bound) {
  const FeatureSet& f = lock.info().features;
  if (f.has(Feature::kTimeout)) return lock.Acquire(Timeout::After(bound));
  if (f.has(Feature::kBlocking)) return lock.Acquire(Timeout::Forever());
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    Status s = lock.Acquire(Timeout::NonBlocking());
    if (s.kind() != ErrorKind::kAlreadyLocked ||
        std::chrono::steady_clock::now() >= deadline) {
      return s;
    }
    std::this_thread::yield();
  }
}

std::string BusyKindFor(const ImplInfo& info) {
  return info.features.has(Feature::kNonblocking) ? "AlreadyLocked"
                                                  : "LockTimeout";
}

Status AcquireIn(Lock& lock, const std::string& mode, Timeout timeout) {
  return mode == "shared" ? lock.AcquireShared(timeout) : lock.Acquire(timeout);
}

std::optional<ChildHolder> ChildHolder::Start(const std::string& impl,
                                              const std::string& path,
                                              const std::string& mode,
                                              std::string* error) {
  ChildProcess child = ChildProcess::Start("conf_hold", {impl, path, mode});
  std::optional<std::string> line = child.ReadLine();
  if (line != "acquired") {
    *error = "holder child did not acquire: " + line.value_or("<no answer>");
    return std::nullopt;
  }
  return ChildHolder(std::move(child));
}

std::string ChildHolder::Release() {
  if (!child_.WriteLine("release")) return "child: cannot write 'release'";
  std::optional<std::string> line = child_.ReadLine();
  std::optional<int> code = child_.Wait();
  if (!line || line->rfind("released ", 0) != 0) {
    return "child: no release answer (" + line.value_or("EOF") + ")";
  }
  if (code != kChildOk)
    return "child: exit " + std::to_string(code.value_or(-1));
  return line->substr(9);
}

std::string ProbeFromChild(const std::string& impl, const std::string& path,
                           const std::string& mode) {
  ChildProcess child = ChildProcess::Start("conf_probe", {impl, path, mode});
  std::optional<std::string> line = child.ReadLine();
  std::optional<int> code = child.Wait();
  if (!line) return "child: no answer";
  if (code != kChildOk) return "child: " + *line;
  return *line;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace lockstress::testing
