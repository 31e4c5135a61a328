// CheckOptions from the command line and from results.json.
#include "tools/cli/check_options.h"

#include <gtest/gtest.h>

namespace lockstress::cli {
namespace {

using std::chrono::milliseconds;

TEST(CheckOptionFlags, NothingGivenKeepsTheBase) {
  CheckOptions base;
  base.timeout_late = milliseconds(7);
  StatusOr<CheckOptions> o = ApplyCheckOptionFlags({}, base);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->timeout_late, milliseconds(7));
  EXPECT_EQ(o->recovery_bound, CheckOptions().recovery_bound);
}

TEST(CheckOptionFlags, EachFlagSetsItsTolerance) {
  StatusOr<CheckOptions> o = ApplyCheckOptionFlags({.timeout_late = "0",
                                                    .nonblocking_prompt = "250",
                                                    .starvation_bound = "20000",
                                                    .recovery_bound = "3000"},
                                                   {});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->timeout_late, milliseconds(0));
  EXPECT_EQ(o->nonblocking_prompt, milliseconds(250));
  EXPECT_EQ(o->starvation_bound, milliseconds(20000));
  EXPECT_EQ(o->recovery_bound, milliseconds(3000));
}

TEST(CheckOptionFlags, BadValuesNameTheOption) {
  struct Case {
    CheckOptionFlags flags;
    const char* named;
  } cases[] = {
      {{.timeout_late = "-1"}, "--timeout-late"},
      {{.timeout_late = "1.5"}, "--timeout-late"},
      {{.nonblocking_prompt = "0"}, "--nonblocking-prompt"},
      {{.nonblocking_prompt = ""}, "--nonblocking-prompt"},
      {{.starvation_bound = "ten"}, "--starvation-bound"},
      {{.recovery_bound = "99999999999"}, "--recovery-bound"},
  };
  for (const Case& c : cases) {
    StatusOr<CheckOptions> o = ApplyCheckOptionFlags(c.flags, {});
    ASSERT_FALSE(o.ok()) << c.named;
    EXPECT_NE(o.status().message().find(c.named), std::string::npos)
        << o.status().message();
  }
}

TEST(CheckOptionsJson, RoundTrips) {
  CheckOptions o;
  o.timeout_late = milliseconds(1234);
  o.recovery_bound = milliseconds(42);
  StatusOr<CheckOptions> back = CheckOptionsFromJson(CheckOptionsToJson(o));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->timeout_late, milliseconds(1234));
  EXPECT_EQ(back->recovery_bound, milliseconds(42));
  EXPECT_EQ(back->nonblocking_prompt, o.nonblocking_prompt);
  EXPECT_EQ(CheckOptionsToJson(o)["timeout_late_ms"], 1234);
}

TEST(CheckOptionsJson, RejectsWrongValues) {
  EXPECT_FALSE(CheckOptionsFromJson({{"timeout_late_ms", "x"}}).ok());
  EXPECT_FALSE(CheckOptionsFromJson({{"nonblocking_prompt_ms", 0}}).ok());
  EXPECT_FALSE(CheckOptionsFromJson(nlohmann::json::array()).ok());
  EXPECT_TRUE(CheckOptionsFromJson(nlohmann::json::object()).ok());
}

TEST(CheckOptions, RecoveryBoundIsAtLeastTheStaleBound) {
  CheckOptions o;
  o.recovery_bound = milliseconds(500);
  EXPECT_EQ(ForImplementation(o, milliseconds(1000)).recovery_bound,
            milliseconds(1000));
  EXPECT_EQ(ForImplementation(o, milliseconds(0)).recovery_bound,
            milliseconds(500));
}

}  // namespace
}  // namespace lockstress::cli
