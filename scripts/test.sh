#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs packages, builds,
# smoke-runs the fuzzers, then runs every ctest suite (unit, integration, e2e).
# NRI_SECCOMP_FUZZ_SECONDS (default 30) sets the total fuzzing time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [ -x scripts/fuzz.sh ]; then
  bash scripts/fuzz.sh "${NRI_SECCOMP_FUZZ_SECONDS:-30}"
fi
ctest --test-dir build --output-on-failure --timeout 900
