#include "impls/core/process_identity.h"

#include <cerrno>
#include <vector>

#include "impls/core/lock_files.h"
#include "impls/core/owner_record.h"
#include "impls/core/unique_fd.h"

namespace lockstress {
namespace {

std::optional<std::uint64_t> Decimal(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::string ReadBootId(Os& os) {
  StatusOr<std::string> text =
      ReadSmallFile(os, "/proc/sys/kernel/random/boot_id", 128);
  if (!text.ok()) return "";
  std::string id = *text;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

std::uint64_t ReadPidNamespace(Os& os) {
  UniqueFd fd(os.Open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC, 0), &os);
  if (!fd) return 0;
  struct stat st {};
  if (os.Fstat(fd.get(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_ino);
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  size_t open = text.find(" (");
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open) {
    return std::nullopt;
  }
  ProcStat out;
  auto pid = Decimal(text.substr(0, open));
  if (!pid || *pid == 0 || *pid > 0x7fffffff) return std::nullopt;
  out.pid = static_cast<std::int64_t>(*pid);
  // Fields 3.. after the last ')'.
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && fields.size() < 20) {
    size_t b = rest.find_first_not_of(" \n");
    if (b == std::string_view::npos) break;
    rest.remove_prefix(b);
    size_t e = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, e));
    rest = e == std::string_view::npos ? "" : rest.substr(e);
  }
  if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;
  auto start = Decimal(fields[19]);  // field 22
  if (!start) return std::nullopt;
  out.start = *start;
  char state = fields[0][0];
  out.state = (state == 'Z' || state == 'X' || state == 'x')
                  ? ProcStat::State::kExited
                  : ProcStat::State::kRunning;
  return out;
}

ProcStat ReadProcStat(Os& os, std::string_view which) {
  StatusOr<std::string> text =
      ReadSmallFile(os, "/proc/" + std::string(which) + "/stat", 2048);
  if (!text.ok()) {
    int err = text.status().sys_errno();
    ProcStat missing;
    missing.state = (err == ENOENT || err == ESRCH)
                        ? ProcStat::State::kMissing
                        : ProcStat::State::kUnreadable;
    return missing;
  }
  std::optional<ProcStat> parsed = ParseProcStat(*text);
  return parsed ? *parsed : ProcStat{};
}

ProcessIdentity ReadProcessIdentity(Os& os) {
  ProcessIdentity id;
  id.host = SanitizeHostName(HostName(os));
  id.boot = ReadBootId(os);
  id.pidns = ReadPidNamespace(os);
  id.pid = os.Getpid();
  ProcStat self = ReadProcStat(os, "self");
  if (self.state == ProcStat::State::kRunning) {
    id.start = self.start;  // /proc/self is us whichever namespace shows it
    id.proc_is_ours = self.pid == id.pid;
  }
  return id;
}

}  // namespace lockstress
