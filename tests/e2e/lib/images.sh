# shellcheck shell=bash
# Images without a registry: a busybox root filesystem from Debian's
# busybox-static, and OCI image archives built from it by hand (layer tar.gz,
# config, manifest, index.json, oci-layout; sha256 content addresses), ready
# for `ctr images import`. Sourced by run.sh and scripts/demo.sh.

# The archive writer is shared with the plugin image (scripts/build-image.sh).
# shellcheck source=scripts/lib/oci-archive.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/scripts/lib/oci-archive.sh"

E2E_BUSYBOX_IMAGE="docker.io/nri-seccomp-e2e/busybox:1"
E2E_PAUSE_IMAGE="docker.io/nri-seccomp-e2e/pause:1"

# e2e_build_rootfs DIR: a minimal root filesystem: /bin/busybox, one symlink
# per applet, and the empty mount points runc and the CRI expect.
e2e_build_rootfs() {
  local dir="$1" busybox
  busybox="$(command -v busybox || true)"
  [ -n "$busybox" ] && file_is_static "$busybox" \
    || { echo "e2e: needs Debian's busybox-static (/bin/busybox, statically linked)" >&2; return 1; }
  rm -rf "$dir" && mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,run,var/tmp}
  cp "$busybox" "$dir/bin/busybox"
  chroot "$dir" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  chmod 1777 "$dir/tmp"
}

# A dynamic busybox would find no libc inside the image.
file_is_static() {
  ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'
}

# e2e_build_oci_archive ROOTFS NAME OUT.tar CMD...: one-layer OCI image
# archive named NAME whose default command is CMD. Deterministic: the same
# rootfs gives the same digests (scripts/lib/oci-archive.sh writes it).
e2e_build_oci_archive() {
  local rootfs="$1" name="$2" out="$3"; shift 3
  oci_write_archive "$rootfs" "$name" \
    "{\"Env\":[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":$(oci_json_array "$@"),\"WorkingDir\":\"/\"}" "$out"
}

# e2e_prepare_images WORK: builds (once; cached in WORK/images) the busybox
# rootfs and both archives. The pause replacement is busybox `sleep`: the
# sandbox only has to hold the pod's namespaces open.
e2e_prepare_images() {
  local work="$1" dir="$1/images"
  if [ -f "$dir/busybox.tar" ] && [ -f "$dir/pause.tar" ] && [ -x "$dir/rootfs/bin/busybox" ]; then
    return 0
  fi
  mkdir -p "$dir"
  e2e_build_rootfs "$dir/rootfs"
  e2e_build_oci_archive "$dir/rootfs" "$E2E_BUSYBOX_IMAGE" "$dir/busybox.tar" sh
  e2e_build_oci_archive "$dir/rootfs" "$E2E_PAUSE_IMAGE" "$dir/pause.tar" sleep 2147483647
}

# e2e_import_images CTR ADDRESS WORK: imports both archives into the CRI's
# k8s.io namespace of the containerd at ADDRESS.
e2e_import_images() {
  local ctr="$1" address="$2" dir="$3/images" tarball
  for tarball in "$dir/busybox.tar" "$dir/pause.tar"; do
    "$ctr" -a "$address" -n k8s.io images import --no-unpack=false "$tarball" >/dev/null \
      || { echo "e2e: importing $tarball failed" >&2; return 1; }
  done
}
