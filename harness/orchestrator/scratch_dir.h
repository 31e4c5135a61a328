// ScratchDir: a fresh directory (mkdtemp) removed with everything in it on
// destruction. The directory under test of every run case is one.
// Thread safety: none; one owner.
#ifndef LOCKSTRESS_HARNESS_ORCHESTRATOR_SCRATCH_DIR_H_
#define LOCKSTRESS_HARNESS_ORCHESTRATOR_SCRATCH_DIR_H_

#include <memory>
#include <string>

#include "lockstress/status.h"

namespace lockstress {

class ScratchDir {
 public:
  // Creates <parent>/<prefix>XXXXXX.
  static StatusOr<std::unique_ptr<ScratchDir>> Create(
      const std::string& parent, const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace lockstress

#endif  // LOCKSTRESS_HARNESS_ORCHESTRATOR_SCRATCH_DIR_H_
