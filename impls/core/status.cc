#include "lockstress/status.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace lockstress {
namespace {

constexpr std::string_view kKindNames[] = {
    "Ok",        "AlreadyLocked", "LockTimeout", "LockFailed", "NotLocked",
    "NotMyLock", "UnlockError",   "LockError",   "Error",      "Unsupported",
};

const std::string& Empty() {
  static const std::string* empty = new std::string();
  return *empty;
}

}  // namespace

std::string_view KindName(ErrorKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < std::size(kKindNames) ? kKindNames[i] : "Error";
}

std::optional<ErrorKind> ParseKind(std::string_view name) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) return static_cast<ErrorKind>(i);
  }
  return std::nullopt;
}

bool IsLockErrorKind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kAlreadyLocked:
    case ErrorKind::kLockTimeout:
    case ErrorKind::kLockFailed:
    case ErrorKind::kLockError:
      return true;
    default:
      return false;
  }
}

bool IsUnlockErrorKind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNotLocked:
    case ErrorKind::kNotMyLock:
    case ErrorKind::kUnlockError:
      return true;
    default:
      return false;
  }
}

Status::Status(ErrorKind kind, std::string path, std::string message,
               std::string syscall, int sys_errno) {
  if (kind == ErrorKind::kOk) return;
  rep_ =
      std::make_shared<const Rep>(Rep{kind, std::move(path), std::move(message),
                                      std::move(syscall), sys_errno});
}

const std::string& Status::path() const { return rep_ ? rep_->path : Empty(); }
const std::string& Status::message() const {
  return rep_ ? rep_->message : Empty();
}
const std::string& Status::syscall() const {
  return rep_ ? rep_->syscall : Empty();
}

std::string Status::Describe() const {
  if (ok()) return "OK";
  std::string out;
  if (!rep_->path.empty()) out += rep_->path;
  if (!rep_->syscall.empty()) {
    if (!out.empty()) out += ": ";
    out += rep_->syscall;
  }
  if (rep_->sys_errno != 0) {
    out += out.empty() ? "" : ": ";
    out += std::strerror(rep_->sys_errno);
    out += " (" + ErrnoName(rep_->sys_errno) + ")";
  }
  if (!rep_->message.empty()) {
    if (!out.empty()) out += ": ";
    out += rep_->message;
  }
  return out;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(KindName(kind())) + ": " + Describe();
}

Status PosixError(ErrorKind kind, std::string_view syscall, std::string path,
                  int err, std::string_view what) {
  return Status(kind, std::move(path), std::string(what), std::string(syscall),
                err);
}

std::string ErrnoName(int err) {
  // strerrorname_np is glibc >= 2.32 (Debian 12 has 2.36).
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E?" + std::to_string(err);
}

}  // namespace lockstress
