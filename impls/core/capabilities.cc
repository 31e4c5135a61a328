#include "lockstress/capabilities.h"

#include <string>

namespace lockstress {
namespace {

constexpr std::string_view kFeatureNames[kFeatureCount] = {
    "blocking", "nonblocking", "timeout",   "is_locked",      "i_am_locking",
    "break",    "shared",      "reentrant", "stale_recovery", "threads",
};

}  // namespace

std::string_view FeatureName(Feature feature) {
  return kFeatureNames[static_cast<size_t>(feature)];
}

std::optional<Feature> ParseFeature(std::string_view name) {
  for (int i = 0; i < kFeatureCount; ++i) {
    if (kFeatureNames[i] == name) return static_cast<Feature>(i);
  }
  return std::nullopt;
}

FeatureSet FeatureSet::All() {
  FeatureSet all;
  for (int i = 0; i < kFeatureCount; ++i) all.add(static_cast<Feature>(i));
  return all;
}

StatusOr<FeatureSet> FeatureSet::Parse(std::string_view list) {
  FeatureSet set;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view word = list.substr(0, comma);
    std::optional<Feature> f = ParseFeature(word);
    if (!f) {
      return Status(ErrorKind::kError, "",
                    "unknown feature '" + std::string(word) + "'");
    }
    set.add(*f);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return set;
}

std::vector<Feature> FeatureSet::list() const {
  std::vector<Feature> out;
  for (int i = 0; i < kFeatureCount; ++i) {
    if (has(static_cast<Feature>(i))) out.push_back(static_cast<Feature>(i));
  }
  return out;
}

std::string FeatureSet::ToString() const {
  std::string out;
  for (Feature f : list()) {
    if (!out.empty()) out += ',';
    out += FeatureName(f);
  }
  return out;
}

std::string_view OwnershipName(Ownership ownership) {
  switch (ownership) {
    case Ownership::kThread:
      return "thread";
    case Ownership::kOpenFile:
      return "open_file";
    case Ownership::kProcess:
      return "process";
    case Ownership::kHost:
      return "host";
    default:
      return "none";
  }
}

}  // namespace lockstress
