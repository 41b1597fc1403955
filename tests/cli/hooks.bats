#!/usr/bin/env bats
# The notification hook (issue 3): an executable .irctl/hooks/on-event, part
# of the repository, runs after each committed event with
# {"event": ..., "incident": ...} as JSON on its standard input. Whatever it
# does, the event stays committed and irctl exits 0: a failure is a warning on
# stderr, a hook slower than IRCTL_HOOK_TIMEOUT seconds is stopped, and its
# output never reaches irctl's stdout.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(declare_incident "Checkout API returns 503")
  FILE=$(incident_path "$ID")
  # The hook writes what it sees outside the repository.
  HOOK_OUT="$TEST_DIR/hook-out"
  mkdir -p "$HOOK_OUT"
  export HOOK_OUT
}
teardown() { common_teardown; }

commits() { git rev-list --count HEAD; }

# Usage: install_hook <<'EOF' ... EOF — commits the script as the hook.
install_hook() {
  mkdir -p .irctl/hooks
  cat >.irctl/hooks/on-event
  chmod +x .irctl/hooks/on-event
  git add .irctl/hooks/on-event
  git commit -q -m "on-event hook"
}

# A hook that appends each payload (one line of JSON) to $HOOK_OUT/payloads
# and records the HEAD it saw and where it ran.
install_recording_hook() {
  install_hook <<'EOF'
#!/bin/sh
cat >>"$HOOK_OUT/payloads"
git rev-parse HEAD >>"$HOOK_OUT/heads"
pwd >>"$HOOK_OUT/pwd"
EOF
}

# Usage: payload N EXPR — evaluates EXPR over the Nth payload (1-based).
payload() {
  sed -n "${1}p" "$HOOK_OUT/payloads" | json_eval "$2"
}

process_alive() {
  [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

@test "the hook gets the event and the incident as JSON on stdin, after the commit" {
  install_recording_hook
  run --separate-stderr irctl severity "$ID" SEV1 --reason "all regions"
  assert_status 0
  [ "$(wc -l <"$HOOK_OUT/payloads")" -eq 1 ]
  [ "$(payload 1 'sorted(d)')" = '["event", "incident"]' ]
  [ "$(payload 1 '[d["event"]["type"], d["event"]["from"], d["event"]["to"], d["event"]["reason"]]')" = '["severity", "SEV3", "SEV1", "all regions"]' ]
  [ "$(payload 1 'd["event"]["by"]')" = "Alice Example <alice@example.com>" ]
  [ "$(payload 1 'd["event"]["id"]')" = "$(git log -1 --format='%(trailers:key=Event,valueonly)' | head -n 1)" ]
  [ "$(payload 1 '[d["incident"]["id"], d["incident"]["severity"], d["incident"]["path"]]')" = "[\"$ID\", \"SEV1\", \"$FILE\"]" ]
  [ "$(payload 1 'd["incident"]["timeline"][-1]["id"] == d["event"]["id"]')" = "true" ]
  # the hook ran after the commit, in the repository's top directory
  [ "$(cat "$HOOK_OUT/heads")" = "$(git rev-parse HEAD)" ]
  [ "$(cat "$HOOK_OUT/pwd")" = "$(pwd -P)" ]
  assert_clean_repo
}

@test "the hook runs once for every event, from any command and any directory" {
  install_recording_hook
  new=$(declare_incident "Second incident")
  (cd incidents && irctl -q assign "$new" commander alice)
  irctl -q -C "$TEST_DIR/repo" update "$new" --audience external "Investigating"
  irctl -q contain "$new" "Rolled back"
  irctl -q resolve "$new"
  [ "$(wc -l <"$HOOK_OUT/payloads")" -eq 5 ]
  [ "$(json_eval 'd' < <(py -c '
import json, sys
print(json.dumps([json.loads(l)["event"]["type"] for l in open(sys.argv[1])]))' "$HOOK_OUT/payloads"))" = '["declare", "assign", "update", "contain", "resolve"]' ]
  [ "$(payload 1 'd["incident"]["id"]')" = "$new" ]
  [ "$(payload 3 'd["event"]["audience"]')" = "external" ]
  [ "$(payload 5 'd["incident"]["status"]')" = "resolved" ]
  [ "$(sort -u "$HOOK_OUT/pwd")" = "$(pwd -P)" ]
  # nothing to change: no event, no hook
  irctl -q assign "$new" commander alice
  [ "$(wc -l <"$HOOK_OUT/payloads")" -eq 5 ]
}

@test "a failing hook gives a warning on stderr; the command exits 0 with the event committed" {
  install_hook <<'EOF'
#!/bin/sh
cat >/dev/null
echo "slack is down" >&2
exit 3
EOF
  n=$(commits)
  run --separate-stderr irctl severity "$ID" SEV2
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"irctl: warning: "*"on-event"*"exit status 3"* ]]
  [[ "$stderr" == *"slack is down"* ]]
  [ "$(commits)" -eq $((n + 1)) ]
  assert_clean_repo
  [ "$(toml_eval "$FILE" 'd["severity"]')" = "SEV2" ]
  # declare too: the ID, alone, on stdout
  run --separate-stderr irctl declare "Another"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  [[ "$stderr" == *"exit status 3"* ]]
}

@test "with --json a failing hook's warning is in hook_warning and stderr has no text" {
  install_hook <<'EOF'
#!/bin/sh
exit 1
EOF
  run --separate-stderr irctl note "$ID" "hello" --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [[ "$(json_eval 'd["hook_warning"]' <<<"$output")" == *"exit status 1"* ]]
  refute_output_contains "irctl: warning"
}

@test "a hook's stdout never reaches irctl's stdout" {
  install_hook <<'EOF'
#!/bin/sh
cat >/dev/null
echo "HOOK SAYS HELLO"
echo '{"not": "irctl"'
EOF
  run --separate-stderr irctl severity "$ID" SEV2 --json
  assert_status 0
  [ "$(json_eval 'd["event"]["type"]' <<<"$output")" = "severity" ]
  refute_output_contains "HOOK SAYS"
  [[ "$stderr" == *"HOOK SAYS HELLO"* ]]
  run --separate-stderr irctl declare "third" --json
  assert_status 0
  [[ "$(json_eval 'd["id"]' <<<"$output")" =~ $ID_RE ]]
  run --separate-stderr irctl declare "fourth"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  run --separate-stderr irctl escalate --due --json
  assert_status 0
  json_eval 'd["escalated"]' <<<"$output" >/dev/null
}

@test "a slow hook is stopped after IRCTL_HOOK_TIMEOUT seconds, with its children; the event is recorded" {
  install_hook <<'EOF'
#!/bin/sh
cat >/dev/null
sleep 30 &
echo $! >"$HOOK_OUT/child"
wait
EOF
  n=$(commits)
  start=$(date +%s%N)
  IRCTL_HOOK_TIMEOUT=1 run --separate-stderr irctl update "$ID" "Rollback under way"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  assert_status 0
  [ "$elapsed_ms" -lt 10000 ] || { echo "took ${elapsed_ms} ms" >&2; false; }
  [ "$elapsed_ms" -ge 900 ]
  [[ "$stderr" == *"irctl: warning: "*"took longer than 1 s"* ]]
  [ "$(commits)" -eq $((n + 1)) ]
  assert_clean_repo
  [ "$(toml_eval "$FILE" 'd["timeline"][-1]["text"]')" = "Rollback under way" ]
  # the hook's own children were stopped too
  child=$(cat "$HOOK_OUT/child")
  for _ in $(seq 50); do process_alive "$child" || break; sleep 0.1; done
  if process_alive "$child"; then echo "the hook's child $child is still running" >&2; false; fi
}

@test "a slow hook that does not read a large payload is still stopped after IRCTL_HOOK_TIMEOUT" {
  # A long incident (here a 60 KB summary) makes a payload larger than a pipe
  # buffer (64 KiB). A hook that never reads its stdin must still be stopped
  # after the timeout, not wait until it exits on its own.
  irctl -q set "$ID" --summary "$(head -c 60000 /dev/zero | tr '\0' 'x')"
  install_hook <<'EOF'
#!/bin/sh
sleep 6
EOF
  n=$(commits)
  start=$(date +%s%N)
  IRCTL_HOOK_TIMEOUT=1 run --separate-stderr irctl note "$ID" "one more"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  assert_status 0
  [ "$(commits)" -eq $((n + 1)) ]
  [ "$elapsed_ms" -lt 4000 ] || { echo "took ${elapsed_ms} ms with IRCTL_HOOK_TIMEOUT=1" >&2; false; }
  [[ "$stderr" == *"took longer than 1 s"* ]]
}

@test "the hook runs once the repository is unlocked: it can record with irctl itself" {
  # A hook that notes "posted to the channel" with irctl, like any other
  # writer, must not find the repository busy because the command that ran it
  # still holds the lock (nor should other responders wait for a slow hook).
  other=$(declare_incident "Second incident")
  install_hook <<EOF
#!/bin/sh
cat >/dev/null
if mkdir "\$HOOK_OUT/once" 2>/dev/null; then
  irctl -q note $other "posted to the incident channel" 2>"\$HOOK_OUT/err"
  echo \$? >"\$HOOK_OUT/rc"
fi
EOF
  n=$(commits)
  IRCTL_LOCK_TIMEOUT=1 run --separate-stderr irctl note "$ID" "hello"
  assert_status 0
  [ "$(cat "$HOOK_OUT/rc")" = "0" ] || { echo "irctl in the hook exited $(cat "$HOOK_OUT/rc"): $(cat "$HOOK_OUT/err")" >&2; false; }
  [ "$(commits)" -eq $((n + 2)) ]
  [ "$(toml_eval "$(incident_path "$other")" 'd["timeline"][-1]["text"]')" = "posted to the incident channel" ]
  assert_clean_repo
}

@test "a hook that exits without reading its input is fine" {
  install_hook <<'EOF'
#!/bin/sh
exit 0
EOF
  run --separate-stderr irctl note "$ID" "hello"
  assert_status 0
  [[ "$stderr" == "Noted on $ID at "*" UTC" ]]
  [[ "$stderr" != *warning* ]]
  assert_clean_repo
}

@test "a hook that is not executable gives a warning; the event is committed" {
  mkdir -p .irctl/hooks
  # shellcheck disable=SC2016 # expanded by the hook
  printf '#!/bin/sh\ntouch "$HOOK_OUT/ran"\n' >.irctl/hooks/on-event
  chmod -x .irctl/hooks/on-event
  git add .irctl/hooks/on-event && git commit -q -m "hook without +x"
  n=$(commits)
  run --separate-stderr irctl ack "$ID"
  assert_status 0
  [[ "$stderr" == *"irctl: warning: "*"not an executable file"* ]]
  [ "$(commits)" -eq $((n + 1)) ]
  [ ! -e "$HOOK_OUT/ran" ]
}

@test "escalate --due runs the hook once for each incident it escalates" {
  install_recording_hook
  a=$(declare_incident "a" --at -20m)
  b=$(declare_incident "b" --at -20m)
  : >"$HOOK_OUT/payloads"
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ "$(wc -l <"$HOOK_OUT/payloads")" -eq 2 ]
  [ "$(py -c '
import json, sys
print(json.dumps(sorted((json.loads(l)["incident"]["id"], json.loads(l)["event"]["type"], json.loads(l)["event"]["due"]) for l in open(sys.argv[1]))))' "$HOOK_OUT/payloads")" = "$(py -c '
import json, sys
print(json.dumps(sorted([(sys.argv[1], "escalate", True), (sys.argv[2], "escalate", True)])))' "$a" "$b")" ]
}

@test "nothing runs and nothing is committed when the command is refused" {
  install_recording_hook
  irctl -q resolve "$ID"
  : >"$HOOK_OUT/payloads"
  run_unchanged irctl contain "$ID" "late"
  assert_status 4
  [ ! -s "$HOOK_OUT/payloads" ]
}
