// `lockstress probe-fs PATH [PATH2 ...]`: what this directory really does for
// file locks. PATH2... are the same directory seen through other clients
// (other mounts of the same export); with one path, the probes measure two
// processes of this host only.
//
// Prints the measurements (a matrix: probe x client pair) and a verdict per
// built-in implementation with its evidence, and writes a run directory
// whose results.json has "sections" (docs/report.md): `probe_fs`
// (the verdicts) and `probe_fs_measurements`, plus a `probe_fs` object with
// the filesystem type, mount options and raw results.
//
// Exit codes: 0 probed (whatever the verdicts), 2 bad input (a path that is
// not a directory, or does not answer) or the run directory could not be
// written.
#ifndef LOCKSTRESS_TOOLS_PROBE_FS_PROBE_FS_COMMAND_H_
#define LOCKSTRESS_TOOLS_PROBE_FS_PROBE_FS_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "tools/probe_fs/probes.h"

namespace lockstress::probe_fs {

struct ProbeFsOptions {
  std::vector<std::string> paths;
  std::string out;  // run directory; default ./lockstress-runs/<time>
  ProbeBounds bounds;
};

int RunProbeFs(const ProbeFsOptions& options, std::ostream& out,
               std::ostream& err);

}  // namespace lockstress::probe_fs

#endif  // LOCKSTRESS_TOOLS_PROBE_FS_PROBE_FS_COMMAND_H_
