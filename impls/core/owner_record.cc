#include "impls/core/owner_record.h"

#include <cstdio>
#include <vector>

namespace lockstress {
namespace {

constexpr std::string_view kMagic = "lockstress-lease 1";
constexpr size_t kMaxField = 255;

// Strict decimal: 1..20 digits, no sign, no overflow past `max`.
std::optional<std::uint64_t> ParseDecimal(std::string_view s,
                                          std::uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

bool IsBootId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "key value" -> value, when the line has exactly that key.
std::optional<std::string_view> Field(std::string_view line,
                                      std::string_view key) {
  if (line.size() <= key.size() + 1 || line.substr(0, key.size()) != key ||
      line[key.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view value = line.substr(key.size() + 1);
  if (value.size() > kMaxField) return std::nullopt;
  return value;
}

}  // namespace

bool OwnerRecord::SameInstance(const OwnerRecord& o) const {
  return host == o.host && boot == o.boot && pidns == o.pidns && pid == o.pid &&
         start == o.start && serial == o.serial;
}

std::string SanitizeHostName(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, kMaxField)) {
    out += (c > ' ' && c < 0x7f) ? c : '_';
  }
  return out.empty() ? "localhost" : out;
}

std::string FormatOwnerRecord(const OwnerRecord& r) {
  char generation[21];
  std::snprintf(generation, sizeof generation, "%020llu",
                static_cast<unsigned long long>(r.generation));
  return std::string(kMagic) + "\nhost " + SanitizeHostName(r.host) +
         "\nboot " + (IsBootId(r.boot) ? r.boot : "-") + "\npidns " +
         std::to_string(r.pidns) + "\npid " + std::to_string(r.pid) +
         "\nstart " + std::to_string(r.start) + "\nserial " +
         std::to_string(r.serial) + "\ngeneration " + generation + "\nend\n";
}

std::optional<OwnerRecord> ParseOwnerRecord(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty() && lines.size() < 10) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // cut off
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (!text.empty() || lines.size() != 9 || lines[0] != kMagic ||
      lines[8] != "end") {
    return std::nullopt;
  }
  OwnerRecord r;
  auto host = Field(lines[1], "host");
  auto boot = Field(lines[2], "boot");
  auto pidns = Field(lines[3], "pidns");
  auto pid = Field(lines[4], "pid");
  auto start = Field(lines[5], "start");
  auto serial = Field(lines[6], "serial");
  auto generation = Field(lines[7], "generation");
  if (!host || !boot || !pidns || !pid || !start || !serial || !generation) {
    return std::nullopt;
  }
  if (SanitizeHostName(*host) != *host) return std::nullopt;
  r.host = std::string(*host);
  if (*boot != "-") {
    if (!IsBootId(*boot)) return std::nullopt;
    r.boot = std::string(*boot);
  }
  constexpr std::uint64_t kU64 = ~std::uint64_t{0};
  auto ns = ParseDecimal(*pidns, kU64);
  auto p = ParseDecimal(*pid, 0x7fffffff);
  auto st = ParseDecimal(*start, kU64);
  auto se = ParseDecimal(*serial, kU64);
  auto g = ParseDecimal(*generation, kU64);
  if (!ns || !p || *p == 0 || !st || !se || !g) return std::nullopt;
  r.pidns = *ns;
  r.pid = static_cast<std::int64_t>(*p);
  r.start = *st;
  r.serial = *se;
  r.generation = *g;
  return r;
}

}  // namespace lockstress
