# shellcheck shell=bash
# OCI image archives written by hand, without a container builder or a
# registry: one layer (a tar.gz of a root filesystem), the image config, the
# manifest, index.json and oci-layout, every blob under its sha256 address,
# packed into one tar that `ctr images import`, CRI-O's `copyimg` and
# `skopeo copy oci-archive:...` accept.
#
# Deterministic: the same root filesystem and config give the same bytes
# (entries sorted, fixed mtimes, owners 0:0, gzip without a name or time), so
# digests only change when the contents do.
#
# Sourced by scripts/build-image.sh (the plugin image) and
# tests/e2e/lib/images.sh (the busybox test images). Needs tar, gzip and
# sha256sum; no jq.

# The image platform. Only amd64 is built and tested here.
OCI_ARCHITECTURE="${OCI_ARCHITECTURE:-amd64}"
OCI_OS="${OCI_OS:-linux}"
# Every mtime in the layer and the archive: a fixed date keeps digests stable.
OCI_MTIME="${OCI_MTIME:-2024-01-01 00:00Z}"

# oci_tar DIR OUT.tar [ENTRY...]: a reproducible tar of DIR (all of it, or
# the ENTRYs inside it).
oci_tar() {
  local dir="$1" out="$2"; shift 2
  [ $# -gt 0 ] || set -- .
  tar --sort=name --mtime="$OCI_MTIME" --owner=0 --group=0 --numeric-owner \
      -C "$dir" -cf "$out" "$@"
}

# oci_blob LAYOUT FILE: moves FILE into LAYOUT/blobs/sha256 under its digest
# and prints "sha256:<hex> <size>".
oci_blob() {
  local layout="$1" file="$2" hex size
  hex="$(sha256sum "$file" | cut -d' ' -f1)"
  size="$(stat -c %s "$file")"
  mkdir -p "$layout/blobs/sha256"
  mv "$file" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

# oci_json_string TEXT: TEXT as a JSON string (quotes, backslashes and
# control characters escaped), for callers that build config JSON in shell.
oci_json_string() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"; s="${s//$'\t'/\\t}"; s="${s//$'\r'/\\r}"
  printf '"%s"' "$s"
}

# oci_json_array WORD...: the WORDs as a JSON array of strings.
oci_json_array() {
  local out="" w
  for w in "$@"; do out+="$(oci_json_string "$w"),"; done
  printf '[%s]' "${out%,}"
}

# oci_write_archive ROOTFS NAME CONFIG_JSON OUT.tar: a one-layer OCI image
# archive of ROOTFS named NAME (registry/repository:tag). CONFIG_JSON is the
# image config's "config" object (User, ExposedPorts, Env, Entrypoint, Cmd,
# WorkingDir ...); the platform and the layer's diff_id are added here.
# Sets OCI_LAYER_BYTES to the uncompressed layer's size.
oci_write_archive() {
  local rootfs="$1" name="$2" config="$3" out="$4"
  local layout tmp diff_id layer cfg manifest
  layout="$(mktemp -d)"
  tmp="$layout/tmp"; mkdir -p "$tmp"
  oci_tar "$rootfs" "$tmp/layer.tar"
  # shellcheck disable=SC2034  # read by the caller
  OCI_LAYER_BYTES="$(stat -c %s "$tmp/layer.tar")"
  # The config names the uncompressed layer (diff_id); the manifest the
  # compressed blob.
  diff_id="sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  gzip -n -c "$tmp/layer.tar" > "$tmp/layer.tar.gz"
  rm -f "$tmp/layer.tar"
  layer="$(oci_blob "$layout" "$tmp/layer.tar.gz")"

  printf '{"architecture":"%s","os":"%s","config":%s,"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$OCI_ARCHITECTURE" "$OCI_OS" "$config" "$diff_id" > "$tmp/config.json"
  cfg="$(oci_blob "$layout" "$tmp/config.json")"

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "${cfg% *}" "${cfg#* }" "${layer% *}" "${layer#* }" > "$tmp/manifest.json"
  manifest="$(oci_blob "$layout" "$tmp/manifest.json")"

  # containerd names the image after io.containerd.image.name; skopeo and
  # copyimg read the OCI ref name (the tag).
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s","os":"%s"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "${manifest% *}" "${manifest#* }" "$OCI_ARCHITECTURE" "$OCI_OS" "$name" "${name##*:}" > "$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  rm -rf "$tmp"
  oci_tar "$layout" "$out" oci-layout index.json blobs
  rm -rf "$layout"
}
