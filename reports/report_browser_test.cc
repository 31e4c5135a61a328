// The report in a real browser: Debian's Chromium, headless, renders the
// index.html of a real run (a correct lock and the null lock, so there is a
// violation) and the test asserts that
//   - the page drew without console errors (Chromium's log on stderr, and
//     the page's own error trap: <body data-errors>),
//   - the matrix and the timeline are there (--dump-dom, after the script),
//   - a screenshot is not blank (decoded with libpng: colours, ink, and the
//     evidence red).
// Each detector is shown to fail on a page that is broken or blank.
//
// Chromium runs as root here: --no-sandbox, a fresh --user-data-dir, no
// network services; each run has a hard deadline after which its whole
// process group is killed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr char kChromium[] = "/usr/bin/chromium";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Finished {
  int code = -1;  // exit code, 128+signal; -1 when killed at the deadline
  std::string out, err;
};

// Runs argv in its own process group with stdout and stderr in files of
// `dir`; at the deadline, or once it exits (Chromium leaves helpers
// behind), the whole group is killed with SIGKILL and reaped.
Finished RunBounded(std::vector<std::string> argv, const std::string& dir,
                    seconds limit) {
  std::string out = dir + "/stdout", err = dir + "/stderr";
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  Finished f;
  if (pid < 0) return f;
  setpgid(pid, pid);  // also here: no race with the child's own call
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  pollfd p{.fd = pidfd, .events = POLLIN, .revents = 0};
  bool exited = poll(&p, 1, static_cast<int>(limit.count() * 1000)) == 1;
  kill(-pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(pidfd);
  if (exited) {
    f.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  f.out = ReadAll(out);
  f.err = ReadAll(err);
  return f;
}

// Chromium with everything that would reach out switched off.
Finished Chromium(const std::string& work, std::vector<std::string> extra,
                  const std::string& url) {
  testing::TempDir profile;
  std::vector<std::string> argv = {kChromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + profile.path(),
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--hide-scrollbars"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  return RunBounded(argv, work, seconds(90));
}

// Lines of Chromium's log that report a console message or an uncaught
// exception from the page.
std::vector<std::string> ConsoleErrors(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos ||
        line.find("Uncaught") != std::string::npos)
      out.push_back(line);
  }
  return out;
}

struct Pixels {
  std::size_t total = 0, ink = 0, red = 0, colours = 0;
};

// Decodes a PNG: pixels that are not near-white, pixels of the evidence
// red (#cf222e), and the number of distinct colours.
Pixels Inspect(const std::string& png) {
  Pixels p;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, png.c_str()) == 0) return p;
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> buffer(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, buffer.data(), 0, nullptr) == 0)
    return p;
  std::set<std::uint32_t> colours;
  for (std::size_t i = 0; i + 2 < buffer.size(); i += 3) {
    int r = buffer[i], g = buffer[i + 1], b = buffer[i + 2];
    ++p.total;
    p.ink += r + g + b < 3 * 235;
    p.red += std::abs(r - 0xcf) < 24 && std::abs(g - 0x22) < 24 &&
             std::abs(b - 0x2e) < 24;
    colours.insert(static_cast<std::uint32_t>(r << 16 | g << 8 | b));
  }
  p.colours = colours.size();
  return p;
}

bool NotBlank(const Pixels& p) {
  return p.total > 0 && p.colours >= 16 && p.ink * 50 >= p.total;
}

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kChromium, X_OK) != 0)
      GTEST_SKIP() << kChromium << " is missing (tools/bootstrap --report)";
  }
  std::string Page(const std::string& name, const std::string& html) {
    std::string path = tmp_.File(name);
    std::ofstream(path) << html;
    return "file://" + path;
  }
  testing::TempDir tmp_;
};

TEST_F(Browser, ABrokenPageIsCaught) {
  std::string url = Page("broken.html",
                         "<!DOCTYPE html><html><body><p>x</p><script>"
                         "noSuchFunction();</script></body></html>");
  Finished f = Chromium(tmp_.path(), {"--dump-dom"}, url);
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_FALSE(ConsoleErrors(f.err).empty()) << f.err;
}

TEST_F(Browser, ABlankScreenshotIsCaught) {
  std::string url =
      Page("blank.html", "<!DOCTYPE html><html><body><p>x</p></body></html>");
  std::string png = tmp_.File("blank.png");
  Finished f = Chromium(tmp_.path(),
                        {"--window-size=800,600", "--screenshot=" + png}, url);
  ASSERT_EQ(f.code, 0) << f.err;
  Pixels p = Inspect(png);
  EXPECT_GT(p.total, 0u);
  EXPECT_FALSE(NotBlank(p)) << p.colours << " colours, ink " << p.ink;
}

class RealRun : public Browser {
 protected:
  // One run for the suite: flock (correct) and null (excludes nobody), on
  // a blocking-exclusion scenario and one with the nemesis killing holders.
  static void SetUpTestSuite() {
    run_parent_ = new testing::TempDir();
    std::string src = LOCKSTRESS_SOURCE_DIR;
    Finished f = RunBounded(
        {LOCKSTRESS_CLI, "run", "--impl", "flock,null", "--scenario",
         src + "/scenarios/conformance/exclusion_blocking.toml", "--scenario",
         src + "/scenarios/conformance/crash_holder.toml", "--seed", "7",
         "--out", run_parent_->File("run")},
        run_parent_->path(), seconds(300));
    run_code_ = f.code;
    run_err_ = f.err;
  }
  static void TearDownTestSuite() {
    delete run_parent_;
    run_parent_ = nullptr;
  }
  void SetUp() override {
    Browser::SetUp();
    if (IsSkipped()) return;
    ASSERT_EQ(run_code_, 1) << "null must fail mutual_exclusion: " << run_err_;
    ASSERT_TRUE(fs::exists(index())) << run_err_;
  }
  static std::string index() { return run_parent_->File("run/index.html"); }

  static testing::TempDir* run_parent_;
  static int run_code_;
  static std::string run_err_;
};
testing::TempDir* RealRun::run_parent_ = nullptr;
int RealRun::run_code_ = -1;
std::string RealRun::run_err_;

TEST_F(RealRun, DrawsTheMatrixTheTimelineAndTheEvidence) {
  Finished f = Chromium(tmp_.path(), {"--dump-dom"}, "file://" + index());
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_TRUE(ConsoleErrors(f.err).empty()) << f.err;
  const std::string& dom = f.out;
  EXPECT_NE(dom.find("data-rendered=\"ok\""), std::string::npos);
  EXPECT_NE(dom.find("data-errors=\"0\""), std::string::npos);
  EXPECT_EQ(dom.find("id=\"js-errors\""), std::string::npos);
  // The matrix: null fails mutual_exclusion, flock passes it.
  EXPECT_NE(dom.find("id=\"matrix\""), std::string::npos);
  EXPECT_NE(dom.find("class=\"cell fail\" href=\"#cell=1.0\" "
                     "data-cell=\"null/mutual_exclusion\""),
            std::string::npos)
      << dom;
  EXPECT_NE(dom.find("class=\"cell pass\" href=\"#cell=0.0\" "
                     "data-cell=\"flock/mutual_exclusion\""),
            std::string::npos);
  // The first failing case is open: its timeline, evidence and charts.
  EXPECT_NE(dom.find("null · conformance/exclusion_blocking"),
            std::string::npos);
  EXPECT_NE(dom.find("id=\"timeline-canvas\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"evidence\""), std::string::npos);
  EXPECT_NE(dom.find("\"op\":\"acquire\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"chart-wait\""), std::string::npos);
  // The environment, recorded by the run.
  EXPECT_NE(dom.find("Kernel"), std::string::npos);
  EXPECT_NE(dom.find("--seed 7"), std::string::npos);
}

TEST_F(RealRun, EveryCaseHasATimeline) {
  // Cases are numbered in the order of results.json: flock's two, then
  // null's two; each opened by its link.
  for (int k = 0; k < 4; ++k) {
    Finished f = Chromium(tmp_.path(), {"--dump-dom"},
                          "file://" + index() + "#case=" + std::to_string(k));
    ASSERT_EQ(f.code, 0) << f.err;
    EXPECT_TRUE(ConsoleErrors(f.err).empty()) << f.err;
    EXPECT_NE(f.out.find("data-errors=\"0\""), std::string::npos) << k;
    EXPECT_NE(f.out.find("id=\"timeline-canvas\""), std::string::npos) << k;
  }
}

TEST_F(RealRun, TheScreenshotShowsTheReportAndTheViolation) {
  std::string png = tmp_.File("report.png");
  Finished f =
      Chromium(tmp_.path(), {"--window-size=1400,1800", "--screenshot=" + png},
               "file://" + index());
  ASSERT_EQ(f.code, 0) << f.err;
  Pixels p = Inspect(png);
  EXPECT_TRUE(NotBlank(p)) << p.colours << " colours, ink " << p.ink << "/"
                           << p.total;
  EXPECT_GT(p.red, 500u) << "the evidence is drawn in red";
}

TEST_F(RealRun, AReportThatFailsToDrawIsCaught) {
  // The same page with its data replaced by something the script cannot
  // draw: the page's error trap must say so.
  std::string page = ReadAll(index());
  std::size_t from = page.find("id=\"report-data\">");
  ASSERT_NE(from, std::string::npos);
  from += 17;
  std::size_t to = page.find("</script>", from);
  page.replace(from, to - from, "{\"checks\": 5, \"cases\": 7}");
  std::string url = Page("undrawable.html", page);
  Finished f = Chromium(tmp_.path(), {"--dump-dom"}, url);
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_EQ(f.out.find("data-errors=\"0\""), std::string::npos) << f.out;
  EXPECT_EQ(f.out.find("data-rendered=\"ok\""), std::string::npos);
  EXPECT_NE(f.out.find("id=\"js-errors\""), std::string::npos);
  EXPECT_FALSE(ConsoleErrors(f.err).empty());
}

}  // namespace
}  // namespace lockstress
