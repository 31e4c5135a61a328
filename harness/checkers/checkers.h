// The checkers' factories (one per file) and small result helpers.
//
// Private to harness/checkers/: the rest of the harness uses checker.h's
// AllCheckers() / FindChecker().
#ifndef LOCKSTRESS_HARNESS_CHECKERS_CHECKERS_H_
#define LOCKSTRESS_HARNESS_CHECKERS_CHECKERS_H_

#include <memory>
#include <string>
#include <vector>

#include "harness/checkers/checker.h"

namespace lockstress {

std::unique_ptr<Checker> MakeMutualExclusionChecker();
std::unique_ptr<Checker> MakeTimeoutSemanticsChecker();
std::unique_ptr<Checker> MakeReleaseErrorsChecker();
std::unique_ptr<Checker> MakeStatusQueriesChecker();
std::unique_ptr<Checker> MakeBreakLockChecker();
std::unique_ptr<Checker> MakeReentrancyChecker();
std::unique_ptr<Checker> MakeSharedLocksChecker();
std::unique_ptr<Checker> MakeCrashRecoveryChecker();
std::unique_ptr<Checker> MakeStaleRecoveryChecker();
std::unique_ptr<Checker> MakeLivenessChecker();
std::unique_ptr<Checker> MakeFairnessChecker();
std::unique_ptr<Checker> MakeSecurityChecker();

inline CheckResult Skip(std::string property, std::string reason) {
  return {std::move(property), Verdict::kSkip, std::move(reason), {}};
}
inline CheckResult Pass(std::string property, std::string detail) {
  return {std::move(property), Verdict::kPass, std::move(detail), {}};
}
// `count` violations were found; detail describes the first, evidence
// holds its events.
inline CheckResult Fail(std::string property, std::string detail,
                        std::vector<std::size_t> evidence, int count = 1) {
  if (count > 1) {
    detail += " (" + std::to_string(count) + " violations; first shown)";
  }
  return {std::move(property), Verdict::kFail, std::move(detail),
          std::move(evidence)};
}

// A checker given by a name and a function: most checkers are just that.
class FunctionChecker : public Checker {
 public:
  using Fn = CheckResult (*)(const History&, const CheckOptions&);
  FunctionChecker(std::string_view property, Fn fn)
      : property_(property), fn_(fn) {}
  std::string_view property() const override { return property_; }
  CheckResult Check(const History& history,
                    const CheckOptions& options) const override {
    return fn_(history, options);
  }

 private:
  std::string_view property_;
  Fn fn_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_CHECKERS_CHECKERS_H_
