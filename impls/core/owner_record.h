// OwnerRecord: who holds a lease lock, as written into the lock file.
//
// The record names one holding *instance*: the process (hostname, boot id,
// PID-namespace id, PID, start time) and a per-process serial of the
// acquisition, plus the heartbeat generation the holder bumps at each
// refresh. The text format is line-oriented and ends with an "end" line, so
// a record cut off mid-write never parses:
//
//   lockstress-lease 1
//   host build-7
//   boot 0f6c...-...          ("-" when /proc gave none)
//   pidns 4026531836          (0 when unknown)
//   pid 1234
//   start 881234              (clock ticks since boot, /proc/PID/stat field
//                              22; 0 when unknown)
//   serial 17
//   generation 00000000000000000003
//   end
//
// The generation is zero-padded to a fixed width, so every rewrite has the
// same length: a heartbeat never grows the file (no ENOSPC mid-lease) and a
// reader racing a rewrite sees old or new digits, never a shorter file.
//
// Parsing is defensive: anything that is not exactly this shape (empty,
// truncated, garbage, oversized fields, numbers out of range) is nullopt,
// and the caller judges such a file by its lease alone.
//
// Thread safety: values and pure functions.
#ifndef LOCKSTRESS_IMPLS_CORE_OWNER_RECORD_H_
#define LOCKSTRESS_IMPLS_CORE_OWNER_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lockstress {

struct OwnerRecord {
  std::string host;          // SanitizeHostName'd, never empty
  std::string boot;          // /proc/sys/kernel/random/boot_id; "" unknown
  std::uint64_t pidns = 0;   // inode of /proc/self/ns/pid; 0 unknown
  std::int64_t pid = 0;      // as the holder's own namespace numbers it
  std::uint64_t start = 0;   // start time in clock ticks; 0 unknown
  std::uint64_t serial = 0;  // which acquisition of that process
  std::uint64_t generation = 0;

  // Everything but the generation: the same holding instance.
  bool SameInstance(const OwnerRecord& other) const;
};

std::string FormatOwnerRecord(const OwnerRecord& record);
std::optional<OwnerRecord> ParseOwnerRecord(std::string_view text);

// A host name as a record field: printable non-space ASCII only (others
// become '_'), at most 255 bytes, "localhost" when empty.
std::string SanitizeHostName(std::string_view name);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_OWNER_RECORD_H_
