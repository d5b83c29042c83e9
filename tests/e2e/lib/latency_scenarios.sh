# shellcheck shell=bash
# A measurement, not a test (no ctest entry): what the runtime itself records
# for our plugin, containerd's histogram containerd_nri_plugin_latency_seconds
# (operations CreateContainer and ValidateContainerAdjustment, plugin
# 10-seccomp), over N creations of an
# unannotated and N of an annotated container (block-mkdir over
# RuntimeDefault: the first is a cold merge, the rest are warm).
#   tests/e2e/run.sh latency containerd 2.3.4 [N]        (N default 100)

# _nri_latency_totals OPERATION: "SUM COUNT" of that series for our plugin.
_nri_latency_totals() {
  curl -s "http://$RT_METRICS_ADDRESS/v1/metrics" |
    awk -v op="operation=\"$1\"" '/^containerd_nri_plugin_latency_seconds_(sum|count)\{/ && index($0, op) && /10-seccomp/ {
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
  alive_throughout
}
