# shellcheck shell=bash
# The CRI-O driver of the e2e harness: a crio on private paths only (its own
# storage root and runroot, CRI and NRI sockets, log, runc root, namespace and
# exit folders, version files), started and stopped by the scenarios. Never
# touches a system crio, /var/run/nri/nri.sock, /etc/containers or
# /var/lib/containers: every path is under $RT_DIR, and the containers/image
# and containers/storage defaults are redirected there by environment.
#
# Implements the runtime driver interface of the e2e contract (rt_init,
# rt_write_config, rt_start, rt_alive, rt_stop, rt_cleanup, rt_wipe,
# rt_import_images, rt_log_plugin_synced, rt_log_plugin_closed,
# rt_spec_seccomp) for the CRI-O builds in ../shared/runtimes (crio, pinns,
# copyimg) with Debian's conmon and runc.
#
# Needs before use: E2E_WORK, CRI_CLIENT_BIN, E2E_JSON_BIN,
# E2E_BUSYBOX_IMAGE / E2E_PAUSE_IMAGE and the archives of
# e2e_prepare_images (images.sh), e2e_cgroups_cleanup (common.sh).
# Optional: E2E_CGROUP_PARENT (the cgroup parent the scenarios' pods use,
# default /nri-seccomp-e2e): rt_cleanup empties and removes it.

# rt_init BIN_DIR: names every path of this run's crio; creates RT_DIR.
rt_init() {
  local bin_dir="$1" tool
  RT_BIN_DIR="$(cd "$bin_dir" 2>/dev/null && pwd)" \
    || { echo "crio.sh: no folder $bin_dir" >&2; return 1; }
  [ -x "$RT_BIN_DIR/crio" ] || { echo "crio.sh: $RT_BIN_DIR/crio missing" >&2; return 1; }
  RT_PINNS="$(_rt_find_tool pinns)" || return 1
  RT_COPYIMG="$(_rt_find_tool copyimg)" || return 1
  RT_KIND="cri-o"  # NRI's runtime_name for CRI-O
  # "crio version 1.36.3" and, for builds of a branch, the commit (the
  # 1.37.0 development build prints the version it will become).
  RT_FULL="$("$RT_BIN_DIR/crio" --version 2>/dev/null | awk '
    /^crio version/ {v = $0} /GitCommit:/ {c = $2} END {print v (c != "" ? " " c : "")}')"
  RT_VERSION="$(awk '{print $3}' <<<"$RT_FULL" | sed -E 's/^v//')"
  [ -n "$RT_VERSION" ] || { echo "crio.sh: cannot read the version of $RT_BIN_DIR/crio" >&2; return 1; }
  RT_DIR="$E2E_WORK/cri-o"
  RT_ADDR="$RT_DIR/crio.sock"
  # A folder of its own, like the node's /var/run/nri (the DaemonSet mounts it).
  RT_NRI_SOCK="$RT_DIR/var-run-nri/nri.sock"
  RT_LOG="$RT_DIR/crio.log"
  RT_NRI_PLUGIN_DIR="$RT_DIR/nri/plugins"
  RT_NRI_CONF_DIR="$RT_DIR/nri/conf.d"
  RT_CONFIG="$RT_DIR/crio.conf"
  RT_PIDFILE="$RT_DIR/crio.pid"
  RT_RUNC_ROOT="$RT_DIR/runc"
  RT_CGROUP_PARENT="${E2E_CGROUP_PARENT:-/nri-seccomp-e2e}"
  mkdir -p "$RT_DIR"
}

# _rt_find_tool NAME: CRI-O's helper NAME (pinns, copyimg) next to crio or,
# as for the 1.37.0-dev build that ships crio alone, in a sibling CRI-O
# folder of the same unpacked runtimes (both tools change little between
# releases: pinns only pins namespaces, copyimg only fills the storage).
_rt_find_tool() {
  local name="$1" cand
  for cand in "$RT_BIN_DIR/$name" $(ls -d "$RT_BIN_DIR"/../../cri-o-*/bin 2>/dev/null | sort -rV | sed "s|\$|/$name|"); do
    [ -x "$cand" ] && { readlink -f "$cand"; return 0; }
  done
  echo "crio.sh: no $name next to $RT_BIN_DIR/crio or in a sibling cri-o-*/bin" >&2
  return 1
}

# _rt_crio_env: the environment crio and copyimg run with. containers/image
# and containers/storage read /etc/containers/{registries,storage}.conf
# unless told otherwise; ours block every registry and name our storage.
_rt_crio_env() {
  echo "CONTAINERS_REGISTRIES_CONF=$RT_DIR/registries.conf"
  echo "CONTAINERS_STORAGE_CONF=$RT_DIR/storage.conf"
}

# _rt_write_side_files: registries.conf, storage.conf and the signature
# policy, shared by crio and copyimg.
_rt_write_side_files() {
  # Nothing is ever pulled: no search registries, the usual ones blocked
  # (images come only from rt_import_images).
  cat > "$RT_DIR/registries.conf" <<TOML
unqualified-search-registries = []
short-name-mode = "enforcing"
[[registry]]
location = "docker.io"
blocked = true
[[registry]]
location = "registry.k8s.io"
blocked = true
[[registry]]
location = "quay.io"
blocked = true
TOML
  cat > "$RT_DIR/storage.conf" <<TOML
[storage]
driver = "overlay"
graphroot = "$RT_DIR/root"
runroot = "$RT_DIR/runroot"
TOML
  # Images are imported from local archives; there is nothing to verify.
  printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' > "$RT_DIR/policy.json"
}

# rt_write_config: the private crio.conf (TOML) and its side files.
rt_write_config() {
  local runc_bin validator=""
  runc_bin="$(command -v runc)" || { echo "crio.sh: needs Debian's runc" >&2; return 1; }
  [ -x /usr/bin/conmon ] || { echo "crio.sh: needs Debian's conmon (/usr/bin/conmon)" >&2; return 1; }
  _rt_write_side_files
  # The default validator exists from CRI-O 1.34 (NRI 0.10) on; older
  # versions would reject the unknown table. With the seccomp plugin
  # required, a container created while it is away fails instead of
  # running unfiltered (but see runtimes.md section 5 for the holes).
  # RT_NO_VALIDATOR set: a node without required_plugins (the launched suite's last step).
  if _rt_version_ge "$RT_VERSION" 1.34.0 && [ -z "${RT_NO_VALIDATOR:-}" ]; then
    validator='
[crio.nri.default_validator]
nri_enable_default_validator = true
nri_validator_required_plugins = ["seccomp"]'
    [ -z "${RT_TOLERATE_ANNOTATION:-}" ] || validator+="
nri_validator_tolerate_missing_plugins_annotation = \"$RT_TOLERATE_ANNOTATION\""
  fi
  cat > "$RT_CONFIG" <<TOML
[crio]
root = "$RT_DIR/root"
runroot = "$RT_DIR/runroot"
storage_driver = "overlay"
log_dir = "$RT_DIR/pod-logs"
version_file = "$RT_DIR/run/version"
version_file_persist = "$RT_DIR/lib/version"
clean_shutdown_file = "$RT_DIR/lib/clean.shutdown"

[crio.api]
listen = "$RT_ADDR"
stream_address = "127.0.0.1"
stream_port = "0"

[crio.runtime]
default_runtime = "runc"
# No systemd here; cgroups under the pod's cgroup_parent.
cgroup_manager = "cgroupfs"
pinns_path = "$RT_PINNS"
namespaces_dir = "$RT_DIR/ns"
container_exits_dir = "$RT_DIR/run/exits"
container_attach_socket_dir = "$RT_DIR/run/attach"
hooks_dir = ["$RT_DIR/hooks.d"]
cdi_spec_dirs = ["$RT_DIR/cdi"]
decryption_keys_path = "$RT_DIR/keys"
irqbalance_config_file = "$RT_DIR/irqbalance"
irqbalance_config_restore_file = "disable"
log_level = "info"
# No iptables/nftables on this machine: crio exits at start otherwise.
disable_hostport_mapping = true

[crio.runtime.runtimes.runc]
runtime_path = "$runc_bin"
runtime_type = "oci"
runtime_root = "$RT_RUNC_ROOT"
monitor_path = "/usr/bin/conmon"
monitor_cgroup = "pod"

[crio.image]
pause_image = "$E2E_PAUSE_IMAGE"
signature_policy = "$RT_DIR/policy.json"
signature_policy_dir = "$RT_DIR/policies"

[crio.network]
network_dir = "$RT_DIR/cni/net.d"
plugin_dirs = ["$RT_DIR/cni/bin"]

[crio.nri]
enable_nri = true
nri_listen = "$RT_NRI_SOCK"
nri_plugin_dir = "$RT_NRI_PLUGIN_DIR"
nri_plugin_config_dir = "$RT_NRI_CONF_DIR"
nri_plugin_registration_timeout = "5s"
nri_plugin_request_timeout = "2s"
$validator
TOML
  mkdir -p "$RT_DIR/conf.d" "$RT_DIR/hooks.d" "$RT_DIR/cdi" "$RT_DIR/keys" "$RT_DIR/policies" \
    "$RT_DIR/cni/net.d" "$RT_DIR/cni/bin" "$RT_NRI_PLUGIN_DIR" "$RT_NRI_CONF_DIR" \
    "$RT_DIR/run" "$RT_DIR/lib" "$RT_DIR/pod-logs"
}

# _rt_version_ge A B: true when dotted version A >= B ("1.37.0-dev" counts
# as 1.37.0: a development build already carries the release's changes).
_rt_version_ge() {
  local a="${1%%[-+]*}" b="${2%%[-+]*}"
  [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -1)" = "$b" ]
}

# _rt_cri ARG...: our CRI client against this crio.
_rt_cri() {
  "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" "$@"
}

# _rt_is_ours PID: true while PID is the crio started with our config (a pid
# file left by a killed run may name a recycled pid).
_rt_is_ours() {
  { tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "--config $RT_CONFIG"
}

# rt_start: starts crio in the background (log appended to RT_LOG) and waits
# until its CRI service answers.
rt_start() {
  [ -f "$RT_CONFIG" ] || rt_write_config || return 1
  echo "---- crio start $(date -u +%FT%TZ)" >> "$RT_LOG"
  # --config-dir: an empty private drop-in folder, so a system
  # /etc/crio/crio.conf.d cannot change our settings.
  env $(_rt_crio_env) setsid "$RT_BIN_DIR/crio" --config "$RT_CONFIG" --config-dir "$RT_DIR/conf.d" \
    >> "$RT_LOG" 2>&1 < /dev/null &
  echo $! > "$RT_PIDFILE"
  disown $! 2>/dev/null || true
  local i
  for i in $(seq 1 150); do
    _rt_cri --timeout 2 version >/dev/null 2>&1 && return 0
    rt_alive || break
    sleep 0.1
  done
  echo "crio.sh: crio did not come up; last log lines:" >&2
  tail -n 20 "$RT_LOG" >&2
  return 1
}

# rt_alive: true while the crio started by rt_start still runs.
rt_alive() {
  [ -f "$RT_PIDFILE" ] && _rt_is_ours "$(cat "$RT_PIDFILE")"
}

# rt_pid: the running crio's pid (a plugin it launched is its child).
rt_pid() { rt_alive && cat "$RT_PIDFILE"; }

# rt_stop: stops crio only; conmon and the containers keep running, as on a
# node during a runtime restart. SIGTERM lets crio write its clean-shutdown
# file (after a SIGKILL it wipes its containers at the next start).
rt_stop() {
  local pid i
  [ -f "${RT_PIDFILE:-}" ] || return 0
  pid="$(cat "$RT_PIDFILE")"
  if _rt_is_ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do _rt_is_ours "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do _rt_is_ours "$pid" || break; sleep 0.1; done
  fi
  rm -f "$RT_PIDFILE"
}

# _rt_pids_under DIR: pids whose command line names DIR (conmon carries our
# exit, attach and runc-root folders in its arguments).
_rt_pids_under() {
  local needle="$1" p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF -- "$needle" && echo "${p#/proc/}"
  done
  return 0
}

# rt_cleanup: leaves nothing behind: crio, conmon, every container (runc
# state, processes in our cgroup parent), every mount under RT_DIR (overlay
# layers, shm, pinns namespaces), our cgroups. Safe twice and after a
# half-finished start.
rt_cleanup() {
  [ -n "${RT_DIR:-}" ] || return 0
  rt_stop
  local pid id m
  for pid in $(_rt_pids_under "$RT_DIR/"); do
    # Only conmon and runc name our folders; never a shell running this.
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
      conmon|runc|crio|pinns|copyimg) kill -KILL "$pid" 2>/dev/null || true ;;
    esac
  done
  if [ -d "$RT_RUNC_ROOT" ]; then
    for id in $(runc --root "$RT_RUNC_ROOT" list -q 2>/dev/null); do
      runc --root "$RT_RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  e2e_cgroups_cleanup "$RT_CGROUP_PARENT"
  sleep 0.2
  # Deepest mounts first; lazily, a busy overlay must not stop the rest.
  for m in $(awk -v base="$RT_DIR/" 'index($5, base) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  e2e_cgroups_cleanup "$RT_CGROUP_PARENT"
}

# rt_wipe: removes crio's data (after rt_cleanup) so the next start begins
# empty: storage (images too), state, runc root, namespaces, version files.
rt_wipe() {
  [ -n "${RT_DIR:-}" ] || return 0
  rm -rf "$RT_DIR/root" "$RT_DIR/runroot" "$RT_RUNC_ROOT" "$RT_DIR/ns" "$RT_DIR/run" \
    "$RT_DIR/lib" "$RT_DIR/pod-logs"
}

# rt_import_images: copies the busybox and pause archives (images.sh) into
# crio's storage with CRI-O's copyimg. Works while crio runs: the storage
# is shared under containers/storage's locks.
rt_import_images() {
  rt_import_archive "$E2E_WORK/images/busybox.tar" "$E2E_BUSYBOX_IMAGE"
  rt_import_archive "$E2E_WORK/images/pause.tar" "$E2E_PAUSE_IMAGE"
}

# rt_import_archive FILE NAME: one OCI archive into crio's storage as NAME.
rt_import_archive() {
  [ -f "$RT_DIR/policy.json" ] || _rt_write_side_files
  env $(_rt_crio_env) "$RT_COPYIMG" --root "$RT_DIR/root" --runroot "$RT_DIR/runroot" \
    --storage-driver overlay --signature-policy "$RT_DIR/policy.json" \
    --image-name "$2" --import-from "oci-archive:$1" >> "$RT_LOG" 2>&1 \
    || { echo "crio.sh: importing $1 failed (see $RT_LOG)" >&2; return 1; }
}

# _rt_log_since SINCE_LINE: RT_LOG after line SINCE_LINE.
_rt_log_since() {
  tail -n "+$(( ${1:-0} + 1 ))" "$RT_LOG" 2>/dev/null
}

# rt_log_plugin_synced SINCE_LINE: NRI's adaptation logs, through crio's
# logrus text format (quotes escaped), `plugin "external:10-seccomp[PID]"
# registered as "10-seccomp"` (1.37 adds "(with NRI version ...)") and, once
# Synchronize is done, `plugin "10-seccomp" connected and synchronized`.
rt_log_plugin_synced() {
  local since
  since="$(_rt_log_since "$1")"
  grep -qE 'registered as \\?"10-seccomp\\?"' <<<"$since" \
    && grep -qE 'plugin \\?"10-seccomp\\?" connected and synchronized' <<<"$since"
}

# rt_log_plugin_closed SINCE_LINE: `connection to plugin "10-seccomp"
# closed` (the socket went away) or `closing plugin 10-seccomp, failed to
# handle ...` (a request failed or timed out).
rt_log_plugin_closed() {
  # No grep -q at a pipeline's end: under pipefail an early exit can fail the writer.
  _rt_log_since "$1" | grep -E 'connection to plugin \\?"10-seccomp\\?" closed|closing plugin 10-seccomp,' >/dev/null
}

# rt_spec_seccomp CONTAINER_ID: the container's OCI linux.seccomp as crio
# generated it (ContainerStatus verbose info.runtimeSpec), or, when crio does
# not answer, from the bundle's config.json in its storage; nothing if the
# container has no filter.
rt_spec_seccomp() {
  local id="$1" tmp out=""
  tmp="$(mktemp)"
  if _rt_cri --timeout 5 inspect "$id" > "$tmp" 2>/dev/null; then
    out="$("$E2E_JSON_BIN" get "$tmp" /info/info/runtimeSpec/linux/seccomp 2>/dev/null)"
  else
    local cfg="$RT_DIR/runroot/overlay-containers/$id/userdata/config.json"
    [ -f "$cfg" ] && out="$("$E2E_JSON_BIN" get "$cfg" /linux/seccomp 2>/dev/null)"
  fi
  rm -f "$tmp"
  [ -n "$out" ] && [ "$out" != "null" ] && printf '%s\n' "$out"
  return 0
}
