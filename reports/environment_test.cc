#include "reports/environment.h"

#include <gtest/gtest.h>
#include <linux/magic.h>

#include "impls/testing/test_dirs.h"

namespace lockstress::report {
namespace {

constexpr char kMountinfo[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
    "30 22 0:25 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=1024k\n"
    "31 22 0:26 / /mnt/my\\040disk rw,noatime - xfs /dev/sdb1 rw,attr2\n"
    "32 30 0:27 / /tmp rw,noexec master:2 - tmpfs none rw\n"
    "33 22 0:28 / /srv/nfs rw - nfs4 host:/export rw,vers=4.2\n"
    "garbage line\n";

TEST(FindMount, TheLongestMountPointOnAComponentBoundary) {
  auto m = FindMount(kMountinfo, "/srv/nfs/run/dir");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/srv/nfs");
  EXPECT_EQ(m->fs_type, "nfs4");
  EXPECT_EQ(m->source, "host:/export");
  EXPECT_EQ(m->super_options, "rw,vers=4.2");
  // /srv/nfsx is not under /srv/nfs.
  m = FindMount(kMountinfo, "/srv/nfsx");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/");
  EXPECT_EQ(m->mount_options, "rw,relatime");
}

TEST(FindMount, ALaterMountHidesAnEarlierOne) {
  auto m = FindMount(kMountinfo, "/tmp/x");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_options, "rw,noexec");
  EXPECT_EQ(m->source, "none");
}

TEST(FindMount, UnescapesOctal) {
  auto m = FindMount(kMountinfo, "/mnt/my disk/a");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/mnt/my disk");
  EXPECT_EQ(m->fs_type, "xfs");
}

TEST(FindMount, NothingInGarbage) {
  EXPECT_FALSE(FindMount("nothing here\n", "/x"));
}

TEST(FsTypeName, KnownAndUnknown) {
  EXPECT_EQ(FsTypeName(TMPFS_MAGIC), "tmpfs");
  EXPECT_EQ(FsTypeName(NFS_SUPER_MAGIC), "nfs");
  EXPECT_EQ(FsTypeName(0x1234), "0x1234");
}

TEST(ShellQuote, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(ShellQuote("--seed=4"), "--seed=4");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(CollectEnvironment, RecordsTheMachineAndTheReproducingCommand) {
  testing::TempDir dir;
  nlohmann::json env = CollectEnvironment(
      dir.path(), {"lockstress", "run", "--impl", "flock"}, 42);
  EXPECT_FALSE(env.value("kernel", "").empty());
  EXPECT_FALSE(env.value("hostname", "").empty());
  EXPECT_FALSE(env.value("filesystem", "").empty());
  EXPECT_FALSE(env.value("mount_point", "").empty());
  EXPECT_FALSE(env.value("mount_options", "").empty());
  EXPECT_TRUE(env["libraries"].contains("sqlite"));
  EXPECT_EQ(env["command"], "lockstress run --impl flock");
  EXPECT_EQ(env["reproduce"], "lockstress run --impl flock --seed 42");
  // A seed on the command line is not added twice.
  env = CollectEnvironment(dir.path(), {"lockstress", "run", "--seed", "7"}, 7);
  EXPECT_EQ(env["reproduce"], "lockstress run --seed 7");
}

}  // namespace
}  // namespace lockstress::report
