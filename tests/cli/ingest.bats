#!/usr/bin/env bats
# irctl ingest against real webhook bodies (tests/fixtures/alerts, copied from
# vendors' documentation and other projects' fixtures: see SOURCES.md there),
# and irctl gate.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  export IRCTL_ACTOR="Alertmanager <alerts@example.com>"
  FIX="$IRCTL_SOURCE_DIR/tests/fixtures/alerts"
}
teardown() { common_teardown; }

incident_count() { irctl list --format ids | wc -l; }

# Usage: ingest_json FILE... — runs ingest --json; sets output.
ingest_json() { run --separate-stderr irctl ingest --json "$@"; }

# Usage: derive SRC DEST PYTHON — writes DEST from SRC's JSON, changed by the
# Python statements (the document is j).
derive() {
  py -c '
import json, sys
j = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(j, open(sys.argv[2], "w"))' "$1" "$2" "$3"
}

@test "every good fixture ingests twice: one incident, and the repeat changes nothing" {
  local declared=0
  for f in alertmanager_v4_firing grafana_unified_firing_docs pagerduty_events_v2_trigger \
    pagerduty_v3_incident_priority_updated_docs opsgenie_create_docs github_workflow_job_completed_failure; do
    ingest_json "$FIX/$f.json"
    assert_status 0
    [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ] || { echo "$f: $output" >&2; return 1; }
    id=$(json_eval 'd["id"]' <<<"$output")
    declared=$((declared + 1))
    run_unchanged --separate-stderr irctl ingest --json "$FIX/$f.json"
    assert_status 0
    [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
    [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
    [ "$(json_eval 'd["recorded"]' <<<"$output")" = false ]
  done
  [ "$(incident_count)" -eq "$declared" ]
  assert_clean_repo
}

@test "payloads about no incident are ignored or change nothing: PagerDuty service.updated, a green workflow run" {
  for f in pagerduty_v3_service_updated_docs github_workflow_run_completed pagerduty_events_v2_acknowledge \
    pagerduty_events_v2_resolve; do
    run_unchanged --separate-stderr irctl ingest --json "$FIX/$f.json"
    assert_status 0
    [[ "$(json_eval 'd["outcome"]' <<<"$output")" =~ ^(ignored|unchanged)$ ]]
  done
  [ "$(incident_count)" -eq 0 ]
}

@test "Alertmanager: title, severity mapping, service, alert start as started and detected, keys" {
  ingest_json "$FIX/alertmanager_v4_firing.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  [ "$(json_eval 'd["title"]' <<<"$output")" = "BlackBox Probe Failure: https://server.example.org" ]
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV1 ]          # severity=critical
  [ "$(json_eval 'd["services"]' <<<"$output")" = '["http_checks"]' ]  # the job label
  [ "$(json_eval 'd["started_at"]' <<<"$output")" = 2023-02-06T13:08:45Z ]
  [ "$(json_eval 'd["detected_at"]' <<<"$output")" = 2023-02-06T13:08:45Z ]
  [ "$(json_eval 'd["alerts"]' <<<"$output")" = '["alertmanager:{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}", "alertmanager:fingerprint:1a30ba71cca2921f"]' ]
  [ "$(json_eval 'd["summary"]' <<<"$output")" = "Instance https://server.example.org has been down for over 5m. Job: http_checks" ]
  [ "$(json_eval 'd["timeline"][0]["alert"]["labels"]["instance"]' <<<"$output")" = "https://server.example.org" ]
  [ "$(git log -1 --format=%an)" = Alertmanager ]
}

@test "PagerDuty: priority P1 gives SEV1 and the service; Grafana's time offset becomes UTC" {
  ingest_json "$FIX/pagerduty_v3_incident_priority_updated_docs.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV1 ]
  [ "$(json_eval 'd["services"]' <<<"$output")" = '["API Service"]' ]
  [ "$(json_eval 'd["title"]' <<<"$output")" = "A little bump in the road" ]
  ingest_json "$FIX/grafana_unified_firing_docs.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  # the earlier of the two alerts, 09:51:03.157076+02:00
  [ "$(json_eval 'd["started_at"]' <<<"$output")" = 2021-10-12T07:51:03Z ]
  [ "$(json_eval 'len(d["alerts"])' <<<"$output")" = 2 ]
}

@test "a resolved Alertmanager payload resolves the incident and records the alert's end; a repeat does nothing" {
  ingest_json "$FIX/alertmanager_v4_firing.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/resolved.json" '
j["status"] = "resolved"
for a in j["alerts"]:
    a["status"] = "resolved"; a["endsAt"] = "2023-02-06T13:40:00.000Z"'
  ingest_json "$TEST_DIR/resolved.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = resolved ]
  run --separate-stderr irctl show "$id" --json
  [ "$(json_eval 'd["status"]' <<<"$output")" = resolved ]
  [ "$(json_eval 'd["recovered_at"]' <<<"$output")" = 2023-02-06T13:40:00Z ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/resolved.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  # the same firing delivered late does not declare again
  run_unchanged --separate-stderr irctl ingest --json "$FIX/alertmanager_v4_firing.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  [ "$(incident_count)" -eq 1 ]
}

@test "with [ingest] resolve = false the end is recorded and people resolve; firing again is recorded" {
  sed -i 's/^resolve = true$/resolve = false/' .irctl/config.toml
  grep -qx 'resolve = false' .irctl/config.toml
  git commit -qam "alerts do not resolve incidents"
  ingest_json "$FIX/alertmanager_v4_firing.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/resolved.json" '
j["status"] = "resolved"
for a in j["alerts"]:
    a["status"] = "resolved"; a["endsAt"] = "2023-02-06T13:40:00Z"'
  ingest_json "$TEST_DIR/resolved.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = updated ]
  [ "$(json_eval 'd["event"]["type"]' <<<"$output")" = alert ]
  run --separate-stderr irctl show "$id" --json
  [ "$(json_eval 'd["status"]' <<<"$output")" = identification ]
  [ "$(json_eval 'd["alert_status"]' <<<"$output")" = resolved ]
  ingest_json "$FIX/alertmanager_v4_firing.json"
  [ "$(json_eval 'd["event"]["text"]' <<<"$output")" = "firing again: BlackBox Probe Failure: https://server.example.org" ]
  [ "$(incident_count)" -eq 1 ]
}

@test "PagerDuty events: trigger, acknowledge, resolve with one dedup_key" {
  ingest_json "$FIX/pagerduty_events_v2_trigger.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  for action in acknowledge resolve; do
    derive "$FIX/pagerduty_events_v2_$action.json" "$TEST_DIR/$action.json" 'j["dedup_key"] = "samplekeyhere"'
  done
  ingest_json "$TEST_DIR/acknowledge.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = acknowledged ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/acknowledge.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  ingest_json "$TEST_DIR/resolve.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = resolved ]
  run --separate-stderr irctl show "$id" --json
  [ "$(json_eval 'd["status"]' <<<"$output")" = resolved ]
  [ -n "$(json_eval 'd["acknowledged_at"]' <<<"$output")" ]
  # severity info gives SEV4; the component label names the service
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV4 ]
  [ "$(json_eval 'd["services"]' <<<"$output")" = '["postgres"]' ]
}

@test "Grafana: another alert of the group joins the same incident with an alert event" {
  derive "$FIX/grafana_unified_firing_docs.json" "$TEST_DIR/one.json" 'j["alerts"] = j["alerts"][:1]'
  ingest_json "$TEST_DIR/one.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  ingest_json "$FIX/grafana_unified_firing_docs.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = updated ]
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
  [ "$(json_eval 'd["event"]["type"]' <<<"$output")" = alert ]
  [ "$(incident_count)" -eq 1 ]
}

@test "GitHub Actions: a failed job declares, the next green run of the workflow resolves" {
  ingest_json "$FIX/github_workflow_job_completed_failure.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  derive "$FIX/github_workflow_run_completed.json" "$TEST_DIR/green.json" '
j["repository"]["full_name"] = "Codertocat/Hello-World"
j["workflow_run"]["name"] = "CodeQL"; j["workflow_run"]["head_branch"] = "main"'
  ingest_json "$TEST_DIR/green.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = resolved ]
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
}

@test "every broken payload exits 65 naming the format or field, and changes nothing" {
  for f in "$FIX"/bad/*.json; do
    [ "$(basename "$f")" = MANIFEST.json ] && continue
    run_unchanged --separate-stderr irctl ingest "$f"
    [ "$status" -eq 65 ] || { echo "$f: exit $status: $stderr" >&2; return 1; }
    [[ "$stderr" == *"payload"* ]] || { echo "$f: $stderr" >&2; return 1; }
  done
  run_unchanged --separate-stderr irctl ingest --format pagerduty "$FIX/bad/pagerduty_events_v2_missing_required.json"
  assert_status 65
  [[ "$stderr" == *"pagerduty payload: 'event_action' is missing"* ]]
  run_unchanged --separate-stderr irctl ingest "$FIX/bad/alertmanager_wrong_types.json"
  [[ "$stderr" == *"alertmanager payload: 'version' must be a string, not a number"* ]]
  # the wrong format forced, not JSON at all, not an object, too big, too deep
  run_unchanged irctl ingest --format opsgenie "$FIX/alertmanager_v4_firing.json"
  assert_status 65
  echo '[1, 2]' >"$TEST_DIR/array.json"
  run_unchanged irctl ingest "$TEST_DIR/array.json"
  assert_status 65
  py -c 'print("{\"key\": \"k\", \"title\": \"" + "x" * (1100 * 1024) + "\"}")' >"$TEST_DIR/big.json"
  run_unchanged irctl ingest "$TEST_DIR/big.json"
  assert_status 65
  py -c 'print("{\"key\": \"k\", \"title\": \"t\", \"labels\": " + "[" * 40 + "]" * 40 + "}")' >"$TEST_DIR/deep.json"
  run_unchanged irctl ingest "$TEST_DIR/deep.json"
  assert_status 65
  [[ "$output" == *"nested deeper than 32"* ]]
  run_unchanged irctl ingest --format nagios "$FIX/alertmanager_v4_firing.json"
  assert_status 2
  run_unchanged irctl ingest "$TEST_DIR/missing.json"
  assert_status 2
  [ "$(incident_count)" -eq 0 ]
}

@test "hostile label values are stored as data: valid TOML, one-line title, nothing raw on the terminal or the disk" {
  py -c '
import json
print(json.dumps({"key": "../../etc/passwd", "status": "firing",
  "title": "evil \u001b[31mred\u001b[0m\r\ntitle \u202e\u0000",
  "service": "--upload-pack=touch ../pwned", "severity": "critical",
  "labels": {"path": ".git/hooks/post-commit", "nul": "a\u0000b"}}))' >"$TEST_DIR/evil.json"
  ingest_json "$TEST_DIR/evil.json"
  assert_status 0
  id=$(json_eval 'd["id"]' <<<"$output")
  path=$(incident_path "$id")
  toml_eval "$path" 'd["title"]' >/dev/null
  [ "$(toml_eval "$path" 'd["title"]' | wc -l)" -eq 1 ]
  [ "$(toml_eval "$path" 'd["services"][0]')" = "--upload-pack=touch ../pwned" ]
  run --separate-stderr irctl show "$id"
  assert_status 0
  refute_raw_controls "$output"
  [ ! -e "$TEST_DIR/pwned" ] && [ ! -e ../pwned ] && [ ! -e .git/hooks/post-commit ]
  [ "$(git ls-files | grep -c passwd)" -eq 0 ]
  assert_clean_repo
}

@test "stdin, with - or nothing" {
  run --separate-stderr irctl ingest - <"$FIX/opsgenie_create_docs.json"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  run_unchanged --separate-stderr irctl ingest <"$FIX/opsgenie_create_docs.json"
  assert_status 0
  [ "$(incident_count)" -eq 1 ]
}

@test "four deliveries of the same alert at once declare one incident" {
  for i in 1 2 3 4; do
    irctl -q ingest "$FIX/alertmanager_v4_firing.json" >/dev/null 2>"$TEST_DIR/err$i" &
  done
  wait
  [ "$(incident_count)" -eq 1 ]
  [ "$(git rev-list --count HEAD)" -eq 2 ]
  assert_clean_repo
}

@test "gate: exit 6 while a matching incident is open, 0 otherwise" {
  run_unchanged irctl gate
  assert_status 0
  id=$(irctl -q declare "Checkout 503" --severity SEV2 --service checkout)
  run_unchanged --separate-stderr irctl gate --severity SEV2
  assert_status 6
  [[ "$stderr" == *"$id"*"SEV2"*"Checkout 503"* ]]
  run_unchanged irctl gate --severity SEV1
  assert_status 0
  run_unchanged irctl gate --severity sev3
  assert_status 6
  run_unchanged irctl gate --service billing
  assert_status 0
  run_unchanged --separate-stderr irctl gate --service checkout --json
  assert_status 6
  [ "$(json_eval 'd["blocked"]' <<<"$output")" = true ]
  [ "$(json_eval '[i["id"] for i in d["incidents"]]' <<<"$output")" = "[\"$id\"]" ]
  run_unchanged irctl gate --severity SEV9
  assert_status 2
  irctl -q resolve "$id"
  run_unchanged --separate-stderr irctl gate --json
  assert_status 0
  [ "$(json_eval 'd["blocked"]' <<<"$output")" = false ]
}
