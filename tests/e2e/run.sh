#!/usr/bin/env bash
# End-to-end scenarios with real runc and a real containerd.
#
#   tests/e2e/run.sh [runc|containerd|all]        (as root; default: all)
#
# One line per check (PASS/FAIL/NOTE), then "N passed, N failed"; exits 1 on
# any failure, 77 (ctest: skipped) when not root.
#
# Environment (all optional):
#   NRI_SECCOMP_BIN   the plugin binary      (default: build/plugin/nri-seccomp)
#   CRI_CLIENT_BIN    our CRI client         (default: build/tests/e2e/cri-client)
#   E2E_JSON_BIN      our JSON helper        (default: build/tests/e2e/e2e-json)
#   CONTAINERD_BIN    a containerd binary to test against (its folder must also
#                     hold containerd-shim-runc-v2 and ctr); default: Debian's
#                     newest, fetched by lib/fetch-containerd.sh
#   E2E_WORK          scratch folder (default /var/tmp/nri-seccomp-e2e); logs of
#                     the last run stay in $E2E_WORK/run/
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${NRI_SECCOMP_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
mode="${1:-all}"
case "$mode" in runc|containerd|all) ;; *) echo "usage: $0 [runc|containerd|all]" >&2; exit 2 ;; esac

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP e2e needs root (runc, containerd, cgroups, mounts)"
  exit 77
fi

# shellcheck source=lib/env.sh
source "$here/lib/env.sh" "run-$mode"
E2E_PROFILE_DIRS=("$src/config/profiles" "$here/profiles")

cleanup_all() {
  e2e_plugin_stop KILL
  e2e_runc_cleanup
  e2e_cd_cleanup
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

for bin in "$NRI_SECCOMP_BIN" "$E2E_JSON_BIN"; do
  [ -x "$bin" ] || { echo "FAIL missing binary $bin (build the project first)"; exit 1; }
done
e2e_prepare_images "$E2E_WORK" || { echo "FAIL building the busybox rootfs and images"; exit 1; }

# contains TEXT NEEDLE...: every needle occurs in TEXT.
contains() {
  local text="$1" n; shift
  for n in "$@"; do [[ "$text" == *"$n"* ]] || return 1; done
}

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

# ---------------------------------------------------------- containerd -----

CRI() { "$CRI_CLIENT_BIN" --endpoint "unix://$E2E_CD_ADDR" --timeout 30 "$@"; }

# pod_file NAME [ANNOTATIONS-JSON]: writes $RUN/pods/NAME.json, prints its path.
pod_file() {
  local name="$1" ann="${2:-{\}}" f="$RUN/pods/$1.json"
  mkdir -p "$RUN/pods"
  printf '{"name":"%s","namespace":"default","uid":"e2e-%s-%s","cgroupParent":"%s","annotations":%s}\n' \
    "$name" "$name" "$$" "$E2E_CGROUP_PARENT" "$ann" > "$f"
  echo "$f"
}

# ctr_file NAME [SECCOMP-TYPE]: a sleeping busybox container.
ctr_file() {
  local name="$1" type="${2:-runtime-default}" f="$RUN/pods/ctr-$1.json"
  mkdir -p "$RUN/pods"
  printf '{"name":"%s","image":"%s","command":["sleep","3600"],"seccomp":"%s"}\n' \
    "$name" "$E2E_BUSYBOX_IMAGE" "$type" > "$f"
  echo "$f"
}

# run_pod NAME ANNOTATIONS: starts a pod; its id in $POD_ID, spec in $POD_FILE.
run_pod() {
  POD_FILE="$(pod_file "$1" "$2")"
  POD_ID="$(CRI runp "$POD_FILE" 2>"$RUN/runp-$1.err")"
}

# create_ctr POD_ID POD_FILE NAME [TYPE]: $CTR_ID on success, $CREATE_ERR
# (the runtime's message) on failure; returns the client's exit code.
create_ctr() {
  local out rc
  out="$(CRI create "$1" "$(ctr_file "$3" "${4:-runtime-default}")" "$2" 2>&1)"
  rc=$?
  CTR_ID=""; CREATE_ERR=""
  if [ $rc -eq 0 ]; then CTR_ID="$out"; else CREATE_ERR="$out"; fi
  return $rc
}

# exec_in CID CMD...: output in $EXEC_OUT, exit code in $EXEC_RC.
exec_in() {
  local cid="$1"; shift
  EXEC_OUT="$(CRI exec "$cid" -- "$@" 2>&1)"
  EXEC_RC=$?
}

# Since line N of a log file (for "after the restart" checks).
lines_of() { wc -l < "$1" 2>/dev/null || echo 0; }
log_since() { tail -n +"$(( $2 + 1 ))" "$1" 2>/dev/null; }

# The runtime's own log lines for our plugin, which NRI names
# "<idx>-<name>" = "10-seccomp": registered, then connected and synchronized.
cd_log_has_plugin() {
  local since; since="$(log_since "$E2E_CD_LOG" "${1:-0}")"
  grep -E 'registered as .{0,2}10-seccomp' <<<"$since" >/dev/null \
    && grep -E '10-seccomp.{0,2} connected and synchronized' <<<"$since" >/dev/null
}
cd_log_has_plugin_closed() {
  log_since "$E2E_CD_LOG" "${1:-0}" | grep -qE 'connection to plugin .{0,2}10-seccomp.{0,2} closed|closing plugin 10-seccomp'
}

containerd_scenarios() {
  if [ ! -x "$CRI_CLIENT_BIN" ]; then fail "containerd: cri-client binary present ($CRI_CLIENT_BIN)"; return; fi
  CONTAINERD_DIR="$("$here/lib/fetch-containerd.sh" 2>"$RUN/fetch.log")" \
    || { fail "containerd: fetch Debian's containerd" "$(cat "$RUN/fetch.log")"; return; }
  local full version can_apply
  full="$("$CONTAINERD_DIR/containerd" --version | awk '{print $3}')"
  version="$(e2e_cd_version)"
  if e2e_version_ge "$version" 2.2.0; then can_apply=1; else can_apply=0; fi
  note "containerd $full from $CONTAINERD_DIR: $([ $can_apply = 1 ] && echo 'applies seccomp adjustments (>= 2.2.0)' || echo 'cannot apply seccomp adjustments (< 2.2.0): annotated containers must be refused')"

  e2e_cd_init
  E2E_CD_LOG="$RUN/containerd.log"
  e2e_plugin_stop KILL  # a daemon left by a run that was killed outright
  e2e_cd_cleanup; e2e_cd_wipe
  rm -f "$E2E_CD_CONFIG"
  e2e_cd_write_config
  if ! e2e_cd_start; then fail "containerd: starts on private paths" "$(tail -n 20 "$E2E_CD_LOG")"; return; fi
  pass "containerd: starts on private paths (root, state, sockets under $E2E_CD)"
  if ! e2e_import_images "$E2E_CTR" "$E2E_CD_ADDR" "$E2E_WORK"; then fail "containerd: images imported"; return; fi
  local ver; ver="$(CRI version 2>&1)"
  if contains "$ver" containerd; then pass "containerd: CRI answers ($ver)"; else fail "containerd: CRI answers" "$ver"; return; fi

  # -- plugin registration ---------------------------------------------------
  e2e_plugin_start
  if e2e_plugin_wait_synced 1; then
    pass "plugin: registered; our log shows configured and synchronized"
  else
    fail "plugin: registered; our log shows configured and synchronized" "$(tail -n 15 "$E2E_PLUGIN_LOG")"
  fi
  if [ "$(e2e_plugin_count configured)" -ge 1 ] && grep -w configured "$E2E_PLUGIN_LOG" | grep -q "$version"; then
    pass "plugin: configured event names the runtime version ($version)"
  else fail "plugin: configured event names the runtime version ($version)" "$(grep -w configured "$E2E_PLUGIN_LOG")"; fi
  if e2e_wait_for 5 cd_log_has_plugin 0; then
    pass "containerd: its own log shows the plugin 10-seccomp connected and synchronized"
  else fail "containerd: its own log shows the plugin 10-seccomp connected and synchronized" "$(grep -i nri "$E2E_CD_LOG" | tail -n 8)"; fi

  # -- an unannotated pod runs untouched ---------------------------------------
  local plain_pod plain_file plain_ctr
  run_pod plain '{"team":"e2e"}'
  plain_pod="$POD_ID"; plain_file="$POD_FILE"
  if [ -n "$plain_pod" ] && create_ctr "$plain_pod" "$plain_file" app && CRI start "$CTR_ID" >/dev/null 2>&1; then
    plain_ctr="$CTR_ID"
    exec_in "$plain_ctr" sh -c 'echo alive; mkdir /tmp/d && echo mkdir-ok'
    if contains "$EXEC_OUT" alive mkdir-ok; then
      pass "containerd: unannotated pod runs untouched (mkdir works under RuntimeDefault)"
    else fail "containerd: unannotated pod runs untouched (mkdir works under RuntimeDefault)" "$EXEC_OUT"; fi
    local spec_action
    spec_action="$(CRI inspect "$plain_ctr" 2>/dev/null | "$E2E_JSON_BIN" get - /info/info/runtimeSpec/linux/seccomp/defaultAction 2>&1)"
    if [ "$spec_action" = SCMP_ACT_ERRNO ]; then
      pass "containerd: unannotated container's OCI spec keeps containerd's own RuntimeDefault (defaultAction SCMP_ACT_ERRNO)"
    else fail "containerd: unannotated container's OCI spec keeps containerd's own RuntimeDefault (defaultAction SCMP_ACT_ERRNO)" "$spec_action"; fi
  else
    plain_ctr=""
    fail "containerd: unannotated pod runs untouched" "$(cat "$RUN/runp-plain.err" 2>/dev/null) $CREATE_ERR"
  fi
  if grep -q 'plain' "$E2E_PLUGIN_LOG"; then pass "plugin: saw the unannotated pod (default/plain in its log)"
  else fail "plugin: saw the unannotated pod (default/plain in its log)" "$(tail -n 5 "$E2E_PLUGIN_LOG")"; fi

  # -- annotated pod -------------------------------------------------------------
  local guarded_pod guarded_file
  run_pod guarded "{\"$ANN/pod\":\"block-mkdir\",\"$ANN/container.killer\":\"block-mkdir-kill\"}"
  guarded_pod="$POD_ID"; guarded_file="$POD_FILE"
  check_annotated() {  # $1: label suffix
    local label="$1"
    if [ $can_apply = 0 ]; then
      if ! create_ctr "$guarded_pod" "$guarded_file" "app$label" && \
         contains "$CREATE_ERR" "nri-seccomp: " default/guarded "app$label" block-mkdir containerd 2.1.9 2.2.0; then
        pass "containerd $full: annotated container app$label refused with the plugin's message at the CRI client"
      else fail "containerd $full: annotated container app$label refused with the plugin's message at the CRI client" "id=$CTR_ID $CREATE_ERR"; fi
      return
    fi
    if create_ctr "$guarded_pod" "$guarded_file" "app$label" && CRI start "$CTR_ID" >/dev/null 2>&1; then
      exec_in "$CTR_ID" sh -c 'echo alive; unshare -U true; echo unshare_rc=$?; mkdir /tmp/d; echo mkdir_rc=$?'
      if contains "$EXEC_OUT" alive "Operation not permitted" mkdir_rc=1 unshare_rc=1; then
        pass "containerd $full: app$label: mkdir denied (ERRNO), RuntimeDefault's unshare -U denial holds"
      else fail "containerd $full: app$label: mkdir denied (ERRNO), RuntimeDefault's unshare -U denial holds" "$EXEC_OUT"; fi
    else fail "containerd $full: annotated container app$label created and started" "$CREATE_ERR"; fi
  }
  check_annotated ""
  if [ $can_apply = 1 ]; then
    if create_ctr "$guarded_pod" "$guarded_file" killer && CRI start "$CTR_ID" >/dev/null 2>&1; then
      exec_in "$CTR_ID" sh -c 'mkdir /tmp/d; echo mkdir_rc=$?'
      if contains "$EXEC_OUT" mkdir_rc=159; then
        pass "containerd $full: container-specific block-mkdir-kill: mkdir killed (exit 159)"
      else fail "containerd $full: container-specific block-mkdir-kill: mkdir killed (exit 159)" "$EXEC_OUT"; fi
    else fail "containerd $full: container killer (block-mkdir-kill) created and started" "$CREATE_ERR"; fi
  fi

  # -- a profile that does not exist ---------------------------------------------
  run_pod missing "{\"$ANN/pod\":\"no-such-profile\"}"
  if ! create_ctr "$POD_ID" "$POD_FILE" app && contains "$CREATE_ERR" "nri-seccomp: " default/missing app no-such-profile; then
    pass "containerd: unknown profile: creation fails with the plugin's message naming it"
  else fail "containerd: unknown profile: creation fails with the plugin's message naming it" "id=$CTR_ID $CREATE_ERR"; fi

  # -- a replacement the policy does not allow --------------------------------
  run_pod replacing "{\"$ANN/pod\":\"replace:block-mkdir\"}"
  if ! create_ctr "$POD_ID" "$POD_FILE" app && contains "$CREATE_ERR" "nri-seccomp: " default/replacing app block-mkdir replace; then
    pass "containerd: not-allowed 'replace:' annotation: creation fails with the plugin's message"
  else fail "containerd: not-allowed 'replace:' annotation: creation fails with the plugin's message" "id=$CTR_ID $CREATE_ERR"; fi

  # -- the plugin dies -----------------------------------------------------------
  local mark
  mark="$(lines_of "$E2E_CD_LOG")"
  e2e_plugin_stop KILL
  if e2e_wait_for 5 cd_log_has_plugin_closed "$mark"; then
    pass "containerd: its log shows the killed plugin's connection closed"
  else fail "containerd: its log shows the killed plugin's connection closed" "$(log_since "$E2E_CD_LOG" "$mark" | tail -n 5)"; fi
  if [ $can_apply = 1 ]; then
    if ! create_ctr "$guarded_pod" "$guarded_file" app-noplugin; then
      pass "containerd $full: plugin down + required_plugins: annotated container fails closed"
    else fail "containerd $full: plugin down + required_plugins: annotated container fails closed" "created $CTR_ID"; fi
  else
    note "containerd $full has no NRI validator (NRI < 0.10): required_plugins is ignored, so fail-closed cannot be enforced by this runtime"
    if grep -q 'default_validator' "$E2E_CD_LOG"; then
      pass "containerd $full: logs that it ignores the default_validator table"
    else fail "containerd $full: logs that it ignores the default_validator table"; fi
    if create_ctr "$guarded_pod" "$guarded_file" app-noplugin; then
      pass "containerd $full: plugin down: annotated container is created unfiltered (fail-open, as documented for < 2.2)"
    else fail "containerd $full: plugin down: annotated container is created unfiltered (fail-open, as documented for < 2.2)" "$CREATE_ERR"; fi
  fi
  e2e_plugin_start
  if e2e_plugin_wait_synced 2; then pass "plugin: restarted and synchronized again"
  else fail "plugin: restarted and synchronized again" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; fi
  check_annotated "-after-plugin-restart"

  # -- containerd restarts -------------------------------------------------------
  mark="$(lines_of "$E2E_CD_LOG")"
  e2e_cd_stop
  if ! e2e_cd_start; then fail "containerd: restarts" "$(tail -n 20 "$E2E_CD_LOG")"; return; fi
  if e2e_plugin_wait_synced 3; then
    pass "plugin: reconnected after containerd restart (our log: synchronized again)"
  else fail "plugin: reconnected after containerd restart (our log: synchronized again)" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; fi
  if e2e_wait_for 5 cd_log_has_plugin "$mark"; then
    pass "containerd: after its restart, its log shows the plugin connected and synchronized"
  else fail "containerd: after its restart, its log shows the plugin connected and synchronized" "$(log_since "$E2E_CD_LOG" "$mark" | grep -i nri | tail -n 8)"; fi
  if [ -n "$plain_ctr" ]; then
    exec_in "$plain_ctr" echo still-here
    if contains "$EXEC_OUT" still-here; then pass "containerd: containers survive its restart"
    else fail "containerd: containers survive its restart" "$EXEC_OUT"; fi
  fi
  if create_ctr "$plain_pod" "$plain_file" app-after-restart; then
    pass "containerd: after restart, unannotated containers still created"
  else fail "containerd: after restart, unannotated containers still created" "$CREATE_ERR"; fi
  check_annotated "-after-containerd-restart"
  if e2e_plugin_running; then pass "plugin: still running at the end"; else fail "plugin: still running at the end"; fi

  CRI stopp "$plain_pod" >/dev/null 2>&1; CRI rmp "$plain_pod" >/dev/null 2>&1
  CRI stopp "$guarded_pod" >/dev/null 2>&1; CRI rmp "$guarded_pod" >/dev/null 2>&1
}

start=$(date +%s)
if [ "$mode" = runc ] || [ "$mode" = all ]; then runc_scenarios; fi
if [ "$mode" = containerd ] || [ "$mode" = all ]; then containerd_scenarios; fi
note "logs: $RUN ($(( $(date +%s) - start )) s)"
e2e_summary
