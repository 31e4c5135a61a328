# tools/netfs/sshfs.sh: the sshfs test bed (sourced by testbed).
# An OpenSSH sshd with a private config and throwaway keys in the server
# namespace exports $dir/srv/export over SFTP; one sshfs per client host.
#
# Facts (issue 8): two sshfs mounts behave like two hosts for files but not
# for locks: SFTP has no lock request, so flock/fcntl/OFD are taken by each
# client's kernel only (B takes a lock A holds, no error). st_nlink is always
# 1. With default caching a delete takes ~21 s to be seen on the other mount
# (dcache_timeout 20 s). sshd needs /run/sshd (privilege separation),
# `-E logfile`, `UsePAM no` and `StrictModes no` here. Without `-o
# reconnect`, sshfs exits when the connection is lost and the mount point
# silently turns back into the local directory.

sshfs_start() {
  local clients=$1 cache=$2 dir srv i mp opts
  dir=$(state_dir sshfs); srv=$(server_ns sshfs)
  mkdir -p "$dir/srv/export" "$dir/logs"
  [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }
  ssh-keygen -q -t ed25519 -N '' -f "$dir/srv/host_key" -C lockstress-host || return 1
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C lockstress-client || return 1
  cp "$dir/client_key.pub" "$dir/srv/authorized_keys"
  cat >"$dir/srv/sshd_config" <<CONF
ListenAddress $(server_addr sshfs):22
HostKey $dir/srv/host_key
PidFile $dir/srv/sshd.pid
AuthorizedKeysFile $dir/srv/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
ClientAliveInterval 5
ClientAliveCountMax 3
CONF
  timeout -k 2 10 nsenter --net="/run/netns/$srv" /usr/sbin/sshd \
    -f "$dir/srv/sshd_config" -E "$dir/logs/sshd.log" || return 1
  wait_until 10 "sshd" test -s "$dir/srv/sshd.pid" || return 1
  opts="IdentityFile=$dir/client_key,BatchMode=yes,StrictHostKeyChecking=no"
  opts+=",UserKnownHostsFile=/dev/null,ServerAliveInterval=5"
  opts+=",ServerAliveCountMax=3,ConnectTimeout=10,allow_other"
  [ "$cache" = off ] &&
    opts+=",dir_cache=no,entry_timeout=0,attr_timeout=0,negative_timeout=0,direct_io"
  for i in $(seq 1 "$clients"); do
    mp="$dir/mnt/c$i"; mkdir -p "$mp"
    host_cmd 30 sshfs "$i" sshfs -F /dev/null -o "$opts" \
      "root@$(server_addr sshfs):$dir/srv/export" "$mp" \
      2>>"$dir/logs/client$i.log" || return 1
    wait_until 20 "client $i's mount" mounted_fs "$mp" fuse.sshfs || return 1
  done
}

sshfs_path() { echo "$(state_dir sshfs)/mnt/c$1"; }
