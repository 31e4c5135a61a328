#include "tools/cli/run_dir.h"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>

namespace lockstress::cli {

namespace fs = std::filesystem;

StatusOr<std::string> MakeRunDir(const std::string& out) {
  std::error_code ec;
  if (!out.empty()) {
    fs::create_directories(out, ec);
    if (ec) return Status(ErrorKind::kError, out, ec.message());
    return fs::absolute(out).string();
  }
  fs::path base = "lockstress-runs";
  fs::create_directories(base, ec);
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  fs::path run = base / stamp;
  for (int i = 2; fs::exists(run); ++i)
    run = base / fmt::format("{}-{}", stamp, i);
  fs::create_directories(run, ec);
  if (ec) return Status(ErrorKind::kError, run.string(), ec.message());
  // `latest` is replaced atomically: a new link renamed over the old one.
  fs::path tmp = base / ".latest.tmp";
  fs::remove(tmp, ec);
  fs::create_directory_symlink(run.filename(), tmp, ec);
  if (!ec) fs::rename(tmp, base / "latest", ec);
  return fs::absolute(run).string();
}

}  // namespace lockstress::cli
