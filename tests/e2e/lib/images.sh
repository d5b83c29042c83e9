# shellcheck shell=bash
# Images without a registry: a busybox root filesystem from Debian's
# busybox-static, and OCI image archives built from it by hand (layer tar.gz,
# config, manifest, index.json, oci-layout; sha256 content addresses), ready
# for `ctr images import`. Sourced by run.sh and scripts/demo.sh.

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

# _e2e_blob DIR FILE: moves FILE into DIR/blobs/sha256 under its digest and
# prints "sha256:<hex> <size>".
_e2e_blob() {
  local layout="$1" file="$2" hex size
  hex="$(sha256sum "$file" | cut -d' ' -f1)"
  size="$(stat -c %s "$file")"
  mkdir -p "$layout/blobs/sha256"
  mv "$file" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

# e2e_build_oci_archive ROOTFS NAME OUT.tar CMD...: one-layer OCI image
# archive named NAME whose default command is CMD. Deterministic: the same
# rootfs gives the same digests (sorted entries, fixed mtimes and owners).
e2e_build_oci_archive() {
  local rootfs="$1" name="$2" out="$3"; shift 3
  local layout tmp layer_tar layer_gz diff_id layer cfg manifest cmd_json
  layout="$(mktemp -d)"
  tmp="$layout/tmp"; mkdir -p "$tmp"
  layer_tar="$tmp/layer.tar"; layer_gz="$tmp/layer.tar.gz"
  tar --sort=name --mtime='2024-01-01 00:00Z' --owner=0 --group=0 --numeric-owner \
      -C "$rootfs" -cf "$layer_tar" .
  diff_id="sha256:$(sha256sum "$layer_tar" | cut -d' ' -f1)"
  gzip -n -c "$layer_tar" > "$layer_gz"
  layer="$(_e2e_blob "$layout" "$layer_gz")"

  cmd_json="$(printf '"%s",' "$@")"; cmd_json="[${cmd_json%,}]"
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$cmd_json" "$diff_id" > "$tmp/config.json"
  cfg="$(_e2e_blob "$layout" "$tmp/config.json")"

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "${cfg% *}" "${cfg#* }" "${layer% *}" "${layer#* }" > "$tmp/manifest.json"
  manifest="$(_e2e_blob "$layout" "$tmp/manifest.json")"

  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "${manifest% *}" "${manifest#* }" "$name" "${name##*:}" > "$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  rm -rf "$tmp"
  tar --sort=name --mtime='2024-01-01 00:00Z' --owner=0 --group=0 --numeric-owner \
      -C "$layout" -cf "$out" oci-layout index.json blobs
  rm -rf "$layout"
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
