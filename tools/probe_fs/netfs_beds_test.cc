// The network-filesystem test beds, really started (registered only in the
// plain flavour, LOCKSTRESS_PLAIN): GlusterFS, sshfs and SMB with caching
// off, `lockstress probe-fs` through two clients of each, and the verdicts
// issue 8 measured; then one partition scenario on GlusterFS with
// network.ping-timeout 3, which must come out as a mutual_exclusion
// failure. Skipped, with the reason, without root, network namespaces, FUSE
// or the packages (tools/bootstrap --netfs).
//
// Bounds: every command runs under timeout(1); each bed is stopped by a
// guard even when an assertion fails.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const std::string kSource = LOCKSTRESS_SOURCE_DIR;
const std::string kTestbed = kSource + "/tools/netfs/testbed";
const std::string kLockstress = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress";

struct Ran {
  int code = -1;
  std::string out;
};

// Runs a shell command under timeout(1); its stdout, and its exit code.
Ran Shell(const std::string& cmd, int seconds) {
  std::string bounded =
      "timeout -k 5 " + std::to_string(seconds) + " " + cmd + " 2>&1";
  Ran r;
  FILE* p = popen(bounded.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string WhyNot() {
  if (geteuid() != 0) return "needs root (network namespaces, mounts)";
  if (access("/dev/fuse", R_OK | W_OK) != 0) return "no /dev/fuse";
  if (Shell("unshare --net true", 10).code != 0)
    return "cannot create network namespaces here";
  Ran check = Shell(kSource + "/tools/bootstrap --check --netfs", 30);
  if (check.code != 0)
    return "packages missing (tools/bootstrap --netfs): " + check.out;
  return "";
}

// Starts a bed; stops it on destruction.
class Bed {
 public:
  Bed(std::string name, const std::string& options) : name_(std::move(name)) {
    Ran r = Shell(kTestbed + " start " + name_ + " " + options, 120);
    started_ = r.code == 0;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
      if (!l.empty() && l[0] == '/') paths_.push_back(l);
    log_ = r.out;
  }
  ~Bed() { Shell(kTestbed + " stop " + name_, 60); }
  bool started() const { return started_ && paths_.size() == 2; }
  const std::vector<std::string>& paths() const { return paths_; }
  const std::string& log() const { return log_; }

 private:
  std::string name_;
  bool started_ = false;
  std::vector<std::string> paths_;
  std::string log_;
};

class TempDir {
 public:
  TempDir() {
    std::string t =
        fs::current_path().string() + "/lockstress-netfs-test-XXXXXX";
    path_ = mkdtemp(t.data()) != nullptr ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

std::map<std::string, std::string> ProbeVerdicts(const Bed& bed,
                                                 const std::string& out) {
  Ran r = Shell(kLockstress + " probe-fs " + bed.paths()[0] + " " +
                    bed.paths()[1] + " --out " + out,
                180);
  EXPECT_EQ(r.code, 0) << r.out;
  std::map<std::string, std::string> v;
  nlohmann::json j = ReadJson(out + "/results.json");
  if (j.is_discarded()) return v;
  for (const auto& row : j["probe_fs"]["verdicts"])
    v[row[0].get<std::string>()] = row[2].get<std::string>();
  return v;
}

// Live processes whose command line mentions `what` (zombies excluded).
int ProcessesMentioning(const std::string& what) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(e.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmd)),
                     std::istreambuf_iterator<char>());
    if (text.find(what) != std::string::npos) ++n;
  }
  return n;
}

class NetfsBeds : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why = WhyNot();
    if (!why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(NetfsBeds, GlusterLocksAreCoherentAcrossClients) {
  Bed bed("gluster", "--cache off");
  ASSERT_TRUE(bed.started()) << bed.log();
  TempDir out;
  std::map<std::string, std::string> v =
      ProbeVerdicts(bed, out.path() + "/run");
  for (const char* impl : {"flock", "posix", "ofd", "rw", "zc", "locket",
                           "link", "mkdir", "pidfile"})
    EXPECT_EQ(v[impl], "safe") << impl;
  EXPECT_EQ(v["null"], "unsafe");
}

TEST_F(NetfsBeds, SshfsLocksAreSilentlyLocal) {
  Bed bed("sshfs", "--cache off");
  ASSERT_TRUE(bed.started()) << bed.log();
  TempDir out;
  std::map<std::string, std::string> v =
      ProbeVerdicts(bed, out.path() + "/run");
  for (const char* impl :
       {"flock", "posix", "ofd", "rw", "zc", "locket", "sqlite"})
    EXPECT_EQ(v[impl], "local") << impl;
  EXPECT_EQ(v["link"], "unsafe");  // st_nlink is always 1
  EXPECT_EQ(v["mkdir"], "safe");
  EXPECT_EQ(v["pidfile"], "safe");
}

TEST_F(NetfsBeds, SmbLocksAreSilentlyLocalAndLinkIsRefused) {
  Bed bed("smb", "--cache off");
  ASSERT_TRUE(bed.started()) << bed.log();
  TempDir out;
  std::map<std::string, std::string> v =
      ProbeVerdicts(bed, out.path() + "/run");
  for (const char* impl : {"flock", "posix", "ofd", "rw", "zc", "locket"})
    EXPECT_EQ(v[impl], "local") << impl;
  EXPECT_EQ(v["link"], "error");  // smbnetfs: link() is EPERM
  EXPECT_EQ(v["mkdir"], "safe");
  EXPECT_EQ(v["pidfile"], "safe");
}

// A crashed run leaves a bed behind (here: started twice, the first never
// stopped, its daemons killed); the next start cleans it, and stop leaves
// no namespace, mount or daemon.
TEST_F(NetfsBeds, StaleBedIsCleanedAndStopLeavesNothing) {
  {
    Bed first("sshfs", "--cache off");
    ASSERT_TRUE(first.started()) << first.log();
    // Kill the server by its pid (as a crash would), leave the rest.
    Shell("sh -c 'kill -9 $(cat /var/tmp/lockstress-netfs/sshfs/srv/sshd.pid)'",
          10);
    Bed second("sshfs", "--cache off");
    ASSERT_TRUE(second.started()) << second.log();
    EXPECT_NE(second.log().find("cleaning a stale sshfs test bed"),
              std::string::npos)
        << second.log();
  }  // both guards stop the bed: the second stop must be a no-op
  EXPECT_EQ(Shell("ip netns list | grep -c lockstress-sshfs-", 10).out, "0\n");
  EXPECT_EQ(Shell("grep -c lockstress-netfs/sshfs /proc/mounts", 10).out,
            "0\n");
  EXPECT_EQ(ProcessesMentioning("lockstress-netfs/sshfs/"), 0);
  EXPECT_FALSE(fs::exists("/var/tmp/lockstress-netfs/sshfs"));
}

// The GlusterFS split, quick form: the brick drops a silent client after
// 3 s (--server-timeout 3: server.tcp-user-timeout and keepalive); the holder's
// client cut for 10 s; the waiter on the other client gets the lock while the
// holder still holds it.
TEST_F(NetfsBeds, GlusterPartitionBreaksMutualExclusion) {
  Bed bed("gluster", "--cache off --ping-timeout 3 --server-timeout 3");
  ASSERT_TRUE(bed.started()) << bed.log();
  TempDir out;
  Ran r = Shell(kLockstress + " run --netfs gluster --impl posix --scenario " +
                    kSource + "/scenarios/netfs/partition_quick.toml --out " +
                    out.path() + "/run",
                180);
  EXPECT_EQ(r.code, 1) << r.out;
  nlohmann::json j = ReadJson(out.path() + "/run/results.json");
  ASSERT_FALSE(j.is_discarded()) << r.out;
  bool failed = false;
  for (const auto& c : j["checks"])
    failed |= c["impl"] == "posix" && c["property"] == "mutual_exclusion" &&
              c["status"] == "fail";
  EXPECT_TRUE(failed) << r.out;
  // The cut and the heal are in the history.
  Ran grep = Shell("grep -c '\"op\":\"heal\"' " + out.path() +
                       "/run/histories/posix/netfs_partition_quick.jsonl",
                   10);
  EXPECT_EQ(grep.out.substr(0, 1), "1") << grep.out;
}

}  // namespace
