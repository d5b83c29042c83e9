# shellcheck shell=bash
# Runtime-launched mode on the real runtimes (issue 11, item 3). The shipped
# deploy/host/10-seccomp wrapper and deploy/host/10-seccomp.conf policy go
# into the runtime's own NRI plugin and plugin-config folders (the driver's
# RT_NRI_PLUGIN_DIR / RT_NRI_CONF_DIR, which its config names), with only
# their system paths swapped for this run's and the conf's mode set to
# enforce. Nothing here starts the plugin: the runtime does, or no check passes.
#   1. the runtime launches it: its log (discovered, registered with the
#      plugin's pid, synchronized), the process is the runtime's child with
#      the three NRI_PLUGIN_* variables and fd 3;
#   2. its policy is the conf text the runtime handed over (Configure),
#      shown by the plugin's log and by the conf's own rules;
#   3. an annotated pod gets block-mkdir; unannotated and exempt pods not;
#   4. a runtime restart ends that instance and launches a new one;
#   5. the plugin SIGKILLed under a running runtime: not relaunched; what the
#      next creations get with required_plugins = ["seccomp"];
#   6. recovery the documented way: a runtime restart launches it again;
#   7. the same kill without required_plugins (the driver's RT_NO_VALIDATOR):
#      only the plugin's own validation of the first creation stands.
# Sourced by run.sh after cri_scenarios.sh (pods, containers, exec, liveness)
# and fault_scenarios.sh (why_refused); now_s and gap are in common.sh.

HOST_DIR="$src/deploy/host"
LAUNCH_DIR="$RUN/launched"
LAUNCH_PROFILES="$LAUNCH_DIR/profiles"
# Every instance this run's runtimes launch carries this on its command line.
LAUNCH_NEEDLE="$NRI_SECCOMP_BIN run --profiles-dir $LAUNCH_PROFILES"
LAUNCH_WRAPPER=""  # set by launched_scenarios once the driver named its folders
LAUNCH_CONF=""
LAUNCHED_PID=""    # the instance the runtime launched last
LAUNCH_TIMES=()    # "phase: N s" for the closing NOTE

# ------------------------------------------------------ the shipped files --

# launched_paths: each system path of the shipped wrapper, "|", what this
# run uses instead. The journal socket becomes a path that never exists, so
# the wrapper takes its log-file branch on hosts with journald too (the
# checks read the plugin's log from that file).
launched_paths() {
  printf '%s|%s\n' /usr/local/bin/nri-seccomp "$NRI_SECCOMP_BIN" \
    /etc/nri-seccomp/profiles "$LAUNCH_PROFILES" \
    /var/log/nri-seccomp.log "$E2E_PLUGIN_LOG" \
    /var/lib/nri-seccomp "$LAUNCH_DIR/state" \
    /run/systemd/journal/stdout "$LAUNCH_DIR/no-journal"
}

# swap_paths forward|back FILE: FILE with every path of launched_paths
# replaced literally (forward: system -> run; back: run -> system).
swap_paths() {
  local sys run from to script=""
  while IFS='|' read -r sys run; do
    if [ "$1" = forward ]; then from="$sys"; to="$run"; else from="$run"; to="$sys"; fi
    script+="s#$(sed 's/[][\.*^$#]/\\&/g' <<<"$from")#$(sed 's/[\&#]/\\&/g' <<<"$to")#g;"
  done < <(launched_paths)
  sed "$script" "$2"
}

# launched_install: profiles as docs/operations.md installs them (config's,
# then the DaemonSet's must-block over config's), the wrapper into the
# runtime's plugin folder, the conf into its plugin-config folder.
launched_install() {
  mkdir -p "$LAUNCH_PROFILES" "$RT_NRI_PLUGIN_DIR" "$RT_NRI_CONF_DIR"
  cp "$src"/config/profiles/*.json "$LAUNCH_PROFILES/"
  cp "$src/deploy/kubernetes/base/profiles/must-block.json" "$LAUNCH_PROFILES/"
  swap_paths forward "$HOST_DIR/10-seccomp" > "$LAUNCH_WRAPPER"
  chmod 0755 "$LAUNCH_WRAPPER"
  # The shipped conf is complain mode (the rollout step); refusals need enforce.
  sed -E 's/^(  mode: )complain/\1enforce /' "$HOST_DIR/10-seccomp.conf" > "$LAUNCH_CONF"
  chmod 0644 "$LAUNCH_CONF"
}

# installed_files_checked: what the test runs is the shipped files, changed
# only where it must be: the wrapper maps back onto deploy/host/10-seccomp
# byte for byte and holds none of the system paths; the conf differs in
# its mode line alone.
installed_files_checked() {
  local sys run left=""
  while IFS='|' read -r sys run; do
    grep -qF -- "$sys" "$HOST_DIR/10-seccomp" || left+="shipped wrapper lacks $sys; "
    grep -qF -- "$sys" "$LAUNCH_WRAPPER" && left+="installed wrapper still has $sys; "
  done < <(launched_paths)
  if [ -z "$left" ] && cmp -s "$HOST_DIR/10-seccomp" <(swap_paths back "$LAUNCH_WRAPPER"); then
    pass "install: $RT_NRI_PLUGIN_DIR/10-seccomp is deploy/host/10-seccomp with only its binary, profile folder, log file and journal socket paths swapped"
  else fail "install: $RT_NRI_PLUGIN_DIR/10-seccomp is deploy/host/10-seccomp with only its paths swapped" \
    "$left$(diff "$HOST_DIR/10-seccomp" "$LAUNCH_WRAPPER")"; fi
  local changed; changed="$(diff "$HOST_DIR/10-seccomp.conf" "$LAUNCH_CONF" | grep -E '^[<>]')"
  if [ "$(grep -c . <<<"$changed")" = 2 ] && grep -qE '^<   mode: complain' <<<"$changed" \
     && grep -qE '^>   mode: enforce' <<<"$changed"; then
    pass "install: $RT_NRI_CONF_DIR/10-seccomp.conf is deploy/host/10-seccomp.conf with defaults.mode complain -> enforce, nothing else"
  else fail "install: $RT_NRI_CONF_DIR/10-seccomp.conf differs from the shipped conf in mode only" "$changed"; fi
}

# launched_cleanup (run.sh's exit trap, after rt_cleanup): an instance left
# by a runtime that died is stopped, and the installed files go, so a later
# suite in the same E2E_WORK never has its runtime launch them.
launched_cleanup() {
  local pid
  for pid in $(e2e_pids_with "$NRI_SECCOMP_BIN run --profiles-dir $E2E_WORK/run-launched-"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -z "$LAUNCH_WRAPPER" ] || rm -f "$LAUNCH_WRAPPER" "$LAUNCH_CONF"
}

# ------------------------------------------------------------- what we see --

# Pipelines end in `grep >/dev/null`, never `grep -q`: under pipefail a
# grep that stops at its first match makes a long log's producer fail (SIGPIPE).

# NRI's adaptation (v0.12.0, pkg/adaptation) logs through both runtimes'
# logrus text (quotes escaped): `discovered plugin 10-seccomp`, `plugin
# "pre-connected:10-seccomp[PID]" registered as "10-seccomp"`, `pre-installed
# NRI plugin "10-seccomp" synchronization success`. PID is SO_PEERCRED of
# the socketpair, which names the process that created the pair: the
# runtime itself, not the plugin. rt_log_plugin_synced looks for an
# external plugin's lines.

# registered_pid SINCE: the PID of the last "pre-connected:10-seccomp[PID]"
# registration after line SINCE of the runtime's log.
registered_pid() {
  e2e_log_since "$RT_LOG" "$1" | sed -nE 's/.*pre-connected:10-seccomp\[([0-9]+)\].*registered as.*/\1/p' | tail -n 1
}
# launch_synced SINCE: after line SINCE, a launched 10-seccomp registered and synchronized.
launch_synced() {
  [ -n "$(registered_pid "$1")" ] &&
    e2e_log_since "$RT_LOG" "$1" | grep -E 'pre-installed NRI plugin \\?"10-seccomp\\?" synchronization success' >/dev/null
}
# instances: pids of this run's launched plugins (a zombie has no command line: gone).
instances() { e2e_pids_with "$LAUNCH_NEEDLE"; }
instance_gone() { ! e2e_pid_runs "$1" "$LAUNCH_NEEDLE"; }
# relaunched SINCE: a launched plugin runs, or one registered after line SINCE.
relaunched() { [ -n "$(instances)" ] || [ -n "$(registered_pid "$1")" ]; }

# started_at PID: when PID was exec'd (wall clock, now_s form), from its
# start tick and the uptime (10 ms resolution).
started_at() {
  local ticks; ticks="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}')"
  [ -n "$ticks" ] || return 0
  awk -v now="$(now_s)" -v up="$(cut -d' ' -f1 /proc/uptime)" -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.3f", now - up + t / hz}'
}

# event_line SINCE EVENT: the plugin's first JSON log line of EVENT after line SINCE.
event_line() { e2e_log_since "$E2E_PLUGIN_LOG" "$1" | grep -F "\"event\":\"$2\"" | head -n 1; }
# event_time SINCE EVENT: that line's "ts", in now_s form.
event_time() {
  local ts; ts="$(event_line "$1" "$2" | sed -nE 's/^\{"ts":"([^"]+)".*/\1/p')"
  [ -n "$ts" ] && date -d "$ts" +%s.%3N
}

# ------------------------------------------------------------------ steps --

# launched_started LABEL RT_SINCE SINCE: the runtime (started since line
# RT_SINCE of its log) launched the plugin (whose log starts after line
# SINCE): its own log, the process's parent, environment and fd 3, the
# plugin's view. Sets LAUNCHED_PID; records the times.
launched_started() {
  local label="$1" rt_since="$2" since="$3" pid rt ppid env
  LAUNCHED_PID=""
  if e2e_wait_for 10 launch_synced "$rt_since" && e2e_log_since "$RT_LOG" "$rt_since" | grep 'discovered plugin 10-seccomp' >/dev/null; then
    pass "$label: $RT_KIND's log: discovered plugin 10-seccomp in $RT_NRI_PLUGIN_DIR, registered as 10-seccomp, synchronization success"
  else fail "$label: $RT_KIND's log shows 10-seccomp discovered, registered and synchronized" \
    "$(e2e_log_since "$RT_LOG" "$rt_since" | grep -iE 'nri|plugin' | tail -n 8)"; return 1; fi
  rt="$(rt_pid)"
  [ "$(registered_pid "$rt_since")" = "$rt" ] && note "$label: the pid in that registration line is $RT_KIND's own ($rt): SO_PEERCRED of a socketpair names its creator"
  pid="$(instances | tr '\n' ' ')"; pid="${pid% }"
  ppid="$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && e2e_pid_runs "$pid" "$LAUNCH_NEEDLE --log-format json" && [ -n "$rt" ] && [ "$ppid" = "$rt" ]; then
    pass "$label: one process runs '$NRI_SECCOMP_BIN run --profiles-dir ... --log-format json' (the wrapper exec'd it): pid $pid, its parent is $RT_KIND (pid $rt)"
  else fail "$label: one plugin process, a child of $RT_KIND" \
    "pids=$pid ppid=$ppid runtime=$rt cmdline=$(tr '\0' ' ' < "/proc/${pid%% *}/cmdline" 2>/dev/null)"; return 1; fi
  env="$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sort)"
  if [ "$(grep '^NRI_PLUGIN_' <<<"$env" | tr '\n' ' ')" = "NRI_PLUGIN_IDX=10 NRI_PLUGIN_NAME=seccomp NRI_PLUGIN_SOCKET=3 " ] &&
     [[ "$(readlink "/proc/$pid/fd/3")" == socket:* ]]; then
    pass "$label: $RT_KIND passed NRI_PLUGIN_IDX=10, NRI_PLUGIN_NAME=seccomp, NRI_PLUGIN_SOCKET=3 and fd 3 is a socket"
    note "$label: the plugin's whole environment: $(cut -d= -f1 <<<"$env" | tr '\n' ' ')"
  else fail "$label: $RT_KIND passed the three NRI_PLUGIN_* variables and a socket as fd 3" "$env fd3=$(readlink "/proc/$pid/fd/3")"; fi
  if e2e_wait_for 5 _synced_since "$since" && event_line "$since" daemon_started | grep -F '"mode":"runtime-launched"' >/dev/null &&
     event_line "$since" connecting | grep -F '"socket":"fd 3"' >/dev/null; then
    pass "$label: the plugin's log: daemon_started mode=runtime-launched, connecting on fd 3, synchronized"
  else fail "$label: the plugin's log shows it runtime-launched on fd 3 and synchronized" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$since" | tail -n 6)"; fi
  LAUNCHED_PID="$pid"
  record_times "$label" "$rt" "$pid" "$since"
}
_synced_since() { [ -n "$(event_line "$1" synchronized)" ]; }

# record_times LABEL RT_PID PID SINCE: runtime exec -> plugin exec -> plugin
# synchronized (its log's own time), NOTE lines.
record_times() {
  local t_rt t_plugin t_sync
  t_rt="$(started_at "$2")"; t_plugin="$(started_at "$3")"; t_sync="$(event_time "$4" synchronized)"
  note "$1: $RT_KIND started -> plugin launched $(gap "$t_rt" "$t_plugin") s -> synchronized $(gap "$t_rt" "$t_sync") s after the runtime's start"
  LAUNCH_TIMES+=("$1: $(gap "$t_rt" "$t_sync") s")
}

# policy_from_conf SINCE: the policy in force is the conf's text, handed
# over by the runtime: the plugin has no --config, got exactly the conf's
# bytes in Configure and loaded them as its policy.
policy_from_conf() {
  local bytes; bytes="$(wc -c < "$LAUNCH_CONF")"
  if event_line "$1" configured | grep -F "\"config_bytes\":$bytes" >/dev/null; then
    pass "policy: the runtime's Configure carried $bytes bytes, the size of $RT_NRI_CONF_DIR/10-seccomp.conf"
  else fail "policy: the runtime's Configure carried the conf's $bytes bytes" "$(event_line "$1" configured)"; fi
  # The first policy_loaded (at start, before Configure) has no config; the
  # one Configure triggers must be the conf's.
  local loaded; loaded="$(e2e_log_since "$E2E_PLUGIN_LOG" "$1" | grep -F '"event":"policy_loaded"')"
  if grep -F '"config":"from runtime Configure"' <<<"$loaded" | grep -F "\"profile_dirs\":\"$LAUNCH_PROFILES\"" | grep -F '"rules":1' >/dev/null; then
    pass "policy: policy_loaded config=\"from runtime Configure\" (its one rule), profiles from the wrapper's folder"
  else fail "policy: policy_loaded names the runtime's Configure text as its config" "$loaded"; fi
}

# stamp CID: the plugin's applied-profiles annotation in the container's OCI spec.
stamp() { ctr_get "$1" "/info/info/runtimeSpec/annotations/$ANN~1applied-profiles"; }

# pods_get_profiles SINCE: an annotated pod gets block-mkdir (plus the
# conf's mandatory must-block); an unannotated one only must-block; an
# annotated kube-system pod nothing (the conf's exempt rule). The last two
# are what only this conf gives: with no policy the first would carry no
# stamp and the second would get block-mkdir. Leaves PLAIN_* and GUARD_*.
pods_get_profiles() {
  local label
  run_pod plain '{"team":"e2e"}'
  PLAIN_POD="$POD_ID"; PLAIN_FILE="$POD_FILE"; PLAIN_CTR=""; PLAIN_UNSHARE=""
  label="$RT_KIND: unannotated pod default/plain"
  if run_ctr "$PLAIN_POD" "$PLAIN_FILE" app runtime-default; then
    PLAIN_CTR="$CTR_ID"
    exec_in "$PLAIN_CTR" sh -c "mkdir /tmp/d && echo mkdir-ok; $PROBE"
    if contains "$EXEC_OUT" mkdir-ok thread-ok && [ "$(stamp "$PLAIN_CTR")" = must-block ]; then
      pass "$label: no block-mkdir (mkdir works, threads start); only the conf's mandatory profile (applied-profiles=must-block)"
    else fail "$label: no block-mkdir, only the conf's mandatory must-block" "stamp=$(stamp "$PLAIN_CTR") $EXEC_OUT"; fi
    PLAIN_UNSHARE="$(try_unshare "$PLAIN_CTR")"
  else fail "$label: created and started" "$CREATE_ERR"; fi

  run_pod system "{\"$ANN/pod\":\"block-mkdir\"}" kube-system
  label="$RT_KIND: annotated pod kube-system/system"
  if run_ctr "$POD_ID" "$POD_FILE" app runtime-default; then
    exec_in "$CTR_ID" sh -c 'mkdir /tmp/d && echo mkdir-ok'
    if contains "$EXEC_OUT" mkdir-ok && [ -z "$(stamp "$CTR_ID")" ] &&
       [ "$(rt_spec_seccomp "$CTR_ID" | "$E2E_JSON_BIN" get - /defaultAction 2>&1)" = SCMP_ACT_ERRNO ]; then
      pass "$label: untouched by the conf's exempt rule (mkdir works, no stamp, the runtime's own RuntimeDefault)"
    else fail "$label: untouched by the conf's exempt rule" "stamp=$(stamp "$CTR_ID") $EXEC_OUT"; fi
  else fail "$label: created and started" "$CREATE_ERR"; fi

  run_pod guarded "{\"$ANN/pod\":\"block-mkdir\"}"
  GUARD_POD="$POD_ID"; GUARD_FILE="$POD_FILE"
  guarded_gets_profile "$RT_KIND: annotated pod default/guarded" app "$1"
}

# guarded_gets_profile LABEL NAME SINCE: a new container in the guarded pod
# runs with block-mkdir (EPERM), the thread probe works, RuntimeDefault's
# own denials hold, its stamp names both profiles, the plugin decided it
# in enforce mode (its log after line SINCE).
guarded_gets_profile() {
  local label="$1"
  POD_ID="$GUARD_POD"; POD_FILE="$GUARD_FILE"
  check_applied "$label" "$2" runtime-default block-mkdir
  [ -n "$CTR_ID" ] || return 0
  local got; got="$(stamp "$CTR_ID")"
  if contains ",$got," ,block-mkdir, ,must-block,; then pass "$label: applied-profiles=$got (annotation plus the conf's mandatory)"
  else fail "$label: applied-profiles names block-mkdir and must-block" "$got"; fi
  if e2e_log_since "$E2E_PLUGIN_LOG" "$3" | grep -F '"event":"decision"' | grep -F '"pod":"guarded"' | grep -F "\"container\":\"$2\"" |
     grep -F '"outcome":"applied"' | grep -F '"mode":"enforce"' >/dev/null; then pass "$label: the plugin's decision: applied, mode enforce (the conf's, not the shipped complain)"
  else fail "$label: the plugin's decision: applied, mode enforce" "$(e2e_log_since "$E2E_PLUGIN_LOG" "$3" | grep -F '"event":"decision"' | tail -n 2)"; fi
}

# restart_runtime LABEL: rt_stop (the launched instance must end with it),
# rt_start, the new launch checked. Returns non-zero when it did not start.
restart_runtime() {
  local label="$1" old="$LAUNCHED_PID" rt_since since
  rt_since="$(e2e_lines_of "$RT_LOG")"; since="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  RT_SHOULD_RUN=0
  rt_stop
  if [ -n "$old" ]; then
    if e2e_wait_for 5 instance_gone "$old"; then
      pass "$label: stopping $RT_KIND ended the instance it had launched (pid $old)"
      local events; events="$(e2e_log_since "$E2E_PLUGIN_LOG" "$since" | sed -nE 's/.*"event":"([^"]+)".*/\1/p' | tr '\n' ' ')"
      note "$label: that instance's log on the way out: ${events:-nothing (killed without a word)}"
    else fail "$label: stopping $RT_KIND ended the instance it had launched (pid $old)" "$(tr '\0' ' ' < "/proc/$old/cmdline")"; fi
  fi
  if ! rt_start 2>/dev/null; then fail "$label: $RT_KIND starts again" "$(tail -n 20 "$RT_LOG")"; return 1; fi
  RT_SHOULD_RUN=1
  launched_started "$label" "$rt_since" "$since" || return 0
  if [ -z "$old" ] || [ "$LAUNCHED_PID" != "$old" ]; then pass "$label: a new instance (pid $LAUNCHED_PID, was ${old:-none})"
  else fail "$label: a new instance" "same pid $old"; fi
}

# killed_not_relaunched LABEL: SIGKILL the launched plugin; the runtime
# notices, keeps running, and starts nothing in its place. NRI launches
# pre-installed plugins only from Adaptation.Start (v0.12.0
# pkg/adaptation/adaptation.go: Start -> startPlugins, the one caller of
# newLaunchedPlugin).
killed_not_relaunched() {
  local label="$1" pid="$LAUNCHED_PID" rt_since
  rt_since="$(e2e_lines_of "$RT_LOG")"
  kill -KILL "$pid"
  if e2e_wait_for 5 instance_gone "$pid" && e2e_wait_for 5 rt_log_plugin_closed "$rt_since"; then
    pass "$label: pid $pid is gone and $RT_KIND's log shows its connection closed"
  else fail "$label: the plugin is gone and $RT_KIND notices" "$(e2e_log_since "$RT_LOG" "$rt_since" | tail -n 4)"; fi
  KILL_MARK="$rt_since"; LAUNCHED_PID=""
  not_relaunched "$label" 5 "within 5 s"
}

# not_relaunched LABEL SECONDS WHAT: for SECONDS no launched plugin runs and
# none registered since the kill (KILL_MARK).
not_relaunched() {
  if e2e_wait_for "$2" relaunched "$KILL_MARK"; then
    fail "$1: $RT_KIND does not relaunch the plugin $3" "running: $(instances | tr '\n' ' ') registered: $(registered_pid "$KILL_MARK")"
  else pass "$1: $RT_KIND keeps running and does not relaunch the plugin $3 (no 10-seccomp process, no registration in its log)"; fi
}

# creations_after_kill LABEL: what the runtime does with the next annotated
# creations (HOLE_IDS: the ones it let through) and then an unannotated one,
# with required_plugins = ["seccomp"]. The exact error text is recorded.
creations_after_kill() {
  local label="$1" i
  HOLE_IDS=()
  for i in 1 2; do
    if create_ctr "$GUARD_POD" "$GUARD_FILE" "dead-$i" runtime-default; then
      HOLE_IDS+=("$CTR_ID"); CRI start "$CTR_ID" >/dev/null 2>&1
      exec_in "$CTR_ID" sh -c 'mkdir /tmp/d && echo mkdir-ok'
      note "$label: annotated creation $i was let through, $(contains "$EXEC_OUT" mkdir-ok && echo 'UNFILTERED (mkdir works)' || echo "filtered: $EXEC_OUT")"
    else note "$label: annotated creation $i refused, exact text: $CREATE_ERR"; fi
  done
  # The first is refused by the plugin's own validation (NRI still lists the
  # dead plugin for that request), the second by required_plugins.
  if [ "${#HOLE_IDS[@]}" -eq 0 ] && contains "$CREATE_ERR" 'required plugin' '"seccomp"' 'not present'; then
    pass "$label: the node fails closed from the first annotated creation on: $(why_refused)"
  else fail "$label: the node fails closed from the first annotated creation on" "let through: ${#HOLE_IDS[@]}; $CREATE_ERR"; fi
  if ! create_ctr "$PLAIN_POD" "$PLAIN_FILE" dead-plain runtime-default && contains "$CREATE_ERR" 'required plugin' '"seccomp"' 'not present'; then
    pass "$label: an unannotated creation is refused alike: nothing is created on the node"
  else fail "$label: an unannotated creation is refused alike" "id=$CTR_ID $CREATE_ERR"; fi
}

# audit_line SINCE CID: the plugin's unprotected_container line (JSON) for CID after line SINCE.
audit_line() {
  e2e_log_since "$E2E_PLUGIN_LOG" "$1" | grep -F '"event":"unprotected_container"' | grep -F "\"container_id\":\"$2\""
}

# recovered LABEL SINCE NAME: after the restart, what the relaunched
# plugin's audit (its log after line SINCE) did with the containers the
# window let through; older containers still run; a new container NAME in
# the guarded pod gets its profile again.
recovered() {
  local label="$1" cid
  for cid in "${HOLE_IDS[@]}"; do
    if e2e_wait_for 5 audit_line "$2" "$cid"; then
      note "$label: the relaunched plugin's audit on ${cid:0:12}: $(audit_line "$2" "$cid" | grep -oE '"(lacks|action|stopped)":"[^"]*"' | tr '\n' ' ')"
    else note "$label: the relaunched plugin's audit did not report ${cid:0:12}"; fi
  done
  if [ -n "$PLAIN_CTR" ]; then
    exec_in "$PLAIN_CTR" echo still-here
    if contains "$EXEC_OUT" still-here; then pass "$label: containers from before the restarts still run"
    else fail "$label: containers from before the restarts still run" "$EXEC_OUT"; fi
  fi
  guarded_gets_profile "$label: annotated pod default/guarded" "app-$3" "$2"
}

# without_validator LABEL: the runtime again, its config without the
# default validator (RT_NO_VALIDATOR): the killed plugin's absence lets
# every annotated creation through unfiltered.
without_validator() {
  local label="$1" i let=0 first_err=""
  RT_NO_VALIDATOR=1 rt_write_config
  restart_runtime "$label" || return 0
  [ -n "$LAUNCHED_PID" ] || return 0
  killed_not_relaunched "$label"
  for i in 1 2 3; do
    if run_ctr "$GUARD_POD" "$GUARD_FILE" "open-$i" runtime-default; then
      exec_in "$CTR_ID" sh -c 'mkdir /tmp/d && echo mkdir-ok'
      contains "$EXEC_OUT" mkdir-ok && let=$((let + 1))
    elif [ "$i" = 1 ]; then first_err="$CREATE_ERR"; fi
  done
  # The dead plugin is still in the runtime's validator list for the first
  # request, so its own validation refuses that one; then NRI drops it, and
  # with nothing requiring it the node fails open.
  if contains "$first_err" 'validator plugin 10-seccomp' && [ "$let" = 2 ]; then
    pass "$label: the first annotated creation is refused by the dead plugin's validation, the next 2 succeed UNFILTERED (mkdir works): NRI fails open"
  else fail "$label: first creation refused by the plugin's validation, then NRI fails open" "unfiltered: $let of 3; first: $first_err; $CREATE_ERR $EXEC_OUT"; fi
}

# launched_scenarios: everything, in order, against the runtime rt_init chose.
launched_scenarios() {
  cri_binaries_present || return
  [ "$(expect runtime-default)" = apply ] && [ "$(expect validator)" = yes ] ||
    { fail "$RT_KIND $RT_VERSION: launched mode needs a runtime that applies RuntimeDefault-based policies and has the default validator"; return; }
  LAUNCH_WRAPPER="$RT_NRI_PLUGIN_DIR/10-seccomp"; LAUNCH_CONF="$RT_NRI_CONF_DIR/10-seccomp.conf"
  e2e_plugin_stop KILL; rt_cleanup; launched_cleanup
  E2E_AFTER_CHECK=runtime_still_alive
  launched_install
  installed_files_checked
  # 1-3: the runtime's first start launches it.
  # The runtime's log may be kept from an earlier run (CRI-O's): only what follows counts.
  local rt_since; rt_since="$(e2e_lines_of "$RT_LOG")"
  start_runtime || return
  launched_started "start" "$rt_since" 0 || return
  policy_from_conf 0
  pods_get_profiles 0
  # 4
  restart_runtime "runtime restart" || return
  local since; since="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  guarded_gets_profile "runtime restart: annotated pod default/guarded" app-restart "$since"
  # 5
  killed_not_relaunched "plugin SIGKILLed"
  creations_after_kill "plugin SIGKILLed, required_plugins"
  not_relaunched "plugin SIGKILLed" 1 "after those creations either"
  # 6
  since="$(e2e_lines_of "$E2E_PLUGIN_LOG")"
  restart_runtime "recovery (runtime restart)" || return
  recovered "recovery (runtime restart)" "$since" recovered
  # 7
  without_validator "without required_plugins"
  note "runtime start -> plugin synchronized: ${LAUNCH_TIMES[*]}"
  no_deprecations "after the whole run"
  alive_throughout
}
