# shellcheck shell=bash
# Check bookkeeping and leftovers shared by run.sh and scripts/demo.sh.

E2E_PASSED=0
E2E_FAILED=0
E2E_FAILURES=()

# pass NAME / fail NAME DETAIL: one line per check.
pass() {
  E2E_PASSED=$((E2E_PASSED + 1))
  echo "PASS $1"
}
fail() {
  E2E_FAILED=$((E2E_FAILED + 1))
  E2E_FAILURES+=("$1")
  echo "FAIL $1"
  if [ -n "${2:-}" ]; then
    printf '%s\n' "$2" | head -n 15 | sed 's/^/     | /'
  fi
}
note() { echo "NOTE $*"; }

# check NAME CONDITION-COMMAND... [-- DETAIL]: pass when the command succeeds.
check() {
  local name="$1"; shift
  if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}

# e2e_summary: the final line; returns non-zero when anything failed.
e2e_summary() {
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
}

# e2e_cgroups_cleanup PARENT: removes the cgroups below PARENT (deepest
# first) in every hierarchy, v1 or v2, once their processes are gone.
e2e_cgroups_cleanup() {
  local parent="$1" procs pid cg
  for procs in $(find /sys/fs/cgroup -path "*$parent*" -name cgroup.procs 2>/dev/null); do
    for pid in $(cat "$procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for cg in $(find /sys/fs/cgroup -depth -type d -path "*$parent*" 2>/dev/null); do
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
