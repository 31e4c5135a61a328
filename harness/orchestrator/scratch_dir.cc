#include "harness/orchestrator/scratch_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>

namespace lockstress {

StatusOr<std::unique_ptr<ScratchDir>> ScratchDir::Create(
    const std::string& parent, const std::string& prefix) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return PosixError(ErrorKind::kError, "mkdtemp", tmpl, errno);
  }
  return std::unique_ptr<ScratchDir>(new ScratchDir(tmpl));
}

ScratchDir::~ScratchDir() {
  std::error_code ec;  // best effort: nothing to report to from here
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lockstress
