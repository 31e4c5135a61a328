// The manifest loader: what it reads, and every error path (file:line).
#include "impls/external/adapter_registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

constexpr char kGood[] = R"(name = "good"
library = "a library"
command = ["{bin}/driver", "--src", "{src}/x"]
available = ["/bin/true"]
missing = "install it"
outside_promise = ["threads"]
owner = "thread"
notes = "what it documents"
)";

std::string Write(const testing::TempDir& dir, const std::string& name,
                  const std::string& text) {
  std::string path = dir.File(name + ".toml");
  std::ofstream(path) << text;
  return path;
}

// The message of loading `text` as <dir>/good.toml (empty when it loads).
std::string ErrorOf(const std::string& text, std::string* path = nullptr) {
  testing::TempDir dir;
  std::string file = Write(dir, "good", text);
  if (path != nullptr) *path = file;
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(file);
  return a.ok() ? "" : a.status().message();
}

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(AdapterRegistry, LoadsEveryKey) {
  testing::TempDir dir;
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(Write(dir, "good", kGood));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->name, "good");
  EXPECT_EQ(a->library, "a library");
  EXPECT_EQ(a->command.size(), 3u);
  EXPECT_EQ(a->available, std::vector<std::string>{"/bin/true"});
  EXPECT_EQ(a->missing, "install it");
  EXPECT_EQ(a->outside_promise, FeatureSet{Feature::kThreads});
  EXPECT_EQ(a->owner, Ownership::kThread);
  EXPECT_EQ(a->notes, "what it documents");
}

TEST(AdapterRegistry, OwnerAndOutsidePromiseAreOptional) {
  std::string text = Replace(kGood, "outside_promise = [\"threads\"]\n", "");
  text = Replace(text, "owner = \"thread\"\n", "");
  testing::TempDir dir;
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(Write(dir, "good", text));
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->outside_promise.empty());
  EXPECT_EQ(a->owner, Ownership::kProcess);
}

TEST(AdapterRegistry, ExpandsPlaceholders) {
  testing::TempDir dir;
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(Write(dir, "good", kGood));
  ASSERT_TRUE(a.ok());
  std::vector<std::string> argv =
      ExpandPlaceholders(a->command, {"/m", "/the/src", "/the/bin"});
  EXPECT_EQ(argv, (std::vector<std::string>{"/the/bin/driver", "--src",
                                            "/the/src/x"}));
}

TEST(AdapterRegistry, ErrorsNameTheFileAndLine) {
  std::string file;
  // Line 9: an unknown key.
  std::string m = ErrorOf(std::string(kGood) + "colour = \"red\"\n", &file);
  EXPECT_EQ(m, file + ":9: unknown key 'colour'");
  m = ErrorOf(Replace(kGood, "name = \"good\"", "name = 3"), &file);
  EXPECT_EQ(m, file + ":1: name must be a string");
  m = ErrorOf(Replace(kGood, "name = \"good\"", "name = \"other\""), &file);
  EXPECT_EQ(m, file + ":1: name 'other' is not the file's name ('good')");
  m = ErrorOf(Replace(kGood, "[\"/bin/true\"]", "[]"), &file);
  EXPECT_EQ(m, file + ":4: available is empty");
  m = ErrorOf(Replace(kGood, "[\"/bin/true\"]", "\"/bin/true\""), &file);
  EXPECT_EQ(m, file + ":4: available must be an array of strings");
  m = ErrorOf(Replace(kGood, "[\"threads\"]", "[\"threads\", \"teleport\"]"),
              &file);
  EXPECT_EQ(m, file +
                   ":6: outside_promise: unknown feature 'teleport' "
                   "(capabilities.h)");
  m = ErrorOf(Replace(kGood, "\"thread\"\n", "\"planet\"\n"), &file);
  EXPECT_EQ(m, file +
                   ":7: owner 'planet' is not one of thread, open_file, "
                   "process, host");
  m = ErrorOf(Replace(kGood, "missing = \"install it\"\n", ""), &file);
  EXPECT_EQ(m, file + ":1: missing key 'missing'");
  m = ErrorOf(Replace(kGood, "library = \"a library\"", "library = \"\""),
              &file);
  EXPECT_EQ(m, file + ":2: library is empty");
  // A TOML syntax error: toml++'s description, at its line.
  m = ErrorOf(Replace(kGood, "notes = \"what", "notes = what"), &file);
  EXPECT_EQ(m.rfind(file + ":8: ", 0), 0u) << m;
}

TEST(AdapterRegistry, BadNamesAreRefused) {
  testing::TempDir dir;
  std::string text = Replace(kGood, "name = \"good\"", "name = \"a b\"");
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(Write(dir, "a b", text));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find(":1: name 'a b' must match"),
            std::string::npos)
      << a.status().message();
}

TEST(AdapterRegistry, ABuiltInsNameIsRefused) {
  testing::TempDir dir;
  std::string file =
      Write(dir, "flock", Replace(kGood, "\"good\"", "\"flock\""));
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(file);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(),
            file + ":1: name 'flock' is a built-in implementation's name");
}

TEST(AdapterRegistry, DirectoryIsSortedAndTheFirstBadManifestIsTheError) {
  testing::TempDir dir;
  Write(dir, "zeta", Replace(kGood, "\"good\"", "\"zeta\""));
  Write(dir, "alpha", Replace(kGood, "\"good\"", "\"alpha\""));
  std::ofstream(dir.File("README.md")) << "not a manifest\n";
  StatusOr<std::vector<ExternalAdapter>> all = LoadAdapterManifests(dir.path());
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "alpha");
  EXPECT_EQ((*all)[1].name, "zeta");
  std::string bad = Write(dir, "mid", "name = \n");
  all = LoadAdapterManifests(dir.path());
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message().rfind(bad + ":1: ", 0), 0u)
      << all.status().message();
  // No directory: no adapters.
  all = LoadAdapterManifests(dir.File("nowhere"));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST(AdapterRegistry, InstalledRunsAvailable) {
  testing::TempDir dir;
  StatusOr<ExternalAdapter> a = LoadAdapterManifest(Write(dir, "good", kGood));
  ASSERT_TRUE(a.ok());
  AdapterPaths paths{dir.path(), "/src", "/bin"};
  EXPECT_TRUE(AdapterInstalled(*a, paths));
  a->available = {"/bin/false"};
  EXPECT_FALSE(AdapterInstalled(*a, paths));
  a->available = {"/nonexistent/lockstress-no-such-program"};
  EXPECT_FALSE(AdapterInstalled(*a, paths));
  // A hanging probe is killed at the bound.
  a->available = {"/bin/sleep", "30"};
  EXPECT_FALSE(AdapterInstalled(*a, paths, std::chrono::milliseconds(100)));
}

}  // namespace
}  // namespace lockstress
