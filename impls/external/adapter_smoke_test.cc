// The smoke test of every outside adapter (impls/external/*.toml): its
// driver greets with the manifest's name and declares `threads` and every
// outside_promise feature; one acquire and one release succeed; quit exits 0.
// An adapter whose library is not installed is skipped with its `missing`.
#include <gtest/gtest.h>

#include <chrono>

#include "harness/orchestrator/worker_connection.h"
#include "impls/external/adapter_registry.h"
#include "impls/testing/test_dirs.h"

namespace lockstress {
namespace {

using Clock = std::chrono::steady_clock;

AdapterPaths Paths() {
  return {std::string(LOCKSTRESS_SOURCE_DIR) + "/impls/external",
          LOCKSTRESS_SOURCE_DIR, LOCKSTRESS_BIN_DIR};
}

std::vector<ExternalAdapter> Manifests() {
  StatusOr<std::vector<ExternalAdapter>> all =
      LoadAdapterManifests(Paths().manifests);
  // A bad shipped manifest fails the test below, not the instantiation.
  return all.ok() ? *all : std::vector<ExternalAdapter>{};
}

TEST(AdapterManifests, EveryShippedManifestLoads) {
  StatusOr<std::vector<ExternalAdapter>> all =
      LoadAdapterManifests(Paths().manifests);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_FALSE(all->empty());
}

// The timeout of the one acquire: whichever the adapter offers.
StatusOr<Timeout> SomeTimeout(FeatureSet features) {
  if (features.has(Feature::kNonblocking)) return Timeout::NonBlocking();
  if (features.has(Feature::kTimeout))
    return Timeout::After(std::chrono::seconds(5));
  if (features.has(Feature::kBlocking)) return Timeout::Forever();
  return Status(ErrorKind::kError, "", "no acquire feature declared");
}

class AdapterSmoke : public ::testing::TestWithParam<ExternalAdapter> {};

TEST_P(AdapterSmoke, GreetsAcquiresReleasesAndQuits) {
  const ExternalAdapter& a = GetParam();
  if (!AdapterInstalled(a, Paths())) GTEST_SKIP() << a.missing;
  testing::TempDir dir;
  StatusOr<std::unique_ptr<WorkerConnection>> conn = WorkerConnection::Start(
      ExpandPlaceholders(a.command, Paths()), dir.File("driver.log"), a.name,
      std::chrono::seconds(20));
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  const protocol::Greeting& g = (*conn)->greeting();
  EXPECT_EQ(g.name, a.name) << a.file;
  EXPECT_TRUE(g.features.has(Feature::kThreads)) << g.features.ToString();
  for (Feature f : a.outside_promise.list()) {
    EXPECT_TRUE(g.features.has(f))
        << a.file << ": outside_promise lists " << FeatureName(f)
        << ", which the greeting does not declare";
  }
  StatusOr<Timeout> timeout = SomeTimeout(g.features);
  ASSERT_TRUE(timeout.ok()) << g.features.ToString();

  auto call = [&](protocol::Verb verb) {
    protocol::Request r{.verb = verb, .handle = "h0"};
    if (verb == protocol::Verb::kOpen) r.path = dir.File("lock");
    if (verb == protocol::Verb::kAcquire) r.timeout = *timeout;
    // A hang bound, not a timing assertion.
    return (*conn)->Call(r, Clock::now() + std::chrono::seconds(30));
  };
  for (protocol::Verb verb :
       {protocol::Verb::kOpen, protocol::Verb::kAcquire,
        protocol::Verb::kRelease, protocol::Verb::kClose}) {
    CallResult r = call(verb);
    ASSERT_FALSE(r.lost) << protocol::VerbName(verb) << ": " << r.why;
    EXPECT_TRUE(r.reply.ok())
        << protocol::VerbName(verb) << ": " << KindName(r.reply.kind) << " "
        << r.reply.message;
    EXPECT_LE(r.reply.t0, r.reply.t1) << protocol::VerbName(verb);
  }
  std::optional<int> code =
      (*conn)->Quit(Clock::now() + std::chrono::seconds(20));
  EXPECT_EQ(code, 0);
}

std::string Name(const ::testing::TestParamInfo<ExternalAdapter>& info) {
  std::string s = info.param.name;
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(Manifests, AdapterSmoke,
                         ::testing::ValuesIn(Manifests()), Name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AdapterSmoke);

}  // namespace
}  // namespace lockstress
