#include "reports/report.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "reports/html_page.h"
#include "reports/run_data.h"
#include "reports/synthetic.h"

namespace lockstress::report {
namespace {

// Written to a fresh temporary file in the same directory, then renamed
// over `path`: a reader sees the old page or the new one, never half.
Status WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return PosixError(ErrorKind::kError, "mkstemp", tmp, errno);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      unlink(tmp.c_str());
      return PosixError(ErrorKind::kError, "write", tmp, saved);
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp makes 0600; a report is for reading.
  (void)fchmod(fd, 0644);
  if (close(fd) != 0) {
    int saved = errno;
    unlink(tmp.c_str());
    return PosixError(ErrorKind::kError, "close", tmp, saved);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    unlink(tmp.c_str());
    return PosixError(ErrorKind::kError, "rename", path, saved);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> WriteReport(const std::string& run_dir,
                                  const TimelineLimits& limits) {
  StatusOr<nlohmann::json> data = LoadRunData(run_dir, limits);
  if (!data.ok()) return data.status();
  std::string path = run_dir + "/index.html";
  if (Status s = WriteAtomically(path, RenderPage(*data)); !s.ok()) return s;
  return path;
}

int RunReport(const ReportOptions& o, std::ostream& out, std::ostream& err) {
  if (o.synthetic_ops) {
    Status s = WriteSyntheticRun(o.run_dir, *o.synthetic_ops, o.seed, o.argv);
    if (!s.ok()) {
      err << "lockstress report: " << s.message() << "\n";
      return 2;
    }
  }
  StatusOr<std::string> path = WriteReport(o.run_dir);
  if (!path.ok()) {
    const Status& s = path.status();
    err << "lockstress report: "
        << (s.path().empty() ? s.message() : s.Describe()) << "\n";
    return 2;
  }
  std::error_code ec;
  out << fmt::format("lockstress report: wrote {} ({} bytes)\n", *path,
                     std::filesystem::file_size(*path, ec));
  return 0;
}

}  // namespace lockstress::report
