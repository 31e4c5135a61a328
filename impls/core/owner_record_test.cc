// Tests of owner_record.h and process_identity.h: the record round-trips,
// and nothing that is not exactly a record parses (empty, cut off at every
// byte, garbage, out-of-range numbers); /proc/PID/stat is read after the
// last ')'.
#include "impls/core/owner_record.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "impls/core/process_identity.h"
#include "lockstress/os.h"

namespace lockstress {
namespace {

OwnerRecord Sample() {
  return OwnerRecord{"build-7",  "0f6c1e2a-1b2c-4d5e-8f90-0123456789ab",
                     4026531836, 1234,
                     881234,     17,
                     3};
}

TEST(OwnerRecordTest, RoundTrips) {
  std::optional<OwnerRecord> r = ParseOwnerRecord(FormatOwnerRecord(Sample()));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->SameInstance(Sample()));
  EXPECT_EQ(r->generation, 3u);
}

TEST(OwnerRecordTest, EveryGenerationHasTheSameLength) {
  OwnerRecord a = Sample(), b = Sample();
  a.generation = 0;
  b.generation = ~std::uint64_t{0};
  EXPECT_EQ(FormatOwnerRecord(a).size(), FormatOwnerRecord(b).size());
  EXPECT_TRUE(ParseOwnerRecord(FormatOwnerRecord(b)).has_value());
}

TEST(OwnerRecordTest, NoPrefixOfARecordParses) {
  const std::string full = FormatOwnerRecord(Sample());
  for (size_t n = 0; n < full.size(); ++n) {
    EXPECT_FALSE(ParseOwnerRecord(full.substr(0, n)).has_value()) << n;
  }
}

TEST(OwnerRecordTest, GarbageDoesNotParse) {
  const std::string good = FormatOwnerRecord(Sample());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  for (const std::string& bad : {
           std::string(""),
           std::string("garbage"),
           std::string(1 << 16, 'x'),
           std::string("\0\0\0", 3),
           good + "more\n",
           good + good,
           replaced("pid 1234", "pid 0"),
           replaced("pid 1234", "pid -1"),
           replaced("pid 1234", "pid 99999999999"),
           replaced("start 881234", "start 1e5"),
           replaced("pidns 4026531836", "pidns 184467440737095516160"),
           replaced("host build-7", "host build 7"),
           replaced("host build-7", "host "),
           replaced("boot 0f6c", "boot Xf6c"),
           replaced("end\n", "END\n"),
           replaced("lockstress-lease 1", "x"),
       }) {
    EXPECT_FALSE(ParseOwnerRecord(bad).has_value()) << bad.substr(0, 80);
  }
}

TEST(OwnerRecordTest, UnknownBootIdRoundTripsAsEmpty) {
  OwnerRecord r = Sample();
  r.boot = "";
  std::optional<OwnerRecord> back = ParseOwnerRecord(FormatOwnerRecord(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->boot, "");
}

TEST(OwnerRecordTest, HostNamesAreSanitized) {
  EXPECT_EQ(SanitizeHostName(""), "localhost");
  EXPECT_EQ(SanitizeHostName("a b\nc"), "a_b_c");
  EXPECT_EQ(SanitizeHostName(std::string(300, 'h')).size(), 255u);
}

TEST(ProcStatTest, FieldsAreCountedAfterTheLastParenthesis) {
  std::string fields;
  for (int i = 4; i <= 21; ++i) fields += " " + std::to_string(i);
  std::optional<ProcStat> s =
      ParseProcStat("42 (a) (b) c) S" + fields + " 777 23 24\n");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->pid, 42);
  EXPECT_EQ(s->start, 777u);
  EXPECT_EQ(s->state, ProcStat::State::kRunning);
  s = ParseProcStat("42 (x) Z" + fields + " 778 23\n");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, ProcStat::State::kExited);
  EXPECT_FALSE(ParseProcStat("42 (x) S 1 2").has_value());
  EXPECT_FALSE(ParseProcStat("").has_value());
}

TEST(ProcessIdentityTest, ThisProcessIsKnown) {
  ProcessIdentity me = ReadProcessIdentity(Os::Default());
  EXPECT_EQ(me.pid, ::getpid());
  EXPECT_NE(me.boot, "");
  EXPECT_NE(me.pidns, 0u);
  EXPECT_NE(me.start, 0u);
  EXPECT_TRUE(me.proc_is_ours);
  ProcStat self = ReadProcStat(Os::Default(), std::to_string(::getpid()));
  EXPECT_EQ(self.state, ProcStat::State::kRunning);
  EXPECT_EQ(self.start, me.start);
  EXPECT_EQ(ReadProcStat(Os::Default(), "999999999").state,
            ProcStat::State::kMissing);
}

}  // namespace
}  // namespace lockstress
