// probe-fs on local filesystems (tmpfs under /dev/shm, the disk fs under
// the test's working directory): every kernel lock is coherent between
// processes, every exclusive create is exclusive, every built-in is safe
// except the negative control. And a bad path is exit 2.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tools/probe_fs/fs_info.h"
#include "tools/probe_fs/probe_fs_command.h"
#include "tools/probe_fs/probes.h"
#include "tools/probe_fs/verdicts.h"

namespace lockstress::probe_fs {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  explicit TempDir(const std::string& parent) {
    std::string t = parent + "/lockstress-probe-test-XXXXXX";
    path_ = mkdtemp(t.data()) != nullptr ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::map<std::string, std::string> Outcomes(
    const std::vector<ProbeResult>& rs) {
  std::map<std::string, std::string> m;
  for (const ProbeResult& r : rs) m[r.probe] = r.outcome;
  return m;
}

void ExpectLocalFsIsSafe(const std::string& parent) {
  TempDir dir(parent);
  ASSERT_FALSE(dir.path().empty()) << parent;
  std::vector<ProbeResult> rs = RunProbes(dir.path(), dir.path(), "A->A", {});
  std::map<std::string, std::string> o = Outcomes(rs);
  EXPECT_EQ(o["flock"], "coherent");
  EXPECT_EQ(o["fcntl"], "coherent");
  EXPECT_EQ(o["ofd"], "coherent");
  // Linux: flock and POSIX locks are independent on a local fs (flock(2)).
  EXPECT_EQ(o["flock_vs_fcntl"], "independent");
  EXPECT_EQ(o["o_excl"], "exclusive");
  EXPECT_EQ(o["mkdir"], "exclusive");
  EXPECT_EQ(o["link"], "exclusive");
  EXPECT_EQ(o["link_count"], "2");
  EXPECT_EQ(o["rename"], "atomic");
  for (const ImplVerdict& v : JudgeImpls(rs)) {
    if (v.impl == "null") {
      EXPECT_EQ(v.verdict, "unsafe");
    } else {
      EXPECT_EQ(v.verdict, "safe") << v.impl << ": " << v.evidence;
    }
  }
  // Nothing left behind.
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ProbeFs, TmpfsIsSafeForEveryBuiltIn) {
  struct statfs sf;
  if (statfs("/dev/shm", &sf) != 0 || sf.f_type != 0x01021994)
    GTEST_SKIP() << "/dev/shm is not a tmpfs here";
  ExpectLocalFsIsSafe("/dev/shm");
}

TEST(ProbeFs, DiskFsIsSafeForEveryBuiltIn) {
  ExpectLocalFsIsSafe(fs::current_path().string());
}

TEST(ProbeFs, DescribesTheFilesystem) {
  StatusOr<FsInfo> info = DescribeDirectory("/proc/self");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->fs_type, "proc");
  EXPECT_EQ(info->mount_point, "/proc");
  EXPECT_EQ(DecodeFsInfo(EncodeFsInfo(*info)).mount_options,
            info->mount_options);
}

// A local lock (each "client" a separate lock table) must come out "local",
// never safe: the verdicts from a hand-made result set.
TEST(ProbeFs, SilentlyLocalLockIsRed) {
  std::vector<ProbeResult> rs = {{"flock", "A->B", "local", "B took it"},
                                 {"fcntl", "A->B", "coherent", ""},
                                 {"ofd", "A->B", "local", ""},
                                 {"o_excl", "A->B", "not_exclusive", ""},
                                 {"mkdir", "A->B", "exclusive", ""},
                                 {"link", "A->B", "exclusive", ""},
                                 {"link_count", "A->B", "1", ""}};
  std::map<std::string, std::string> v;
  for (const ImplVerdict& iv : JudgeImpls(rs)) v[iv.impl] = iv.verdict;
  EXPECT_EQ(v["flock"], "local");
  EXPECT_EQ(v["ofd"], "local");
  EXPECT_EQ(v["posix"], "safe");
  EXPECT_EQ(v["pidfile"], "unsafe");
  EXPECT_EQ(v["mkdir"], "safe");
  EXPECT_EQ(v["link"], "unsafe");  // link count 1: the recipe cannot work
  EXPECT_EQ(v["null"], "unsafe");
}

TEST(ProbeFs, BadPathIsExitTwoAndWritesNothing) {
  TempDir out(fs::current_path().string());
  std::ostringstream o, e;
  ProbeFsOptions opts;
  opts.paths = {"/nonexistent/lockstress-probe"};
  opts.out = out.path() + "/run";
  EXPECT_EQ(RunProbeFs(opts, o, e), 2);
  EXPECT_NE(e.str().find("/nonexistent/lockstress-probe"), std::string::npos)
      << e.str();
  EXPECT_FALSE(fs::exists(opts.out));
}

TEST(ProbeFs, WritesSectionsToResultsJson) {
  TempDir dir(fs::current_path().string()), out(fs::current_path().string());
  std::ostringstream o, e;
  ProbeFsOptions opts;
  opts.paths = {dir.path(), dir.path()};
  opts.out = out.path() + "/run";
  ASSERT_EQ(RunProbeFs(opts, o, e), 0) << e.str();
  std::ifstream in(opts.out + "/results.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"id\": \"probe_fs\""), std::string::npos);
  EXPECT_NE(text.str().find("\"probe_fs_measurements\""), std::string::npos);
  EXPECT_NE(o.str().find("null       unsafe"), std::string::npos) << o.str();
}

// Through the binary: bad input is exit 2 with a message naming it, and no
// run directory is left behind.
int RunBinary(const std::string& args, std::string* out) {
  std::string cmd =
      std::string(LOCKSTRESS_BIN_DIR) + "/lockstress " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[1024];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ProbeFs, BadInputThroughTheBinary) {
  TempDir dir(fs::current_path().string());
  std::string out;
  EXPECT_EQ(RunBinary("probe-fs " + dir.path() + "/missing --out " +
                          dir.path() + "/run",
                      &out),
            2);
  EXPECT_NE(out.find(dir.path() + "/missing"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(
      RunBinary("run --netfs nosuchfs --out " + dir.path() + "/run2", &out), 2);
  EXPECT_NE(out.find("--netfs must be gluster, sshfs or smb"),
            std::string::npos)
      << out;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace lockstress::probe_fs
