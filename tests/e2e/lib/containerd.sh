# shellcheck shell=bash
# Runtime driver for containerd (the rt_* interface in tests/e2e/README.md):
# a containerd on private paths (its own root, state, sockets, NRI socket,
# runc root and cgroup parent), started and stopped by the e2e scenarios and
# the demo. Never touches a system containerd: every path is under $RT_DIR.
#
# Set before use: E2E_WORK, E2E_CGROUP_PARENT, CRI_CLIENT_BIN; RUN (the run's
# log folder) when set receives the daemon log.

# rt_init BIN_DIR: BIN_DIR holds containerd, containerd-shim-runc-v2 and ctr
# (Debian's from fetch-containerd.sh, or a shared build).
rt_init() {
  CONTAINERD_DIR="$1"
  RT_KIND=containerd
  # "containerd github.com/containerd/containerd/v2 v2.3.4 <commit>": the
  # third word, as NRI reports it to plugins (Debian: "2.1.9+unknown").
  RT_FULL="$("$CONTAINERD_DIR/containerd" --version | awk '{print $3}')"
  RT_VERSION="$(sed -E 's/^v//; s/\+.*$//' <<<"$RT_FULL")"
  RT_DIR="$E2E_WORK/containerd"
  RT_ADDR="$RT_DIR/containerd.sock"
  # A folder of its own, like the node's /var/run/nri (the DaemonSet mounts it).
  RT_NRI_SOCK="$RT_DIR/var-run-nri/nri.sock"
  RT_LOG="${RUN:-$RT_DIR}/containerd.log"
  RT_NRI_PLUGIN_DIR="$RT_DIR/nri/plugins"
  RT_NRI_CONF_DIR="$RT_DIR/nri/conf.d"
  _CD_CONFIG="$RT_DIR/config.toml"
  _CD_PIDFILE="$RT_DIR/containerd.pid"
  mkdir -p "$RT_DIR"
}

# _cd_at_least VERSION: this containerd is VERSION or newer.
_cd_at_least() { e2e_version_ge "$RT_VERSION" "$1"; }

# _cd_server_toml: where the API sockets are. Config version 4 (containerd
# 2.3) moved them into server plugins and migrates the old top-level tables;
# write each version's current form so nothing is migrated or warned about.
_cd_server_toml() {
  if _cd_at_least 2.3.0; then
    cat <<TOML
version = 4
root = '$RT_DIR/root'
state = '$RT_DIR/state'

[plugins.'io.containerd.server.v1.grpc']
  address = '$RT_ADDR'
[plugins.'io.containerd.server.v1.ttrpc']
  address = '$RT_ADDR.ttrpc'
[plugins.'io.containerd.server.v1.metrics']
  address = '${RT_METRICS_ADDRESS:-}'
TOML
  else
    cat <<TOML
version = 3
root = '$RT_DIR/root'
state = '$RT_DIR/state'

[grpc]
  address = '$RT_ADDR'
[ttrpc]
  address = '$RT_ADDR.ttrpc'
[metrics]
  address = '${RT_METRICS_ADDRESS:-}'
TOML
  fi
}

# _cd_validator_toml: NRI's default validator exists from containerd 2.2
# (NRI 0.10) on: the seccomp plugin must take part in every container
# creation, so one created while it is away fails instead of running
# unfiltered. Keys checked against v2.2.7 / v2.3.4 (vendored nri
# plugins/default-validator: `enable`, `required_plugins`,
# `tolerate_missing_plugins_annotation`, the key set by
# $RT_TOLERATE_ANNOTATION when a suite wants one).
_cd_validator_toml() {
  _cd_at_least 2.2.0 || return 0
  # RT_NO_VALIDATOR set: a node without required_plugins (the launched suite's last step).
  [ -z "${RT_NO_VALIDATOR:-}" ] || return 0
  cat <<TOML
    [plugins.'io.containerd.nri.v1.nri'.default_validator]
      enable = true
      required_plugins = ['seccomp']
TOML
  [ -z "${RT_TOLERATE_ANNOTATION:-}" ] \
    || echo "      tolerate_missing_plugins_annotation = '$RT_TOLERATE_ANNOTATION'"
}

rt_write_config() {
  local runc_bin cdi=""
  runc_bin="$(command -v runc)"
  # enable_cdi is deprecated from 2.2 on (2.3 warns): leave CDI at its default there.
  _cd_at_least 2.2.0 || cdi="enable_cdi = false"
  {
    _cd_server_toml
    cat <<TOML

[debug]
  level = 'info'

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '$E2E_PAUSE_IMAGE'

  [plugins.'io.containerd.cri.v1.runtime']
    restrict_oom_score_adj = true
    $cdi
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = 'io.containerd.runc.v2'
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = '$runc_bin'
          Root = '$RT_DIR/state/runc'
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['$RT_DIR/cni/bin']
      conf_dir = '$RT_DIR/cni/net.d'

  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'

  [plugins.'io.containerd.nri.v1.nri']
    disable = false
    disable_connections = false
    socket_path = '$RT_NRI_SOCK'
    plugin_path = '$RT_NRI_PLUGIN_DIR'
    plugin_config_path = '$RT_NRI_CONF_DIR'
    plugin_registration_timeout = '5s'
    plugin_request_timeout = '2s'
TOML
    _cd_validator_toml
  } > "$_CD_CONFIG"
  mkdir -p "$RT_DIR/cni/bin" "$RT_DIR/cni/net.d" "$RT_NRI_PLUGIN_DIR" "$RT_NRI_CONF_DIR"
}

# rt_start: containerd in the background (own session, log appended to
# $RT_LOG), then waits until its CRI service answers.
rt_start() {
  [ -f "$_CD_CONFIG" ] || rt_write_config
  echo "---- containerd start $(date -u +%FT%TZ)" >> "$RT_LOG"
  PATH="$CONTAINERD_DIR:$PATH" setsid "$CONTAINERD_DIR/containerd" --config "$_CD_CONFIG" \
    >> "$RT_LOG" 2>&1 < /dev/null &
  echo $! > "$_CD_PIDFILE"
  disown $! 2>/dev/null || true
  e2e_wait_for 10 _cd_cri_answers && return 0
  echo "e2e: containerd did not come up; last log lines:" >&2
  tail -n 20 "$RT_LOG" >&2
  return 1
}
_cd_cri_answers() {
  rt_alive && "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" --timeout 2 version
}

# rt_alive: the daemon rt_start started is still running (its pid still
# runs containerd with our config: pids get recycled).
rt_alive() {
  [ -f "$_CD_PIDFILE" ] && e2e_pid_runs "$(cat "$_CD_PIDFILE")" "$_CD_CONFIG"
}

# rt_pid: the running daemon's pid (a plugin the runtime launched is its child).
rt_pid() { rt_alive && cat "$_CD_PIDFILE"; }

# rt_stop: stops the daemon only (shims and containers keep running, as on
# a real node during a containerd restart).
rt_stop() {
  [ -f "$_CD_PIDFILE" ] || return 0
  rt_alive && e2e_kill_wait "$(cat "$_CD_PIDFILE")"
  rm -f "$_CD_PIDFILE"
}

# rt_cleanup: leaves nothing behind: containerd, its shims, every process
# in our cgroup parent, every mount under our folder, our cgroups. Safe to
# call twice and after a half-finished start.
rt_cleanup() {
  [ -n "${RT_DIR:-}" ] || return 0
  rt_stop
  local pid
  # The shims carry "-address <our socket>" on their command line.
  for pid in $(e2e_pids_with "$RT_ADDR"); do kill -KILL "$pid" 2>/dev/null || true; done
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
  sleep 0.2
  e2e_umount_below "$RT_DIR"
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
}

# rt_wipe: removes containerd's data (after rt_cleanup) so the next start
# begins empty, with a fresh config.
rt_wipe() {
  [ -n "${RT_DIR:-}" ] && rm -rf "$RT_DIR/root" "$RT_DIR/state" "$_CD_CONFIG"
}

rt_import_images() {
  e2e_import_images "$CONTAINERD_DIR/ctr" "$RT_ADDR" "$E2E_WORK"
}

# rt_import_archive FILE NAME: one more OCI archive (its index names NAME)
# into the CRI's k8s.io namespace.
rt_import_archive() {
  "$CONTAINERD_DIR/ctr" -a "$RT_ADDR" -n k8s.io images import --no-unpack=false "$1" >> "$RT_LOG" 2>&1 \
    || { echo "containerd.sh: importing $1 failed (see $RT_LOG)" >&2; return 1; }
}

# NRI names our plugin "<idx>-<name>" = "10-seccomp" in containerd's log:
# registered, then connected and synchronized; closed when it goes away.
rt_log_plugin_synced() {
  local since; since="$(e2e_log_since "$RT_LOG" "${1:-0}")"
  grep -E 'registered as .{0,2}10-seccomp' <<<"$since" >/dev/null \
    && grep -E '10-seccomp.{0,2} connected and synchronized' <<<"$since" >/dev/null
}
rt_log_plugin_closed() {
  # No grep -q at a pipeline's end: under pipefail an early exit can fail the writer.
  e2e_log_since "$RT_LOG" "${1:-0}" | grep -E 'connection to plugin .{0,2}10-seccomp.{0,2} closed|closing plugin 10-seccomp' >/dev/null
}

# rt_spec_seccomp CID: the container's OCI linux.seccomp, from the verbose
# ContainerStatus info containerd returns.
rt_spec_seccomp() {
  "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" --timeout 30 inspect "$1" 2>/dev/null \
    | "$E2E_JSON_BIN" get - /info/info/runtimeSpec/linux/seccomp 2>/dev/null
}

# rt_deprecations: every deprecation containerd reports, one per line:
# warnings in its log, and its deprecation service (`ctr deprecations
# list`, where 2.3 reports config keys such as enable_cdi without logging).
rt_deprecations() {
  grep -i 'level=warn' "$RT_LOG" | grep -i deprecat
  "$CONTAINERD_DIR/ctr" -a "$RT_ADDR" deprecations list 2>&1 | tail -n +2
}
# Deprecations about the machine, not about our config or use: this host
# runs cgroup v1, which containerd >= 2.2 reports as deprecated (in its
# deprecation service, and in its log once a container sets cgroup limits).
RT_HOST_DEPRECATIONS='deprecation/cgroup-v1|support for cgroup v1 is deprecated'

