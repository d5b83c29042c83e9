#!/usr/bin/env bash
# Builds the nri-seccomp container image offline, as an OCI image archive,
# with what the Containerfile's runtime stage holds: the stripped plugin
# binary, the shared libraries it runs with, the default profiles and
# policy, and the same user, exposed port, entrypoint and command.
#
# No container builder, registry or network: the libraries are the files of
# the Debian packages installed on this machine (`dpkg -L`), the very ones
# the binary was linked against. The packages are the Containerfile's five
# (libprotobuf32 libseccomp2 libyaml-cpp0.7 libspdlog1.10 libfmt9) plus
# their Depends/Pre-Depends closure (libc6, libgcc-s1, libstdc++6, zlib1g,
# gcc-12-base), without documentation.
#
# Differences from the Containerfile's image (deploy/README.md lists them):
#   - no debian:bookworm-slim base: no shell, no coreutils, no apt or dpkg
#     database. The image is distroless-like; `kubectl exec ... sh` fails.
#   - the binary comes from this machine's build tree (scripts/build.sh),
#     not from a debian:bookworm build stage.
#   - one layer instead of the base's plus one per instruction.
#
#   usage: scripts/build-image.sh [--binary PATH] [--out FILE.oci.tar] [--name REF]
#     --binary  unstripped or stripped plugin binary (default build/plugin/nri-seccomp,
#               built with scripts/build.sh when missing)
#     --out     the archive (default build/image/nri-seccomp-0.1.0.oci.tar)
#     --name    image reference (default localhost/nri-seccomp:0.1.0, the name
#               deploy/kubernetes/base/kustomization.yaml deploys)
#
# Prints the archive's path, its size and the unpacked root filesystem's size.
# Unchanged inputs (binary, packages, shipped files, these scripts) reuse the
# archive from the last run: the e2e suite calls this before every run.
set -euo pipefail

src="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib/oci-archive.sh
source "$src/scripts/lib/oci-archive.sh"

IMAGE_NAME="localhost/nri-seccomp:0.1.0"
# The Containerfile's runtime-stage packages; the rest comes from their
# dependency closure.
RUNTIME_PACKAGES=(libprotobuf32 libseccomp2 libyaml-cpp0.7 libspdlog1.10 libfmt9)
ENTRYPOINT=(/usr/local/bin/nri-seccomp)
CMD=(run --socket /var/run/nri/nri.sock --name seccomp --idx 10
     --config /etc/nri-seccomp/policy/policy.yaml
     --profiles-dir /etc/nri-seccomp/profiles --log-format json)
# Package paths that a running plugin never reads.
SKIP_PATHS='^/usr/share/(doc|doc-base|man|info|lintian|locale|bug|gcc|gdb)(/|$)'

usage() { sed -n '/^#   usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }

parse_args() {
  BINARY="$src/build/plugin/nri-seccomp"
  OUT="$src/build/image/nri-seccomp-${IMAGE_NAME##*:}.oci.tar"
  while [ $# -gt 0 ]; do
    case "$1" in
      --binary) BINARY="$2"; shift 2 ;;
      --out) OUT="$2"; shift 2 ;;
      --name) IMAGE_NAME="$2"; shift 2 ;;
      -h|--help) usage 0 ;;
      *) echo "build-image: unknown argument $1" >&2; usage ;;
    esac
  done
  case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
}

# ensure_binary: the default binary is built on demand; a given one must exist.
ensure_binary() {
  if [ ! -x "$BINARY" ] && [ "$BINARY" = "$src/build/plugin/nri-seccomp" ]; then
    echo "build-image: $BINARY missing, running scripts/build.sh" >&2
    "$src/scripts/build.sh" >&2
  fi
  [ -x "$BINARY" ] || { echo "build-image: no executable $BINARY" >&2; exit 1; }
}

# package_closure PKG...: PKG and every package they (pre-)depend on,
# transitively, one per line, sorted. Alternatives take the first installed
# one; version constraints and :any qualifiers do not matter for files.
package_closure() {
  local -A seen=()
  local queue=("$@") pkg dep
  while [ ${#queue[@]} -gt 0 ]; do
    pkg="${queue[0]}"; queue=("${queue[@]:1}")
    [ -n "${seen[$pkg]:-}" ] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || { echo "build-image: package $pkg is not installed (scripts/install-deps.sh)" >&2; exit 1; }
    seen[$pkg]=1
    while read -r dep; do
      [ -n "$dep" ] && queue+=("$dep")
    done < <(package_depends "$pkg")
  done
  printf '%s\n' "${!seen[@]}" | sort
}

# package_depends PKG: PKG's direct Pre-Depends and Depends, one installed
# package name per line.
package_depends() {
  local field alt name
  local -a alts
  dpkg-query -W -f='${Pre-Depends},${Depends}\n' "$1" | tr ',' '\n' | while read -r field; do
    [ -n "$field" ] || continue
    # "a (>= 1) | b": the first alternative that is installed.
    IFS='|' read -ra alts <<<"$field"
    for alt in "${alts[@]}"; do
      name="$(awk '{print $1}' <<<"$alt")"; name="${name%%:*}"
      if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then
        echo "$name"; break
      fi
    done
  done
}

# package_files PKG...: the non-directory files of PKGs worth shipping,
# relative to /, one per line.
package_files() {
  local pkg path
  for pkg in "$@"; do
    dpkg-query -L "$pkg"
  done | grep -Ev "$SKIP_PATHS" | while read -r path; do
    # Directories (and the host's /lib -> usr/lib symlinks) come from the
    # rootfs skeleton; files and symlinks to files are copied.
    [ -d "$path" ] && continue
    [ -e "$path" ] || [ -L "$path" ] || continue
    echo "${path#/}"
  done | sort -u
}

# input_key PKGS...: one line per input that decides the archive's bytes;
# equal keys mean an equal archive.
input_key() {
  echo "name $IMAGE_NAME"
  echo "binary $(sha256sum < "$BINARY" | cut -d' ' -f1)"
  dpkg-query -W -f='package ${Package} ${Version} ${Architecture}\n' "$@"
  (cd "$src" && sha256sum scripts/build-image.sh scripts/lib/oci-archive.sh \
     deploy/kubernetes/base/profiles/must-block.json deploy/host/policy.yaml \
     && find config/profiles -type f -print0 | sort -z | xargs -0 sha256sum)
}

# make_skeleton ROOT: Debian's merged-/usr layout (relative links, so they
# resolve inside the image and while building), the mount points a runtime
# expects, a root and a nobody account, and a sticky /tmp.
make_skeleton() {
  local root="$1" d
  mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/bin,etc,proc,sys,dev,run,root,tmp,var/tmp}
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
  ln -s ../run "$root/var/run"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  chmod 0755 "$root"
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp" "$root/var/tmp"
}

# copy_package_files ROOT LIST: the listed host files into ROOT, modes and
# symlinks kept; parent folders land behind the skeleton's /usr links.
copy_package_files() {
  tar -C / --no-recursion -cf - -T "$2" | tar -C "$1" -xf - --no-same-owner
}

# install_payload ROOT: the Containerfile's COPY instructions, in order.
install_payload() {
  local root="$1"
  install -D -m 0755 -s "$BINARY" "$root/usr/local/bin/nri-seccomp"
  mkdir -p "$root/etc/nri-seccomp/profiles" "$root/etc/nri-seccomp/policy"
  cp -R --no-preserve=all "$src/config/profiles/." "$root/etc/nri-seccomp/profiles/"
  install -m 0644 "$src/deploy/kubernetes/base/profiles/must-block.json" "$root/etc/nri-seccomp/profiles/must-block.json"
  install -m 0644 "$src/deploy/host/policy.yaml" "$root/etc/nri-seccomp/policy/policy.yaml"
}

# image_config: the config object, as the Containerfile's USER, EXPOSE,
# ENTRYPOINT and CMD (plus bookworm's default PATH) would leave it.
image_config() {
  printf '{"User":"0:0","ExposedPorts":{"9464/tcp":{}},"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s,"Cmd":%s}' \
    "$(oci_json_array "${ENTRYPOINT[@]}")" "$(oci_json_array "${CMD[@]}")"
}

report() {
  echo "$OUT"
  echo "archive: $(stat -c %s "$OUT") bytes; unpacked rootfs (layer tar): $(cat "$OUT.rootfs-bytes") bytes"
}

main() {
  parse_args "$@"
  ensure_binary
  umask 022
  local packages
  mapfile -t packages < <(package_closure "${RUNTIME_PACKAGES[@]}")
  mkdir -p "$(dirname "$OUT")"
  if [ -f "$OUT" ] && [ -f "$OUT.rootfs-bytes" ] && [ -f "$OUT.inputs" ] \
     && cmp -s "$OUT.inputs" <(input_key "${packages[@]}"); then
    report; return 0
  fi
  # Global: the EXIT trap runs after main has returned.
  WORK="$(mktemp -d "$(dirname "$OUT")/.build-image.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  make_skeleton "$WORK/rootfs"
  package_files "${packages[@]}" > "$WORK/files"
  copy_package_files "$WORK/rootfs" "$WORK/files"
  install_payload "$WORK/rootfs"
  oci_write_archive "$WORK/rootfs" "$IMAGE_NAME" "$(image_config)" "$WORK/image.tar"
  echo "$OCI_LAYER_BYTES" > "$OUT.rootfs-bytes"
  mv "$WORK/image.tar" "$OUT"
  input_key "${packages[@]}" > "$OUT.inputs"
  report
}

main "$@"
