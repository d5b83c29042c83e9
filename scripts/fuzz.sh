#!/usr/bin/env bash
# Smoke-fuzzes every libFuzzer target (tests/fuzz/fuzz_*.cc): configures
# ./build-fuzz with clang and NRI_SECCOMP_FUZZ=ON (libraries instrumented with
# ASan/UBSan and fuzzer coverage), builds the targets, and runs each for its
# share of SECONDS (default 30). Fails on any crash, leak, timeout or UB.
# Corpora grow in build-fuzz/corpus/<target>; seeds from tests/fuzz/corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-30}"

sanitize="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S . -B build-fuzz \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNRI_SECCOMP_FUZZ=ON -DNRI_SECCOMP_BENCH=OFF -DNRI_SECCOMP_E2E=OFF \
  -DCMAKE_C_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS="$sanitize" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzzers

mapfile -t targets < <(find build-fuzz/tests/fuzz -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no fuzz targets built" >&2
  exit 1
fi
per=$(( total / ${#targets[@]} ))
[ "$per" -ge 1 ] || per=1

status=0
for target in "${targets[@]}"; do
  name="$(basename "$target")"
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "tests/fuzz/corpus/$name" ] && seeds=("tests/fuzz/corpus/$name")
  echo "fuzz: $name for ${per}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$target" "$corpus" "${seeds[@]}" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="build-fuzz/$name-" -print_final_stats=0 >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see build-fuzz/$name.log)" >&2
    tail -n 40 "build-fuzz/$name.log" >&2
    status=1
  fi
done
exit "$status"
