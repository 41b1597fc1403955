#!/usr/bin/env bats
# irctl serve killed with SIGKILL at random moments while senders post 200
# alerts with retries (issue 18, "Nothing lost"): afterwards every alert it
# acknowledged is in the repository exactly once, and git fsck and irctl
# fsck are clean. tests/serve/kill9.py does the work and says what it found;
# its seed is random and printed: IRCTL_KILL9_SEED=N replays a run.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

@test "kill -9 at random moments: every acknowledged alert is in exactly one incident, and fsck is clean" {
  seed=${IRCTL_KILL9_SEED:-$((RANDOM * 32768 + RANDOM))}
  run py "$IRCTL_SOURCE_DIR/tests/serve/kill9.py" --irctl "$IRCTL_BIN" --repo "$TEST_DIR/repo" --seed "$seed" --alerts 200
  if [ "$status" -ne 0 ]; then
    echo "$output" >&2
    echo "the servers' log:" >&2
    cat "$TEST_DIR/serve.log" >&2
  fi
  assert_status 0
  sed 's/^/# /' <<<"$output" >&3  # the seed and the counts, in bats' report
  # Every alert was acknowledged (a sender gives up only on a 4xx).
  [[ "$output" == *"alerts 200, acknowledged 200, "* ]] || { echo "$output" >&2; return 1; }
  run irctl list --format ids
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 200 ]
}
