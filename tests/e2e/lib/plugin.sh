# shellcheck shell=bash
# The nri-seccomp daemon as an external NRI plugin of the private runtime.
# Set before use: NRI_SECCOMP_BIN, RT_NRI_SOCK (from the driver's rt_init),
# E2E_PLUGIN_LOG, E2E_PLUGIN_PIDFILE, E2E_PROFILE_DIRS (array); optional
# E2E_PLUGIN_CONFIG (a policy file for --config), E2E_PLUGIN_METRICS (HOST:PORT
# for --metrics-address; port 0: the daemon picks one and logs it in
# metrics_listening).

e2e_plugin_start() {
  local args=(run --socket "$RT_NRI_SOCK" --name seccomp --idx 10 --log-level info --log-format text)
  local d
  for d in "${E2E_PROFILE_DIRS[@]}"; do args+=(--profiles-dir "$d"); done
  [ -z "${E2E_PLUGIN_CONFIG:-}" ] || args+=(--config "$E2E_PLUGIN_CONFIG")
  [ -z "${E2E_PLUGIN_METRICS:-}" ] || args+=(--metrics-address "$E2E_PLUGIN_METRICS")
  # The decision record survives the plugin's restarts, as on a node.
  args+=(--state-file "$RUN/decisions.json")
  echo "---- plugin start $(date -u +%FT%TZ): $NRI_SECCOMP_BIN ${args[*]}" >> "$E2E_PLUGIN_LOG"
  setsid "$NRI_SECCOMP_BIN" "${args[@]}" >> "$E2E_PLUGIN_LOG" 2>&1 < /dev/null &
  echo $! > "$E2E_PLUGIN_PIDFILE"
  disown $! 2>/dev/null || true  # no job-control chatter when we kill it
}

e2e_plugin_running() {
  [ -f "$E2E_PLUGIN_PIDFILE" ] && kill -0 "$(cat "$E2E_PLUGIN_PIDFILE")" 2>/dev/null
}

# e2e_plugin_count EVENT: how many log lines carry EVENT as a word.
e2e_plugin_count() {
  grep -cwE -- "$1" "$E2E_PLUGIN_LOG" 2>/dev/null || true
}

# e2e_plugin_wait_synced N: until the plugin has synchronized N times in all.
e2e_plugin_wait_synced() {
  e2e_wait_for 10 _e2e_count_at_least synchronized "$1"
}
_e2e_count_at_least() {
  [ "$(e2e_plugin_count "$1")" -ge "$2" ]
}

# e2e_plugin_stop [SIGNAL]: TERM by default; KILL simulates a crash. Only
# a daemon of this scratch folder is signalled: a pid file left by a run
# that was killed outright may name a recycled pid.
e2e_plugin_stop() {
  local pid
  [ -f "$E2E_PLUGIN_PIDFILE" ] || return 0
  pid="$(cat "$E2E_PLUGIN_PIDFILE")"
  e2e_pid_runs "$pid" "--socket $E2E_WORK/" && e2e_kill_wait "$pid" "${1:-TERM}"
  rm -f "$E2E_PLUGIN_PIDFILE"
}
