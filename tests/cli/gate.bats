#!/usr/bin/env bats
# irctl gate (issue 5): a deploy freeze for CI. Exit 6 while an open incident
# (any status before resolved) matches --severity (that level or a more severe
# one) and --service, naming the incidents; 0 otherwise; 2 for a bad option;
# 65 when an incident file cannot be read, since that might be the incident
# the gate is for. The gate records nothing and needs no identity.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

# Usage: j EXPR — evaluates EXPR over the last `run`'s stdout (d is the document).
j() { json_eval "$1" <<<"$output"; }

@test "no incidents: exit 0, says to go ahead on stderr, nothing on stdout, no change" {
  run_unchanged --separate-stderr irctl gate
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "irctl gate: no matching open incident; go ahead." ]
  run_unchanged --separate-stderr irctl gate --severity SEV1 --service checkout
  assert_status 0
  # -q: nothing at all
  run --separate-stderr irctl -q gate
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
}

@test "an open SEV2: --severity SEV2, SEV3 and none block with exit 6; --severity SEV1 lets through" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout)
  for level in SEV2 sev2 SEV3 SEV4; do
    run_unchanged --separate-stderr irctl gate --severity "$level"
    [ "$status" -eq 6 ] || { echo "--severity $level: exit $status" >&2; return 1; }
  done
  run_unchanged --separate-stderr irctl gate
  assert_status 6
  run_unchanged --separate-stderr irctl gate --severity SEV1
  assert_status 0
  run_unchanged --separate-stderr irctl gate -s SEV1
  assert_status 0
  # a SEV1 blocks every level
  irctl -q severity "$id" SEV1
  run_unchanged irctl gate --severity SEV1
  assert_status 6
}

@test "the blocking incidents are named on stderr: ID, severity, status and title; stdout stays empty" {
  a=$(declare_incident "Checkout API returns 503" --severity SEV1 --service checkout)
  b=$(declare_incident "Login is slow" --severity SEV2 --service auth)
  declare_incident "Typo on the status page" --severity SEV4 >/dev/null
  irctl -q contain "$b" "Rate limit on the login endpoint"
  run_unchanged --separate-stderr irctl gate --severity SEV2
  assert_status 6
  [ -z "$output" ]
  [ "$(head -n 1 <<<"$stderr")" = "irctl gate: blocked by 2 open incidents:" ]
  grep -Eq "^  $a  SEV1  identification  Checkout API returns 503$" <<<"$stderr"
  grep -Eq "^  $b  SEV2  containment  Login is slow$" <<<"$stderr"
  [ "$(wc -l <<<"$stderr")" -eq 3 ]
  run --separate-stderr irctl gate --severity SEV1
  assert_status 6
  [ "$(head -n 1 <<<"$stderr")" = "irctl gate: blocked by 1 open incident:" ]
}

@test "--service: only incidents affecting one of the services block; it combines with --severity" {
  declare_incident "Checkout API returns 503" --severity SEV2 --service checkout --service payments >/dev/null
  run_unchanged irctl gate --service checkout
  assert_status 6
  run_unchanged irctl gate --service payments
  assert_status 6
  run_unchanged irctl gate --service billing
  assert_status 0
  run_unchanged irctl gate --service billing --service payments
  assert_status 6
  run_unchanged irctl gate --service checkout --severity SEV1
  assert_status 0
  run_unchanged irctl gate --service checkout --severity SEV2
  assert_status 6
  # an incident without a service is not one of the service's
  declare_incident "Everything is slow" --severity SEV1 >/dev/null
  run_unchanged irctl gate --service billing
  assert_status 0
}

@test "resolved and closed incidents do not block; reopening one does again" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV1)
  irctl -q recover "$id" "Rolled back"
  run_unchanged irctl gate
  assert_status 6 # recovery is not resolved
  irctl -q resolve "$id" --summary "Rolled back deploy 4711"
  run_unchanged irctl gate
  assert_status 0
  irctl -q close "$id" --force
  run_unchanged irctl gate --severity SEV4
  assert_status 0
  id2=$(declare_incident "Login errors" --severity SEV2)
  irctl -q resolve "$id2"
  run_unchanged irctl gate
  assert_status 0
  irctl -q reopen "$id2" --reason "errors are back"
  run_unchanged --separate-stderr irctl gate
  assert_status 6
  [[ "$stderr" == *"$id2"* ]]
  [[ "$stderr" != *"$id "* ]]
}

@test "--json: {blocked, incidents: [{id, severity, status, title, services}], problems}, with the same exit status" {
  run --separate-stderr irctl gate --json
  assert_status 0
  [ -z "$stderr" ]
  [ "$(j 'sorted(d)')" = '["blocked", "incidents", "problems"]' ]
  [ "$(j '[d["blocked"], d["incidents"], d["problems"]]')" = '[false, [], []]' ]
  id=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout)
  run --separate-stderr irctl gate --json --severity SEV2
  assert_status 6
  [ -z "$stderr" ]
  [ "$(j 'd["blocked"]')" = true ]
  [ "$(j 'd["incidents"]')" = \
    "[{\"id\": \"$id\", \"severity\": \"SEV2\", \"status\": \"identification\", \"title\": \"Checkout API returns 503\", \"services\": [\"checkout\"]}]" ]
  [ "$(j 'd["problems"]')" = '[]' ]
  run --separate-stderr irctl --json gate --severity SEV1
  assert_status 0
  [ "$(j '[d["blocked"], d["incidents"]]')" = '[false, []]' ]
}

@test "a bad option exits 2 and changes nothing: unknown severity, --service without a value, an argument" {
  declare_incident "Checkout API returns 503" --severity SEV2 >/dev/null
  run_unchanged --separate-stderr irctl gate --severity SEV9
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"unknown severity 'SEV9'"* ]]
  [[ "$stderr" == *"SEV1, SEV2, SEV3, SEV4"* ]]
  run_unchanged --separate-stderr irctl gate --severity SEV9 --json
  assert_status 2
  assert_json_error usage
  run_unchanged --separate-stderr irctl gate --service
  assert_status 2
  run_unchanged --separate-stderr irctl gate INC-1
  assert_status 2
}

@test "an incident file that cannot be read fails the gate with 65 and names it; it never says go ahead" {
  mkdir -p incidents/2026/11
  printf 'id = "INC-20261128-ZZZZZZ"\ntitle = \n' >incidents/2026/11/INC-20261128-ZZZZZZ.toml
  git add incidents && git commit -qm "a broken incident file"
  run_unchanged --separate-stderr irctl gate
  assert_status 65
  [[ "$stderr" == *"incidents/2026/11/INC-20261128-ZZZZZZ.toml:2"* ]]
  [[ "$stderr" == *"1 incident file(s) could not be read"* ]]
  [[ "$stderr" != *"go ahead"* ]]
  run_unchanged --separate-stderr irctl gate --json
  assert_status 65
  [ "$(json_eval '[p["path"] for p in d["problems"]]' <<<"$output")" = '["incidents/2026/11/INC-20261128-ZZZZZZ.toml"]' ]
  assert_json_error data
  # with a blocking incident besides, it still fails, and lists it
  id=$(declare_incident "Checkout API returns 503" --severity SEV1)
  run_unchanged --separate-stderr irctl gate
  assert_status 65
  [[ "$stderr" == *"$id"* ]]
}

@test "the gate needs no identity, works with -C from elsewhere, and refuses outside a repository (exit 3)" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV1)
  git config --unset user.name
  git config --unset user.email
  run_unchanged irctl gate
  assert_status 6
  cd "$TEST_DIR"
  run irctl -C repo gate --severity SEV2
  assert_status 6
  mkdir "$TEST_DIR/elsewhere" && cd "$TEST_DIR/elsewhere"
  run --separate-stderr irctl gate
  assert_status 3
}

@test "titles from alerts are printed escaped: no raw control characters reach the terminal" {
  py -c '
import json
print(json.dumps({"key": "evil", "title": "evil \u001b]0;owned\u0007 \u001b[2J\u202e title", "severity": "critical"}))' \
    >"$TEST_DIR/evil.json"
  IRCTL_ACTOR="Alerts <alerts@example.com>" irctl -q ingest "$TEST_DIR/evil.json" >/dev/null
  run --separate-stderr irctl gate
  assert_status 6
  [[ "$stderr" == "irctl gate: blocked by 1 open incident:"* ]]
  refute_raw_controls
  [[ "$stderr" != *$'\u202e'* ]]
}
