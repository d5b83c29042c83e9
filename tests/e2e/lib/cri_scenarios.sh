# shellcheck shell=bash
# The CRI scenarios, the same for every runtime: they talk to the runtime
# only through the driver (rt_* from lib/containerd.sh or lib/crio.sh) and
# cri-client, and take what each runtime+version must do from one table
# (expectations below). Sourced by run.sh after env.sh and the driver.

# ------------------------------------------------------------ expectations --

# What an annotated container must meet on each runtime+version, per base
# (tests/e2e/README.md; the plugin's capability table decides, this is what
# the tests hold it to). The first row of the runtime's kind whose version
# range [from, below) holds wins ("-": no upper bound). Columns: kind | from |
# below | validator (NRI's default validator exists) | runtime-default |
# unconfined | localhost. A base cell is
#   apply        the profile is enforced, the base's own denials kept;
#   too-old      refused: the runtime cannot apply seccomp adjustments, the
#                message names runtime, version and the row's `below`;
#   refuse:W,W   refused, the message contains every word W ({full} is the
#                version as the runtime reports it, {version} without "v").
expectations() {
  cat <<'TABLE'
containerd | 0      | 2.2.0  | no  | too-old                                      | too-old | too-old
containerd | 2.2.0  | 2.3.0  | yes | refuse:containerd {full},clone3,errno 38,2.3.0 | apply   | apply
containerd | 2.3.0  | -      | yes | apply                                        | apply   | apply
cri-o      | 0      | 1.34.0 | no  | too-old                                      | too-old | too-old
cri-o      | 1.34.0 | 1.37.0 | yes | refuse:cri-o {version},errno 38,1.37.0        | apply   | apply
cri-o      | 1.37.0 | -      | yes | apply                                        | apply   | apply
TABLE
}

# expect COLUMN: this runtime's cell (COLUMN: validator, runtime-default,
# unconfined, localhost); too-old comes back as its refuse: form.
expect() {
  local col kind from below
  case "$1" in validator) col=4 ;; runtime-default) col=5 ;; unconfined) col=6 ;; localhost) col=7 ;; esac
  while IFS='|' read -r kind from below cell; do
    [ "$kind" = "$RT_KIND" ] || continue
    e2e_version_ge "$RT_VERSION" "$from" || continue
    [ "$below" = - ] || ! e2e_version_ge "$RT_VERSION" "$below" || continue
    [ "$cell" = too-old ] && cell="refuse:$RT_KIND,{version},$below"
    cell="${cell//\{full\}/$RT_FULL}"
    echo "${cell//\{version\}/$RT_VERSION}"
    return 0
  done < <(expectations | awk -F' *[|] *' -v c="$col" '{print $1 "|" $2 "|" $3 "|" $c}')
  echo "no-row"
}

# ------------------------------------------------------------------ helpers --

CRI() { "$CRI_CLIENT_BIN" --endpoint "unix://$RT_ADDR" --timeout 30 "$@"; }

# The probe as the containers see it (mounted read-only from the build).
PROBE=/e2e/thread-probe

# pod_file NAME [ANNOTATIONS-JSON] [NAMESPACE]: writes $RUN/pods/NAME.json
# (namespace "default" unless given), prints its path.
pod_file() {
  local name="$1" ann="${2:-{\}}" f="$RUN/pods/$1.json"
  mkdir -p "$RUN/pods"
  printf '{"name":"%s","namespace":"%s","uid":"e2e-%s-%s","cgroupParent":"%s","annotations":%s}\n' \
    "$name" "${3:-default}" "$name" "$$" "$E2E_CGROUP_PARENT" "$ann" > "$f"
  echo "$f"
}

# ctr_file NAME BASE: a sleeping busybox container on seccomp BASE
# (runtime-default, unconfined, localhost = our Localhost file), with the
# thread probe mounted.
ctr_file() {
  local name="$1" base="$2" f="$RUN/pods/ctr-$1.json" ref=""
  [ "$base" = localhost ] && ref=",\"localhostRef\":\"$LOCALHOST_PROFILE\""
  printf '{"name":"%s","image":"%s","command":["sleep","3600"],"seccomp":"%s"%s,"mounts":[{"host":"%s","container":"%s","readonly":true}]}\n' \
    "$name" "$E2E_BUSYBOX_IMAGE" "$base" "$ref" "$THREAD_PROBE_BIN" "$PROBE" > "$f"
  echo "$f"
}

# run_pod NAME ANNOTATIONS [NAMESPACE]: starts a pod; its id in $POD_ID, spec in $POD_FILE.
run_pod() {
  POD_FILE="$(pod_file "$1" "$2" "${3:-}")"
  POD_ID="$(CRI runp "$POD_FILE" 2>"$RUN/runp-$1.err")"
}

# create_ctr POD_ID POD_FILE NAME BASE: $CTR_ID on success, $CREATE_ERR (the
# runtime's message) on failure; returns the client's exit code.
create_ctr() {
  local out rc
  out="$(CRI create "$1" "$(ctr_file "$3" "$4")" "$2" 2>&1)"
  rc=$?
  CTR_ID=""; CREATE_ERR=""
  if [ $rc -eq 0 ]; then CTR_ID="$out"; else CREATE_ERR="$out"; fi
  return $rc
}

# run_ctr POD_ID POD_FILE NAME BASE: create_ctr, then start it.
run_ctr() {
  create_ctr "$@" || return 1
  CREATE_ERR="$(CRI start "$CTR_ID" 2>&1)" || return 1
}

# exec_in CID CMD...: output in $EXEC_OUT, exit code in $EXEC_RC (set here
# so a check that reads them after a failed creation does not trip set -u).
EXEC_OUT=""; EXEC_RC=0
exec_in() {
  local cid="$1"; shift
  EXEC_OUT="$(CRI exec "$cid" -- "$@" 2>&1)"
  EXEC_RC=$?
}

# ctr_get CID POINTER: one value of cri-client's inspect JSON.
ctr_get() { CRI inspect "$1" 2>/dev/null | "$E2E_JSON_BIN" get - "$2" 2>/dev/null; }
ctr_state() { ctr_get "$1" /state; }
ctr_running() { [ "$(ctr_state "$1")" = CONTAINER_RUNNING ]; }
ctr_exited() { [ "$(ctr_state "$1")" = CONTAINER_EXITED ]; }
# ctr_stamp CID: the plugin's policy-hash annotation in the container's OCI
# spec, where the runtime keeps the plugin's adjustments (empty: none).
ctr_stamp() { ctr_get "$1" "/info/info/runtimeSpec/annotations/$ANN~1policy-hash"; }

# ctr_unprotected CID: the container runs without block-mkdir (mkdir works)
# and without the stamp: what a creation that bypassed the plugin looks like.
ctr_unprotected() {
  exec_in "$1" sh -c 'mkdir /tmp/probe-dir && echo mkdir-ok'
  contains "$EXEC_OUT" mkdir-ok && [ -z "$(ctr_stamp "$1")" ]
}

# try_unshare CID: how `unshare -U true` ends in the container (output and
# exit code), for comparing two containers' base policies.
try_unshare() {
  exec_in "$1" sh -c 'unshare -U true; echo unshare_rc=$?'
  echo "$EXEC_OUT"
}

# ------------------------------------------------------- runtime liveness --

# Hooked into every PASS/FAIL (E2E_AFTER_CHECK): a runtime that died during
# the step just checked is a failure of its own, with the end of its log.
# It is started again so the remaining scenarios still report something.
RT_SHOULD_RUN=0
RT_DEATHS=0
ALIVE_MARK=0  # RT_LOG's length at the last check that found it alive
runtime_still_alive() {
  [ "$RT_SHOULD_RUN" = 1 ] || return 0
  if rt_alive; then ALIVE_MARK="$(e2e_lines_of "$RT_LOG")"; return 0; fi
  RT_DEATHS=$((RT_DEATHS + 1))
  fail "$RT_KIND $RT_VERSION died during the last step" \
    "$(e2e_log_since "$RT_LOG" "$ALIVE_MARK" | grep -m3 -E 'panic|fatal'; tail -n 8 "$RT_LOG")"
  local synced; synced="$(e2e_plugin_count synchronized)"
  rt_start >/dev/null 2>&1 || { RT_SHOULD_RUN=0; note "$RT_KIND does not start again: the remaining checks will fail"; return 0; }
  plugin_resynced "$synced" || note "the plugin did not reconnect to the restarted $RT_KIND"
}

# ----------------------------------------------------------------- phases --

# start_runtime: a clean private runtime with the images, or non-zero.
start_runtime() {
  e2e_plugin_stop KILL  # a daemon left by a run that was killed outright
  rt_cleanup; rt_wipe
  rt_write_config
  if ! rt_start 2>/dev/null; then fail "$RT_KIND $RT_VERSION: starts on private paths" "$(tail -n 20 "$RT_LOG")"; return 1; fi
  RT_SHOULD_RUN=1
  pass "$RT_KIND $RT_VERSION: starts on private paths (under $RT_DIR), CRI answers: $(CRI version 2>&1)"
  if ! rt_import_images >"$RUN/import.log" 2>&1; then fail "$RT_KIND: images imported" "$(cat "$RUN/import.log")"; return 1; fi
  pass "$RT_KIND: busybox and pause images imported (no registry)"
  no_deprecations "about our config"
}

# no_deprecations WHAT: the runtime reports no deprecation caused by our
# config or by what the run did (rt_deprecations); the ones about the host
# itself (RT_HOST_DEPRECATIONS, e.g. cgroup v1) are noted, not failed.
no_deprecations() {
  local all ours host
  all="$(_deprecations)"
  host="$(grep -E "${RT_HOST_DEPRECATIONS:-^$}" <<<"$all")"
  ours="$(grep -vE "${RT_HOST_DEPRECATIONS:-^$}" <<<"$all" | sed '/^$/d')"
  [ -z "$host" ] || note "$RT_KIND $RT_VERSION reports about the host (not our config): $(cut -c1-160 <<<"$host" | tr '\n' ' ')"
  if [ -z "$ours" ]; then pass "$RT_KIND $RT_VERSION: no deprecation warnings $1"
  else fail "$RT_KIND $RT_VERSION: no deprecation warnings $1" "$ours"; fi
}

# _deprecations: the driver's rt_deprecations where it has one, else the
# warnings in the runtime's log that mention a deprecation.
_deprecations() {
  if declare -F rt_deprecations >/dev/null; then rt_deprecations; return; fi
  grep -i 'level=warn' "$RT_LOG" | grep -i deprecat
}

# plugin_resynced BEFORE: the plugin synchronized once more than the
# BEFORE count (e2e_plugin_count synchronized) within 10 s.
plugin_resynced() { e2e_plugin_wait_synced $(( $1 + 1 )); }

# validator_without_plugin: before the plugin ever connects, the default
# validator (required_plugins = ["seccomp"]) must refuse even an unannotated
# container: proof that the table in our config is read and active.
validator_without_plugin() {
  run_pod early '{}'
  if [ "$(expect validator)" = no ]; then
    note "$RT_KIND $RT_VERSION has no NRI default validator (NRI < 0.10): fail-closed is up to the plugin being there"
    if run_ctr "$POD_ID" "$POD_FILE" app runtime-default; then
      pass "$RT_KIND $RT_VERSION: without the plugin an unannotated container is created (no validator to stop it)"
    else fail "$RT_KIND $RT_VERSION: without the plugin an unannotated container is created (no validator to stop it)" "$CREATE_ERR"; fi
    return
  fi
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" 'required plugin' seccomp 'not present'; then
    pass "$RT_KIND $RT_VERSION: default validator active: without the plugin even an unannotated container is refused (required plugin \"seccomp\" not present)"
  else fail "$RT_KIND $RT_VERSION: default validator active: without the plugin even an unannotated container is refused" "id=$CTR_ID $CREATE_ERR"; fi
}

# plugin_registers: the daemon connects; both sides log it.
plugin_registers() {
  e2e_plugin_start
  if e2e_plugin_wait_synced 1; then pass "plugin: registered; its log shows configured and synchronized"
  else fail "plugin: registered; its log shows configured and synchronized" "$(tail -n 15 "$E2E_PLUGIN_LOG")"; fi
  if grep -w configured "$E2E_PLUGIN_LOG" | grep -q -- "$RT_VERSION"; then
    pass "plugin: configured event names the runtime version ($RT_VERSION)"
  else fail "plugin: configured event names the runtime version ($RT_VERSION)" "$(grep -w configured "$E2E_PLUGIN_LOG")"; fi
  if e2e_wait_for 5 rt_log_plugin_synced 0; then pass "$RT_KIND: its own log shows the plugin 10-seccomp connected and synchronized"
  else fail "$RT_KIND: its own log shows the plugin 10-seccomp connected and synchronized" "$(grep -i nri "$RT_LOG" | tail -n 8)"; fi
}

# unannotated_pod: RuntimeDefault and Localhost containers without any
# annotation run exactly as the runtime made them. Leaves PLAIN_POD,
# PLAIN_FILE, PLAIN_CTR and PLAIN_UNSHARE (how RuntimeDefault itself ends
# `unshare -U`) for later comparisons.
unannotated_pod() {
  PLAIN_CTR=""; PLAIN_UNSHARE=""
  run_pod plain '{"team":"e2e"}'
  PLAIN_POD="$POD_ID"; PLAIN_FILE="$POD_FILE"
  if ! run_ctr "$PLAIN_POD" "$PLAIN_FILE" app runtime-default; then
    fail "$RT_KIND: unannotated RuntimeDefault container created and started" "$(cat "$RUN/runp-plain.err" 2>/dev/null) $CREATE_ERR"
    return
  fi
  PLAIN_CTR="$CTR_ID"
  exec_in "$PLAIN_CTR" sh -c "mkdir /tmp/d && echo mkdir-ok; $PROBE"
  if contains "$EXEC_OUT" mkdir-ok thread-ok; then pass "$RT_KIND: unannotated pod untouched: mkdir works, thread probe prints thread-ok"
  else fail "$RT_KIND: unannotated pod untouched: mkdir works, thread probe prints thread-ok" "$EXEC_OUT"; fi
  local action
  action="$(rt_spec_seccomp "$PLAIN_CTR" | "$E2E_JSON_BIN" get - /defaultAction 2>&1)"
  if [ "$action" = SCMP_ACT_ERRNO ]; then pass "$RT_KIND: unannotated container's OCI spec keeps the runtime's own RuntimeDefault (defaultAction SCMP_ACT_ERRNO)"
  else fail "$RT_KIND: unannotated container's OCI spec keeps the runtime's own RuntimeDefault (defaultAction SCMP_ACT_ERRNO)" "$action"; fi
  PLAIN_UNSHARE="$(try_unshare "$PLAIN_CTR")"
  if contains "$PLAIN_UNSHARE" unshare_rc=1; then note "RuntimeDefault of $RT_KIND $RT_VERSION itself: $(tr '\n' ' ' <<<"$PLAIN_UNSHARE")"
  else fail "$RT_KIND: RuntimeDefault itself denies unshare -U (the reference for the merged policies)" "$PLAIN_UNSHARE"; fi
  if run_ctr "$PLAIN_POD" "$PLAIN_FILE" app-lh localhost && exec_in "$CTR_ID" sh -c 'unshare -U true; echo unshare_rc=$?; mkdir /tmp/d && echo mkdir-ok' \
     && contains "$EXEC_OUT" "Operation not permitted" unshare_rc=1 mkdir-ok; then
    pass "$RT_KIND: unannotated Localhost container: the file's own unshare denial (EPERM) holds, mkdir works"
  else fail "$RT_KIND: unannotated Localhost container: the file's own unshare denial (EPERM) holds, mkdir works" "$CREATE_ERR $EXEC_OUT"; fi
}

# check_refused LABEL NAME BASE CELL: the creation fails and the CRI client
# gets the plugin's message with the words the table asks for.
check_refused() {
  local label="$1" name="$2" base="$3" words
  IFS=, read -r -a words <<<"${4#refuse:}"
  if create_ctr "$POD_ID" "$POD_FILE" "$name" "$base"; then
    fail "$label: refused with the plugin's message" "created $CTR_ID"
  elif contains "$CREATE_ERR" "nri-seccomp: " "default/$MATRIX_POD" "$name" "${words[@]}"; then
    pass "$label: refused, the CRI client gets the plugin's message (${words[*]})"
  else fail "$label: refused with the plugin's message naming ${words[*]}" "$CREATE_ERR"; fi
}

# check_applied LABEL NAME BASE PROFILE: the container runs; mkdir is
# denied the profile's way, threads still start, the base's own denials hold.
check_applied() {
  local label="$1" name="$2" base="$3" profile="$4" want what
  if ! run_ctr "$POD_ID" "$POD_FILE" "$name" "$base"; then fail "$label: created and started" "$CREATE_ERR"; return; fi
  local cid="$CTR_ID"
  exec_in "$cid" sh -c "$PROBE; mkdir /tmp/d; echo mkdir_rc=\$?"
  case "$profile" in
    block-mkdir) want=("Operation not permitted" mkdir_rc=1); what="mkdir denied (EPERM)" ;;
    *-kill)      want=(mkdir_rc=159); what="mkdir killed (Bad system call, exit 159)" ;;
  esac
  if contains "$EXEC_OUT" "${want[@]}"; then pass "$label: $what"; else fail "$label: $what" "$EXEC_OUT"; fi
  if contains "$EXEC_OUT" thread-ok; then pass "$label: the static glibc thread probe prints thread-ok"
  else fail "$label: the static glibc thread probe prints thread-ok" "$EXEC_OUT"; fi
  case "$base" in
    runtime-default)
      local got; got="$(try_unshare "$cid")"
      if [ -n "$PLAIN_UNSHARE" ] && [ "$got" = "$PLAIN_UNSHARE" ]; then
        pass "$label: RuntimeDefault's own unshare -U denial unchanged (same as the unannotated container)"
      else fail "$label: RuntimeDefault's own unshare -U denial unchanged (same as the unannotated container)" "here: $got
unannotated: $PLAIN_UNSHARE"; fi ;;
    localhost)
      exec_in "$cid" sh -c 'unshare -U true; echo unshare_rc=$?'
      if contains "$EXEC_OUT" "Operation not permitted" unshare_rc=1; then pass "$label: the Localhost file's own unshare denial holds"
      else fail "$label: the Localhost file's own unshare denial holds" "$EXEC_OUT"; fi ;;
  esac
}

# annotated_matrix PHASE CASE...: one pod "guarded<PHASE>" annotated with
# block-mkdir, plus block-mkdir-kill for the containers whose case says so;
# CASE = "NAME BASE PROFILE". Each case is held to this runtime's cell.
annotated_matrix() {
  local phase="$1"; shift
  local c name base profile ann="\"$ANN/pod\":\"block-mkdir\""
  for c in "$@"; do
    read -r name base profile <<<"$c"
    [ "$profile" = block-mkdir ] || ann+=",\"$ANN/container.$name\":\"$profile\""
  done
  MATRIX_POD="guarded$phase"
  run_pod "$MATRIX_POD" "{$ann}"
  [ -n "$POD_ID" ] || { fail "$RT_KIND: pod $MATRIX_POD started" "$(cat "$RUN/runp-$MATRIX_POD.err")"; return; }
  for c in "$@"; do
    read -r name base profile <<<"$c"
    local cell label="$RT_KIND $RT_VERSION: $base + $profile ($MATRIX_POD/$name)"
    cell="$(expect "$base")"
    case "$cell" in
      apply)    check_applied "$label" "$name" "$base" "$profile" ;;
      refuse:*) check_refused "$label" "$name" "$base" "$cell" ;;
      *)        fail "$label: the expectations table has a row for $RT_KIND $RT_VERSION" "$cell" ;;
    esac
  done
}

# refusals: the plugin's own refusals reach the CRI client on every runtime.
refusals() {
  run_pod missing "{\"$ANN/pod\":\"no-such-profile\"}"
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" "nri-seccomp: " default/missing app no-such-profile; then
    pass "$RT_KIND: unknown profile: creation fails with the plugin's message naming it"
  else fail "$RT_KIND: unknown profile: creation fails with the plugin's message naming it" "id=$CTR_ID $CREATE_ERR"; fi
  run_pod replacing "{\"$ANN/pod\":\"replace:block-mkdir\"}"
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" "nri-seccomp: " default/replacing app block-mkdir replace; then
    pass "$RT_KIND: not-allowed 'replace:' annotation: creation fails with the plugin's message"
  else fail "$RT_KIND: not-allowed 'replace:' annotation: creation fails with the plugin's message" "id=$CTR_ID $CREATE_ERR"; fi
  hostile_bytes_refusals
}

# hostile_bytes_refusals: invalid UTF-8, NUL and control bytes from a profile
# file and from an annotation reach the CRI client as the plugin's message,
# escaped (a protobuf string with invalid UTF-8 would make the runtime drop
# the reply: the user would see a decode error instead).
hostile_bytes_refusals() {
  local label
  run_pod hostile "{\"$ANN/pod\":\"hostile-bytes\"}"
  label="$RT_KIND: a profile file with invalid UTF-8, NUL and ESC bytes"
  # A runtime that cannot apply adjustments is refused before the profile is looked up.
  local shown='\xff'
  [ "$(expect unconfined)" = apply ] || shown="cannot apply seccomp adjustments"
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default &&
     contains "$CREATE_ERR" "nri-seccomp: " default/hostile hostile-bytes "$shown" && [[ "$CREATE_ERR" != *"contains invalid UTF-8"* ]]; then
    pass "$label: refused, the CRI client gets the plugin's message naming the profile ($shown)"
  else fail "$label: refused, the CRI client gets the plugin's message naming the profile ($shown)" "id=$CTR_ID $CREATE_ERR"; fi
  run_pod hostile-name "{\"$ANN/pod\":\"block-mkdir,x\\u001b[31m\\u0007\"}"
  label="$RT_KIND: an annotation with ESC and BEL bytes"
  if ! create_ctr "$POD_ID" "$POD_FILE" app runtime-default && contains "$CREATE_ERR" "nri-seccomp: " default/hostile-name '\x1b[31m\x07'; then
    pass "$label: refused, the message shows them escaped (\\x1b, \\x07)"
  else fail "$label: refused, the message shows them escaped (\\x1b, \\x07)" "id=$CTR_ID $CREATE_ERR"; fi
}

# plugin_killed_and_restarted: KILL the plugin (a crash), see the runtime
# notice, hold the validator's fail-closed where there is one, restart it.
plugin_killed_and_restarted() {
  local mark; mark="$(e2e_lines_of "$RT_LOG")"
  e2e_plugin_stop KILL
  if e2e_wait_for 5 rt_log_plugin_closed "$mark"; then pass "$RT_KIND: its log shows the killed plugin's connection closed"
  else fail "$RT_KIND: its log shows the killed plugin's connection closed" "$(e2e_log_since "$RT_LOG" "$mark" | tail -n 5)"; fi
  if [ "$(expect validator)" = yes ]; then
    # NRI drops a dead plugin from its list only at the end of the next
    # request, so that request still counts it as present (runtimes.md 5):
    # the first creation is not the runtime's fail-closed, the second is.
    if create_ctr "$PLAIN_POD" "$PLAIN_FILE" app-noplugin-1 runtime-default; then
      note "$RT_KIND $RT_VERSION: the first creation after the plugin died was let through (NRI counts the dead plugin once more; known runtime hole)"
    else note "$RT_KIND $RT_VERSION: the first creation after the plugin died was refused: $CREATE_ERR"; fi
    if ! create_ctr "$PLAIN_POD" "$PLAIN_FILE" app-noplugin-2 runtime-default && contains "$CREATE_ERR" 'required plugin' seccomp 'not present'; then
      pass "$RT_KIND $RT_VERSION: plugin down + required_plugins: the next creation fails closed (required plugin \"seccomp\" not present)"
    else fail "$RT_KIND $RT_VERSION: plugin down + required_plugins: the next creation fails closed" "id=$CTR_ID $CREATE_ERR"; fi
  fi
  local synced; synced="$(e2e_plugin_count synchronized)"
  e2e_plugin_start
  if plugin_resynced "$synced"; then pass "plugin: restarted after KILL and synchronized again"
  else fail "plugin: restarted after KILL and synchronized again" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; fi
}

# runtime_restarted: the runtime stops and starts; the plugin reconnects by
# itself, running containers survive, new ones are still created.
runtime_restarted() {
  local mark synced; mark="$(e2e_lines_of "$RT_LOG")"; synced="$(e2e_plugin_count synchronized)"
  RT_SHOULD_RUN=0
  rt_stop
  if ! rt_start 2>/dev/null; then fail "$RT_KIND: restarts" "$(tail -n 20 "$RT_LOG")"; return 1; fi
  RT_SHOULD_RUN=1
  if plugin_resynced "$synced"; then pass "plugin: reconnected after the $RT_KIND restart (its log: synchronized again)"
  else fail "plugin: reconnected after the $RT_KIND restart (its log: synchronized again)" "$(tail -n 10 "$E2E_PLUGIN_LOG")"; fi
  if e2e_wait_for 5 rt_log_plugin_synced "$mark"; then pass "$RT_KIND: after its restart, its log shows the plugin connected and synchronized"
  else fail "$RT_KIND: after its restart, its log shows the plugin connected and synchronized" "$(e2e_log_since "$RT_LOG" "$mark" | grep -i nri | tail -n 8)"; fi
  if [ -n "$PLAIN_CTR" ]; then
    exec_in "$PLAIN_CTR" echo still-here
    if contains "$EXEC_OUT" still-here; then pass "$RT_KIND: containers survive its restart"
    else fail "$RT_KIND: containers survive its restart" "$EXEC_OUT"; fi
  fi
  if run_ctr "$PLAIN_POD" "$PLAIN_FILE" app-after-restart runtime-default; then pass "$RT_KIND: after its restart, unannotated containers are still created"
  else fail "$RT_KIND: after its restart, unannotated containers are still created" "$CREATE_ERR"; fi
}

# The cases: every base with both seed profiles; after each restart a
# refused-or-applied pair (RuntimeDefault ERRNO, Localhost KILL).
FULL_MATRIX=("rd runtime-default block-mkdir" "rd-kill runtime-default block-mkdir-kill"
             "uc unconfined block-mkdir" "uc-kill unconfined block-mkdir-kill"
             "lh localhost block-mkdir" "lh-kill localhost block-mkdir-kill")
RESTART_MATRIX=("rd runtime-default block-mkdir" "lh-kill localhost block-mkdir-kill")

# write_policy: the plugin's --config (Localhost profiles below our own
# kubelet seccomp root) and one Localhost file that only denies unshare,
# with EPERM (an errno every runtime version can be handed).
write_policy() {
  mkdir -p "$RUN/kubelet-seccomp"
  LOCALHOST_PROFILE="$RUN/kubelet-seccomp/deny-unshare.json"
  printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["unshare"],"action":"SCMP_ACT_ERRNO"}]}\n' > "$LOCALHOST_PROFILE"
  E2E_PLUGIN_CONFIG="$RUN/policy.yaml"
  printf 'apiVersion: seccomp.noderesource.dev/v1alpha1\nkind: SeccompPolicy\nkubeletSeccompRoot: %s\n' \
    "$RUN/kubelet-seccomp" > "$E2E_PLUGIN_CONFIG"
}

# cri_scenarios: everything, in order, against the runtime rt_init chose.
cri_scenarios() {
  cri_binaries_present || return
  note "$RT_KIND $RT_VERSION from $RT_BIN_DIR: expected per base: runtime-default=$(expect runtime-default) unconfined=$(expect unconfined) localhost=$(expect localhost) validator=$(expect validator)"
  write_policy
  E2E_AFTER_CHECK=runtime_still_alive
  start_runtime || return
  validator_without_plugin
  plugin_registers
  unannotated_pod
  annotated_matrix "" "${FULL_MATRIX[@]}"
  refusals
  plugin_killed_and_restarted
  annotated_matrix -after-plugin-restart "${RESTART_MATRIX[@]}"
  runtime_restarted || return
  annotated_matrix -after-runtime-restart "${RESTART_MATRIX[@]}"
  plugin_still_running
  no_deprecations "after the whole run"
  alive_throughout
}

# cri_binaries_present: the CRI client and the thread probe are built.
cri_binaries_present() {
  local bin
  for bin in "$CRI_CLIENT_BIN" "$THREAD_PROBE_BIN"; do
    [ -x "$bin" ] || { fail "$RT_KIND: binary present: $bin (build the project first)"; return 1; }
  done
}

plugin_still_running() {
  if e2e_plugin_running; then pass "plugin: still running at the end"; else fail "plugin: still running at the end"; fi
}

# alive_throughout: the last check of a run (the per-step hook ends here):
# the runtime never died on the way.
alive_throughout() {
  E2E_AFTER_CHECK=
  if [ "$RT_DEATHS" -eq 0 ]; then pass "$RT_KIND $RT_VERSION: alive after every step"
  else fail "$RT_KIND $RT_VERSION: alive after every step" "died $RT_DEATHS times; log: $RT_LOG"; fi
}
