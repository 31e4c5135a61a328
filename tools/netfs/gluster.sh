# tools/netfs/gluster.sh: the GlusterFS test bed (sourced by testbed).
# glusterd and the brick in the server namespace; one glusterfs FUSE client
# per client host. Volume "lockstress", one brick, distribute.
#
# Facts (issue 8): fcntl, flock and OFD locks really conflict across two
# clients; hard links work (link count 2). network.ping-timeout (default
# 42 s) is how long a client that lost the server keeps its locks in the
# server's view... and how long the server keeps the lost client's locks
# before granting them to another client.

gluster_cli() {
  local dir; dir=$(state_dir gluster)
  timeout -k 2 60 nsenter --net="/run/netns/$(server_ns gluster)" \
    gluster --glusterd-sock="$dir/srv/glusterd.socket" --mode=script \
    --log-file="$dir/logs/cli.log" "$@"
}

gluster_start() {
  local clients=$1 cache=$2 ping=$3 server_timeout=${4:-} dir srv i mp opts
  dir=$(state_dir gluster); srv=$(server_ns gluster)
  mkdir -p "$dir/srv/glusterd" "$dir/srv/run" "$dir/srv/brick" "$dir/logs"
  cat >"$dir/srv/glusterd.vol" <<VOL
volume management
    type mgmt/glusterd
    option working-directory $dir/srv/glusterd
    option run-directory $dir/srv/run
    option glusterd-sockfile $dir/srv/glusterd.socket
    option transport-type socket
    option transport.address-family inet
    option transport.socket.listen-port 24007
    option ping-timeout 0
    option event-threads 1
end-volume
VOL
  in_ns "$srv" glusterd -f "$dir/srv/glusterd.vol" -p "$dir/srv/glusterd.pid" \
    -l "$dir/logs/glusterd.log" -S "$dir/srv/glusterfsd.socket" || return 1
  wait_until 20 "glusterd" gluster_cli volume list || return 1
  gluster_cli volume create lockstress "$(server_addr gluster):$dir/srv/brick" force >&2 || return 1
  if [ -n "$ping" ]; then
    gluster_cli volume set lockstress network.ping-timeout "$ping" >&2 || return 1
  fi
  if [ -n "$server_timeout" ]; then
    # How long the brick keeps a silent client's locks: TCP user timeout
    # and keepalive on the server side (measured: network.ping-timeout,
    # a client-side setting, does not change when the other client gets
    # the lock — about 42 s either way).
    gluster_cli volume set lockstress server.tcp-user-timeout "$server_timeout" >&2 &&
    gluster_cli volume set lockstress server.keepalive-time 1 >&2 &&
    gluster_cli volume set lockstress server.keepalive-interval 1 >&2 &&
    gluster_cli volume set lockstress server.keepalive-count "$server_timeout" >&2 || return 1
  fi
  if [ "$cache" = off ]; then
    local o
    for o in performance.stat-prefetch performance.quick-read \
             performance.io-cache performance.read-ahead \
             performance.write-behind performance.open-behind \
             performance.readdir-ahead performance.nl-cache; do
      gluster_cli volume set lockstress "$o" off >&2 || return 1
    done
  fi
  gluster_cli volume start lockstress >&2 || return 1
  opts=()
  # Cache off: no kernel attribute/entry caches and no page cache
  # (direct I/O): file data written through one client is read back
  # through another at once (the witness counter depends on it).
  [ "$cache" = off ] && opts=(--attribute-timeout=0 --entry-timeout=0
    --negative-timeout=0 --direct-io-mode=enable)
  for i in $(seq 1 "$clients"); do
    mp="$dir/mnt/c$i"; mkdir -p "$mp"
    host_cmd 30 gluster "$i" glusterfs \
      --volfile-server="$(server_addr gluster)" --volfile-id=lockstress \
      --log-file="$dir/logs/client$i.log" "${opts[@]}" "$mp" || return 1
    wait_until 20 "client $i's mount" mounted_fs "$mp" fuse.glusterfs || return 1
  done
}

gluster_path() { echo "$(state_dir gluster)/mnt/c$1"; }
