# Shared setup of the e2e harness (tests/e2e/run.sh) and the demo (scripts/demo.sh):
# the binaries (each overridable by its variable, or all by E2E_BUILD_DIR), the
# harness libraries, and the paths of one run under $E2E_WORK.
#   usage: source tests/e2e/lib/env.sh RUN_NAME     (needs $src: the repository root)
export E2E_WORK="${E2E_WORK:-/var/tmp/nri-seccomp-e2e}"
e2e_build_dir="${E2E_BUILD_DIR:-$src/build}"
NRI_SECCOMP_BIN="${NRI_SECCOMP_BIN:-$e2e_build_dir/plugin/nri-seccomp}"
CRI_CLIENT_BIN="${CRI_CLIENT_BIN:-$e2e_build_dir/tests/e2e/cri-client}"
E2E_JSON_BIN="${E2E_JSON_BIN:-$e2e_build_dir/tests/e2e/e2e-json}"
THREAD_PROBE_BIN="${THREAD_PROBE_BIN:-$e2e_build_dir/tests/e2e/thread-probe}"
POD_FROM_MANIFEST_BIN="${POD_FROM_MANIFEST_BIN:-$e2e_build_dir/tests/e2e/pod-from-manifest}"

e2e_lib="$src/tests/e2e/lib"
# shellcheck source=common.sh
source "$e2e_lib/common.sh"
source "$e2e_lib/images.sh"
source "$e2e_lib/runc.sh"
source "$e2e_lib/runtimes.sh"
source "$e2e_lib/plugin.sh"

# e2e_load_driver containerd|crio: the rt_* functions of one runtime
# (lib/containerd.sh, lib/crio.sh); one driver per run.
e2e_load_driver() {
  [ -f "$e2e_lib/$1.sh" ] || { echo "e2e: no runtime driver $e2e_lib/$1.sh" >&2; return 1; }
  # shellcheck source=/dev/null
  source "$e2e_lib/$1.sh"
}

RUN="$E2E_WORK/$1"
rm -rf "$RUN" && mkdir -p "$RUN"
# Named after the scratch folder: runs in different folders (two people on
# one machine) never clean up each other's containers.
E2E_CGROUP_PARENT="/$(basename "$E2E_WORK")"
E2E_RUNC_ROOT="$RUN/runc-root"
E2E_ROOTFS="$E2E_WORK/images/rootfs"
E2E_PLUGIN_LOG="$RUN/plugin.log"
E2E_PLUGIN_PIDFILE="$E2E_WORK/plugin.pid"  # outside $RUN: a stale daemon is found and stopped
ANN="seccomp.noderesource.dev"
