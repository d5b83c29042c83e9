# shellcheck shell=bash
# A measurement, not a test (no ctest entry): what the runtime itself records
# for our plugin, containerd's histogram containerd_nri_plugin_latency_seconds
# (operations CreateContainer and ValidateContainerAdjustment, plugin
# 10-seccomp), over N creations of an
# unannotated and N of an annotated container (block-mkdir over
# RuntimeDefault: the first is a cold merge, the rest are warm).
#   tests/e2e/run.sh latency containerd 2.3.4 [N]        (N default 100)
# When the Go stub peer (../shared/runtimes/peers: a minimal plugin on NRI's
# own Go stub) is unpacked, it is connected to the same containerd, once
# called after us (index 20) and once before us (index 05), and both
# plugins' means are printed side by side with their ratio: the reference
# for "what does a minimal NRI plugin cost". Annotated means ours merging
# block-mkdir into the runtime's 375-name policy vs the stub's fixed policy.

# _nri_latency_totals OPERATION [PLUGIN]: "SUM COUNT" of that series for PLUGIN (default ours).
_nri_latency_totals() {
  curl -s "http://$RT_METRICS_ADDRESS/v1/metrics" |
    awk -v op="operation=\"$1\"" -v plugin="plugin=\"${2:-10-seccomp}\"" '/^containerd_nri_plugin_latency_seconds_(sum|count)\{/ && index($0, op) && index($0, plugin) {
           if ($1 ~ /_sum/) s = $2; else c = $2 } END { printf "%s %s\n", s + 0, c + 0 }'
}

# _report LABEL OPERATION BEFORE AFTER FAILED: the mean of one series over a batch.
_report() {
  awk -v b="$3" -v a="$4" -v label="$1" -v op="$2" -v failed="$5" 'BEGIN {
        split(b, x, " "); split(a, y, " "); n = y[2] - x[2]
        if (n <= 0) { print "FAIL " label ": containerd recorded no " op " latency for 10-seccomp"; exit }
        printf "NOTE %s: containerd_nri_plugin_latency_seconds{%s,10-seccomp}: %d calls (%d creations failed), sum %.6f s, mean %.1f us\n",
               label, op, n, failed, y[1] - x[1], (y[1] - x[1]) / n * 1e6 }'
}

# _measure_batch LABEL POD_ID POD_FILE N: creates N containers, reports the
# mean of our CreateContainer answers and of our validations.
_measure_batch() {
  local label="$1" pod="$2" file="$3" n="$4" create_before validate_before i failed=0
  create_before="$(_nri_latency_totals CreateContainer)"; validate_before="$(_nri_latency_totals ValidateContainerAdjustment)"
  for i in $(seq 1 "$n"); do create_ctr "$pod" "$file" "$label-$i" runtime-default || failed=$((failed + 1)); done
  _report "$label" CreateContainer "$create_before" "$(_nri_latency_totals CreateContainer)" "$failed"
  _report "$label" ValidateContainerAdjustment "$validate_before" "$(_nri_latency_totals ValidateContainerAdjustment)" "$failed"
}

# _batch_mean OPERATION PLUGIN POD_ID POD_FILE N LABEL: creates N containers;
# prints the mean in microseconds of PLUGIN's OPERATION series over them.
_batch_mean() {
  local before after i
  before="$(_nri_latency_totals "$1" "$2")"
  for i in $(seq 1 "$5"); do create_ctr "$3" "$4" "$6-$i" runtime-default >/dev/null 2>&1; done
  after="$(_nri_latency_totals "$1" "$2")"
  awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " "); n = y[2] - x[2]
    if (n > 0) printf "%.1f", (y[1] - x[1]) / n * 1e6; else print "nan" }'
}

# _peer_rounds N: ours against the Go stub peer, both index orders.
_peer_rounds() {
  local n="$1" peer idx order ours theirs ratios=() kind
  peer="$(e2e_runtime_bin peers 2>/dev/null)/gostub-plugin"
  [ -x "$peer" ] || { note "latency: no Go stub peer ($peer): the comparison is skipped"; return; }
  run_pod peer-plain '{}'; local plain_pod="$POD_ID" plain_file="$POD_FILE"
  run_pod peer-ours "{\"$ANN/pod\":\"block-mkdir\"}"; local ours_pod="$POD_ID" ours_file="$POD_FILE"
  run_pod peer-theirs '{"seccomp.example/pod":"yes"}'; local theirs_pod="$POD_ID" theirs_file="$POD_FILE"
  for idx in 20 05; do
    order="ours first"; [ "$idx" = 20 ] || order="peer first"
    "$peer" -name gostub -idx "$idx" -socket-path "$RT_NRI_SOCK" >> "$RUN/peer-$idx.log" 2>&1 &
    local peer_pid=$!
    e2e_wait_for 10 grep -E "registered as .{0,2}$idx-gostub" "$RT_LOG" || note "latency: the peer did not register ($order)"
    create_ctr "$ours_pod" "$ours_file" "warm-$idx" runtime-default >/dev/null 2>&1  # our cold merge, outside the batches
    for kind in unannotated annotated; do
      if [ "$kind" = unannotated ]; then
        ours="$(_batch_mean CreateContainer 10-seccomp "$plain_pod" "$plain_file" "$n" "pu-$idx")"
        theirs="$(_batch_mean CreateContainer "$idx-gostub" "$plain_pod" "$plain_file" "$n" "pu2-$idx")"
      else
        ours="$(_batch_mean CreateContainer 10-seccomp "$ours_pod" "$ours_file" "$n" "po-$idx")"
        theirs="$(_batch_mean CreateContainer "$idx-gostub" "$theirs_pod" "$theirs_file" "$n" "pt-$idx")"
      fi
      ratios+=("$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.3f", a / b}')")
      note "latency vs peer ($order, $kind, $n creations each): containerd's CreateContainer mean: nri-seccomp $ours us, Go stub $theirs us, ratio ${ratios[-1]}"
    done
    kill "$peer_pid" 2>/dev/null; wait "$peer_pid" 2>/dev/null
  done
  note "latency vs peer: geomean ratio unannotated $(awk -v a="${ratios[0]}" -v b="${ratios[2]}" 'BEGIN {printf "%.3f", sqrt(a * b)}'), annotated $(awk -v a="${ratios[1]}" -v b="${ratios[3]}" 'BEGIN {printf "%.3f", sqrt(a * b)}') (goal: <= 0.5)"
}

latency_scenarios() {
  cri_binaries_present || return
  local n="${LATENCY_N:-100}"
  write_policy
  E2E_AFTER_CHECK=runtime_still_alive
  start_runtime || return
  plugin_registers
  run_pod lat-plain '{}'
  local plain_pod="$POD_ID" plain_file="$POD_FILE"
  run_pod lat-guarded "{\"$ANN/pod\":\"block-mkdir\"}"
  _measure_batch unannotated "$plain_pod" "$plain_file" "$n"
  _measure_batch annotated "$POD_ID" "$POD_FILE" "$n"
  _peer_rounds "$n"
  alive_throughout
}
