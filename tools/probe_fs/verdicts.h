// From probe results to a verdict per built-in implementation: is its lock
// safe on this directory, seen through these clients?
//
//   safe    every building block it relies on works across the clients
//   local   its kernel lock is taken, but only the client that took it sees
//           it (another client takes it too, with no error): red, never
//           "works"
//   unsafe  its building block is not exclusive across the clients, or the
//           recipe cannot work (link count), or it takes no lock at all
//   error   it cannot even take the lock here (refused, unsupported, hung)
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_TOOLS_PROBE_FS_VERDICTS_H_
#define LOCKSTRESS_TOOLS_PROBE_FS_VERDICTS_H_

#include <string>
#include <vector>

#include "tools/probe_fs/probes.h"

namespace lockstress::probe_fs {

struct ImplVerdict {
  std::string impl;
  std::string mechanism;
  std::string verdict;  // safe | local | unsafe | error | skip
  std::string evidence;
};

// One verdict per built-in implementation (registry order). `results` may
// hold rows for several client pairs: the worst verdict wins.
std::vector<ImplVerdict> JudgeImpls(const std::vector<ProbeResult>& results);

}  // namespace lockstress::probe_fs

#endif  // LOCKSTRESS_TOOLS_PROBE_FS_VERDICTS_H_
