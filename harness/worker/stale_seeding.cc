#include "harness/worker/stale_seeding.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <set>

namespace lockstress {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr std::time_t kOneDay = 24 * 3600;
constexpr std::time_t kYear2000 = 946684800;  // 2000-01-01T00:00:00Z

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    out.insert(it->path().string());
  }
  return out;
}

Status Touch(const std::string& path, const std::string& mtime) {
  if (mtime == "now") return Status::Ok();
  std::time_t when =
      mtime == "future" ? std::time(nullptr) + kOneDay : kYear2000;
  struct timespec times[2] = {{when, 0}, {when, 0}};
  if (utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return PosixError(ErrorKind::kError, "utimensat", path, errno);
  }
  return Status::Ok();
}

Status HandOver(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    return PosixError(ErrorKind::kError, "lstat", path, errno);
  }
  if (lchown(path.c_str(), kNobody, kNobody) != 0) {
    return PosixError(ErrorKind::kError, "lchown", path, errno);
  }
  if (S_ISLNK(st.st_mode)) return Status::Ok();
  mode_t mode = S_ISDIR(st.st_mode) ? 0755 : 0644;
  if (chmod(path.c_str(), mode) != 0) {
    return PosixError(ErrorKind::kError, "chmod", path, errno);
  }
  return Status::Ok();
}

}  // namespace

Status SeedStaleLock(const ImplEntry& entry, const StaleSeeding& seeding) {
  if (!entry.write_stale) {
    return Status(ErrorKind::kError, seeding.seed.path,
                  entry.info.name + " has no stale-state writer");
  }
  if (seeding.mtime != "now" && seeding.mtime != "future" &&
      seeding.mtime != "past") {
    return Status(
        ErrorKind::kError, "",
        "mtime must be now, future or past, not '" + seeding.mtime + "'");
  }
  fs::path parent = fs::path(seeding.seed.path).parent_path();
  const std::string dir = parent.empty() ? fs::path(".") : parent;
  std::set<std::string> before = Entries(dir);
  if (Status s = entry.write_stale(seeding.seed); !s.ok()) return s;
  std::set<std::string> after = Entries(dir);
  // Deepest first: a directory's own mtime changes when its entries do.
  for (auto it = after.rbegin(); it != after.rend(); ++it) {
    if (before.count(*it) != 0) continue;
    if (seeding.foreign_user) {
      if (Status s = HandOver(*it); !s.ok()) return s;
    }
    if (Status s = Touch(*it, seeding.mtime); !s.ok()) return s;
  }
  if (seeding.foreign_user && chmod(dir.c_str(), 01777) != 0) {
    return PosixError(ErrorKind::kError, "chmod", dir, errno);
  }
  return Status::Ok();
}

}  // namespace lockstress
