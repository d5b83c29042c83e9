#!/usr/bin/env bash
# The README's first command: a real demo on a fresh Debian 12 machine (root).
#   1. installs the Debian packages and builds the project into ./build;
#   2. starts a private containerd with the nri-seccomp plugin connected to
#      it: the newest it finds (CONTAINERD_BIN, else the newest of the shared
#      runtime builds in ../shared/runtimes or $NRI_SECCOMP_RUNTIMES, else
#      Debian's newest, fetched into a scratch folder; the system's
#      containerd and apt sources are left alone);
#   3. runs a pod annotated with the seed profile block-mkdir and tries mkdir
#      (denied where containerd applies the profile; where it cannot, e.g.
#      Debian's 2.1.9, shows the plugin's refusal instead), next to an
#      unannotated pod that runs as usual;
#   4. enforces the same profile through runc (`nri-seccomp apply` + `runc run`).
# Cleans up everything it started, also on failure. CONTAINERD_BIN's folder
# must also hold containerd-shim-runc-v2 and ctr.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$PWD"
lib="$src/tests/e2e/lib"

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it starts containerd and runc)" >&2; exit 1; }

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '   %s\n' "$@"; }

# DEMO_BUILD_DIR=DIR reuses an existing build instead of steps 1's install
# and build (for developers iterating on the demo itself).
build="${DEMO_BUILD_DIR:-$src/build}"
if [ -z "${DEMO_BUILD_DIR:-}" ]; then
  say "1/5 Debian packages and build (./build)"
  bash scripts/install-deps.sh
  bash scripts/build.sh >/tmp/nri-seccomp-demo-build.log 2>&1 \
    || { tail -n 30 /tmp/nri-seccomp-demo-build.log; echo "demo: build failed (log: /tmp/nri-seccomp-demo-build.log)"; exit 1; }
  show "built: build/plugin/nri-seccomp (log: /tmp/nri-seccomp-demo-build.log)"
else
  say "1/5 using the existing build in $build"
fi

E2E_BUILD_DIR="$build"
source "$lib/env.sh" demo
E2E_PROFILE_DIRS=("$src/config/profiles")

cleanup() {
  e2e_plugin_stop TERM
  e2e_runc_cleanup
  rt_cleanup
  e2e_cgroups_cleanup "$E2E_CGROUP_PARENT"
  echo
  echo "demo: cleaned up (containerd, plugin, containers, mounts, cgroups stopped/removed); logs kept in $RUN"
}

# pick_containerd: the newest containerd this machine has, and where it
# came from (for the honest line in step 2).
pick_containerd() {
  if [ -n "${CONTAINERD_BIN:-}" ]; then
    CONTAINERD_DIR="$(dirname "$(readlink -f "$CONTAINERD_BIN")")"; origin="CONTAINERD_BIN"
  elif CONTAINERD_DIR="$(e2e_runtime_newest containerd 2>/dev/null)"; then
    origin="the shared runtime builds ($(dirname "$CONTAINERD_DIR"))"
  else
    CONTAINERD_DIR="$("$lib/fetch-containerd.sh")"; origin="Debian's archive (no newer build found)"
  fi
}

say "2/5 a private containerd with the plugin"
pick_containerd
e2e_load_driver containerd
rt_init "$CONTAINERD_DIR"
trap cleanup EXIT
e2e_prepare_images "$E2E_WORK"
e2e_plugin_stop KILL; rt_cleanup; rt_wipe
rt_write_config
rt_start
rt_import_images 2>>"$RUN/import.log"  # ctr repeats the server's deprecation notices there
e2e_plugin_start
e2e_plugin_wait_synced 1 || { tail -n 20 "$E2E_PLUGIN_LOG"; echo "demo: the plugin did not connect"; exit 1; }
show "containerd $RT_FULL from $origin" \
     "running on $RT_ADDR (NRI socket $RT_NRI_SOCK)" \
     "plugin: $(grep -wm1 configured "$E2E_PLUGIN_LOG" | sed 's/^[^ ]* [^ ]* //')" \
     "containerd: $(grep -m1 -oE 'plugin .{0,2}10-seccomp.{0,2} connected and synchronized' "$RT_LOG" | tr -d '\\')"
deprecations="$(rt_deprecations | grep -vE "$RT_HOST_DEPRECATIONS" | sed '/^$/d' || true)"
[ -z "$deprecations" ] && show "containerd reports no deprecated settings in our config" \
  || show "containerd reports deprecations:" "$deprecations"
rt_deprecations | grep -qE "$RT_HOST_DEPRECATIONS" && show "(it does report this host's cgroup v1 as deprecated: a fact about the machine, not the config)"

CRI() { "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" --timeout 30 "$@"; }
printf '{"name":"demo","namespace":"default","uid":"demo-1","cgroupParent":"%s","annotations":{"%s/pod":"block-mkdir"}}\n' \
  "$E2E_CGROUP_PARENT" "$ANN" > "$RUN/pod.json"
printf '{"name":"app","image":"%s","command":["sleep","3600"],"seccomp":"runtime-default"}\n' \
  "$E2E_BUSYBOX_IMAGE" > "$RUN/app.json"

say "3/5 pod default/demo annotated $ANN/pod=block-mkdir"
pod="$(CRI runp "$RUN/pod.json")"
status=0
# What containerd does with the profile decides the story: enforced, or
# refused by the plugin because this containerd cannot apply it.
if cid="$(CRI create "$pod" "$RUN/app.json" "$RUN/pod.json" 2>&1)"; then
  CRI start "$cid"
  show "container app created and started (RuntimeDefault + block-mkdir)"
  show "\$ echo hello            -> $(CRI exec "$cid" -- echo hello 2>&1)"
  out="$(CRI exec "$cid" -- mkdir /tmp/demo 2>&1)" && status=1 || true
  show "\$ mkdir /tmp/demo       -> $out"
  [[ "$out" == *"Operation not permitted"* ]] && show "DENIED by the plugin's policy, enforced by containerd $RT_FULL" || status=1
else
  e2e_version_ge "$RT_VERSION" 2.2.0 || show "containerd $RT_FULL cannot apply seccomp adjustments (NRI seccomp needs containerd >= 2.2.0)."
  show "Rather than let the container run without its profile, the plugin refuses it:" "" "$cid" ""
  [[ "$cid" == *"nri-seccomp: "* ]] && show "REFUSED by the plugin (the message above reached the CRI client, as kubelet would see it)" || status=1
fi
# The plugin only acts where a profile was asked for: a pod without the
# annotation runs as usual on the same node.
printf '{"name":"plain","namespace":"default","uid":"demo-2","cgroupParent":"%s"}\n' "$E2E_CGROUP_PARENT" > "$RUN/plain.json"
plain="$(CRI runp "$RUN/plain.json")"
if pcid="$(CRI create "$plain" "$RUN/app.json" "$RUN/plain.json" 2>&1)" && CRI start "$pcid" >/dev/null 2>&1; then
  show "pod default/plain (no annotation): container created; \$ echo hello -> $(CRI exec "$pcid" -- echo hello 2>&1)"
else
  show "UNEXPECTED: the unannotated pod's container failed: $pcid"; status=1
fi
for p in "$pod" "$plain"; do
  CRI stopp "$p" >/dev/null 2>&1 || true
  CRI rmp "$p" >/dev/null 2>&1 || true
done

say "4/5 the same profile enforced through runc (nri-seccomp apply + runc run)"
bundle="$RUN/bundle"
e2e_bundle "$bundle" sh -c 'echo hello; mkdir /tmp/demo; echo "mkdir exit code $?"'
if decision="$("$NRI_SECCOMP_BIN" apply --bundle "$bundle" --profiles-dir "$src/config/profiles" \
      --namespace default --pod demo --container app \
      --pod-annotation "$ANN/pod=block-mkdir" --profile-type runtime-default 2>&1)"; then
  show "\$ nri-seccomp apply --bundle $bundle --pod-annotation $ANN/pod=block-mkdir ..." "  $decision"
  out="$(e2e_runc_run "$bundle" || true)"
  show "\$ runc run (sh -c 'echo hello; mkdir /tmp/demo')"
  while IFS= read -r line; do show "  $line"; done <<<"$out"
  [[ "$out" == *"Operation not permitted"* ]] && show "DENIED by the policy nri-seccomp wrote into the bundle" || status=1
else
  show "nri-seccomp apply failed:" "$decision"; status=1
fi

say "5/5 where to look"
show "plugin log:     $E2E_PLUGIN_LOG" "containerd log: $RT_LOG" "bundle:         $bundle/config.json (linux.seccomp)"
[ $status -eq 0 ] && echo && echo "demo: OK" || { echo; echo "demo: something did not behave as described above"; }
exit $status
