# shellcheck shell=bash
# Where the runtime builds come from (tests/e2e/run.sh, scripts/demo.sh).
# The shared builds (containerd >= 2.2, CRI-O) are test fixtures outside the
# repository: $NRI_SECCOMP_RUNTIMES names an unpacked folder (.ci/run sets it);
# unset, a checkout next to ../shared/runtimes unpacks that folder itself.
# Debian's containerd comes from lib/fetch-containerd.sh. Needs $src.

# Where a checkout's sibling folder gets unpacked when nobody said where.
E2E_RUNTIMES_DEST="${E2E_RUNTIMES_DEST:-/var/tmp/nri-seccomp-runtimes}"

# e2e_runtimes_dir: prints the folder holding NAME/bin per runtime, or the
# reason there is none on stderr (returns 1). Unpacks ../shared/runtimes once
# per process (the unpacker is idempotent and takes ~0.1 s anyway).
e2e_runtimes_dir() {
  if [ -n "${NRI_SECCOMP_RUNTIMES:-}" ]; then
    [ -d "$NRI_SECCOMP_RUNTIMES" ] && { echo "$NRI_SECCOMP_RUNTIMES"; return 0; }
    echo "NRI_SECCOMP_RUNTIMES=$NRI_SECCOMP_RUNTIMES is not a folder" >&2
    return 1
  fi
  local shared="$src/../shared/runtimes"
  if [ ! -x "$shared/unpack.sh" ]; then
    echo "no shared runtimes (NRI_SECCOMP_RUNTIMES unset, no $(cd "$src/.." && pwd)/shared/runtimes)" >&2
    return 1
  fi
  if [ -z "${_E2E_RUNTIMES_UNPACKED:-}" ]; then
    "$shared/unpack.sh" "$E2E_RUNTIMES_DEST" >/dev/null || { echo "$shared/unpack.sh failed" >&2; return 1; }
    _E2E_RUNTIMES_UNPACKED=1
  fi
  echo "$E2E_RUNTIMES_DEST"
}

# e2e_runtime_bin FOLDER-NAME: the bin folder of one shared runtime (e.g.
# containerd-2.3.4, cri-o-1.36.3), or the reason it is missing (returns 1).
e2e_runtime_bin() {
  local dir
  dir="$(e2e_runtimes_dir)" || return 1
  [ -d "$dir/$1/bin" ] && { echo "$dir/$1/bin"; return 0; }
  echo "$1 is not among the shared runtimes in $dir" >&2
  return 1
}

# e2e_runtime_newest PREFIX: the bin folder of the highest version named
# PREFIX-<version> among the shared runtimes (e.g. containerd, cri-o).
e2e_runtime_newest() {
  local dir newest
  dir="$(e2e_runtimes_dir)" || return 1
  newest="$(cd "$dir" && ls -d "$1"-[0-9]*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$newest" ] && { echo "$dir/$newest"; return 0; }
  echo "no $1 among the shared runtimes in $dir" >&2
  return 1
}

# e2e_runtime_missing WHAT WHY: a suite whose runtime is absent is skipped
# (ctest SKIP_RETURN_CODE 77), except in CI, which has every runtime: there
# a missing one means CI is not testing what it claims, a failure.
e2e_runtime_missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL $1: $2 (CI=true: every runtime must be present)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "SKIP $1: $2"
  exit 77
}
