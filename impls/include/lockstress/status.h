// Status and StatusOr<T>: errors as values, always carrying their context.
//
// Every failed lock operation says which kind of failure it is (the same
// kinds as lockfile's exceptions and the driver protocol's reply kinds), the
// path it concerns, and, where a system call failed, the call and its errno.
// std::expected is C++23, so this is a small Abseil-style replacement.
//
// Thread safety: Status and StatusOr are values; distinct objects may be used
// from distinct threads, one object is not synchronised.
#ifndef LOCKSTRESS_STATUS_H_
#define LOCKSTRESS_STATUS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lockstress {

// The outcome kinds. Names (see KindName) are the driver protocol's words.
// The LockError family: kAlreadyLocked, kLockTimeout, kLockFailed, kLockError.
// The UnlockError family: kNotLocked, kNotMyLock, kUnlockError.
enum class ErrorKind : unsigned char {
  kOk = 0,
  kAlreadyLocked,  // non-blocking acquire found the lock held
  kLockTimeout,    // a timed acquire ran out of time
  kLockFailed,     // acquire could not even try (bad path, EACCES, EIO, ...)
  kNotLocked,      // release of a lock nobody holds
  kNotMyLock,      // release of a lock somebody else holds
  kUnlockError,    // release failed for another reason
  kLockError,      // acquire failed for another reason
  kError,          // anything else (status queries, break_lock)
  kUnsupported,    // the implementation does not offer this operation
};

// "AlreadyLocked", "LockTimeout", ... ("Ok" for kOk).
std::string_view KindName(ErrorKind kind);
// Inverse of KindName; nullopt for an unknown word.
std::optional<ErrorKind> ParseKind(std::string_view name);
bool IsLockErrorKind(ErrorKind kind);
bool IsUnlockErrorKind(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  // An OK status. Cheap: no allocation.
  Status() = default;
  Status(ErrorKind kind, std::string path, std::string message,
         std::string syscall = {}, int sys_errno = 0);

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  ErrorKind kind() const { return rep_ ? rep_->kind : ErrorKind::kOk; }
  const std::string& path() const;
  const std::string& message() const;
  // The failing system call ("open", "link", ...), empty when none.
  const std::string& syscall() const;
  // The errno of that call, 0 when none.
  int sys_errno() const { return rep_ ? rep_->sys_errno : 0; }

  // "LockFailed: /tmp/x.lock: open: No such file or directory (ENOENT):
  // directory does not exist"; "OK" when ok().
  std::string ToString() const;
  // The same without the kind prefix, as the protocol's reply message.
  std::string Describe() const;

 private:
  struct Rep {
    ErrorKind kind;
    std::string path;
    std::string message;
    std::string syscall;
    int sys_errno;
  };
  std::shared_ptr<const Rep> rep_;
};

// A failed system call. `err` must be the errno saved right after the call,
// before any cleanup that could overwrite it.
Status PosixError(ErrorKind kind, std::string_view syscall, std::string path,
                  int err, std::string_view what = {});

// "ENOENT", "EACCES", ... ("E?" plus number for unknown values).
std::string ErrnoName(int err);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {}  // NOLINT: implicit

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; an OK Status when a value is present.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_STATUS_H_
