# shellcheck shell=bash
# Fault injection (issue 10): the plugin or the runtime fails while pods are
# created, with `required_plugins = ["seccomp"]` as the drivers configure it.
#   (a) the plugin is SIGSTOPped past the runtime's 2 s request timeout;
#   (b) the plugin is SIGKILLed and restarted;
#   (c) the runtime restarts under a running plugin;
#   (d) a rolling replace: a second instance of the plugin (same name and
#       index) starts, then the old one stops, with creations in between.
# Throughout, three bystanders run: a protected annotated container, an
# annotated container of an exempt pod and an unannotated one. For (a) and
# (b) the suite measures the window the runtime leaves open (creations that
# pass without the plugin, and how long), then whether the plugin's recovery
# audit finds what was created unprotected and has it stopped, and how fast.
# Timings are NOTE lines, never assertions. Sourced by run.sh after
# cri_scenarios.sh, whose helpers (pods, containers, exec, liveness) it uses.

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
  if [ -n "$(ctr_stamp "$FIX_PROT")" ]; then pass "$RT_KIND: the protected container carries the plugin's $ANN/policy-hash stamp (what the audit checks)"
  else fail "$RT_KIND: the protected container carries the plugin's $ANN/policy-hash stamp (what the audit checks)" "$(ctr_get "$FIX_PROT" /info/info/runtimeSpec/annotations)"; fi
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

# ---------------------------------------------------------- the two holes --

# hole_window LABEL NAME: with the plugin away, creates annotated containers
# NAME-1, NAME-2, ... in the guarded pod until the runtime refuses one (at
# most 3), timing each: how much the runtime's required_plugins lets
# through. The created ones are started and left in HOLE_IDS.
hole_window() {
  local label="$1" name="$2" i t_open t0
  HOLE_IDS=()
  t_open="$(now_s)"
  for i in 1 2 3; do
    t0="$(now_s)"
    if ! create_ctr "$GUARD_POD" "$GUARD_FILE" "$name-$i" "$FAULT_BASE"; then
      note "$label: creation $i refused after $(secs_since "$t0") s: $(why_refused)"
      break
    fi
    local took; took="$(secs_since "$t0")"
    HOLE_IDS+=("$CTR_ID")
    CRI start "$CTR_ID" >/dev/null 2>&1 || note "$label: $name-$i created but does not start"
    if ctr_unprotected "$CTR_ID"; then
      note "$label: creation $i ($name-$i, ${CTR_ID:0:12}) went through in $took s and runs UNPROTECTED: mkdir works, no policy-hash stamp"
    else note "$label: creation $i ($name-$i) went through in $took s, protected ($(ctr_stamp "$CTR_ID"))"; fi
  done
  note "$label: window measured: ${#HOLE_IDS[@]} annotated creation(s) passed required_plugins; $(secs_since "$t_open") s from the first creation to the refusal"
  if contains "$CREATE_ERR" 'required plugin' seccomp 'not present'; then
    pass "$label: the runtime fails closed after the window (creation $(( ${#HOLE_IDS[@]} + 1 )): required plugin \"seccomp\" not present)"
  else fail "$label: the runtime fails closed after the window" "created: ${#HOLE_IDS[@]}; last error: $CREATE_ERR"; fi
}

# recovery TAG LABEL T_BACK SYNCED MARK: the plugin was resumed or restarted at
# T_BACK; it must reconnect (SYNCED: its synchronized count before), its
# audit must report every container in HOLE_IDS, and the next creation (an
# unannotated one, as on any busy node) must carry the evictions, after
# which the runtime stops them. MARK: the plugin log's length before.
recovery() {
  local tag="$1" label="$2" t_back="$3" synced="$4" mark="$5" t_sync cid evictions
  if ! plugin_resynced "$synced"; then fail "$label: the plugin reconnected" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; return; fi
  pass "$label: the plugin reconnected and synchronized"
  t_sync="$(log_time "$E2E_PLUGIN_LOG" "$mark" synchronized)"
  note "$label: reconnect (synchronized) $(gap "$t_back" "$t_sync") s after the plugin was back"
  evictions="$(plugin_metric nri_seccomp_evictions_total)"
  for cid in "${HOLE_IDS[@]}"; do audit_reports "$label" "$cid" "$mark" "$t_sync"; done
  check_metric "$label" nri_seccomp_unprotected_containers "${#HOLE_IDS[@]}"
  local t_trigger trigger=""
  t_trigger="$(now_s)"
  if run_ctr "$PLAIN_POD" "$PLAIN_FILE" "$tag-trigger" runtime-default; then
    trigger="$CTR_ID"
    pass "$label: the next creation (unannotated) succeeds"
  else fail "$label: the next creation (unannotated) succeeds" "$CREATE_ERR"; fi
  note "$label: next creation $(gap "$t_sync" "$t_trigger") s after the reconnect (NRI's evict rides on it; the plugin's own kill at the audit does not wait for it)"
  for cid in "${HOLE_IDS[@]}"; do eviction_done "$label" "$cid" "$mark" "$t_sync"; done
  [ "${#HOLE_IDS[@]}" -eq 0 ] || check_metric "$label" nri_seccomp_evictions_total "$(( ${evictions:-0} + ${#HOLE_IDS[@]} ))"
  bystanders_fine "$label" "$mark" "$E2E_PLUGIN_LOG" "$trigger"
  remove_ctrs "${HOLE_IDS[@]}"
}

# audit_reports LABEL CID MARK T_SYNC: one unprotected_container line for
# CID with the fields the issue asks for and action=evict (enforce mode).
audit_reports() {
  local label="$1" cid="$2" line
  if e2e_wait_for 5 _plugin_logged unprotected_container "$cid" "$E2E_PLUGIN_LOG" "$3"; then
    note "$label: audit reported ${cid:0:12} $(gap "$4" "$(log_time "$E2E_PLUGIN_LOG" "$3" unprotected_container "$cid")") s after the reconnect"
    line="$(plugin_lines unprotected_container "$cid" "$E2E_PLUGIN_LOG" "$3" | tail -n 1)"
    if contains "$line" namespace=default pod=guarded container= lacks= action=evict stopped=killed; then
      pass "$label: the audit logs unprotected_container for ${cid:0:12} (namespace, pod, container, lacks, action=evict, stopped=killed)"
    else fail "$label: the audit logs unprotected_container for ${cid:0:12} (namespace, pod, container, lacks, action=evict, stopped=killed)" "$line"; fi
  else fail "$label: the audit logs unprotected_container for ${cid:0:12}" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$3" | tail -n 6)"; fi
}

# eviction_done LABEL CID MARK T_SYNC: the plugin sent the eviction and the
# container is stopped (CRI state EXITED): the runtimes never get NRI's evict,
# the plugin kills the container's init itself at the audit. T_SYNC: the
# reconnect's time, from the plugin's log.
eviction_done() {
  local label="$1" cid="$2"
  if e2e_wait_for 5 _plugin_logged eviction_sent "$cid" "$E2E_PLUGIN_LOG" "$3"; then
    pass "$label: the plugin logs eviction_sent for ${cid:0:12}"
    note "$label: eviction of ${cid:0:12} sent $(gap "$4" "$(log_time "$E2E_PLUGIN_LOG" "$3" eviction_sent "$cid")") s after the reconnect"
  else fail "$label: the plugin logs eviction_sent for ${cid:0:12}" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$3" | tail -n 4)"; fi
  if e2e_wait_for 10 ctr_exited "$cid"; then
    pass "$label: the unprotected container ${cid:0:12} is stopped (the plugin killed its init; CRI state EXITED)"
    note "$label: ${cid:0:12} EXITED $(gap "$4" "$(awk -v ns="$(ctr_get "$cid" /finishedAt)" 'BEGIN {printf "%.3f", ns / 1e9}')") s after the reconnect (its finishedAt)"
  else
    fail "$label: the unprotected container ${cid:0:12} is stopped (the plugin killed its init; CRI state EXITED)" \
      "state $(ctr_state "$cid") after 10 s (NRI's adaptation drops CreateContainerResponse.evict, see tools/evict_probe.py; the plugin's kill needs the host pid namespace)"
    note "$label: ${cid:0:12} still runs unprotected; the plugin's gauge now says $(plugin_metric nri_seccomp_unprotected_containers)"
  fi
}

# ------------------------------------------------------------- scenarios --

# (a) SIGSTOP: the runtime's request times out (2 s), it closes the plugin
# and creates the container without it; SIGCONT; the plugin reconnects.
fault_sigstop() {
  local label="(a) SIGSTOP" pid mark rt_mark synced t_back
  pid="$(cat "$E2E_PLUGIN_PIDFILE")"; mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  rt_mark="$(e2e_lines_of "$RT_LOG")"; synced="$(e2e_plugin_count synchronized)"
  kill -STOP "$pid"
  hole_window "$label" a-victim
  note "$label: $RT_KIND says: $(e2e_log_since "$RT_LOG" "$rt_mark" | grep -m1 -oE 'closing plugin 10-seccomp[^"]*' | head -c 160)"
  t_back="$(now_s)"
  kill -CONT "$pid"
  recovery a "$label" "$t_back" "$synced" "$mark"
}

# (b) SIGKILL: the dead plugin is still in the runtime's list for one more
# request, which passes without it; then the plugin is started again.
fault_sigkill() {
  local label="(b) SIGKILL" mark rt_mark synced t_back
  mark="$(e2e_lines_of "$E2E_PLUGIN_LOG")"; rt_mark="$(e2e_lines_of "$RT_LOG")"
  synced="$(e2e_plugin_count synchronized)"
  e2e_plugin_stop KILL
  hole_window "$label" b-victim
  if rt_log_plugin_closed "$rt_mark"; then pass "$label: $RT_KIND logs the killed plugin closed"
  else fail "$label: $RT_KIND logs the killed plugin closed" "$(e2e_log_since "$RT_LOG" "$rt_mark" | tail -n 5)"; fi
  t_back="$(now_s)"
  e2e_plugin_start
  recovery b "$label" "$t_back" "$synced" "$mark"
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
  E2E_PLUGIN_METRICS=127.0.0.1:0
  E2E_AFTER_CHECK=runtime_still_alive
  start_runtime || return
  plugin_registers
  fault_fixtures
  fault_sigstop
  fault_sigkill
  fault_runtime_restart
  fault_rolling_replace
  plugin_still_running
  alive_throughout
}
