# shellcheck shell=bash
# The DaemonSet as an operator deploys it, run for real: the image from
# scripts/build-image.sh loaded into the runtime, the DaemonSet's pod (the
# enforce overlay, rendered by `kubectl kustomize` where kubectl exists,
# else read by pod-from-manifest's own small kustomize) turned into the CRI
# calls kubelet makes, with the runtime configured like deploy/containerd/
# and deploy/crio/ (required_plugins = ["seccomp"] and their
# tolerate-missing annotation key). Sourced by run.sh after cri_scenarios.sh
# (its helpers and liveness hook).

DEPLOY_OVERLAY=enforce
DEPLOY_PORT=""  # the metrics port, from the manifest (info.json)

# deploy_tolerate_key: the annotation key the runtime snippets configure,
# which must be the one the DaemonSet's pod carries; DEPLOY_TOLERATE_KEY.
deploy_tolerate_key() {
  local cd crio pod
  cd="$(sed -nE "s/^ *tolerate_missing_plugins_annotation *= *'([^']+)'.*/\1/p" "$src/deploy/containerd/config.toml")"
  crio="$(sed -nE 's/^ *nri_validator_tolerate_missing_plugins_annotation *= *"([^"]+)".*/\1/p' "$src/deploy/crio/10-nri-seccomp.conf")"
  pod="$(grep -oE '^ +[a-z.-]+/?[a-z.-]*: "true"' "$src/deploy/kubernetes/base/daemonset.yaml" | grep -F "$cd" | sed -E 's/^ +//; s/: "true"$//')"
  if [ -n "$cd" ] && [ "$cd" = "$crio" ] && [ "$cd" = "$pod" ]; then
    DEPLOY_TOLERATE_KEY="$cd"
    pass "deploy: containerd's and CRI-O's snippets and the DaemonSet's pod use one tolerate-missing key ($cd)"
  else
    fail "deploy: containerd's and CRI-O's snippets and the DaemonSet's pod use one tolerate-missing key" \
      "containerd '$cd', cri-o '$crio', pod annotation '$pod'"
    return 1
  fi
}

# deploy_image: builds the image archive offline and loads it into the
# runtime; DEPLOY_IMAGE is its name.
deploy_image() {
  local out="$RUN/build-image.log" line
  # The name the manifest deploys, so the pod's image reference must resolve.
  DEPLOY_IMAGE="$("$E2E_JSON_BIN" get "$DEPLOY_DIR/info.json" /image)"
  DEPLOY_IMAGE_TAR="$E2E_WORK/plugin-image/nri-seccomp.oci.tar"
  if ! bash "$src/scripts/build-image.sh" --binary "$NRI_SECCOMP_BIN" --out "$DEPLOY_IMAGE_TAR" --name "$DEPLOY_IMAGE" > "$out" 2>&1; then
    fail "deploy: scripts/build-image.sh builds the image offline" "$(tail -n 15 "$out")"; return 1
  fi
  line="$(grep -m1 -iE 'size|bytes' "$out" | tr -s ' ')"
  pass "deploy: scripts/build-image.sh builds the image offline (${line:-$(du -h "$DEPLOY_IMAGE_TAR" | cut -f1)})"
  if rt_import_archive "$DEPLOY_IMAGE_TAR" "$DEPLOY_IMAGE" 2>"$RUN/import-plugin.log"; then
    pass "deploy: $RT_KIND loads the image archive as $DEPLOY_IMAGE"
  else fail "deploy: $RT_KIND loads the image archive as $DEPLOY_IMAGE" "$(cat "$RUN/import-plugin.log")"; return 1; fi
}

# deploy_render [OVERLAY]: the overlay's DaemonSet pod as CRI configs
# ($DEPLOY_DIR = $RUN/deploy-OVERLAY: pod.json, container.json, info.json),
# its hostPath volumes mapped to this run's folders: the runtime's NRI
# socket folder and a kubelet seccomp root.
deploy_render() {
  local overlay="${1:-$DEPLOY_OVERLAY}" source=() how
  DEPLOY_DIR="$RUN/deploy-$overlay"
  local dir="$DEPLOY_DIR"
  mkdir -p "$RUN/kubelet-seccomp"
  if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize "$src/deploy/kubernetes/overlays/$overlay" > "$RUN/rendered-$overlay.yaml" 2>"$RUN/kustomize.err" \
      || { fail "deploy: kubectl kustomize overlays/$overlay" "$(cat "$RUN/kustomize.err")"; return 1; }
    source=(--rendered "$RUN/rendered-$overlay.yaml"); how="kubectl kustomize overlays/$overlay"
  else
    source=(--kustomize "$src/deploy/kubernetes/overlays/$overlay")
    how="overlays/$overlay read without kubectl (not installed)"
  fi
  if "$POD_FROM_MANIFEST_BIN" pod "${source[@]}" --out "$dir" --kubelet-root "$RUN/kubelet" \
       --pod-log-root "$RUN/pod-logs" --cgroup-parent "$E2E_CGROUP_PARENT" --suffix "${overlay//[^a-z]/}$$" \
       --host-path "/var/run/nri=$(dirname "$RT_NRI_SOCK")" \
       --host-path "/var/lib/kubelet/seccomp=$RUN/kubelet-seccomp" > "$RUN/render.log" 2>&1; then
    pass "deploy: the DaemonSet's pod translated as kubelet would ($how)"
  else fail "deploy: the DaemonSet's pod translated as kubelet would ($how)" "$(cat "$RUN/render.log")"; return 1; fi
  DEPLOY_PORT="$("$E2E_JSON_BIN" get "$dir/info.json" /ports/metrics)"
  DEPLOY_POD_NAME="$("$E2E_JSON_BIN" get "$dir/info.json" /pod/name)"
}

# The plugin container's log (CRI log format: TIME STREAM TAG MESSAGE), all
# its restarts in order.
deploy_log() { cat "$RUN"/pod-logs/*"_${DEPLOY_POD_NAME}_"*/nri-seccomp/[0-9].log 2>/dev/null; }
deploy_log_messages() { deploy_log | cut -d' ' -f4-; }

# deploy_fail_closed_before: no plugin yet: every other container is
# refused, annotated or not (the validator's required plugin is missing).
deploy_fail_closed_before() {
  local what
  for what in "an annotated" "a plain"; do
    local ann='{}'
    [ "$what" = "an annotated" ] && ann="{\"$ANN/pod\":\"block-mkdir\"}"
    run_pod "early-${what#* }" "$ann"
    if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" 'required plugin' seccomp; then
      pass "deploy: before the plugin's pod runs, $what container is refused (required plugin \"seccomp\" not present)"
    else fail "deploy: before the plugin's pod runs, $what container is refused" "id=$CTR_ID $CREATE_ERR"; fi
    CRI stopp "$POD_ID" >/dev/null 2>&1; CRI rmp "$POD_ID" >/dev/null 2>&1
  done
}

# deploy_pod_starts: the plugin's own pod is created although no plugin is
# registered (it carries the tolerate-missing annotation); DEPLOY_CID, and
# DEPLOY_T_FIRST (named by DEPLOY_T_FIRST_IS) / DEPLOY_T_START for the timing.
deploy_pod_starts() {
  local dir="$DEPLOY_DIR" err
  DEPLOY_T_FIRST="$(now_s)"; DEPLOY_T_FIRST_IS=RunPodSandbox
  DEPLOY_POD_ID="$(CRI runp "$dir/pod.json" 2>"$RUN/runp-deploy.err")" \
    || { fail "deploy: the plugin's pod sandbox starts" "$(cat "$RUN/runp-deploy.err")"; return 1; }
  if ! DEPLOY_CID="$(CRI create "$DEPLOY_POD_ID" "$dir/container.json" "$dir/pod.json" 2>&1)"; then
    fail "deploy: the plugin's container is created while no plugin is registered (tolerated)" "$DEPLOY_CID"; return 1
  fi
  DEPLOY_T_START="$(now_s)"
  if err="$(CRI start "$DEPLOY_CID" 2>&1)"; then
    pass "deploy: the plugin's container is created and started while no plugin is registered (annotation $DEPLOY_TOLERATE_KEY)"
  else fail "deploy: the plugin's container is created and started while no plugin is registered" "$err"; return 1; fi
}

# deploy_registers: the runtime reports the plugin connected and
# synchronized; the time from RunPodSandbox and from StartContainer.
deploy_registers() {
  local since="$1" t
  if e2e_wait_for 20 rt_log_plugin_synced "$since"; then
    t="$(now_s)"
    pass "deploy: $RT_KIND logs 10-seccomp connected and synchronized ($(gap "$DEPLOY_T_FIRST" "$t") s after $DEPLOY_T_FIRST_IS, $(gap "$DEPLOY_T_START" "$t") s after StartContainer)"
    note "timing $RT_KIND $RT_VERSION: $DEPLOY_T_FIRST_IS to synchronized $(gap "$DEPLOY_T_FIRST" "$t") s, StartContainer to synchronized $(gap "$DEPLOY_T_START" "$t") s (polled every 0.1 s)"
  else
    fail "deploy: $RT_KIND logs 10-seccomp connected and synchronized" "runtime: $(grep -i nri "$RT_LOG" | tail -n 5)
plugin: $(deploy_log | tail -n 10)"
    return 1
  fi
}

# deploy_log_is_json: every line the plugin wrote is one JSON object, and
# the lines a node's log pipeline looks for are there.
deploy_log_is_json() {
  local bad=0 n=0 msg
  while IFS= read -r msg; do
    n=$((n + 1))
    "$E2E_JSON_BIN" get - /event <<<"$msg" >/dev/null 2>&1 || { bad=$((bad + 1)); echo "$msg" >> "$RUN/deploy-bad-log-lines"; }
  done < <(deploy_log_messages)
  if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && deploy_log_messages | grep '"synchronized"' >/dev/null && deploy_log_messages | grep '"policy_loaded"' >/dev/null; then
    pass "deploy: the plugin's container log (--log-format json) is $n JSON lines, with policy_loaded and synchronized"
  else fail "deploy: the plugin's container log is JSON lines with policy_loaded and synchronized" \
    "$n lines, $bad not JSON: $(head -c 400 "$RUN/deploy-bad-log-lines" 2>/dev/null) $(deploy_log | tail -n 5)"; fi
}

_http_code() { curl -s -o "$RUN/http-body" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$DEPLOY_PORT$1" 2>/dev/null; }
_http_ok() { [ "$(_http_code "$1")" = 200 ]; }

# deploy_endpoints: the probes' paths and /metrics answer on the manifest's
# port (host network: the node's port).
deploy_endpoints() {
  local path probes
  probes="$("$E2E_JSON_BIN" get "$DEPLOY_DIR/info.json" /probes | grep -oE '"/[a-z]+"' | tr -d '"' | tr '\n' ' ')"
  if [ "$(wc -w <<<"$probes")" -ge 2 ]; then pass "deploy: the manifest has liveness and readiness probes ($probes)"
  else fail "deploy: the manifest has liveness and readiness probes" "probes: '$probes'"; fi
  for path in $probes /metrics; do
    if e2e_wait_for 10 _http_ok "$path"; then
      pass "deploy: http://127.0.0.1:$DEPLOY_PORT$path answers 200 ($(head -c 60 "$RUN/http-body" | tr '\n' ' '))"
    else fail "deploy: http://127.0.0.1:$DEPLOY_PORT$path answers 200" "code $(_http_code "$path"): $(head -c 200 "$RUN/http-body")"; fi
  done
  # The gauge starts at 0: only a finished audit of this node makes 0 mean something.
  e2e_wait_for 10 _deploy_logged_since 0 recovery_audit >/dev/null
  rm -f "$RUN/http-body"
  _http_ok /metrics >/dev/null
  if deploy_log_messages | grep '"event":"recovery_audit"' | grep -E '"containers":[1-9][0-9]*,"unprotected":0,' >/dev/null \
     && grep -q '^nri_seccomp_libseccomp_info' "$RUN/http-body" && grep -qE '^nri_seccomp_unprotected_containers 0$' "$RUN/http-body"; then
    pass "deploy: /metrics has the plugin's metrics; the recovery audit finds nothing unprotected (its own pod is not judged)"
  else fail "deploy: /metrics has the plugin's metrics and 0 unprotected containers after an audit of its own pod" \
    "$(grep -E '^nri_seccomp_(libseccomp|unprotected)' "$RUN/http-body" 2>/dev/null) $(deploy_log_messages | grep recovery_audit)"; fi
}

# deploy_confinement: the plugin runs as the manifest says: uid 0, no
# capabilities, no_new_privs, the runtime's default seccomp filter, a
# read-only root; and its RSS once registered.
deploy_confinement() {
  local pid status root
  pid="$(ctr_get "$DEPLOY_CID" /info/info/pid)"
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then fail "deploy: the plugin container's process is visible" "pid '$pid'"; return; fi
  status="$(cat "/proc/$pid/status")"
  if grep -qE '^Uid:\s+0\s' <<<"$status" && grep -qE '^CapEff:\s+0+$' <<<"$status" \
     && grep -qE '^NoNewPrivs:\s+1' <<<"$status" && grep -qE '^Seccomp:\s+2' <<<"$status"; then
    pass "deploy: the plugin runs as uid 0 with no capabilities, no_new_privs and a seccomp filter (RuntimeDefault)"
  else fail "deploy: the plugin runs as uid 0 with no capabilities, no_new_privs and a seccomp filter" \
    "$(grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' <<<"$status" | tr '\n' ' ')"; fi
  root="$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | head -n 1)"
  if [[ ",$root," == *,ro,* ]]; then pass "deploy: the plugin's root filesystem is read-only"
  else fail "deploy: the plugin's root filesystem is read-only" "root mount options '$root'"; fi
  note "rss $RT_KIND $RT_VERSION: the plugin pod's process after registration: $(grep -E '^VmRSS' <<<"$status" | tr -s ' \t' ' ')"
}

# deploy_profiles_applied: with the plugin's pod up, an annotated pod gets
# block-mkdir and an unannotated one only the overlay's mandatory
# must-block (mkdir works; the plugin's decision and its stamp in the OCI
# spec say so: bpf is denied by RuntimeDefault already, so the spec's rules
# alone cannot show it).
deploy_profiles_applied() {
  local label="$1"
  run_pod "guarded$label" "{\"$ANN/pod\":\"block-mkdir\"}"
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default && exec_in "$CTR_ID" sh -c 'mkdir /tmp/d; echo mkdir_rc=$?' \
     && contains "$EXEC_OUT" "Operation not permitted" mkdir_rc=1; then
    pass "deploy$label: an annotated pod gets block-mkdir from the ConfigMap volume (mkdir: EPERM)"
  else fail "deploy$label: an annotated pod gets block-mkdir from the ConfigMap volume (mkdir: EPERM)" "$CREATE_ERR $EXEC_OUT"; fi
  run_pod "plain$label" '{}'
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default && exec_in "$CTR_ID" sh -c 'mkdir /tmp/d && echo mkdir-ok' \
     && contains "$EXEC_OUT" mkdir-ok && [ -n "$(ctr_stamp "$CTR_ID")" ] \
     && deploy_log_messages | grep -F '"pod":"plain'"$label"'"' | grep -F '"profiles":"must-block","mode":"enforce","outcome":"applied"' >/dev/null; then
    pass "deploy$label: an unannotated pod runs (mkdir works) with the overlay's mandatory must-block (decision applied, stamped)"
  else fail "deploy$label: an unannotated pod runs with the overlay's mandatory must-block" "$CREATE_ERR $EXEC_OUT"; fi
}

# deploy_reload_complain: the policy ConfigMap edited in place (kubelet's
# ..data swap) to the complain overlay's policy: the plugin reloads it and
# the next annotated container gets mkdir as SCMP_ACT_LOG (it works).
deploy_reload_complain() {
  local since; since="$(deploy_log | wc -l)"
  "$POD_FROM_MANIFEST_BIN" configmap-update "$("$E2E_JSON_BIN" get "$DEPLOY_DIR/info.json" /volumes/policy)" policy.yaml \
    "$src/deploy/kubernetes/overlays/complain/policy.yaml" \
    || { fail "deploy: the policy ConfigMap volume updated the kubelet way"; return; }
  if e2e_wait_for 15 _deploy_logged_since "$since" reload_ok; then
    pass "deploy: the plugin reloads the policy after the ConfigMap volume's ..data swap"
  else fail "deploy: the plugin reloads the policy after the ConfigMap volume's ..data swap" "$(deploy_log | tail -n +$((since + 1)) | tail -n 5)"; return; fi
  run_pod complained "{\"$ANN/pod\":\"block-mkdir\"}"
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default && exec_in "$CTR_ID" sh -c 'mkdir /tmp/d && echo mkdir-ok' \
     && contains "$EXEC_OUT" mkdir-ok && rt_spec_seccomp "$CTR_ID" | tr -d ' \n' | grep 'SCMP_ACT_LOG' >/dev/null; then
    pass "deploy: in complain mode an annotated pod runs, mkdir only logged (SCMP_ACT_LOG in its OCI seccomp)"
  else fail "deploy: in complain mode an annotated pod runs, mkdir only logged" "$CREATE_ERR $EXEC_OUT"; fi
}
_deploy_logged_since() { deploy_log | tail -n +$(($1 + 1)) | grep "\"$2\"" >/dev/null; }

# deploy_pod_stopped: the plugin's container stops (a node drain, an
# upgrade with maxSurge 0): annotated creations fail closed again; its
# replacement container starts (tolerated) and registers again.
deploy_pod_stopped() {
  local before; before="$(e2e_lines_of "$RT_LOG")"
  CRI stop "$DEPLOY_CID" >/dev/null 2>&1
  if e2e_wait_for 10 rt_log_plugin_closed "$before"; then pass "deploy: the plugin's container stopped; $RT_KIND sees the plugin go"
  else fail "deploy: the plugin's container stopped; $RT_KIND sees the plugin go" "$(grep -i nri "$RT_LOG" | tail -n 4)"; fi
  run_pod "while-away" "{\"$ANN/pod\":\"block-mkdir\"}"
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" 'required plugin' seccomp; then
    pass "deploy: while the plugin's pod is away, an annotated container is refused (fail closed)"
  else fail "deploy: while the plugin's pod is away, an annotated container is refused (fail closed)" "id=$CTR_ID $CREATE_ERR"; fi
  deploy_restart_container "deploy: the plugin's replacement container starts while no plugin is registered"
}

# deploy_restart_container LABEL: kubelet's restart of the plugin's
# container: the old one removed, a new one (next log file) created and
# started in the same pod while no plugin runs, then its registration.
deploy_restart_container() {
  local since; since="$(e2e_lines_of "$RT_LOG")"
  CRI rm "$DEPLOY_CID" >/dev/null 2>&1
  "$E2E_JSON_BIN" set "$DEPLOY_DIR/container.json" /logPath '"nri-seccomp/1.log"'
  DEPLOY_T_FIRST="$(now_s)"; DEPLOY_T_FIRST_IS=CreateContainer
  if DEPLOY_CID="$(CRI create "$DEPLOY_POD_ID" "$DEPLOY_DIR/container.json" "$DEPLOY_DIR/pod.json" 2>&1)" \
     && DEPLOY_T_START="$(now_s)" && CRI start "$DEPLOY_CID" >/dev/null 2>&1; then
    pass "$1"
  else fail "$1" "$DEPLOY_CID"; return 1; fi
  deploy_registers "$since"
}

# deploy_remove_pod: the plugin's pod goes (kubectl delete, an overlay
# switch): no plugin on the node until the next one registers.
deploy_remove_pod() {
  CRI stop "$DEPLOY_CID" >/dev/null 2>&1; CRI rm "$DEPLOY_CID" >/dev/null 2>&1
  CRI stopp "$DEPLOY_POD_ID" >/dev/null 2>&1; CRI rmp "$DEPLOY_POD_ID" >/dev/null 2>&1
}

# deploy_host_pid: the host-pid overlay's pod (hostPID, CAP_KILL) stops
# what starts unfiltered while it is down (the creation NRI may let through
# right after a crash, and anything carrying the toleration): its restarted
# instance's audit kills those containers itself.
deploy_host_pid() {
  deploy_remove_pod
  deploy_render host-pid || return
  local since; since="$(e2e_lines_of "$RT_LOG")"
  deploy_pod_starts || return
  deploy_registers "$since" || return
  local pid status
  pid="$(ctr_get "$DEPLOY_CID" /info/info/pid)"
  status="$(cat "/proc/$pid/status" 2>/dev/null)"
  # CAP_KILL is capability 5: the mask 0x20 and nothing else.
  if grep -qE '^CapEff:\s+0+20$' <<<"$status" && [ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink /proc/$$/ns/pid)" ] \
     && grep -qE '^Seccomp:\s+2' <<<"$status"; then
    pass "deploy host-pid: the plugin sees the host's pids and holds CAP_KILL only (seccomp still on)"
  else fail "deploy host-pid: the plugin sees the host's pids and holds CAP_KILL only" \
    "$(grep -E '^(CapEff|Seccomp):' <<<"$status" | tr '\n' ' ') pidns $(readlink "/proc/$pid/ns/pid") vs ours $(readlink /proc/$$/ns/pid)"; fi

  # The crash: the plugin's process dies; its container exits. A creation
  # right after it may slip through unfiltered (NRI notices a dead plugin at
  # the end of the next request); one carrying the toleration always does
  # (a static pod, or a pod someone granted it): both are what the audit
  # must find once the plugin is back.
  kill -KILL "$pid" 2>/dev/null
  local hole="" tolerated=""
  run_pod hole "{\"$ANN/pod\":\"block-mkdir\"}"
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default && ctr_unprotected "$CTR_ID"; then
    hole="$CTR_ID"
    note "deploy host-pid: the annotated creation right after the crash ran unfiltered (${hole:0:12}), as docs/operations.md says it can"
  else
    note "deploy host-pid: the annotated creation right after the crash was refused (${CREATE_ERR:0:120}...)"
  fi
  run_pod tolerated "{\"$ANN/pod\":\"block-mkdir\",\"$DEPLOY_TOLERATE_KEY\":\"true\"}"
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default && ctr_unprotected "$CTR_ID"; then
    tolerated="$CTR_ID"
    pass "deploy host-pid: while the plugin is down a tolerated annotated pod starts unfiltered (mkdir works, no stamp)"
  else fail "deploy host-pid: while the plugin is down a tolerated annotated pod starts unfiltered" "$CREATE_ERR $EXEC_OUT"; fi
  # kubelet restarts the crashed container: a new one in the same pod.
  local log_mark; log_mark="$(deploy_log | wc -l)"
  deploy_restart_container "deploy host-pid: kubelet's restart of the plugin's container starts" || return
  local cid what
  for cid in $tolerated $hole; do
    what="the tolerated container"; [ "$cid" = "$tolerated" ] || what="the container that slipped through"
    if e2e_wait_for 10 ctr_exited "$cid" \
       && deploy_log | tail -n +$((log_mark + 1)) | grep '"unprotected_container"' | grep -F "$cid" | grep '"stopped":"killed"' >/dev/null; then
      pass "deploy host-pid: the restarted plugin's audit kills $what (unprotected_container, stopped=killed)"
    else fail "deploy host-pid: the restarted plugin's audit kills $what" \
      "state $(ctr_state "$cid"); $(deploy_log | tail -n +$((log_mark + 1)) | grep -E 'unprotected|recovery' | tail -n 3)"; fi
    CRI rm "$cid" >/dev/null 2>&1
  done
}

deploy_scenarios() {
  cri_binaries_present || return
  [ -x "$POD_FROM_MANIFEST_BIN" ] || { fail "deploy: binary present: $POD_FROM_MANIFEST_BIN (build the project first)"; return; }
  deploy_tolerate_key || return
  export RT_TOLERATE_ANNOTATION="$DEPLOY_TOLERATE_KEY"
  E2E_AFTER_CHECK=runtime_still_alive
  start_runtime || return
  deploy_render || return
  deploy_image || return
  deploy_fail_closed_before
  local since; since="$(e2e_lines_of "$RT_LOG")"
  deploy_pod_starts || return
  deploy_registers "$since" || return
  deploy_log_is_json
  deploy_endpoints
  deploy_confinement
  deploy_profiles_applied ""
  deploy_reload_complain
  deploy_pod_stopped
  deploy_host_pid
  no_deprecations "after the whole run"
  alive_throughout
}
