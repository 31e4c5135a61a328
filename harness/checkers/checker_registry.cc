// The list of checkers, in a stable order, and the verdict words.
#include "harness/checkers/checker.h"
#include "harness/checkers/checkers.h"

namespace lockstress {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kSkip:
    default:
      return "skip";
  }
}

const std::vector<std::unique_ptr<Checker>>& AllCheckers() {
  static const auto* const all = [] {
    auto* v = new std::vector<std::unique_ptr<Checker>>;
    v->push_back(MakeMutualExclusionChecker());
    v->push_back(MakeTimeoutSemanticsChecker());
    v->push_back(MakeReleaseErrorsChecker());
    v->push_back(MakeStatusQueriesChecker());
    v->push_back(MakeBreakLockChecker());
    v->push_back(MakeCrashRecoveryChecker());
    v->push_back(MakeStaleRecoveryChecker());
    v->push_back(MakeReentrancyChecker());
    v->push_back(MakeSharedLocksChecker());
    v->push_back(MakeLivenessChecker());
    v->push_back(MakeFairnessChecker());
    v->push_back(MakeSecurityChecker());
    return v;
  }();
  return *all;
}

const Checker* FindChecker(std::string_view property) {
  for (const auto& c : AllCheckers()) {
    if (c->property() == property) return c.get();
  }
  return nullptr;
}

}  // namespace lockstress
