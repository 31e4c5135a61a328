// End-to-end: bin/lockstress list/run with outside adapters, from a
// directory of manifests given by $LOCKSTRESS_EXTERNAL. The adapter under
// test is a real driver: bin/lockstress-worker serving the `null` lock
// (which excludes nobody), declared with `threads` outside its promise and
// each object its own owner (with the default, process, two handles of one
// driver are one owner and may hold together).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/checkers/checker.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Ran {
  int code = -1;
  std::string out, err;
};

// bin/lockstress ARGS in `dir` with LOCKSTRESS_EXTERNAL=dir/manifests.
Ran Lockstress(const testing::TempDir& dir, std::vector<std::string> args) {
  std::string out = dir.File("stdout"), err = dir.File("stderr");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, dir.path().c_str());
  std::string exe = std::string(LOCKSTRESS_BIN_DIR) + "/lockstress";
  args.insert(args.begin(), exe);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"LOCKSTRESS_EXTERNAL=" +
                                          dir.File("manifests")};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("LOCKSTRESS_EXTERNAL=", 0) != 0)
      env_strings.emplace_back(*e);
  }
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  Ran r;
  EXPECT_EQ(
      posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), env.data()), 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  // Bounded by the test's own ctest TIMEOUT; every run here is a few cases.
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  return r;
}

void Manifest(const testing::TempDir& dir, const std::string& name,
              const std::string& available,
              const std::string& extra =
                  "outside_promise = [\"threads\"]\nowner = \"open_file\"\n") {
  fs::create_directories(dir.File("manifests"));
  std::ofstream(dir.File("manifests/" + name + ".toml"))
      << "name = \"" << name << "\"\n"
      << "library = \"the null lock, as an outside adapter\"\n"
      << "command = [\"{bin}/lockstress-worker\", \"--impl\", \"null\"]\n"
      << "available = [\"" << available << "\"]\n"
      << "missing = \"" << name << " is not installed here\"\n"
      << extra << "notes = \"excludes nobody\"\n";
}

// The first handle takes the lock and holds it 300 ms; the second (another
// handle of the same worker, or the next worker) takes it 100 ms in: the
// null lock lets both in.
std::string Scenario(const testing::TempDir& dir, const std::string& name,
                     int processes, int handles) {
  fs::create_directories(dir.File("scen"));
  std::string path = dir.File("scen/" + name + ".toml");
  std::ofstream out(path);
  out << "description = \"two acquires at once\"\n"
      << "properties = [\"mutual_exclusion\"]\n[topology]\nprocesses = "
      << processes << "\nhandles = " << handles << "\n"
      << "[[step]]\nworker = 0\nop = \"acquire\"\ntimeout = \"0\"\n"
      << "[[step]]\nworker = 0\nop = \"sleep\"\nms = 300\n"
      << "[[step]]\nworker = " << processes - 1 << "\nhandle = " << handles - 1
      << "\nat_ms = 100\nop = \"acquire\"\ntimeout = \"0\"\n";
  return path;
}

TEST(ExternalCli, ListShowsInstalledAndMissing) {
  testing::TempDir dir;
  Manifest(dir, "here", "/bin/true");
  Manifest(dir, "gone", "/bin/false");
  Ran r = Lockstress(dir, {"list", "impls"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("external:here"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("installed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("external:gone"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gone is not installed here"), std::string::npos)
      << r.out;
}

TEST(ExternalCli, BadManifestExits2WithFileAndLine) {
  testing::TempDir dir;
  Manifest(dir, "here", "/bin/true", "colour = \"red\"\n");  // line 6
  std::string file = dir.File("manifests/here.toml");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"list", "impls"},
        {"run", "--impl", "external", "--out", "out"}}) {
    Ran r = Lockstress(dir, args);
    EXPECT_EQ(r.code, 2) << args[0];
    EXPECT_NE(r.err.find(file + ":6: unknown key 'colour'"), std::string::npos)
        << r.err;
  }
}

TEST(ExternalCli, UnknownOrMissingAdapterByNameExits2) {
  testing::TempDir dir;
  Manifest(dir, "gone", "/bin/false");
  Ran r = Lockstress(dir, {"run", "--impl", "external:nope", "--out", "o1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown outside adapter 'external:nope'"),
            std::string::npos)
      << r.err;
  r = Lockstress(dir, {"run", "--impl", "external:gone", "--out", "o2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("external:gone: gone is not installed here"),
            std::string::npos)
      << r.err;
}

TEST(ExternalCli, OutsidePromiseFailIsReportedButDoesNotFailTheRun) {
  if (AllCheckers().empty()) GTEST_SKIP() << "the checkers are not merged yet";
  testing::TempDir dir;
  Manifest(dir, "nolock", "/bin/true");
  Manifest(dir, "gone", "/bin/false");
  // One process, two handles: needs `threads`, outside the promise.
  std::string threads = Scenario(dir, "threads", 1, 2);
  Ran r = Lockstress(dir, {"run", "--impl", "external", "--scenario", threads,
                           "--out", "out", "--junit", "junit.xml"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("leaving out external:gone"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("UNSAFE nolock scen/threads mutual_exclusion "
                       "(outside the library's promise)"),
            std::string::npos)
      << r.out;
  nlohmann::json results =
      nlohmann::json::parse(ReadAll(dir.File("out/results.json")));
  ASSERT_EQ(results["checks"].size(), 1u) << results.dump();
  EXPECT_EQ(results["checks"][0]["impl"], "nolock");
  EXPECT_EQ(results["checks"][0]["status"], "fail");
  EXPECT_EQ(results["checks"][0]["outside_promise"], true);
  std::string junit = ReadAll(dir.File("junit.xml"));
  EXPECT_EQ(junit.find("<failure"), std::string::npos) << junit;
  EXPECT_NE(junit.find("unsafe for this use"), std::string::npos) << junit;
  // `check` judges the stored run the same way.
  Ran again = Lockstress(dir, {"check", "out"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("UNSAFE nolock"), std::string::npos) << again.out;

  // Two processes: inside the promise, so the same fail fails the run.
  std::string processes = Scenario(dir, "processes", 2, 1);
  r = Lockstress(dir, {"run", "--impl", "external:nolock", "--scenario",
                       processes, "--out", "out2"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL nolock scen/processes mutual_exclusion"),
            std::string::npos)
      << r.out;
  results = nlohmann::json::parse(ReadAll(dir.File("out2/results.json")));
  EXPECT_FALSE(results["checks"][0].contains("outside_promise"));
}

}  // namespace
}  // namespace lockstress
