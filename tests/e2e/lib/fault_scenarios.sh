# shellcheck shell=bash
# Fault injection: the plugin or the runtime fails while pods are created,
# with `required_plugins = ["seccomp"]` as the drivers configure it and the
# plugin subscribed to ValidateContainerAdjustment (the default install; no
# host pids needed for any of this).
#   (a) the plugin is SIGSTOPped past the runtime's 2 s request timeout;
#   (b) the plugin is SIGKILLed, then an immediate creation, then a restart;
#   (c) the runtime restarts under a running plugin;
#   (d) a rolling replace: a second instance of the plugin (same name and
#       index) starts, then the old one stops, with creations in between;
#   (e) the plugin answers CreateContainer 2.5 s late (past the timeout);
#   (f) forged stamps: while the plugin is down, a pod that tolerates its
#       absence starts a container carrying copies of the plugin's
#       applied-profiles / mode / policy-hash annotations: the audit must
#       judge it by facts (containerd >= 2.3: its real policy; elsewhere the
#       plugin's decision record), not by the stamps.
# For (a), (b) and (e) every creation while the plugin is away must be
# refused (the count of containers created unfiltered is the result: 0), the
# refusal text is recorded, and the time until creations succeed again after
# the plugin is back is a NOTE. Throughout, three bystanders run: a protected
# annotated container, an annotated container of an exempt pod and an
# unannotated one; none may be harmed or reported. Timings are NOTE lines,
# never assertions. Sourced by run.sh after cri_scenarios.sh, whose helpers
# (pods, containers, exec, liveness) it uses.

# ------------------------------------------------------------------ helpers --

# log_time LOG SINCE EVENT [CID]: when the plugin logged its first EVENT line
# (naming container_id CID) after line SINCE, in now_s form, from the line's
# own timestamp; empty when there is none.
log_time() {
  local line
  line="$(e2e_log_since "$1" "$2" | grep -wE -- "$3" | grep -F "${4:+container_id=$4}" | head -n 1)"
  [ -n "$line" ] && date -d "${line%% *}" +%s.%3N
}

# why_refused: CREATE_ERR without the runtime's wrapping ("... failed to
# get NRI adjustment for container: "), for NOTE lines.
why_refused() { sed -E 's/^.*NRI adjustment for container: //' <<<"$CREATE_ERR" | head -c 240; }



# plugin_lines EVENT CID [LOG] [SINCE]: the plugin's EVENT lines naming
# container_id CID (the current instance's log unless LOG), after line SINCE.
plugin_lines() {
  e2e_log_since "${3:-$E2E_PLUGIN_LOG}" "${4:-0}" | grep -wE -- "$1" | grep -F "container_id=$2"
}
_plugin_logged() { [ -n "$(plugin_lines "$@")" ]; }

# plugin_metric NAME [LOG]: the value of metric NAME (summed over its label
# sets) from the instance whose log is LOG; empty when it is not served.
# Each instance listens on a port of its own choosing (127.0.0.1:0), logged
# in its metrics_server_listening line.
plugin_metric() {
  local addr
  addr="$(grep -wE 'metrics_(server_)?listening' "${2:-$E2E_PLUGIN_LOG}" | tail -n 1 | grep -oE 'address=[^ ]+' | cut -d= -f2)"
  [ -n "$addr" ] || return 0
  curl -s --max-time 2 "http://$addr/metrics" 2>/dev/null \
    | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {s += $2; f = 1} END {if (f) print s + 0}'
}
_metric_is() { [ "$(plugin_metric "$1" "${3:-}")" = "$2" ]; }

# check_metric LABEL NAME WANT [LOG]: the metric reaches WANT within 5 s.
check_metric() {
  if e2e_wait_for 5 _metric_is "$2" "$3" "${4:-}"; then pass "$1: metric $2 = $3"
  else fail "$1: metric $2 = $3" "got '$(plugin_metric "$2" "${4:-}")'"; fi
}

# --------------------------------------------------------------- fixtures --

# The policy: write_policy's, plus a rule exempting the pod named "exempt"
# (kubelet's pod-name label, which cri-client sets like kubelet).
write_fault_policy() {
  write_policy
  printf 'rules:\n  - name: exempt-pod\n    podSelector:\n      matchLabels: {io.kubernetes.pod.name: exempt}\n    exempt: true\n' \
    >> "$E2E_PLUGIN_CONFIG"
}

# fault_fixtures: the bystanders. PLAIN_* from unannotated_pod; GUARD_POD /
# GUARD_FILE (pod "guarded", block-mkdir) with FIX_PROT; FIX_EXEMPT.
fault_fixtures() {
  unannotated_pod
  MATRIX_POD=guarded
  run_pod guarded "{\"$ANN/pod\":\"block-mkdir\"}"
  GUARD_POD="$POD_ID"; GUARD_FILE="$POD_FILE"
  check_applied "$RT_KIND $RT_VERSION: protected bystander ($FAULT_BASE + block-mkdir)" prot "$FAULT_BASE" block-mkdir
  FIX_PROT="$CTR_ID"
  if [ -n "$(ctr_stamp "$FIX_PROT")" ]; then pass "$RT_KIND: the protected container carries the plugin's $ANN/policy-hash stamp (for humans; the audit does not trust it)"
  else fail "$RT_KIND: the protected container carries the plugin's $ANN/policy-hash stamp" "$(ctr_get "$FIX_PROT" /info/info/runtimeSpec/annotations)"; fi
  run_pod exempt "{\"$ANN/pod\":\"block-mkdir\"}"
  FIX_EXEMPT=""
  if run_ctr "$POD_ID" "$POD_FILE" ex "$FAULT_BASE" && ctr_unprotected "$CTR_ID"; then
    FIX_EXEMPT="$CTR_ID"
    pass "$RT_KIND: annotated container of the exempt pod left untouched (mkdir works, no stamp)"
  else fail "$RT_KIND: annotated container of the exempt pod left untouched (mkdir works, no stamp)" "$CREATE_ERR $EXEC_OUT"; fi
  check_metric "plugin" nri_seccomp_unprotected_containers 0
  check_metric "plugin" nri_seccomp_evictions_total 0
}

# bystanders_fine LABEL SINCE LOG [CID...]: the three bystanders (and the
# extra CIDs) still run, and the plugin's log after line SINCE never calls
# one of them unprotected.
bystanders_fine() {
  local label="$1" since="$2" log="$3" cid bad=""
  shift 3
  for cid in "$FIX_PROT" "$FIX_EXEMPT" "$PLAIN_CTR" "$@"; do
    [ -n "$cid" ] || continue
    ctr_running "$cid" || bad+="${cid:0:12} is $(ctr_state "$cid"); "
    _plugin_logged unprotected_container "$cid" "$log" "$since" && bad+="${cid:0:12} reported unprotected; "
  done
  if [ -z "$bad" ]; then pass "$label: protected, exempt and unannotated containers still run, none reported unprotected"
  else fail "$label: protected, exempt and unannotated containers still run, none reported unprotected" "$bad"; fi
}

# remove_ctrs CID...: stops and removes containers a scenario left behind,
# so the next scenario's audit starts from a clean node.
remove_ctrs() {
  local cid
  for cid in "$@"; do CRI stop "$cid" >/dev/null 2>&1; CRI rm "$cid" >/dev/null 2>&1; done
}

# ------------------------------------------------------- no window at all --

# ctr_unfiltered CID: the container runs without the block-mkdir its pod asks
# for (mkdir works), whatever its annotations say.
ctr_unfiltered() {
  exec_in "$1" sh -c 'mkdir /tmp/probe-dir && echo mkdir-ok'
  contains "$EXEC_OUT" mkdir-ok
}

# no_window LABEL NAME: with the plugin away, three annotated creations
# (NAME-1..3) and an unannotated one. Each must be refused or come out
# protected; UNFILTERED_TOTAL counts the ones that run unfiltered (goal: 0).
# The first refusal must come from the plugin's own validation (the runtime
# still lists the plugin), later ones from required_plugins.
UNFILTERED_TOTAL=0
no_window() {
  local label="$1" name="$2" i t0 unfiltered=0 refused=0 first_err="" made=()
  for i in 1 2 3; do
    t0="$(now_s)"
    if create_ctr "$GUARD_POD" "$GUARD_FILE" "$name-$i" "$FAULT_BASE"; then
      made+=("$CTR_ID")
      CRI start "$CTR_ID" >/dev/null 2>&1
      if ctr_unfiltered "$CTR_ID"; then
        unfiltered=$((unfiltered + 1))
        note "$label: creation $i ($name-$i, ${CTR_ID:0:12}) went through in $(secs_since "$t0") s and runs UNFILTERED"
      else note "$label: creation $i ($name-$i) went through in $(secs_since "$t0") s, filtered"; fi
    else
      refused=$((refused + 1))
      [ -n "$first_err" ] || first_err="$CREATE_ERR"
      note "$label: creation $i refused after $(secs_since "$t0") s: $(why_refused)"
    fi
  done
  if create_ctr "$PLAIN_POD" "$PLAIN_FILE" "$name-plain" runtime-default; then
    made+=("$CTR_ID")
    note "$label: the unannotated creation went through (nothing to filter)"
  else note "$label: the unannotated creation was refused too: $(why_refused)"; fi
  UNFILTERED_TOTAL=$((UNFILTERED_TOTAL + unfiltered))
  if [ "$unfiltered" -eq 0 ]; then pass "$label: 0 of 3 annotated creations run unfiltered while the plugin is away ($refused refused)"
  else fail "$label: 0 of 3 annotated creations run unfiltered while the plugin is away" "$unfiltered ran unfiltered"; fi
  if contains "$first_err" 'validator plugin 10-seccomp' || contains "$first_err" 'required plugin' seccomp 'not present'; then
    pass "$label: the refusal names the plugin (validator plugin 10-seccomp / required plugin \"seccomp\")"
  else fail "$label: the refusal names the plugin" "$first_err"; fi
  remove_ctrs "${made[@]}"
}

# back_in_service LABEL T_BACK SYNCED MARK NAME: the plugin was resumed or
# restarted at T_BACK: it reconnects (SYNCED: its synchronized count
# before), annotated creations succeed again, protected (the time until the
# first success is a NOTE), its audit reports nothing, bystanders are fine.
back_in_service() {
  local label="$1" t_back="$2" synced="$3" mark="$4" name="$5" i ok=""
  if plugin_resynced "$synced"; then pass "$label: the plugin reconnected and synchronized"
  else fail "$label: the plugin reconnected" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; return; fi
  note "$label: reconnect (synchronized) $(gap "$t_back" "$(log_time "$E2E_PLUGIN_LOG" "$mark" synchronized)") s after the plugin was back"
  for i in $(seq 1 50); do
    if run_ctr "$GUARD_POD" "$GUARD_FILE" "$name-$i" "$FAULT_BASE"; then ok="$CTR_ID"; break; fi
    remove_ctrs "$CTR_ID"
    sleep 0.2
  done
  if [ -n "$ok" ]; then
    note "$label: annotated creations succeed again $(secs_since "$t_back") s after the plugin was back (attempt $i)"
    if ctr_unfiltered "$ok"; then fail "$label: the first container after recovery is protected" "mkdir works in ${ok:0:12}"
    else pass "$label: annotated creations succeed again after recovery, protected (mkdir denied)"; fi
  else fail "$label: annotated creations succeed again after recovery" "$CREATE_ERR"; fi
  if ! e2e_log_since "$E2E_PLUGIN_LOG" "$mark" | grep -wE 'unprotected_container' >/dev/null; then
    pass "$label: the recovery audit reports nothing unprotected"
  else fail "$label: the recovery audit reports nothing unprotected" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$mark" | grep -w unprotected_container | head -n 3)"; fi
  check_metric "$label" nri_seccomp_unprotected_containers 0
  bystanders_fine "$label" "$mark" "$E2E_PLUGIN_LOG" "$ok"
  remove_ctrs "$ok"
}

# ------------------------------------------------------------- scenarios --

# (a) SIGSTOP: the runtime's request times out (2 s) and it closes the
# plugin, but the plugin is still in that request's validator list: the
# validation fails and so does the creation. SIGCONT; the plugin reconnects.
fault_sigstop() {
  local label="(a) SIGSTOP" pid mark rt_mark synced t_back
  pid="$(cat "$E2E_PLUGIN_PIDFILE")"; mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  rt_mark="$(e2e_lines_of "$RT_LOG")"; synced="$(e2e_plugin_count synchronized)"
  kill -STOP "$pid"
  no_window "$label" a-victim
  note "$label: $RT_KIND says: $(e2e_log_since "$RT_LOG" "$rt_mark" | grep -m1 -oE 'closing plugin 10-seccomp[^"]*' | head -c 160)"
  t_back="$(now_s)"
  kill -CONT "$pid"
  back_in_service "$label" "$t_back" "$synced" "$mark" a-after
}

# (b) SIGKILL, then at once a creation: the dead plugin is still in the
# runtime's list for that request, and its validation fails on the closed
# connection; from the next request on required_plugins refuses.
fault_sigkill() {
  local label="(b) SIGKILL" mark rt_mark synced t_back
  mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"; rt_mark="$(e2e_lines_of "$RT_LOG")"
  synced="$(e2e_plugin_count synchronized)"
  e2e_plugin_stop KILL
  no_window "$label" b-victim
  if rt_log_plugin_closed "$rt_mark"; then pass "$label: $RT_KIND logs the killed plugin closed"
  else fail "$label: $RT_KIND logs the killed plugin closed" "$(e2e_log_since "$RT_LOG" "$rt_mark" | tail -n 5)"; fi
  t_back="$(now_s)"
  e2e_plugin_start
  back_in_service "$label" "$t_back" "$synced" "$mark" b-after
}

# (e) a slow plugin: every CreateContainer answered 2.5 s late (the test-only
# NRI_SECCOMP_TEST_ANSWER_DELAY_MS), past the runtime's 2 s timeout. The
# runtime closes it each time; its validation fails with it.
fault_slow_answer() {
  local label="(e) answers after 2.5 s" mark synced t_back
  e2e_plugin_stop TERM
  mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"; synced="$(e2e_plugin_count synchronized)"
  NRI_SECCOMP_TEST_ANSWER_DELAY_MS=2500 e2e_plugin_start
  if plugin_resynced "$synced"; then pass "$label: the slow instance registers"
  else fail "$label: the slow instance registers" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; fi
  no_window "$label" e-victim
  e2e_plugin_stop TERM
  synced="$(e2e_plugin_count synchronized)"; mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  t_back="$(now_s)"
  e2e_plugin_start
  back_in_service "$label" "$t_back" "$synced" "$mark" e-after
}

# (f) forged stamps. The pod tolerates the plugin's absence (as the plugin's
# own DaemonSet pod does, and as anyone can write unless admission stops
# them), so the runtime creates it while the plugin is down; its container
# carries the stamps of a protected container. The plugin's audit, once back,
# must call it unprotected - by its real policy on containerd >= 2.3, by the
# plugin's decision record elsewhere - and stop it (enforce mode).
fault_forged_stamps() {
  local label="(f) forged stamps" mark synced t_back stamp f forged=""
  stamp="$(ctr_stamp "$FIX_PROT")"
  synced="$(e2e_plugin_count synchronized)"; mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  e2e_plugin_stop KILL
  # One refused creation: the runtime drops the dead plugin from its lists.
  create_ctr "$PLAIN_POD" "$PLAIN_FILE" f-drop runtime-default && remove_ctrs "$CTR_ID"
  run_pod forger "{\"$ANN/pod\":\"block-mkdir\",\"$RT_TOLERATE_ANNOTATION\":\"true\"}"
  f="$(ctr_file f-forged "$FAULT_BASE")"
  sed -i "s|\"seccomp\":|\"annotations\":{\"$ANN/applied-profiles\":\"block-mkdir\",\"$ANN/mode\":\"enforce\",\"$ANN/policy-hash\":\"$stamp\"},\"seccomp\":|" "$f"
  if forged="$(CRI create "$POD_ID" "$f" "$POD_FILE" 2>&1)" && CRI start "$forged" >/dev/null 2>&1 && ctr_unfiltered "$forged"; then
    pass "$label: with the plugin down, a tolerated pod starts a container with copied stamps, unfiltered (mkdir works)"
  else
    fail "$label: with the plugin down, a tolerated pod starts a container with copied stamps, unfiltered" "$forged $EXEC_OUT"
    forged=""
  fi
  t_back="$(now_s)"
  e2e_plugin_start
  if ! plugin_resynced "$synced"; then fail "$label: the plugin reconnected" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; return; fi
  [ -n "$forged" ] || return
  local line
  if e2e_wait_for 5 _plugin_logged unprotected_container "$forged" "$E2E_PLUGIN_LOG" "$mark"; then
    line="$(plugin_lines unprotected_container "$forged" "$E2E_PLUGIN_LOG" "$mark" | tail -n 1)"
    note "$label: the audit says: $(grep -oE 'lacks=.*' <<<"$line" | head -c 300)"
    if contains "$line" pod=forger action=evict 'no record of deciding this container' 'never decided that for it'; then
      pass "$label: the audit judges the stamped container unprotected by the plugin's record (the stamps are not evidence)"
    else fail "$label: the audit judges the stamped container unprotected by the plugin's record" "$line"; fi
    # containerd >= 2.3 reports the container's real policy: the audit names what it lets through.
    if [ "$RT_KIND" = containerd ] && e2e_version_ge "$RT_VERSION" 2.3.0; then
      if contains "$line" 'reports its real seccomp policy, which lets mkdir'; then pass "$label: on $RT_KIND $RT_VERSION the audit cites the real policy (it lets mkdir through)"
      else fail "$label: on $RT_KIND $RT_VERSION the audit cites the real policy" "$line"; fi
    fi
  else fail "$label: the audit judges the stamped container unprotected" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$mark" | grep -wE 'recovery_audit|unprotected_container|stale_container' | tail -n 4)"; fi
  if e2e_wait_for 10 ctr_exited "$forged"; then pass "$label: the forged container is stopped"
  else fail "$label: the forged container is stopped" "state $(ctr_state "$forged")"; fi
  # The real stamps of the protected bystander stay evidence-backed.
  bystanders_fine "$label" "$mark" "$E2E_PLUGIN_LOG"
  remove_ctrs "$forged"
}

# (c) runtime restart under a running plugin: every stamp must survive into
# the new Synchronize, so nothing is reported or evicted. runtime_restarted
# (cri_scenarios.sh) does the restart and its own checks on PLAIN_*.
fault_runtime_restart() {
  local label="(c) $RT_KIND restart" mark evictions
  mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"; evictions="$(plugin_metric nri_seccomp_evictions_total)"
  runtime_restarted || return
  if ! e2e_log_since "$E2E_PLUGIN_LOG" "$mark" | grep -qwE 'unprotected_container|eviction_sent'; then
    pass "$label: the audit after the restart reports nothing unprotected and evicts nothing"
  else fail "$label: the audit after the restart reports nothing unprotected and evicts nothing" \
    "$(e2e_log_since "$E2E_PLUGIN_LOG" "$mark" | grep -wE 'unprotected_container|eviction_sent')"; fi
  check_metric "$label" nri_seccomp_unprotected_containers 0
  check_metric "$label" nri_seccomp_evictions_total "${evictions:-0}"
  POD_ID="$GUARD_POD"; POD_FILE="$GUARD_FILE"; MATRIX_POD=guarded
  check_applied "$label: annotated container created after it" c-after "$FAULT_BASE" block-mkdir
  bystanders_fine "$label" "$mark" "$E2E_PLUGIN_LOG" "$CTR_ID"
}

# (d) rolling replace: a new instance (same name and index, its own log)
# registers next to the old one; creations while both run; the old one gets
# SIGTERM; creations after. NRI's adaptation (v0.12) accepts the second
# plugin of the same name without a check and calls both; two plugins
# setting the same field of one container is an ownership conflict.
NEW_PLUGIN_LOG=""
NEW_PLUGIN_PIDFILE=""
fault_rolling_replace() {
  local label="(d) rolling replace" rt_mark mark old_log="$E2E_PLUGIN_LOG"
  rt_mark="$(e2e_lines_of "$RT_LOG")"; mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  NEW_PLUGIN_LOG="$RUN/plugin-new.log"; NEW_PLUGIN_PIDFILE="$E2E_WORK/plugin-new.pid"
  E2E_PLUGIN_LOG="$NEW_PLUGIN_LOG" E2E_PLUGIN_PIDFILE="$NEW_PLUGIN_PIDFILE" e2e_plugin_start
  if E2E_PLUGIN_LOG="$NEW_PLUGIN_LOG" e2e_plugin_wait_synced 1; then pass "$label: the second instance registers while the first runs"
  else fail "$label: the second instance registers while the first runs" "$(tail -n 8 "$NEW_PLUGIN_LOG")"; fi
  e2e_wait_for 3 rt_log_plugin_synced "$rt_mark"
  note "$label: $RT_KIND calls both, in this order: $(e2e_log_since "$RT_LOG" "$rt_mark" | grep -oE '#[0-9]+: [^(]*\(external:10-seccomp\[[0-9]+\]\)' | tail -n 2 | tr -d '\\' | tr '\n' ' ')"
  local made=()
  replace_creation "$label: with both instances" d-both
  [ -z "$CTR_ID" ] || made+=("$CTR_ID")
  if run_ctr "$PLAIN_POD" "$PLAIN_FILE" d-both-plain runtime-default; then made+=("$CTR_ID")
    pass "$label: with both instances, an unannotated container is created"
  else fail "$label: with both instances, an unannotated container is created" "$CREATE_ERR"; fi
  e2e_plugin_stop TERM
  replace_creation "$label: after the old instance stopped" d-after
  [ -z "$CTR_ID" ] || made+=("$CTR_ID")
  # From here on the new instance is the plugin (final checks, cleanup).
  mv -f "$NEW_PLUGIN_PIDFILE" "$E2E_PLUGIN_PIDFILE"; E2E_PLUGIN_LOG="$NEW_PLUGIN_LOG"
  if ! grep -qw unprotected_container "$NEW_PLUGIN_LOG"; then pass "$label: the new instance's audit finds nothing unprotected"
  else fail "$label: the new instance's audit finds nothing unprotected" "$(grep -w unprotected_container "$NEW_PLUGIN_LOG")"; fi
  check_metric "$label" nri_seccomp_unprotected_containers 0
  bystanders_fine "$label" 0 "$NEW_PLUGIN_LOG" "${made[@]}"
  bystanders_fine "$label (old instance's log)" "$mark" "$old_log" "${made[@]}"
}

# replace_creation LABEL NAME: an annotated container in the guarded pod
# must be refused or come out protected, never unprotected. CTR_ID: the
# running container, if any.
replace_creation() {
  local label="$1" name="$2" t0; t0="$(now_s)"
  if ! create_ctr "$GUARD_POD" "$GUARD_FILE" "$name" "$FAULT_BASE"; then
    note "$label: annotated container refused after $(secs_since "$t0") s: $(why_refused)"
    pass "$label: the annotated container is not created unprotected (refused)"
    return
  fi
  CRI start "$CTR_ID" >/dev/null 2>&1
  if ctr_unprotected "$CTR_ID"; then fail "$label: the annotated container is not created unprotected" "${CTR_ID:0:12} runs with mkdir allowed, no stamp"
  else
    note "$label: annotated container created in $(secs_since "$t0") s with stamp $(ctr_stamp "$CTR_ID")"
    pass "$label: the annotated container is not created unprotected (protected: mkdir denied or stamped)"
  fi
}

# faults_cleanup: the second instance, when a run ends inside (d).
faults_cleanup() {
  [ -z "$NEW_PLUGIN_PIDFILE" ] || E2E_PLUGIN_PIDFILE="$NEW_PLUGIN_PIDFILE" e2e_plugin_stop KILL
}

# fault_scenarios: everything, in order, against the runtime rt_init chose.
fault_scenarios() {
  cri_binaries_present || return
  # CRI-O 1.36 refuses RuntimeDefault-based policies (its NRI crashes on the
  # errno of the merged clone3 rule): Unconfined-based containers there.
  FAULT_BASE=runtime-default
  [ "$(expect runtime-default)" = apply ] || FAULT_BASE=unconfined
  [ "$(expect "$FAULT_BASE")" = apply ] || { fail "$RT_KIND $RT_VERSION: fault scenarios need a base the plugin applies ($(expect unconfined))"; return; }
  [ "$(expect validator)" = yes ] || { fail "$RT_KIND $RT_VERSION: fault scenarios need NRI's default validator"; return; }
  note "$RT_KIND $RT_VERSION: annotated containers on base $FAULT_BASE; required_plugins = [\"seccomp\"]; request timeout 2 s"
  write_fault_policy
  # (f) needs a pod that tolerates the plugin's absence, as the DaemonSet's does.
  export RT_TOLERATE_ANNOTATION="tolerate-missing-plugins.noderesource.dev"
  E2E_PLUGIN_METRICS=127.0.0.1:0
  E2E_AFTER_CHECK=runtime_still_alive
  start_runtime || return
  plugin_registers
  fault_fixtures
  fault_sigstop
  fault_sigkill
  fault_slow_answer
  fault_forged_stamps
  fault_runtime_restart
  fault_rolling_replace
  note "$RT_KIND $RT_VERSION: containers created unfiltered while the plugin was away, over (a), (b) and (e): $UNFILTERED_TOTAL"
  plugin_still_running
  alive_throughout
}
