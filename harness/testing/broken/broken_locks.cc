#include "harness/testing/broken/broken_locks.h"

namespace lockstress::broken {

const std::vector<BrokenLock>& AllBrokenLocks() {
  static const auto* all = new std::vector<BrokenLock>{
      CheckThenCreate(),     ReleaseWithoutOwnerCheck(),
      SilentDoubleRelease(), EarlyTimeout(),
      LateTimeout(),         NonblockingWaits(),
      LyingIsLocked(),       PosixThreads(),
      QueryDropsPosixLock(), StaleNeverRecovers(),
      PidStaleBreaker(),     FollowsSymlink(),
  };
  return *all;
}

const BrokenLock* FindBrokenLock(const std::string& bug) {
  for (const BrokenLock& b : AllBrokenLocks()) {
    if (b.bug == bug) return &b;
  }
  return nullptr;
}

}  // namespace lockstress::broken
