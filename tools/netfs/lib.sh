# tools/netfs/lib.sh: the pieces every network-filesystem test bed shares.
# Sourced by tools/netfs/testbed; not run by itself.
#
# Topology of test bed B (B = gluster|sshfs|smb, one octet O per bed):
#
#   netns lockstress-B-srv   bridge lockstressBbr 127.O.0.1/16, the server
#   netns lockstress-B-cN    veth lockstressBNn 127.O.0.(10+N)/16, a client
#                            "host": its anchor process also owns a UTS
#                            namespace (hostname lockstress-B-cN) and a PID
#                            namespace; the FUSE daemon runs inside them.
#   veth lockstressBNs       the client's cable, enslaved to the bridge.
#
# Platform facts this depends on (measured on this machine, issue 8):
# - Addresses in 127.0.0.0/8 leave a namespace over a veth only with
#   net.ipv4.conf.*.route_localnet=1, and only when lo does not own the whole
#   127.0.0.0/8: every namespace's lo keeps just 127.0.0.1/32 (otherwise the
#   local table routes 127.O.x.y back to lo).
# - A FUSE mount made under `ip netns exec` lives in a private mount
#   namespace and vanishes; `nsenter --net=` keeps the root mount namespace,
#   so the mount is visible to every process on the machine.
# - Killing a PID namespace's first process kills everything in it; a FUSE
#   mount whose daemon died answers ENOTCONN until it is unmounted.
# - A FUSE request to a dead server can block for minutes; the connection is
#   aborted with /sys/fs/fuse/connections/<minor of st_dev>/abort.

# On the disk (ext4): GlusterFS bricks need trusted.* xattrs and a real fs.
NETFS_STATE_ROOT=${LOCKSTRESS_NETFS_STATE:-/var/tmp/lockstress-netfs}

die() { echo "testbed: $*" >&2; exit 2; }
note() { echo "testbed: $*" >&2; }

bed_octet() {
  case "$1" in gluster) echo 1 ;; sshfs) echo 2 ;; smb) echo 3 ;;
    *) die "unknown test bed '$1' (gluster, sshfs, smb)" ;; esac
}
bed_letter() { case "$1" in gluster) echo g ;; sshfs) echo s ;; smb) echo m ;; esac; }
server_ns() { echo "lockstress-$1-srv"; }
client_ns() { echo "lockstress-$1-c$2"; }
server_addr() { echo "127.$(bed_octet "$1").0.1"; }
client_addr() { echo "127.$(bed_octet "$1").0.$((10 + $2))"; }
state_dir() { echo "$NETFS_STATE_ROOT/$1"; }

# wait_until SECONDS WHAT CMD...: polls CMD every 0.1 s; fails after SECONDS.
wait_until() {
  local limit=$1 what=$2; shift 2
  local end=$(( $(date +%s%N) + limit * 1000000000 ))
  while ! "$@" >/dev/null 2>&1; do
    if [ "$(date +%s%N)" -ge "$end" ]; then
      note "gave up after ${limit}s waiting for $what"; return 1
    fi
    sleep 0.1
  done
}

# in_ns NS CMD...: runs CMD in network namespace NS, keeping the root mount
# namespace (see above). Bounded by the caller.
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

# on_host BED N CMD...: runs CMD on client N's "host" (its net, UTS and PID
# namespaces, through its anchor process).
on_host() {
  local anchor; anchor=$(anchor_of "$1" "$2")
  shift 2
  nsenter --target "$anchor" --net --uts --pid "$@"
}
anchor_of() { cat "$(state_dir "$1")/c$2.anchor"; }
# host_cmd SECONDS BED N CMD...: on_host, bounded.
host_cmd() {
  local secs=$1 anchor; anchor=$(anchor_of "$2" "$3"); shift 3
  timeout -k 2 "$secs" nsenter --target "$anchor" --net --uts --pid "$@"
}

ns_up() {
  local ns=$1
  ip netns add "$ns"
  in_ns "$ns" sysctl -q -w net.ipv4.conf.all.route_localnet=1 \
    net.ipv4.conf.default.route_localnet=1
  in_ns "$ns" ip link set lo up
  in_ns "$ns" ip addr del 127.0.0.1/8 dev lo 2>/dev/null || true
  in_ns "$ns" ip addr add 127.0.0.1/32 dev lo
}

# net_up BED CLIENTS: the namespaces, the bridge, one cable per client, and
# one anchor process per client host.
net_up() {
  local bed=$1 clients=$2 o l srv br i ns dir
  o=$(bed_octet "$bed"); l=$(bed_letter "$bed"); srv=$(server_ns "$bed")
  dir=$(state_dir "$bed"); br="lockstress${l}br"
  ns_up "$srv"
  in_ns "$srv" ip link add "$br" type bridge
  in_ns "$srv" ip addr add "127.$o.0.1/16" dev "$br"
  in_ns "$srv" ip link set "$br" up
  in_ns "$srv" sysctl -q -w "net.ipv4.conf.$br.route_localnet=1"
  for i in $(seq 1 "$clients"); do
    ns=$(client_ns "$bed" "$i")
    ns_up "$ns"
    in_ns "$srv" ip link add "lockstress$l${i}s" type veth \
      peer name "lockstress$l${i}n" netns "$ns"
    in_ns "$srv" ip link set "lockstress$l${i}s" master "$br" up
    in_ns "$ns" ip addr add "$(client_addr "$bed" "$i")/16" dev "lockstress$l${i}n"
    in_ns "$ns" ip link set "lockstress$l${i}n" up
    in_ns "$ns" sysctl -q -w "net.ipv4.conf.lockstress$l${i}n.route_localnet=1"
    # The host's anchor: first process of its PID namespace, hostname set in
    # its UTS namespace. setsid: no tie to our terminal.
    setsid nsenter --net="/run/netns/$ns" unshare --uts --pid --fork \
      --kill-child sh -c "hostname $ns && exec sleep infinity" \
      </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/c$i.unshare"
    disown $!
  done
  for i in $(seq 1 "$clients"); do
    wait_until 5 "client $i's anchor" anchor_ready "$bed" "$i" || return 1
  done
}

# The anchor is the `sleep infinity` that is pid 1 of the new PID namespace.
anchor_ready() {
  local bed=$1 i=$2 dir u child
  dir=$(state_dir "$bed"); u=$(cat "$dir/c$i.unshare")
  child=$(pgrep -P "$u" -x sleep | head -1)
  [ -n "$child" ] || return 1
  [ "$(nsenter --target "$child" --uts hostname)" = "$(client_ns "$bed" "$i")" ] || return 1
  echo "$child" >"$dir/c$i.anchor"
}

# fuse_connection MOUNTPOINT: the /sys/fs/fuse/connections entry (the minor
# device number of the mount, from /proc/self/mountinfo: no stat of a
# possibly hung mount).
fuse_connection() {
  awk -v mp="$1" '$5 == mp { split($3, d, ":"); print d[2]; exit }' /proc/self/mountinfo
}

ensure_fusectl() {
  [ -d /sys/fs/fuse/connections ] || modprobe fuse 2>/dev/null || true
  grep -q ' /sys/fs/fuse/connections fusectl ' /proc/mounts ||
    mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null || true
}

# abort_mount MOUNTPOINT: aborts the FUSE connection behind a mount point;
# every request blocked on it fails with ENOTCONN at once.
abort_mount() {
  local c; c=$(fuse_connection "$1")
  [ -n "$c" ] || return 0
  ensure_fusectl
  [ -e "/sys/fs/fuse/connections/$c/abort" ] &&
    echo 1 >"/sys/fs/fuse/connections/$c/abort" 2>/dev/null || true
}

# mounts_under DIR: mount points at or below DIR, deepest first.
mounts_under() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# net_down BED: idempotent teardown of everything BED may have left, found
# by name (a crashed run leaves no reliable state file): mounts under the
# bed's state directory, every process in its namespaces, the namespaces
# (their veths and bridge go with them), the state directory.
net_down() {
  local bed=$1 dir mp ns pid l
  dir=$(state_dir "$bed"); l=$(bed_letter "$bed")
  for mp in $(mounts_under "$dir"); do
    abort_mount "$mp"
    timeout -k 1 5 umount -l "$mp" 2>/dev/null || true
  done
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^lockstress-$bed-(srv|c[0-9]+)$"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  done
  # The anchors' unshare parents live in the root network namespace.
  for pid in $(cat "$dir"/c*.unshare 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^lockstress-$bed-(srv|c[0-9]+)$"); do
    local tries=0
    while [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && [ $tries -lt 50 ]; do
      sleep 0.1; tries=$((tries + 1))
    done
    # A namespace whose last process is still exiting can refuse deletion
    # for a moment: retry, bounded.
    tries=0
    until ip netns delete "$ns" 2>/dev/null; do
      tries=$((tries + 1))
      if [ $tries -ge 20 ]; then note "could not delete netns $ns"; break; fi
      sleep 0.2
    done
  done
  # A veth can only be left in the root namespace by a start that died
  # between creating and moving it.
  for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^lockstress${l}[0-9]+[sn]$|^lockstress${l}br$"); do
    ip link delete "$l" 2>/dev/null || true
  done
  for mp in $(mounts_under "$dir"); do
    note "mount $mp is still there"; return 1
  done
  rm -rf "$dir"
}

stale() {
  local bed=$1
  [ -e "$(state_dir "$bed")" ] ||
    ip netns list | awk '{print $1}' | grep -qE "^lockstress-$bed-(srv|c[0-9]+)$"
}

# mounted_fs MOUNTPOINT TYPE: MOUNTPOINT is a mount of TYPE and answers.
mounted_fs() {
  awk -v mp="$1" -v t="$2" '$2 == mp && $3 == t { found = 1 } END { exit !found }' /proc/mounts &&
    timeout -k 1 5 stat -f "$1" >/dev/null
}
