#!/usr/bin/env bash
# Smoke test of the CRI-O driver (lib/crio.sh) with the real plugin: a
# debugging aid, not a ctest entry (the scenarios live in run.sh).
#
#   tests/e2e/crio-smoke.sh [VERSION|BIN_DIR ...]   (as root; default: every
#                                                    cri-o-* runtime unpacked)
#
# Per CRI-O: private crio up, images imported, plugin registered; an
# unannotated pod's RuntimeDefault container runs `echo hi`; from 1.37.0 on
# an Unconfined container of a pod annotated block-mkdir gets the plugin's
# filter (mkdir fails, the spec has it); the plugin's exit is logged by crio.
# crio must stay alive after every step. Everything is cleaned up on exit.
#
# Env: E2E_WORK (default /var/tmp/nri-seccomp-e2e), NRI_SECCOMP_RUNTIMES
# (default /var/tmp/nri-seccomp-runtimes, unpacked from ../shared/runtimes
# when absent), NRI_SECCOMP_BIN / CRI_CLIENT_BIN / E2E_JSON_BIN, and
# E2E_CGROUP_PARENT (default /nri-seccomp-e2e).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "SKIP crio-smoke needs root"; exit 77; }

export E2E_WORK="${E2E_WORK:-/var/tmp/nri-seccomp-e2e}"
build="${E2E_BUILD_DIR:-$src/build}"
NRI_SECCOMP_BIN="${NRI_SECCOMP_BIN:-$build/plugin/nri-seccomp}"
CRI_CLIENT_BIN="${CRI_CLIENT_BIN:-$build/tests/e2e/cri-client}"
E2E_JSON_BIN="${E2E_JSON_BIN:-$build/tests/e2e/e2e-json}"
E2E_CGROUP_PARENT="${E2E_CGROUP_PARENT:-/nri-seccomp-e2e}"
ANN="seccomp.noderesource.dev"
source "$here/lib/common.sh"
source "$here/lib/images.sh"
source "$here/lib/crio.sh"

RUN="$E2E_WORK/crio-smoke"
PLUGIN_PIDFILE="$RUN/plugin.pid"

# smoke_runtimes ARG...: the crio folders to test, one per line.
smoke_runtimes() {
  local root="${NRI_SECCOMP_RUNTIMES:-/var/tmp/nri-seccomp-runtimes}" a
  if [ ! -d "$root" ] && [ -x "$src/../shared/runtimes/unpack.sh" ]; then
    "$src/../shared/runtimes/unpack.sh" "$root" >/dev/null
  fi
  if [ $# -eq 0 ]; then
    ls -d "$root"/cri-o-*/bin 2>/dev/null | sort -V
    return
  fi
  for a in "$@"; do
    if [ -d "$a" ]; then echo "$a"; else echo "$root/cri-o-$a/bin"; fi
  done
}

# plugin_start LOG: the plugin from this build against the runtime's NRI
# socket, as the scenarios start it.
plugin_start() {
  setsid "$NRI_SECCOMP_BIN" run --socket "$RT_NRI_SOCK" --name seccomp --idx 10 \
    --profiles-dir "$src/config/profiles" --log-level info --log-format text \
    >> "$1" 2>&1 < /dev/null &
  echo $! > "$PLUGIN_PIDFILE"
  disown $! 2>/dev/null || true
}

# plugin_stop: only the daemon we started (its command line names our socket).
plugin_stop() {
  local pid
  [ -f "$PLUGIN_PIDFILE" ] || return 0
  pid="$(cat "$PLUGIN_PIDFILE")"
  if { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "--socket $RT_NRI_SOCK"; then
    kill -TERM "$pid" 2>/dev/null
    e2e_wait_for 5 eval "! kill -0 $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PLUGIN_PIDFILE"
}

cleanup_all() {
  [ -n "${RT_DIR:-}" ] || return 0
  plugin_stop
  rt_cleanup
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

CRI() { "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" --timeout 30 "$@"; }

# alive STEP: crio must survive every step.
alive() {
  if rt_alive; then pass "$RT_KIND $RT_VERSION: alive after $1"
  else fail "$RT_KIND $RT_VERSION: alive after $1" "$(tail -n 15 "$RT_LOG")"; fi
}

# write_pod NAME ANNOTATIONS-JSON / write_ctr NAME SECCOMP: JSON files in $RUN.
write_pod() {
  printf '{"name":"%s","namespace":"default","uid":"smoke-%s-%s","cgroupParent":"%s","annotations":%s}\n' \
    "$1" "$1" "$$" "$E2E_CGROUP_PARENT" "$2" > "$RUN/pod-$1.json"
}
write_ctr() {
  printf '{"name":"%s","image":"%s","command":["sleep","3600"],"seccomp":"%s"}\n' \
    "$1" "$E2E_BUSYBOX_IMAGE" "$2" > "$RUN/ctr-$1.json"
}

# remove_pod POD_ID CID...: containers stopped with timeout 0 (busybox sleep
# as PID 1 ignores SIGTERM), then the pod.
remove_pod() {
  local pod="$1" c; shift
  for c in "$@"; do CRI stop "$c" >/dev/null 2>&1; CRI rm "$c" >/dev/null 2>&1; done
  CRI stopp "$pod" >/dev/null 2>&1 && CRI rmp "$pod" >/dev/null 2>&1
}

smoke_one() {
  local bin_dir="$1" plugin_log since pod cid out
  rt_init "$bin_dir" || { fail "crio driver: init $bin_dir"; return; }
  echo "---- $RT_FULL ($bin_dir)"
  rt_cleanup; rt_wipe; rm -f "$RT_LOG"
  plugin_log="$RUN/plugin-$RT_VERSION.log"; rm -f "$plugin_log"
  rt_write_config || { fail "$RT_KIND $RT_VERSION: config written"; return; }
  if rt_start; then pass "$RT_KIND $RT_VERSION: starts on private paths"
  else fail "$RT_KIND $RT_VERSION: starts on private paths" "$(tail -n 15 "$RT_LOG")"; return; fi
  if rt_import_images; then pass "$RT_KIND $RT_VERSION: images imported with copyimg"
  else fail "$RT_KIND $RT_VERSION: images imported with copyimg" "$(tail -n 15 "$RT_LOG")"; return; fi
  alive "image import"

  since="$(wc -l < "$RT_LOG")"
  plugin_start "$plugin_log"
  if e2e_wait_for 10 rt_log_plugin_synced "$since"; then pass "$RT_KIND $RT_VERSION: plugin registered and synchronized"
  else fail "$RT_KIND $RT_VERSION: plugin registered and synchronized" "$(tail -n 10 "$plugin_log")"; return; fi
  alive "plugin registration"

  # Unannotated pod: the plugin leaves it alone, RuntimeDefault applies.
  write_pod plain '{}'; write_ctr app runtime-default
  pod="$(CRI runp "$RUN/pod-plain.json" 2>&1)" || { fail "$RT_KIND $RT_VERSION: unannotated pod runs" "$pod"; return; }
  cid="$(CRI create "$pod" "$RUN/ctr-app.json" "$RUN/pod-plain.json" 2>&1)" \
    && CRI start "$cid" >/dev/null 2>&1 && out="$(CRI exec "$cid" -- echo hi 2>&1)"
  if [ "${out:-}" = "hi" ]; then pass "$RT_KIND $RT_VERSION: unannotated RuntimeDefault container runs echo hi"
  else fail "$RT_KIND $RT_VERSION: unannotated RuntimeDefault container runs echo hi" "$cid ${out:-}"; fi
  alive "unannotated container"
  if [ "$(rt_spec_seccomp "$cid" | "$E2E_JSON_BIN" get - /defaultAction 2>/dev/null)" = "SCMP_ACT_ERRNO" ]; then
    pass "$RT_KIND $RT_VERSION: rt_spec_seccomp shows CRI-O's RuntimeDefault"
  else fail "$RT_KIND $RT_VERSION: rt_spec_seccomp shows CRI-O's RuntimeDefault"; fi
  remove_pod "$pod" "$cid"
  alive "unannotated pod removal"

  # Annotated Unconfined container: only where NRI carries errno rules
  # safely (1.37.0 on); on 1.36.3 the current plugin may crash crio.
  if _rt_version_ge "$RT_VERSION" 1.37.0; then
    write_pod annotated "{\"$ANN/pod\":\"block-mkdir\"}"; write_ctr app unconfined
    pod="$(CRI runp "$RUN/pod-annotated.json" 2>&1)" || { fail "$RT_KIND $RT_VERSION: annotated pod runs" "$pod"; return; }
    cid="$(CRI create "$pod" "$RUN/ctr-app.json" "$RUN/pod-annotated.json" 2>&1)"
    alive "annotated container creation"
    if CRI start "$cid" >/dev/null 2>&1; then
      out="$(CRI exec "$cid" -- sh -c 'mkdir /tmp/d && echo mkdir-ok; echo done' 2>&1)"
      if [[ "$out" == *done* && "$out" != *mkdir-ok* ]]; then
        pass "$RT_KIND $RT_VERSION: block-mkdir enforced in an Unconfined container"
      else fail "$RT_KIND $RT_VERSION: block-mkdir enforced in an Unconfined container" "$out"; fi
      # CRI-O gives an Unconfined container no filter: any is the plugin's.
      if [ -n "$(rt_spec_seccomp "$cid")" ]; then pass "$RT_KIND $RT_VERSION: the spec carries the plugin's policy"
      else fail "$RT_KIND $RT_VERSION: the spec carries the plugin's policy"; fi
    else
      fail "$RT_KIND $RT_VERSION: annotated Unconfined container created and started" "$cid"
    fi
    remove_pod "$pod" "$cid"
    alive "annotated pod removal"
  else
    note "$RT_KIND $RT_VERSION: annotated containers skipped (NRI $RT_VERSION crashes on errno rules)"
  fi

  since="$(wc -l < "$RT_LOG")"
  plugin_stop
  if e2e_wait_for 5 rt_log_plugin_closed "$since"; then pass "$RT_KIND $RT_VERSION: crio logs the plugin's exit"
  else fail "$RT_KIND $RT_VERSION: crio logs the plugin's exit"; fi
  alive "plugin exit"

  rt_stop
  if rt_alive; then fail "$RT_KIND $RT_VERSION: stops"; else pass "$RT_KIND $RT_VERSION: stops"; fi
  rt_cleanup
  if awk -v b="$RT_DIR/" 'index($5, b) == 1 {found = 1} END {exit !found}' /proc/self/mountinfo; then
    fail "$RT_KIND $RT_VERSION: no mounts left under $RT_DIR"
  else pass "$RT_KIND $RT_VERSION: no mounts left under $RT_DIR"; fi
}

for bin in "$NRI_SECCOMP_BIN" "$CRI_CLIENT_BIN" "$E2E_JSON_BIN"; do
  [ -x "$bin" ] || { echo "FAIL missing binary $bin (build the project first)"; exit 1; }
done
rm -rf "$RUN" && mkdir -p "$RUN"
e2e_prepare_images "$E2E_WORK" || { echo "FAIL building the busybox rootfs and images"; exit 1; }
dirs="$(smoke_runtimes "$@")"
[ -n "$dirs" ] || { echo "SKIP crio-smoke: no CRI-O runtime found"; exit 77; }
for d in $dirs; do smoke_one "$d"; done
e2e_summary
