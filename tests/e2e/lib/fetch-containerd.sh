#!/usr/bin/env bash
# Fetches Debian's newest containerd (from sid) into a private scratch folder,
# without touching the system's apt sources: apt runs with its own sources
# list, state and cache under $E2E_WORK/apt. The download is cached: a second
# run only re-checks nothing and prints the binary's folder.
#
# Usage: fetch-containerd.sh            -> prints the folder holding containerd,
#                                          containerd-shim-runc-v2 and ctr
# Env:   E2E_WORK (default /var/tmp/nri-seccomp-e2e)
#        CONTAINERD_BIN: when set, nothing is fetched; its folder is printed.
set -euo pipefail

work="${E2E_WORK:-/var/tmp/nri-seccomp-e2e}"

if [ -n "${CONTAINERD_BIN:-}" ]; then
  [ -x "$CONTAINERD_BIN" ] || { echo "fetch-containerd: CONTAINERD_BIN=$CONTAINERD_BIN is not executable" >&2; exit 1; }
  dirname "$(readlink -f "$CONTAINERD_BIN")"
  exit 0
fi

root="$work/containerd-debian"
bin="$root/usr/bin"
if [ -x "$bin/containerd" ] && [ -x "$bin/containerd-shim-runc-v2" ] && [ -x "$bin/ctr" ]; then
  echo "$bin"
  exit 0
fi

apt_dir="$work/apt"
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d" "$apt_dir/debs"
# sid's Release is signed with the archive keys of the current releases;
# Debian 12 ships those keys in debian-archive-keyring (trixie and newer are
# in /etc/apt/trusted.gpg.d), so trust exactly the system's archive keys.
cat > "$apt_dir/etc/sources.list" <<SRC
deb http://deb.debian.org/debian sid main
SRC
cat > "$apt_dir/apt.conf" <<CONF
Dir::Etc::SourceList "$apt_dir/etc/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::Etc::Preferences "$apt_dir/etc/preferences";
Dir::Etc::PreferencesParts "$apt_dir/etc/preferences.d";
Dir::State "$apt_dir/state";
Dir::State::status "$apt_dir/state/status";
Dir::Cache "$apt_dir/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
touch "$apt_dir/state/status"
export APT_CONFIG="$apt_dir/apt.conf"

echo "fetch-containerd: apt-get update (private sid config in $apt_dir)" >&2
apt-get update -qq >&2

# The binary package that ships the daemon, ctr and the runc v2 shim.
version="$(apt-cache policy containerd | awk '/Candidate:/ {print $2}')"
[ -n "$version" ] && [ "$version" != "(none)" ] || { echo "fetch-containerd: sid has no containerd package" >&2; exit 1; }
echo "fetch-containerd: containerd $version from sid" >&2
(cd "$apt_dir/debs" && apt-get download -qq "containerd=$version" >&2)
deb="$(ls -t "$apt_dir"/debs/containerd_*.deb | head -1)"
contents="$(dpkg-deb -c "$deb")"
grep -q 'usr/bin/containerd-shim-runc-v2$' <<<"$contents" \
  || { echo "fetch-containerd: $deb does not ship containerd-shim-runc-v2" >&2; exit 1; }

rm -rf "$root.tmp" && mkdir -p "$root.tmp"
dpkg -x "$deb" "$root.tmp"
rm -rf "$root" && mv "$root.tmp" "$root"
echo "$bin"
