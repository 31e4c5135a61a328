// Line I/O over file descriptors, for both ends of the driver protocol.
//
// LineReader buffers a descriptor and hands out '\n'-terminated lines, with
// an optional deadline (poll(2)), so no reader can hang for ever.
// LineWriter writes each line whole (looping over partial writes, retrying
// EINTR) under a mutex, so lines from several threads never interleave; a
// write(2) to a pipe needs no flushing.
//
// Thread safety: LineReader is for one thread; LineWriter is thread-safe
// (guarded by mu_). Neither owns its descriptor.
#ifndef LOCKSTRESS_HARNESS_PROTOCOL_LINE_IO_H_
#define LOCKSTRESS_HARNESS_PROTOCOL_LINE_IO_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lockstress::protocol {

inline constexpr std::size_t kMaxLineLength = 1 << 16;

class LineReader {
 public:
  enum class Result : unsigned char { kLine, kEof, kTimeout, kError };
  explicit LineReader(int fd) : fd_(fd) {}

  // Reads the next line (without '\n') into *line. kEof at end of input (a
  // final unterminated fragment is returned as a line first); kTimeout when
  // `deadline` passes first (nullopt: no deadline); kError on a read error or
  // a line longer than kMaxLineLength (*line then holds what was read).
  Result ReadLine(std::string* line,
                  std::optional<std::chrono::steady_clock::time_point>
                      deadline = std::nullopt);

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  // Writes line + '\n'; false when the descriptor failed (EPIPE, ...).
  bool WriteLine(std::string_view line);

 private:
  std::mutex mu_;
  int fd_;  // writes guarded by mu_
};

}  // namespace lockstress::protocol

#endif  // LOCKSTRESS_HARNESS_PROTOCOL_LINE_IO_H_
