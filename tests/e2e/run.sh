#!/usr/bin/env bash
# End-to-end scenarios with real runc and real container runtimes.
#
#   tests/e2e/run.sh runc                           runc bundles + `nri-seccomp apply`
#   tests/e2e/run.sh containerd [VERSION|BIN_DIR]   CRI scenarios on containerd
#   tests/e2e/run.sh crio [VERSION|BIN_DIR]         CRI scenarios on CRI-O
#   tests/e2e/run.sh faults containerd|crio VERSION  fault injection (lib/fault_scenarios.sh)
#   tests/e2e/run.sh latency containerd VERSION [N]  containerd's NRI latency histogram (a measurement)
#   tests/e2e/run.sh deploy containerd|crio VERSION  the image and the DaemonSet's pod (lib/deploy_scenarios.sh)
#   tests/e2e/run.sh launched containerd|crio VERSION  runtime-launched mode (lib/launched_scenarios.sh)
#   tests/e2e/run.sh all                            every suite above it can find
# (as root). containerd without VERSION: $CONTAINERD_BIN's folder, else
# Debian's (lib/fetch-containerd.sh; VERSION 2.1.9 means Debian's too); other
# versions and CRI-O come from the shared runtimes (lib/runtimes.sh).
#
# One line per check (PASS/FAIL/NOTE), then "N passed, N failed"; exits 1 on
# any failure, 77 (ctest: skipped) when not root or the runtime is absent
# (absent under CI=true: a failure). Environment: see tests/e2e/README.md.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${NRI_SECCOMP_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
mode="${1:-all}"
target="${2:-}"
kind="$mode"  # the runtime driver; `faults|latency|deploy|launched KIND VERSION` run that suite on KIND
case "$mode" in faults|latency|deploy|launched) kind="$target"; target="${3:-}"; LATENCY_N="${4:-100}" ;; esac
usage="usage: $0 runc|containerd|crio [VERSION|BIN_DIR] | faults|deploy|launched containerd|crio VERSION|BIN_DIR | latency containerd VERSION [N] | all"
case "$mode:$kind" in
  runc:*|containerd:*|crio:*|all:*|latency:containerd) ;;
  faults:containerd|faults:crio|deploy:containerd|deploy:crio|launched:containerd|launched:crio) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
case "$mode" in faults|deploy|launched) [ -n "$target" ] || { echo "$usage" >&2; exit 2; } ;; esac
# latency: containerd's own histogram of our CreateContainer answers.
[ "$mode" != latency ] || export RT_METRICS_ADDRESS="${RT_METRICS_ADDRESS:-127.0.0.1:19338}"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP e2e needs root (runc, runtimes, cgroups, mounts)"
  exit 77
fi

# all: each suite in its own process, as ctest runs them; the worst exit
# code wins (1 over 77 over 0).
if [ "$mode" = all ]; then
  worst=0
  for suite in runc "containerd 2.1.9" "containerd 2.2.7" "containerd 2.3.4" "crio 1.36.3" "crio 1.37.0-dev" \
               "faults containerd 2.2.7" "faults containerd 2.3.4" "faults crio 1.37.0-dev" "faults crio 1.36.3" \
               "deploy containerd 2.3.4" "deploy crio 1.37.0-dev" \
               "launched containerd 2.3.4" "launched crio 1.37.0-dev"; do
    echo "==== $suite"
    # shellcheck disable=SC2086
    "$0" $suite; rc=$?
    if [ $rc -eq 1 ] || { [ $rc -eq 77 ] && [ $worst -eq 0 ]; }; then worst=$rc; fi
  done
  exit $worst
fi

# shellcheck source=lib/env.sh
run_name="run-$mode"
[ "$mode" = "$kind" ] || run_name+="-$kind"
source "$here/lib/env.sh" "$run_name${target:+-${target##*/}}"
E2E_PROFILE_DIRS=("$src/config/profiles" "$here/profiles")

cleanup_all() {
  if declare -F faults_cleanup >/dev/null; then faults_cleanup; fi
  e2e_plugin_stop KILL
  e2e_runc_cleanup
  if declare -F rt_cleanup >/dev/null; then rt_cleanup; fi
  # After the runtime: what it launched and the files it launches them from.
  if declare -F launched_cleanup >/dev/null; then launched_cleanup; fi
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

for bin in "$NRI_SECCOMP_BIN" "$E2E_JSON_BIN"; do
  [ -x "$bin" ] || { echo "FAIL missing binary $bin (build the project first)"; exit 1; }
done
e2e_prepare_images "$E2E_WORK" || { echo "FAIL building the busybox rootfs and images"; exit 1; }

# ---------------------------------------------------------------- runc -----

# apply_to BUNDLE ARG...: `nri-seccomp apply` on BUNDLE as container "app"
# of pod default/demo; output in $APPLY_OUT, exit code in $APPLY_RC.
apply_to() {
  local bundle="$1"; shift
  APPLY_OUT="$("$NRI_SECCOMP_BIN" apply --bundle "$bundle" \
      --profiles-dir "$src/config/profiles" --profiles-dir "$here/profiles" \
      --namespace default --pod demo --container app "$@" 2>&1)"
  APPLY_RC=$?
}

# run_bundle BUNDLE: output in $RUN_OUT, exit code in $RUN_RC.
run_bundle() {
  RUN_OUT="$(e2e_runc_run "$1")"
  RUN_RC=$?
}

runc_scenarios() {
  local b="$RUN/bundles"
  mkdir -p "$b"

  # The harness itself, without the plugin: the bundle runs, and a policy
  # written into config.json by hand is enforced by runc.
  e2e_bundle "$b/baseline" sh -c 'echo alive; mkdir /tmp/d && echo mkdir-ok; unshare -U true && echo unshare-ok'
  run_bundle "$b/baseline"
  if [ $RUN_RC -eq 0 ] && contains "$RUN_OUT" alive mkdir-ok unshare-ok; then
    pass "runc: bundle without seccomp runs; echo, mkdir and unshare -U all succeed"
  else fail "runc: bundle without seccomp runs; echo, mkdir and unshare -U all succeed" "rc=$RUN_RC $RUN_OUT"; fi

  e2e_bundle "$b/handwritten" sh -c 'echo alive; mkdir /tmp/d; echo mkdir_rc=$?'
  "$E2E_JSON_BIN" set "$b/handwritten/config.json" /linux/seccomp \
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
  run_bundle "$b/handwritten"
  if contains "$RUN_OUT" alive "Operation not permitted" mkdir_rc=1; then
    pass "runc: hand-written ERRNO policy in config.json denies mkdir (harness enforces seccomp)"
  else fail "runc: hand-written ERRNO policy in config.json denies mkdir (harness enforces seccomp)" "$RUN_OUT"; fi

  # block-mkdir (ERRNO) through the plugin's offline twin.
  e2e_bundle "$b/errno" sh -c 'echo alive; ls / >/dev/null && echo ls-ok; mkdir /tmp/d; echo mkdir_rc=$?'
  apply_to "$b/errno" --pod-annotation "$ANN/pod=block-mkdir" --profile-type unconfined
  if [ $APPLY_RC -eq 0 ] && "$E2E_JSON_BIN" has "$b/errno/config.json" /linux/seccomp/syscalls; then
    pass "runc: apply block-mkdir writes linux.seccomp into config.json"
    run_bundle "$b/errno"
    if contains "$RUN_OUT" alive ls-ok "Operation not permitted" mkdir_rc=1; then
      pass "runc: block-mkdir: mkdir fails with 'Operation not permitted'; echo and ls work"
    else fail "runc: block-mkdir: mkdir fails with 'Operation not permitted'; echo and ls work" "$RUN_OUT"; fi
  else
    fail "runc: apply block-mkdir writes linux.seccomp into config.json" "rc=$APPLY_RC $APPLY_OUT"
  fi

  # block-mkdir-kill (KILL), chosen by the container-specific key.
  e2e_bundle "$b/kill" sh -c 'echo alive; mkdir /tmp/d; echo mkdir_rc=$?'
  apply_to "$b/kill" --container-annotation "$ANN/container.app=block-mkdir-kill" --profile-type unconfined
  run_bundle "$b/kill"
  if [ $APPLY_RC -eq 0 ] && contains "$RUN_OUT" alive "Bad system call" mkdir_rc=159; then
    pass "runc: block-mkdir-kill: mkdir dies with 'Bad system call' (exit 159)"
  else fail "runc: block-mkdir-kill: mkdir dies with 'Bad system call' (exit 159)" "apply rc=$APPLY_RC $APPLY_OUT
$RUN_OUT"; fi

  # RuntimeDefault + block-mkdir: the base policy's own denials still hold.
  e2e_bundle "$b/default" sh -c 'echo alive; unshare -U true; echo unshare_rc=$?; mkdir /tmp/d; echo mkdir_rc=$?'
  apply_to "$b/default" --pod-annotation "$ANN/pod=block-mkdir" --profile-type runtime-default
  run_bundle "$b/default"
  if [ $APPLY_RC -eq 0 ] && contains "$RUN_OUT" alive unshare_rc=1 mkdir_rc=1 "Operation not permitted"; then
    pass "runc: RuntimeDefault + block-mkdir: unshare -U still denied, mkdir denied, echo works"
  else fail "runc: RuntimeDefault + block-mkdir: unshare -U still denied, mkdir denied, echo works" "apply rc=$APPLY_RC $APPLY_OUT
$RUN_OUT"; fi

  # defaultErrnoRet 38 must survive NRI, whose spec generator drops
  # defaultErrnoRet: remove it from the written policy before running.
  e2e_bundle "$b/enosys" sh -c 'echo alive; mkdir /tmp/d; echo mkdir_rc=$?'
  apply_to "$b/enosys" --pod-annotation "$ANN/pod=enosys-default" --profile-type unconfined
  "$E2E_JSON_BIN" del "$b/enosys/config.json" /linux/seccomp/defaultErrnoRet >/dev/null 2>&1
  run_bundle "$b/enosys"
  if [ $APPLY_RC -eq 0 ] && contains "$RUN_OUT" alive "Function not implemented" mkdir_rc=1; then
    pass "runc: defaultErrnoRet 38 survives NRI's generator: unlisted mkdir gets ENOSYS"
  else fail "runc: defaultErrnoRet 38 survives NRI's generator: unlisted mkdir gets ENOSYS" "apply rc=$APPLY_RC $APPLY_OUT
$RUN_OUT"; fi

  # No annotation, no default profile: the container is left as it is.
  e2e_bundle "$b/plain" sh -c 'mkdir /tmp/d && echo mkdir-ok'
  apply_to "$b/plain" --profile-type unconfined
  run_bundle "$b/plain"
  if [ $APPLY_RC -eq 0 ] && contains "$RUN_OUT" mkdir-ok; then
    pass "runc: unannotated container passes untouched (mkdir works)"
  else fail "runc: unannotated container passes untouched (mkdir works)" "apply rc=$APPLY_RC $APPLY_OUT
$RUN_OUT"; fi

  # Refusals name pod, container, profile and reason.
  e2e_bundle "$b/missing" true
  apply_to "$b/missing" --pod-annotation "$ANN/pod=no-such-profile"
  if [ $APPLY_RC -ne 0 ] && contains "$APPLY_OUT" "nri-seccomp: " default/demo app no-such-profile; then
    pass "runc: unknown profile refused with a message naming pod, container and profile"
  else fail "runc: unknown profile refused with a message naming pod, container and profile" "rc=$APPLY_RC $APPLY_OUT"; fi

  e2e_bundle "$b/replace" true
  apply_to "$b/replace" --pod-annotation "$ANN/pod=replace:block-mkdir"
  if [ $APPLY_RC -ne 0 ] && contains "$APPLY_OUT" "nri-seccomp: " default/demo app block-mkdir replace; then
    pass "runc: 'replace:' without allowReplace refused with a message saying so"
  else fail "runc: 'replace:' without allowReplace refused with a message saying so" "rc=$APPLY_RC $APPLY_OUT"; fi

  e2e_bundle "$b/broken" true
  APPLY_OUT="$("$NRI_SECCOMP_BIN" apply --bundle "$b/broken" --profiles-dir "$here/profiles-broken" \
      --namespace default --pod demo --container app --pod-annotation "$ANN/pod=broken" 2>&1)"
  APPLY_RC=$?
  if [ $APPLY_RC -ne 0 ] && contains "$APPLY_OUT" "nri-seccomp: " broken; then
    pass "runc: broken profile file refused with a message naming it"
  else fail "runc: broken profile file refused with a message naming it" "rc=$APPLY_RC $APPLY_OUT"; fi

  e2e_bundle "$b/gate" true
  apply_to "$b/gate" --pod-annotation "$ANN/pod=block-mkdir" --runtime containerd --runtime-version 2.1.9+unknown
  if [ $APPLY_RC -ne 0 ] && contains "$APPLY_OUT" "nri-seccomp: " containerd 2.1.9 2.2.0 default/demo; then
    pass "runc: runtime gate: 'containerd 2.1.9+unknown' refused, message names version and minimum"
  else fail "runc: runtime gate: 'containerd 2.1.9+unknown' refused, message names version and minimum" "rc=$APPLY_RC $APPLY_OUT"; fi

  e2e_runc_cleanup
}

# find_runtime KIND TARGET: sets RT_BIN_DIR for the suite, or skips it
# (e2e_runtime_missing) when the runtime is not on this machine.
find_runtime() {
  local kind="$1" target="$2" why
  if [ -n "$target" ] && [ -d "$target" ]; then RT_BIN_DIR="$target"; return; fi
  case "$kind:$target" in
    containerd:|containerd:2.1.9)
      # An explicit 2.1.9 means Debian's, whatever CONTAINERD_BIN says.
      [ -z "$target" ] || unset CONTAINERD_BIN
      RT_BIN_DIR="$("$here/lib/fetch-containerd.sh" 2>"$RUN/fetch.log")" \
        || e2e_runtime_missing "containerd ${target:-(Debian)}" "fetching Debian's containerd failed: $(tail -n 3 "$RUN/fetch.log" | tr '\n' ' ')" ;;
    containerd:*) RT_BIN_DIR="$(e2e_runtime_bin "containerd-$target" 2>&1)" || e2e_runtime_missing "containerd $target" "$RT_BIN_DIR" ;;
    crio:)        RT_BIN_DIR="$(e2e_runtime_newest cri-o 2>&1)" || e2e_runtime_missing "cri-o" "$RT_BIN_DIR" ;;
    crio:*)       RT_BIN_DIR="$(e2e_runtime_bin "cri-o-$target" 2>&1)" || e2e_runtime_missing "cri-o $target" "$RT_BIN_DIR" ;;
  esac
}

start=$(date +%s)
if [ "$mode" = runc ]; then
  runc_scenarios
else
  find_runtime "$kind" "$target"
  if e2e_load_driver "$kind"; then
    # shellcheck source=lib/cri_scenarios.sh
    source "$here/lib/cri_scenarios.sh"
    rt_init "$RT_BIN_DIR"
    note "suite $mode$([ "$mode" = "$kind" ] || echo " $kind")${target:+ $target}: $RT_KIND $RT_FULL from $RT_BIN_DIR"
    if [ "$mode" = faults ]; then
      # shellcheck source=lib/fault_scenarios.sh
      source "$here/lib/fault_scenarios.sh"
      fault_scenarios
    elif [ "$mode" = deploy ]; then
      # shellcheck source=lib/deploy_scenarios.sh
      source "$here/lib/deploy_scenarios.sh"
      deploy_scenarios
    elif [ "$mode" = launched ]; then
      # fault_scenarios.sh for its helpers (why_refused, plugin_lines).
      # shellcheck source=lib/fault_scenarios.sh
      source "$here/lib/fault_scenarios.sh"
      # shellcheck source=lib/launched_scenarios.sh
      source "$here/lib/launched_scenarios.sh"
      launched_scenarios
    elif [ "$mode" = latency ]; then
      # shellcheck source=lib/latency_scenarios.sh
      source "$here/lib/latency_scenarios.sh"
      latency_scenarios
    else
      cri_scenarios
    fi
  else
    fail "$kind: runtime driver lib/$kind.sh present"
  fi
fi
note "logs: $RUN ($(( $(date +%s) - start )) s)"
e2e_summary
