# tools/netfs/smb.sh: the SMB test bed (sourced by testbed).
# smbd with a private smb.conf in the server namespace shares
# $dir/srv/export as "lockstress" (guest, forced to root); one smbnetfs
# (FUSE, libsmbclient) per client host, each with its own config directory.
# A client sees the share at MOUNT/<server address>/lockstress.
#
# Facts (issue 8): like sshfs, two smbnetfs mounts share files but each lock
# is local to its mount (smbnetfs has no lock operation: the kernel takes
# flock/fcntl/OFD locally). smbnetfs refuses link() with EPERM. smbnetfs
# 0.6.3 hangs at start when the negative cache is turned off, so "cache off"
# keeps it on with a 1 ms expiry and turns the kernel's caches off instead.

smb_start() {
  local clients=$1 cache=$2 dir srv i mp home opts
  dir=$(state_dir smb); srv=$(server_ns smb)
  mkdir -p "$dir/srv/export" "$dir/srv/lock" "$dir/srv/state" \
    "$dir/srv/cache" "$dir/srv/private" "$dir/srv/ncalrpc" "$dir/logs"
  cat >"$dir/srv/smb.conf" <<CONF
[global]
  server role = standalone server
  workgroup = LOCKSTRESS
  disable netbios = yes
  smb ports = 445
  map to guest = Bad User
  lock directory = $dir/srv/lock
  state directory = $dir/srv/state
  cache directory = $dir/srv/cache
  private dir = $dir/srv/private
  pid directory = $dir/srv
  ncalrpc dir = $dir/srv/ncalrpc
  log file = $dir/logs/smbd.log
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
[lockstress]
  path = $dir/srv/export
  read only = no
  guest ok = yes
  force user = root
CONF
  timeout -k 2 10 nsenter --net="/run/netns/$srv" smbd -D -s "$dir/srv/smb.conf" || return 1
  wait_until 15 "smbd" test -s "$dir/srv/smbd.pid" || return 1
  for i in $(seq 1 "$clients"); do
    mp="$dir/mnt/c$i"; home="$dir/c$i-home"; mkdir -p "$mp" "$home/.smb"
    printf '[global]\n  workgroup = LOCKSTRESS\n  client min protocol = SMB2\n' \
      >"$home/.smb/smb.conf"
    cat >"$home/.smb/smbnetfs.conf" <<CONF
host $(server_addr smb) visible=true
auth "guest" ""
smb_query_browsers "false"
log_file "$dir/logs/smbnetfs$i.log"
CONF
    [ "$cache" = off ] && echo 'neg_cache_timeout 1' >>"$home/.smb/smbnetfs.conf"
    opts="allow_other"
    [ "$cache" = off ] && opts+=",attr_timeout=0,entry_timeout=0,negative_timeout=0,direct_io"
    HOME="$home" host_cmd 30 smb "$i" smbnetfs "$mp" -o "$opts" \
      </dev/null >>"$dir/logs/client$i.log" 2>&1 || return 1
    wait_until 20 "client $i's mount" mounted_fs "$mp" fuse.smbnetfs || return 1
    wait_until 30 "client $i to see the share" test -d "$(smb_path "$i")" || return 1
  done
}

smb_path() { echo "$(state_dir smb)/mnt/c$1/$(server_addr smb)/lockstress"; }
