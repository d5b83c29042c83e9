# shellcheck shell=bash
# A containerd on private paths (its own root, state, sockets, NRI socket,
# runc root and cgroup parent), started and stopped by the e2e scenarios and
# the demo. Never touches a system containerd: every path is under $E2E_CD.
#
# Set before use:  E2E_WORK (scratch root), CONTAINERD_DIR (folder with
# containerd, containerd-shim-runc-v2, ctr; see fetch-containerd.sh).
# Provides:        e2e_cd_init, e2e_cd_start, e2e_cd_stop, e2e_cd_cleanup,
#                  e2e_cd_version, and the variables below.

e2e_cd_init() {
  E2E_CD="$E2E_WORK/cd"
  E2E_CD_ROOT="$E2E_CD/root"
  E2E_CD_STATE="$E2E_CD/state"
  E2E_CD_ADDR="$E2E_CD/containerd.sock"
  E2E_CD_NRI_SOCK="$E2E_CD/nri.sock"
  E2E_CD_CONFIG="$E2E_CD/config.toml"
  E2E_CD_LOG="$E2E_CD/containerd.log"
  E2E_CD_PIDFILE="$E2E_CD/containerd.pid"
  E2E_CGROUP_PARENT="/nri-seccomp-e2e"
  E2E_CTR="$CONTAINERD_DIR/ctr"
  mkdir -p "$E2E_CD"
}

# e2e_cd_version: "2.1.9" out of `containerd --version` (leading v and build
# suffixes such as "+unknown" or "-rc.1" stripped).
e2e_cd_version() {
  "$CONTAINERD_DIR/containerd" --version | awk '{print $3}' | sed -E 's/^v//; s/[+-].*$//'
}

# e2e_version_ge A B: true when dotted version A >= B.
e2e_version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

e2e_cd_write_config() {
  local runc_bin
  runc_bin="$(command -v runc)"
  cat > "$E2E_CD_CONFIG" <<TOML
version = 3
root = '$E2E_CD_ROOT'
state = '$E2E_CD_STATE'

[grpc]
  address = '$E2E_CD_ADDR'

[ttrpc]
  address = '$E2E_CD_ADDR.ttrpc'

[debug]
  level = 'info'

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '$E2E_PAUSE_IMAGE'

  [plugins.'io.containerd.cri.v1.runtime']
    restrict_oom_score_adj = true
    enable_cdi = false
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = 'io.containerd.runc.v2'
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = '$runc_bin'
          Root = '$E2E_CD_STATE/runc'
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['$E2E_CD/cni/bin']
      conf_dir = '$E2E_CD/cni/net.d'

  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'

  [plugins.'io.containerd.nri.v1.nri']
    disable = false
    disable_connections = false
    socket_path = '$E2E_CD_NRI_SOCK'
    plugin_path = '$E2E_CD/nri/plugins'
    plugin_config_path = '$E2E_CD/nri/conf.d'
    plugin_registration_timeout = '5s'
    plugin_request_timeout = '2s'
    # Honoured from containerd 2.2 (NRI 0.10) on, ignored before: the
    # seccomp plugin must take part in every container creation, so a
    # container created while it is away fails instead of running unfiltered.
    [plugins.'io.containerd.nri.v1.nri'.default_validator]
      enable = true
      required_plugins = ['seccomp']
TOML
  mkdir -p "$E2E_CD/cni/bin" "$E2E_CD/cni/net.d" "$E2E_CD/nri/plugins" "$E2E_CD/nri/conf.d"
}

# e2e_cd_start: starts containerd in the background (log appended to
# $E2E_CD_LOG) and waits until its API answers.
e2e_cd_start() {
  [ -f "$E2E_CD_CONFIG" ] || e2e_cd_write_config
  echo "---- containerd start $(date -u +%FT%TZ)" >> "$E2E_CD_LOG"
  PATH="$CONTAINERD_DIR:$PATH" setsid "$CONTAINERD_DIR/containerd" --config "$E2E_CD_CONFIG" \
    >> "$E2E_CD_LOG" 2>&1 < /dev/null &
  echo $! > "$E2E_CD_PIDFILE"
  disown $! 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    if "$E2E_CTR" -a "$E2E_CD_ADDR" version >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$(cat "$E2E_CD_PIDFILE")" 2>/dev/null || break
    sleep 0.1
  done
  echo "e2e: containerd did not come up; last log lines:" >&2
  tail -n 20 "$E2E_CD_LOG" >&2
  return 1
}

# e2e_cd_stop: stops the daemon only (shims and containers keep running, as
# on a real node during a containerd restart).
e2e_cd_stop() {
  local pid
  [ -f "$E2E_CD_PIDFILE" ] || return 0
  pid="$(cat "$E2E_CD_PIDFILE")"
  if { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$E2E_CD_CONFIG"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$E2E_CD_PIDFILE"
}

# _e2e_pids_using ADDRESS: pids whose command line names our private
# containerd address (its shims carry "-address <ours>").
_e2e_pids_using() {
  local needle="$1" p
  for p in /proc/[0-9]*; do
    { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF -- "$needle" && echo "${p#/proc/}"
  done
  return 0
}

# e2e_cd_cleanup: leaves nothing behind: containerd, its shims, every
# process in our cgroup parent, every mount under our folder, our cgroups.
# Safe to call twice and after a half-finished start.
e2e_cd_cleanup() {
  [ -n "${E2E_CD:-}" ] || return 0
  e2e_cd_stop
  local pid
  for pid in $(_e2e_pids_using "$E2E_CD_ADDR"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
  sleep 0.2
  # Deepest mounts first.
  local m
  for m in $(awk -v base="$E2E_CD" 'index($5, base) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
}

# e2e_cd_wipe: removes the private containerd's data (after cleanup), so
# the next start begins empty.
e2e_cd_wipe() {
  [ -n "${E2E_CD:-}" ] && rm -rf "$E2E_CD_ROOT" "$E2E_CD_STATE"
}
