#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs packages, builds,
# smoke-runs the fuzzers, then runs every ctest suite (unit, integration, e2e).
# NRI_SECCOMP_FUZZ_SECONDS (default 30) sets the total fuzzing time.
# NRI_SECCOMP_RUNTIMES (an unpacked ../shared/runtimes, set by .ci/run) is
# passed to the e2e suites as it is; without it they look for
# ../shared/runtimes themselves, and skip the runtimes they cannot find.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [ -x scripts/fuzz.sh ]; then
  bash scripts/fuzz.sh "${NRI_SECCOMP_FUZZ_SECONDS:-30}"
fi
echo "test: NRI_SECCOMP_RUNTIMES=${NRI_SECCOMP_RUNTIMES:-(unset)}"
rc=0
ctest --test-dir build --output-on-failure --timeout 900 || rc=$?
# Which runtime each e2e suite really ran (or why it was skipped), and how
# long it took: the suites' own NOTE/SKIP lines, from ctest's full log.
log=build/Testing/Temporary/LastTest.log
if [ -f "$log" ]; then
  echo "test: e2e runtimes used:"
  grep -E '^(NOTE suite |SKIP |NOTE logs: |[0-9]+ passed, [0-9]+ failed)' "$log" | sed 's/^/test:   /' || true
fi
exit $rc
