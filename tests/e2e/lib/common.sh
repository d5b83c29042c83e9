# shellcheck shell=bash
# Check bookkeeping and leftovers shared by run.sh and scripts/demo.sh.

E2E_PASSED=0
E2E_FAILED=0
E2E_FAILURES=()

# pass NAME / fail NAME DETAIL: one line per check.
# After each one, E2E_AFTER_CHECK (when set) runs once: the scenarios hook
# their "is the runtime still alive" check there, so no step can skip it.
pass() {
  E2E_PASSED=$((E2E_PASSED + 1))
  echo "PASS $1"
  _e2e_after_check
}
fail() {
  E2E_FAILED=$((E2E_FAILED + 1))
  E2E_FAILURES+=("$1")
  echo "FAIL $1"
  if [ -n "${2:-}" ]; then
    printf '%s\n' "$2" | head -n 15 | sed 's/^/     | /'
  fi
  _e2e_after_check
}
_e2e_after_check() {
  [ -n "${E2E_AFTER_CHECK:-}" ] && [ -z "${_E2E_IN_AFTER_CHECK:-}" ] || return 0
  _E2E_IN_AFTER_CHECK=1
  "$E2E_AFTER_CHECK"
  _E2E_IN_AFTER_CHECK=
}
note() { echo "NOTE $*"; }

# check NAME CONDITION-COMMAND... [-- DETAIL]: pass when the command succeeds.
check() {
  local name="$1"; shift
  if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}

# contains TEXT NEEDLE...: every needle occurs in TEXT.
contains() {
  local text="$1" n; shift
  for n in "$@"; do [[ "$text" == *"$n"* ]] || return 1; done
}

# now_s: wall clock in seconds (millisecond resolution) for the NOTE lines.
now_s() { date +%s.%3N; }
# secs_since T0: seconds from T0 (a now_s value) to now, two decimals.
secs_since() { gap "$1" "$(now_s)"; }

# gap A B: seconds from A to B (now_s values), two decimals; "?" if one is missing.
gap() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; else echo "?"; fi; }

# e2e_summary: the final line; returns non-zero when anything failed.
e2e_summary() {
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
}

# e2e_cgroups_cleanup PARENT: removes the cgroups below PARENT (deepest
# first) in every hierarchy, v1 or v2, once their processes are gone.
e2e_cgroups_cleanup() {
  local parent="$1" procs pid cg
  # Exactly PARENT and below it: another run's "$PARENT-other" is not ours.
  for procs in $(find /sys/fs/cgroup \( -path "*$parent" -o -path "*$parent/*" \) -name cgroup.procs 2>/dev/null); do
    for pid in $(cat "$procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for cg in $(find /sys/fs/cgroup -depth -type d \( -path "*$parent" -o -path "*$parent/*" \) 2>/dev/null); do
    rmdir "$cg" 2>/dev/null || true
  done
}

# e2e_wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
e2e_wait_for() {
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@" >/dev/null 2>&1
}

# e2e_version_ge A B: true when dotted version A >= B. Build and pre-release
# suffixes ("+unknown", "-dev", "-rc.1") are dropped: 1.37.0-dev counts as 1.37.0.
e2e_version_ge() {
  local a="${1%%[+-]*}" b="${2%%[+-]*}"
  [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -1)" = "$b" ]
}

# e2e_pid_runs PID NEEDLE: PID is alive and its command line contains
# NEEDLE (a pid file may name a recycled pid after a killed run).
e2e_pid_runs() {
  { tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "$2"
}

# e2e_pids_with NEEDLE: every pid whose command line contains NEEDLE.
e2e_pids_with() {
  local p
  for p in /proc/[0-9]*; do
    e2e_pid_runs "${p#/proc/}" "$1" && echo "${p#/proc/}"
  done
  return 0
}

# e2e_kill_wait PID [SIGNAL]: signals PID (TERM by default), waits up to
# 5 s for it to go, then KILLs it.
e2e_kill_wait() {
  local pid="$1" i
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# e2e_umount_below DIR: lazily unmounts everything mounted under DIR,
# deepest first.
e2e_umount_below() {
  local m
  for m in $(awk -v base="$1" 'index($5, base) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

# e2e_lines_of FILE / e2e_log_since FILE N: for "after this step" checks on
# a log that keeps growing.
e2e_lines_of() { wc -l < "$1" 2>/dev/null || echo 0; }
e2e_log_since() { tail -n +"$(( $2 + 1 ))" "$1" 2>/dev/null; }
