// The owner a seeded stale lease lock names (lockstress/stale_state.h).
//
// The shared writer (stale_writer.h) fakes only the PID and the host name
// through its Os; a lease owner record (owner_record.h) also carries the
// boot id, the PID namespace and the start time, which the lease reads from
// /proc. Left as read, a record naming "another host" would carry this
// machine's boot id, and one naming "PID 1 of another container" this
// namespace's id: neither is what such an owner writes. SeededIdentity
// edits the identity the seeding process read so that the record names the
// seeded owner faithfully:
//
//   owner_host set      another machine: its own boot id (a UUID-shaped
//                       hash of its host name, never this boot's);
//   owner_pid set, not  a process this one cannot be or see: another PID
//   the writer's own    namespace's (a container's init), so another
//                       namespace id (below);
//   neither             the writer itself, as read (a dead PID once it
//                       exits; a reused PID when seeded at a PID that is
//                       then taken again).
//
// Platform fact: a namespace's id is the inode number of its
// /proc/PID/ns/pid handle; proc inode numbers are unsigned int (32 bits,
// fs/proc/generic.c proc_alloc_inum), so an id of 2^32 or more names no
// namespace of this host. The start time stays the writer's own: the owner
// is a process that started at some time, and nothing here can read
// another machine's or container's clock ticks.
//
// Thread safety: a pure function.
#ifndef LOCKSTRESS_IMPLS_CORE_LEASE_SEED_H_
#define LOCKSTRESS_IMPLS_CORE_LEASE_SEED_H_

#include <sys/types.h>

#include "impls/core/process_identity.h"
#include "lockstress/stale_state.h"

namespace lockstress {

// `self` as read by the seeding process `writer_pid` (through the shared
// writer's Os: host and PID already the seeded ones), edited to the seeded
// owner.
ProcessIdentity SeededIdentity(const StaleSeed& seed, pid_t writer_pid,
                               ProcessIdentity self);

}  // namespace lockstress

#endif  // LOCKSTRESS_IMPLS_CORE_LEASE_SEED_H_
