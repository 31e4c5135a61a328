// Subjects: what is benchmarked, by stable name, each with the raw row its
// ratio is taken against.
//
//   raw-flock          open + flock(LOCK_EX) + flock(LOCK_UN) + close
//   raw-fcntl          open + F_SETLKW + F_UNLCK + close (POSIX record lock)
//   raw-ofd            open + F_OFD_SETLKW + F_UNLCK + close
//   raw-excl           open(O_CREAT|O_EXCL) + close + unlink
//   raw-link           link + stat + unlink (the unique file made once)
//   raw-mkdir          mkdir + rmdir
//   raw-sqlite         INSERT + DELETE of one row (autocommit each)
//   raw-pthread-mutex  a PTHREAD_PROCESS_SHARED mutex: the handoff floor
//
// The kernel-lock raws include open and close because every built-in opens
// the lock file at acquire and closes it at release (one open file per
// object, and a closed descriptor is how a flock is dropped for good).
//
// Built-in implementation -> raw: flock, zc, zc-simple, locket -> raw-flock;
// posix -> raw-fcntl (raw-ofd with threads: POSIX locks belong to the
// process, so threads of one process do not exclude each other with a raw
// fcntl); ofd, rw -> raw-ofd; pidfile -> raw-excl; link -> raw-link;
// mkdir -> raw-mkdir; sqlite -> raw-sqlite; null -> raw-pthread-mutex.
//
// Thread safety: immutable data and stateless functions.
#ifndef LOCKSTRESS_BENCH_SUBJECTS_H_
#define LOCKSTRESS_BENCH_SUBJECTS_H_

#include <string>
#include <vector>

#include "lockstress/bench/cycle.h"

namespace lockstress::bench {

struct Subject {
  std::string name;  // "flock", "raw-flock", "driver:null", ...
  bool raw = false;
  // Raw subject for uncontended and contended rows (threads / processes).
  std::string raw_for_threads;
  std::string raw_for_processes;
  // Kernel lock (flock, fcntl, OFD underneath), polling lock, or neither.
  bool kernel_lock = false;
  bool polling = false;
  CycleFactory make;
};

// Every raw sequence, in the order above.
std::vector<Subject> RawSubjects();
// The built-in implementations named (all when empty); an unknown name is
// an error naming it and the known ones.
StatusOr<std::vector<Subject>> ImplSubjects(
    const std::vector<std::string>& names);
// An outside driver: `argv` speaks driver protocol v1. `label` names it
// ("driver:<greeting name>"); its raw row is the do-nothing driver's.
Subject DriverSubject(const std::string& label,
                      const std::vector<std::string>& argv,
                      const std::string& do_nothing_label);

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_SUBJECTS_H_
