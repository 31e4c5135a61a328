#include "harness/scenario/schedule.h"

namespace lockstress {

std::string_view PlannedOpName(PlannedOp::Kind kind) {
  switch (kind) {
    case PlannedOp::Kind::kAcquire:
      return "acquire";
    case PlannedOp::Kind::kAcquireShared:
      return "acquire_shared";
    case PlannedOp::Kind::kRelease:
      return "release";
    case PlannedOp::Kind::kIsLocked:
      return "is_locked";
    case PlannedOp::Kind::kIAmLocking:
      return "i_am_locking";
    case PlannedOp::Kind::kBreak:
      return "break";
    default:
      return "sleep";
  }
}

}  // namespace lockstress
