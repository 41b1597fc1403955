#!/usr/bin/env bats
# irctl serve answers the requests of a kept-alive connection at once
# (issue 18, the benchmark's latency to a 2xx): Alertmanager's and most
# senders' HTTP clients keep their connection open, and a response written
# in two parts (headers, then body) must not wait for the client's delayed
# ACK of the first part (Nagle's algorithm: about 40 ms on Linux).

load helpers
load serve_helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() {
  stop_serve
  common_teardown
}

@test "a kept-alive connection: the requests after the first are answered within 30 ms, not after the client's delayed ACK" {
  start_serve --insecure-no-auth
  urls=()
  for _ in 1 2 3 4 5 6; do urls+=(-o /dev/null "$SERVE_URL/healthz"); done
  run curl -s -w '%{time_total}\n' "${urls[@]}"
  assert_status 0
  # The first request is the connection's own; of the five that reuse it,
  # one slow answer is the machine's noise, more are the bug.
  tail -n +2 <<<"$output" | py -c 'import sys; sys.exit(sum(float(t) >= 0.030 for t in sys.stdin) > 1)' ||
    { echo "the requests took (s): $output" >&2; return 1; }
  [ "$(grep -c ' request method=GET path=/healthz status=200 ' "$SERVE_LOG")" -eq 6 ]
}
