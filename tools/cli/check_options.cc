#include "tools/cli/check_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace lockstress::cli {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kMaxMs = 3600000;  // an hour: anything more is a typo

struct Field {
  const char* flag;  // command line
  const char* key;   // results.json
  milliseconds CheckOptions::*member;
  std::int64_t min;
};

constexpr Field kFields[] = {
    {"--timeout-early", "timeout_early_ms", &CheckOptions::timeout_early, 0},
    {"--timeout-late", "timeout_late_ms", &CheckOptions::timeout_late, 0},
    {"--nonblocking-prompt", "nonblocking_prompt_ms",
     &CheckOptions::nonblocking_prompt, 1},
    {"--starvation-bound", "starvation_bound_ms",
     &CheckOptions::starvation_bound, 1},
    {"--recovery-bound", "recovery_bound_ms", &CheckOptions::recovery_bound, 1},
};

Status OutOfRange(const Field& f, const std::string& shown) {
  return Status(ErrorKind::kError, "",
                fmt::format("{}: '{}' is not a whole number of milliseconds "
                            "from {} to {}",
                            f.flag, shown, f.min, kMaxMs));
}

Status Set(const Field& f, const std::string& text, CheckOptions& o) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < f.min ||
      v > kMaxMs) {
    return OutOfRange(f, text);
  }
  o.*f.member = milliseconds(v);
  return Status::Ok();
}

}  // namespace

StatusOr<CheckOptions> ApplyCheckOptionFlags(const CheckOptionFlags& flags,
                                             CheckOptions base) {
  const std::optional<std::string>* given[] = {
      nullptr, &flags.timeout_late, &flags.nonblocking_prompt,
      &flags.starvation_bound, &flags.recovery_bound};
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    if (given[i] == nullptr || !*given[i]) continue;
    if (Status s = Set(kFields[i], **given[i], base); !s.ok()) return s;
  }
  return base;
}

nlohmann::json CheckOptionsToJson(const CheckOptions& o) {
  nlohmann::json j = nlohmann::json::object();
  for (const Field& f : kFields) j[f.key] = (o.*f.member).count();
  return j;
}

StatusOr<CheckOptions> CheckOptionsFromJson(const nlohmann::json& j) {
  CheckOptions o;
  if (!j.is_object()) {
    return Status(ErrorKind::kError, "", "check_options is not an object");
  }
  for (const Field& f : kFields) {
    if (!j.contains(f.key)) continue;
    const nlohmann::json& v = j.at(f.key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < f.min ||
        v.get<std::int64_t>() > kMaxMs) {
      return Status(
          ErrorKind::kError, "",
          fmt::format("check_options.{}: {} is out of range", f.key, v.dump()));
    }
    o.*f.member = milliseconds(v.get<std::int64_t>());
  }
  return o;
}

CheckOptions ForImplementation(CheckOptions options, milliseconds stale_bound) {
  options.recovery_bound = std::max(options.recovery_bound, stale_bound);
  return options;
}

}  // namespace lockstress::cli
