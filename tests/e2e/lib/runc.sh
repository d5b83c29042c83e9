# shellcheck shell=bash
# OCI bundles over the shared busybox rootfs, run with Debian's runc as root.
# Each bundle gets its own id, runc state root and cgroup under
# $E2E_CGROUP_PARENT, and is deleted after its run.
#
# Set before use: E2E_RUNC_ROOT (runc --root), E2E_ROOTFS (busybox rootfs),
# E2E_CGROUP_PARENT.

# _e2e_json_args ARG...: a JSON array of strings (backslashes and double
# quotes escaped; arguments hold no control characters).
_e2e_json_args() {
  local out="" a
  for a in "$@"; do
    a="${a//\\/\\\\}"
    a="${a//\"/\\\"}"
    out+="\"$a\","
  done
  echo "[${out%,}]"
}

# e2e_bundle DIR ARG...: writes DIR/config.json running ARG... in the
# rootfs (read-only root, private tmpfs /tmp, no seccomp yet, runc's default
# capability set).
e2e_bundle() {
  local dir="$1"; shift
  local name; name="$(basename "$dir")"
  mkdir -p "$dir"
  cat > "$dir/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $(_e2e_json_args "$@"),
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "root": {"path": "$E2E_ROOTFS", "readonly": true},
  "hostname": "$name",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=16m"]}
  ],
  "linux": {
    "cgroupsPath": "$E2E_CGROUP_PARENT/runc-$name",
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
}
JSON
}

# e2e_runc_run DIR: runs the bundle to completion; prints its combined
# output and returns its exit code. The container is deleted afterwards.
e2e_runc_run() {
  local dir="$1" id rc
  id="e2e-$(basename "$dir")-$$"
  runc --root "$E2E_RUNC_ROOT" run --bundle "$dir" "$id" < /dev/null 2>&1
  rc=$?
  runc --root "$E2E_RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  return $rc
}

# e2e_runc_cleanup: deletes whatever is left in our runc root.
e2e_runc_cleanup() {
  [ -d "${E2E_RUNC_ROOT:-}" ] || return 0
  local id
  for id in $(runc --root "$E2E_RUNC_ROOT" list -q 2>/dev/null); do
    runc --root "$E2E_RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
}
