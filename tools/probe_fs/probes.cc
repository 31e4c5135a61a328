#include "tools/probe_fs/probes.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <thread>

#include "tools/probe_fs/probe_child.h"

namespace lockstress::probe_fs {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

enum class LockKind { kFlock, kFcntl, kOfd };

const char* LockName(LockKind k) {
  switch (k) {
    case LockKind::kFlock:
      return "flock";
    case LockKind::kFcntl:
      return "fcntl";
    case LockKind::kOfd:
      return "ofd";
    default:
      return "?";
  }
}

std::string ErrnoName(int e) {
  const char* name = strerrorname_np(e);
  return name != nullptr ? name : std::to_string(e);
}

// Non-blocking exclusive lock (or unlock) of the whole file: 0 or errno.
int SetLock(int fd, LockKind k, bool lock) {
  int rc;
  if (k == LockKind::kFlock) {
    rc = flock(fd, lock ? LOCK_EX | LOCK_NB : LOCK_UN);
  } else {
    struct flock fl {};
    fl.l_type = lock ? F_WRLCK : F_UNLCK;
    fl.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
    rc = fcntl(fd, k == LockKind::kOfd ? F_OFD_SETLK : F_SETLK, &fl);
  }
  return rc == 0 ? 0 : errno;
}

// flock(2) says EWOULDBLOCK; fcntl(2) F_SETLK says EACCES or EAGAIN.
bool IsBusy(int e) { return e == EWOULDBLOCK || e == EAGAIN || e == EACCES; }

std::string Probe(const std::string& dir, const std::string& what) {
  return dir + "/.lockstress-probe-" + what + "-" + std::to_string(getpid());
}

long long MsSince(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
}

// Polls until path exists (or is gone): "<ms>" or "late".
std::string WaitSeen(const std::string& path, bool exists,
                     std::chrono::seconds bound) {
  auto t0 = Clock::now();
  while (Clock::now() - t0 < bound) {
    struct stat st;
    if ((lstat(path.c_str(), &st) == 0) == exists)
      return std::to_string(MsSince(t0));
    std::this_thread::sleep_for(milliseconds(5));
  }
  return "late";
}

bool StartsWith(const std::optional<std::string>& s, std::string_view p) {
  return s && s->rfind(p, 0) == 0;
}
std::string Show(const std::optional<std::string>& s) {
  return s ? *s : "no answer (hung, killed)";
}

// Runs a one-line step in a child (so a dead mount cannot hang probe-fs).
std::string Step(const ProbeBounds& b, std::chrono::seconds extra,
                 const std::function<std::string()>& fn) {
  std::optional<std::string> r =
      AskChild([&](ChildSide& side) { side.Say(fn()); }, b.step + extra);
  return Show(r);
}

std::string CreateFile(const std::string& path) {
  int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return "error open: " + ErrnoName(errno);
  close(fd);
  return "ok";
}

// A holds a lock of kind `held`; B (another process, through its own path)
// tries kind `tried`, then again after A released.
struct ConflictOutcome {
  std::string a, b_while_held, b_after_release;
  bool hung = false;
};

ConflictOutcome Conflict(LockKind held, LockKind tried, const std::string& pa,
                         const std::string& pb, const ProbeBounds& bounds) {
  ConflictOutcome out;
  StatusOr<ProbeChild> a = ProbeChild::Start(
      [&](ChildSide& s) {
        int fd = open(pa.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) return s.Say("error open: " + ErrnoName(errno));
        int e = SetLock(fd, held, true);
        s.Say(e == 0 ? "held" : "error " + ErrnoName(e));
        if (e == 0 && s.Hear() == "release") {
          SetLock(fd, held, false);
          close(fd);
          s.Say("released");
        }
      },
      bounds.step * 2 + bounds.visibility);
  if (!a.ok()) return {"error " + a.status().message(), "", "", false};
  std::optional<std::string> la = a->Read(bounds.step);
  out.a = Show(la);
  if (!StartsWith(la, "held")) {
    out.hung = !la.has_value();
    return out;
  }
  StatusOr<ProbeChild> b = ProbeChild::Start(
      [&](ChildSide& s) {
        int fd = open(pb.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) return s.Say("error open: " + ErrnoName(errno));
        int e = SetLock(fd, tried, true);
        if (e == 0) SetLock(fd, tried, false);
        s.Say(e == 0 ? "got" : (IsBusy(e) ? "busy " : "error ") + ErrnoName(e));
        if (s.Hear() != "again") return;
        auto t0 = Clock::now();
        while (Clock::now() - t0 < bounds.visibility) {
          e = SetLock(fd, tried, true);
          if (e == 0) {
            SetLock(fd, tried, false);
            return s.Say(fmt::format("got after {} ms", MsSince(t0)));
          }
          if (!IsBusy(e)) return s.Say("error " + ErrnoName(e));
          std::this_thread::sleep_for(milliseconds(10));
        }
        s.Say("still busy");
      },
      bounds.step * 2 + bounds.visibility);
  if (!b.ok()) return {out.a, "error " + b.status().message(), "", false};
  std::optional<std::string> lb = b->Read(bounds.step);
  out.b_while_held = Show(lb);
  a->Send("release");
  std::optional<std::string> released = a->Read(bounds.step);
  if (!released) {
    out.hung = true;
    return out;
  }
  b->Send("again");
  out.b_after_release = Show(b->Read(bounds.step + bounds.visibility));
  out.hung = !lb.has_value();
  return out;
}

std::string ConflictDetail(const ConflictOutcome& c, LockKind held,
                           LockKind tried) {
  return fmt::format("A {}: {}; B {} while A held: {}; B after A released: {}",
                     LockName(held), c.a, LockName(tried), c.b_while_held,
                     c.b_after_release.empty() ? "-" : c.b_after_release);
}

ProbeResult ProbeLock(LockKind k, const std::string& a, const std::string& b,
                      const ProbeBounds& bounds) {
  ProbeResult r{LockName(k), "", "", ""};
  std::string pa = Probe(a, LockName(k)), pb = Probe(b, LockName(k));
  std::string made = Step(bounds, bounds.visibility, [&] {
    std::string c = CreateFile(pa);
    return c != "ok" ? c : WaitSeen(pb, true, bounds.visibility);
  });
  if (made == "late" || made.rfind("error", 0) == 0 ||
      made.rfind("no ", 0) == 0) {
    r.outcome = made.rfind("no ", 0) == 0 ? "hung" : "error";
    r.detail = "creating the probe file on A and seeing it on B: " + made;
  } else {
    ConflictOutcome c = Conflict(k, k, pa, pb, bounds);
    r.detail = ConflictDetail(c, k, k);
    if (c.hung) {
      r.outcome = "hung";
    } else if (c.a.rfind("error", 0) == 0) {
      r.outcome = "error";
      for (int e : {ENOLCK, ENOSYS, EOPNOTSUPP, EINVAL}) {
        if (c.a.find(ErrnoName(e)) != std::string::npos)
          r.outcome = "unsupported";
      }
    } else if (c.b_while_held == "got") {
      r.outcome = "local";
    } else if (c.b_while_held.rfind("busy", 0) == 0) {
      r.outcome =
          c.b_after_release.rfind("got", 0) == 0 ? "coherent" : "sticky";
    } else {
      r.outcome = "error";
    }
  }
  Step(bounds, {}, [&] { return unlink(pa.c_str()) == 0 ? "ok" : "gone"; });
  return r;
}

ProbeResult ProbeFlockVsFcntl(const std::string& a, const std::string& b,
                              const ProbeBounds& bounds) {
  ProbeResult r{"flock_vs_fcntl", "", "", ""};
  std::string pa = Probe(a, "mix"), pb = Probe(b, "mix");
  std::string made = Step(bounds, bounds.visibility, [&] {
    std::string c = CreateFile(pa);
    return c != "ok" ? c : WaitSeen(pb, true, bounds.visibility);
  });
  ConflictOutcome c =
      Conflict(LockKind::kFlock, LockKind::kFcntl, pa, pb, bounds);
  r.detail = ConflictDetail(c, LockKind::kFlock, LockKind::kFcntl);
  if (c.hung)
    r.outcome = "hung";
  else if (c.b_while_held == "got")
    r.outcome = "independent";
  else if (c.b_while_held.rfind("busy", 0) == 0)
    r.outcome = "interact";
  else
    r.outcome = "error";
  if (made.rfind("error", 0) == 0) r.outcome = "error";
  Step(bounds, {}, [&] { return unlink(pa.c_str()) == 0 ? "ok" : "gone"; });
  return r;
}

// The exclusive-create recipes: "ok" (with " nlink=N" for link) or
// "err ERRNO".
std::string ExclusiveCreate(const std::string& op, const std::string& path) {
  if (op == "o_excl") {
    int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return "err " + ErrnoName(errno);
    close(fd);
    return "ok";
  }
  if (op == "mkdir")
    return mkdir(path.c_str(), 0755) == 0 ? "ok" : "err " + ErrnoName(errno);
  // link: lockfile.LinkLockFile's recipe, unique file then link(2).
  std::string unique = path + ".unique-" + std::to_string(getpid());
  int fd = open(unique.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return "err unique file: " + ErrnoName(errno);
  std::string out;
  if (link(unique.c_str(), path.c_str()) != 0) {
    out = "err " + ErrnoName(errno);
  } else {
    struct stat st;
    out = fstat(fd, &st) == 0 ? fmt::format("ok nlink={}", st.st_nlink)
                              : "ok nlink=?";
  }
  close(fd);
  unlink(unique.c_str());
  return out;
}

std::vector<ProbeResult> ProbeExclusive(const std::string& op,
                                        const std::string& a,
                                        const std::string& b,
                                        const ProbeBounds& bounds) {
  std::string pa = Probe(a, op), pb = Probe(b, op);
  // B first looks (a lock waiter polls is_locked), so a cached "absent"
  // answer is in place when A creates; then A creates, then B tries.
  StatusOr<ProbeChild> bchild = ProbeChild::Start(
      [&](ChildSide& s) {
        struct stat st;
        s.Say(lstat(pb.c_str(), &st) == 0 ? "present" : "absent");
        if (s.Hear() == "go") s.Say(ExclusiveCreate(op, pb));
      },
      bounds.step * 3);
  std::optional<std::string> looked;
  if (bchild.ok()) looked = bchild->Read(bounds.step);
  std::string ra = Step(bounds, {}, [&] { return ExclusiveCreate(op, pa); });
  std::optional<std::string> rb;
  if (bchild.ok()) {
    bchild->Send("go");
    rb = bchild->Read(bounds.step);
  }
  ProbeResult r{op, "", "", ""};
  r.detail = fmt::format("B looked: {}; A {}: {}; B {} after A: {}",
                         Show(looked), op, ra, op, Show(rb));
  if (ra.rfind("no ", 0) == 0 || !rb)
    r.outcome = "hung";
  else if (ra.rfind("err", 0) == 0)
    r.outcome = "refused " + ra.substr(4);
  else if (rb->rfind("ok", 0) == 0)
    r.outcome = "not_exclusive";
  else if (rb->find("EEXIST") != std::string::npos)
    r.outcome = "exclusive";
  else
    r.outcome = "error";
  std::vector<ProbeResult> out{r};
  if (op == "link") {
    size_t at = ra.find("nlink=");
    out.push_back({"link_count", "",
                   at == std::string::npos ? "n/a" : ra.substr(at + 6),
                   "st_nlink of the unique file after a successful link(2) "
                   "(the link-count recipe needs 2): " +
                       ra});
  }
  Step(bounds, {}, [&] {
    return (op == "mkdir" ? rmdir(pa.c_str()) : unlink(pa.c_str())) == 0
               ? "ok"
               : "gone";
  });
  return out;
}

std::string WriteAndRename(const std::string& tmp, const std::string& to,
                           const std::string& text) {
  int fd = open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return "err open: " + ErrnoName(errno);
  bool wrote =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!wrote) return "err write";
  if (rename(tmp.c_str(), to.c_str()) != 0)
    return "err rename: " + ErrnoName(errno);
  return "ok";
}

// Polls until path holds exactly `text`: "<ms>" or "late".
std::string WaitContent(const std::string& path, const std::string& text,
                        std::chrono::seconds bound) {
  auto t0 = Clock::now();
  while (Clock::now() - t0 < bound) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char buf[64];
      ssize_t n = read(fd, buf, sizeof buf);
      close(fd);
      if (n >= 0 && std::string(buf, static_cast<size_t>(n)) == text)
        return std::to_string(MsSince(t0));
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return "late";
}

ProbeResult ProbeRename(const std::string& a, const std::string& b,
                        const ProbeBounds& bounds) {
  std::string pa = Probe(a, "rename"), pb = Probe(b, "rename");
  auto steps = [&](const std::string& from, const std::string& to,
                   const std::string& text) {
    return Step(bounds, bounds.visibility, [&] {
      std::string w = WriteAndRename(from + ".tmp", from, text);
      return w != "ok" ? w
                       : "seen after " +
                             WaitContent(to, text, bounds.visibility) + " ms";
    });
  };
  std::string first = steps(pa, pb, "A"), second = steps(pb, pa, "B");
  ProbeResult r{"rename", "", "", ""};
  r.detail = fmt::format(
      "A renames a new file over the name, B reads it: {}; B renames over "
      "it, A reads it: {}",
      first, second);
  auto ok = [](const std::string& s) {
    return s.rfind("seen", 0) == 0 && s.find("late") == std::string::npos;
  };
  if (first.rfind("no ", 0) == 0 || second.rfind("no ", 0) == 0)
    r.outcome = "hung";
  else if (first.rfind("err", 0) == 0 || second.rfind("err", 0) == 0)
    r.outcome = "refused";
  else
    r.outcome = ok(first) && ok(second) ? "atomic" : "broken";
  Step(bounds, {}, [&] { return unlink(pa.c_str()) == 0 ? "ok" : "gone"; });
  return r;
}

std::vector<ProbeResult> ProbeVisibility(const std::string& a,
                                         const std::string& b,
                                         const ProbeBounds& bounds) {
  std::string pa = Probe(a, "visible"), pb = Probe(b, "visible");
  StatusOr<ProbeChild> watcher = ProbeChild::Start(
      [&](ChildSide& s) {
        struct stat st;
        s.Say(lstat(pb.c_str(), &st) == 0 ? "present" : "absent");
        if (s.Hear() != "created") return;
        s.Say(WaitSeen(pb, true, bounds.visibility));
        if (s.Hear() != "deleted") return;
        s.Say(WaitSeen(pb, false, bounds.visibility));
      },
      bounds.step * 2 + bounds.visibility * 2);
  std::vector<ProbeResult> out;
  if (!watcher.ok()) return out;
  std::optional<std::string> looked = watcher->Read(bounds.step);
  std::string made = Step(bounds, {}, [&] { return CreateFile(pa); });
  watcher->Send("created");
  std::optional<std::string> created =
      watcher->Read(bounds.step + bounds.visibility);
  std::string gone = Step(bounds, {}, [&] {
    return unlink(pa.c_str()) == 0 ? "ok" : "err " + ErrnoName(errno);
  });
  watcher->Send("deleted");
  std::optional<std::string> deleted =
      watcher->Read(bounds.step + bounds.visibility);
  auto outcome = [&](const std::optional<std::string>& s) {
    if (!s) return std::string("hung");
    return *s == "late" ? "late" : *s + " ms";
  };
  out.push_back({"visible_create", "", outcome(created),
                 fmt::format("B looked first: {}; A created: {}; B polled "
                             "lstat every 5 ms up to {} s",
                             Show(looked), made, bounds.visibility.count())});
  out.push_back({"visible_delete", "", outcome(deleted),
                 fmt::format("A unlinked: {}; B polled lstat every 5 ms up "
                             "to {} s",
                             gone, bounds.visibility.count())});
  return out;
}

}  // namespace

std::vector<ProbeResult> RunProbes(const std::string& a, const std::string& b,
                                   const std::string& clients,
                                   const ProbeBounds& bounds) {
  std::vector<ProbeResult> out;
  auto add = [&](std::vector<ProbeResult> rs) {
    for (ProbeResult& r : rs) {
      r.clients = clients;
      out.push_back(std::move(r));
    }
  };
  add(ProbeVisibility(a, b, bounds));
  for (LockKind k : {LockKind::kFlock, LockKind::kFcntl, LockKind::kOfd})
    add({ProbeLock(k, a, b, bounds)});
  add({ProbeFlockVsFcntl(a, b, bounds)});
  for (const char* op : {"o_excl", "mkdir", "link"})
    add(ProbeExclusive(op, a, b, bounds));
  add({ProbeRename(a, b, bounds)});
  return out;
}

}  // namespace lockstress::probe_fs
