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
    pagerduty_v3_incident_priority_updated_docs opsgenie_create_docs github_workflow_job_completed_failure \
    alertmanager_no_alert_status_msteams opsgenie_create_numeric_priority_zulip grafana_v11_values_zulip \
    pagerduty_v3_incident_triggered_zulip; do
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
    pagerduty_events_v2_resolve grafana_resolved_no_labels_zulip; do
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
  assert_status 0
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

@test "real payloads looser than their documentation: alerts without a status take the group's; a numeric Opsgenie priority" {
  # prometheus-msteams' test payload: no per-alert status, a -05:00 offset with nanoseconds
  ingest_json "$FIX/alertmanager_no_alert_status_msteams.json"
  assert_status 0
  [ "$(json_eval '[d["format"], d["outcome"], d["keys"]]' <<<"$output")" = \
    '["alertmanager", "declared", ["alertmanager:{}:{alertname=\"high_memory_load\"}"]]' ]
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  assert_status 0
  [ "$(json_eval '[d["title"], d["severity"], d["services"], d["started_at"], d["summary"]]' <<<"$output")" = \
    '["Server High Memory usage", "SEV3", ["docker_nodes"], "2018-03-07T11:33:21Z", "10.80.40.11 reported high memory usage with 23.28%."]' ]
  run_unchanged --separate-stderr irctl ingest --json "$FIX/alertmanager_no_alert_status_msteams.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"], d["recorded"]]' <<<"$output")" = "[\"unchanged\", \"$id\", false]" ]
  # its resolution, sent the same way, ends the alert at its endsAt
  derive "$FIX/alertmanager_no_alert_status_msteams.json" "$TEST_DIR/resolved.json" '
j["status"] = "resolved"; j["alerts"][0]["endsAt"] = "2018-03-07T07:03:21-05:00"'
  ingest_json "$TEST_DIR/resolved.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"resolved\", \"$id\"]" ]
  run --separate-stderr irctl show "$id" --json
  assert_status 0
  [ "$(json_eval '[d["status"], d["recovered_at"]]' <<<"$output")" = '["resolved", "2018-03-07T12:03:21Z"]' ]
  # Zulip's Opsgenie fixture: "priority": 3 is P3, which maps to SEV3
  ingest_json "$FIX/opsgenie_create_numeric_priority_zulip.json"
  assert_status 0
  [ "$(json_eval '[d["format"], d["outcome"], d["keys"], d["event"]["alert"]["severity"], d["event"]["alert"]["labels"]]' <<<"$output")" = \
    '["opsgenie", "declared", ["opsgenie:alert-alias"], "P3", {"priority": "P3", "entity": "Server", "source": "test@example.com"}]' ]
  id=$(json_eval 'd["id"]' <<<"$output")
  [ "$(toml_eval "$(incident_path "$id")" '[d["title"], d["severity"]]')" = '["another alert", "SEV3"]' ]
  run_unchanged --separate-stderr irctl ingest --json "$FIX/opsgenie_create_numeric_priority_zulip.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"], d["recorded"]]' <<<"$output")" = "[\"unchanged\", \"$id\", false]" ]
  [ "$(incident_count)" -eq 2 ]
}

@test "PagerDuty: priority P1 gives SEV1 and the service; Grafana's time offset becomes UTC" {
  ingest_json "$FIX/pagerduty_v3_incident_priority_updated_docs.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  assert_status 0
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV1 ]
  [ "$(json_eval 'd["services"]' <<<"$output")" = '["API Service"]' ]
  [ "$(json_eval 'd["title"]' <<<"$output")" = "A little bump in the road" ]
  ingest_json "$FIX/grafana_unified_firing_docs.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  run --separate-stderr irctl show "$id" --json
  assert_status 0
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
  assert_status 0
  [ "$(json_eval 'd["status"]' <<<"$output")" = resolved ]
  [ "$(json_eval 'd["recovered_at"]' <<<"$output")" = 2023-02-06T13:40:00Z ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/resolved.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  # the same firing delivered late does not declare again
  run_unchanged --separate-stderr irctl ingest --json "$FIX/alertmanager_v4_firing.json"
  assert_status 0
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
  assert_status 0
  [ "$(json_eval 'd["status"]' <<<"$output")" = identification ]
  [ "$(json_eval 'd["alert_status"]' <<<"$output")" = resolved ]
  ingest_json "$FIX/alertmanager_v4_firing.json"
  [ "$(json_eval 'd["event"]["text"]' <<<"$output")" = "firing again: BlackBox Probe Failure: https://server.example.org" ]
  [ "$(incident_count)" -eq 1 ]
}

@test "PagerDuty events: trigger, acknowledge, resolve with one dedup_key" {
  ingest_json "$FIX/pagerduty_events_v2_trigger.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  # the acknowledge and resolve bodies carry the trigger's dedup_key
  key=$(json_eval 'd["dedup_key"]' <"$FIX/pagerduty_events_v2_trigger.json")
  for action in acknowledge resolve; do
    derive "$FIX/pagerduty_events_v2_$action.json" "$TEST_DIR/$action.json" "j['dedup_key'] = '$key'"
  done
  ingest_json "$TEST_DIR/acknowledge.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = acknowledged ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/acknowledge.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  ingest_json "$TEST_DIR/resolve.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = resolved ]
  run --separate-stderr irctl show "$id" --json
  assert_status 0
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
  # the new alert's fingerprint is added to the incident's keys
  [ "$(json_eval 'd["event"]["set"]["alerts"]' <<<"$output")" = \
    '["grafana:fingerprint:c6eadffa33fcdf37", "grafana:fingerprint:bc97ff14869b13e3"]' ]
  [ "$(toml_eval "$(incident_path "$id")" 'd["alerts"]')" = \
    '["grafana:fingerprint:c6eadffa33fcdf37", "grafana:fingerprint:bc97ff14869b13e3"]' ]
  run_unchanged --separate-stderr irctl ingest --json "$FIX/grafana_unified_firing_docs.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
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
  assert_status 65
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
  # a directory cannot be read: a usage error, not an empty payload
  mkdir "$TEST_DIR/adir"
  run_unchanged --separate-stderr irctl ingest "$TEST_DIR/adir"
  assert_status 2
  [[ "$stderr" == "irctl: error: cannot read '$TEST_DIR/adir'"* ]]
  run_unchanged --separate-stderr irctl ingest - <"$TEST_DIR/adir"
  assert_status 2
  [[ "$stderr" == "irctl: error: cannot read standard input"* ]]
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

@test "an alert's link that is not http, https or mailto is kept as data but never rendered as a link" {
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/js.json" 'j["alerts"][0]["generatorURL"] = "javascript:alert(1)"'
  ingest_json "$TEST_DIR/js.json"
  assert_status 0
  id=$(json_eval 'd["id"]' <<<"$output")
  [ "$(json_eval 'd["event"]["alert"]["url"]' <<<"$output")" = "javascript:alert(1)" ]
  printf '{{#timeline}}{{#alert}}[{{url}}]{{/alert}}{{/timeline}}\n' >"$TEST_DIR/alerts.md.mustache"
  run --separate-stderr irctl postmortem "$id" --template "$TEST_DIR/alerts.md.mustache" --output -
  assert_status 0
  [ "$output" = "[]" ]
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

# --- broken payloads, field by field -------------------------------------------

# Usage: refuse_each FORMAT SRC CASES... — each case is 'PYTHON|FIELD': the
# payload SRC changed by PYTHON (the document is j) must be refused by
# `ingest --format FORMAT` with exit 65, no change, and a message naming the
# format and FIELD; told from its shape (auto) it must be refused as well.
refuse_each() {
  local format=$1 src=$2 case code field
  shift 2
  for case in "$@"; do
    code=${case%|*}
    field=${case##*|}
    derive "$src" "$TEST_DIR/case.json" "$code"
    run_unchanged --separate-stderr irctl ingest --format "$format" "$TEST_DIR/case.json"
    if [ "$status" -ne 65 ] || [[ "$stderr" != "irctl: error: $format payload: '$field' "* ]]; then
      echo "$format, $code: exit $status, expected 65 and a message naming '$field'; stderr:" >&2
      echo "$stderr" >&2
      return 1
    fi
    assert_text_error
    run_unchanged --separate-stderr irctl ingest "$TEST_DIR/case.json"
    [ "$status" -eq 65 ] || { echo "auto, $code: exit $status: $stderr" >&2; return 1; }
  done
}

@test "bad/MANIFEST.json lists every broken file; each is refused (65, no change) naming its format and the field or where the JSON breaks" {
  listed=$(json_eval '"\n".join(sorted(e["file"] for e in d))' <"$FIX/bad/MANIFEST.json")
  present=$(cd "$FIX/bad" && ls -- *.json | grep -vx MANIFEST.json | sort)
  [ "$listed" = "$present" ]
  # (bats's run sets a global i: the loop goes over lines, not an index)
  entries=$(json_eval '"\n".join("|".join([e["file"], e["format"], e["expect"], str(e["json_syntax_valid"])]) for e in d)' \
    <"$FIX/bad/MANIFEST.json")
  [ "$(wc -l <<<"$entries")" -eq 10 ]
  while IFS='|' read -r file format expect valid <&3; do
    case $expect in
      reject | reject_or_truncate) ;; # irctl refuses rather than truncates
      *) echo "$file: an expectation this suite does not know: $expect" >&2; return 1 ;;
    esac
    case $format in
      alertmanager) format=alertmanager ;;
      pagerduty_events_v2) format=pagerduty ;;
      github_workflow_job) format=github ;;
      any) format=generic ;;
      *) echo "$file: a format this suite does not know: $format" >&2; return 1 ;;
    esac
    run_unchanged --separate-stderr irctl ingest "$FIX/bad/$file"
    [ "$status" -eq 65 ] || { echo "$file (auto): exit $status: $stderr" >&2; return 1; }
    assert_text_error
    run_unchanged --separate-stderr irctl ingest --format "$format" "$FIX/bad/$file"
    [ "$status" -eq 65 ] || { echo "$file (--format $format): exit $status: $stderr" >&2; return 1; }
    if [ "$valid" = True ]; then
      [[ "$stderr" == "irctl: error: $format payload: '"?*"' "* ]] ||
        { echo "$file: the message does not name the field: $stderr" >&2; return 1; }
    else
      [[ "$stderr" =~ ^"irctl: error: $format payload is "("empty"|"not valid JSON: parse error at line "[0-9]+", column "[0-9]+) ]] ||
        { echo "$file: the message does not say where the JSON breaks: $stderr" >&2; return 1; }
    fi
    run_unchanged --separate-stderr irctl ingest --json --format "$format" "$FIX/bad/$file"
    assert_status 65
    [ -z "$output" ]
    assert_json_error data
  done 3<<<"$entries"
  [ "$(incident_count)" -eq 0 ]
  [ "$(git rev-list --count HEAD)" -eq 1 ]
}

@test "Alertmanager: each wrong or missing field is refused naming it" {
  refuse_each alertmanager "$FIX/alertmanager_v4_firing.json" \
    'j["version"] = 4|version' \
    'j["status"] = True|status' \
    'j["status"] = "pending"|status' \
    'del j["status"]|status' \
    'j["alerts"] = {}|alerts' \
    'del j["alerts"]|alerts' \
    'j["alerts"][0] = "x"|alerts[0]' \
    'j["alerts"][0]["status"] = "pending"|alerts[0].status' \
    'j["alerts"][0]["status"] = ""|alerts[0].status' \
    'j["alerts"][0]["status"] = 1|alerts[0].status' \
    'del j["alerts"][0]["status"]; j["status"] = "pending"|status' \
    'j["alerts"][0]["labels"]["severity"] = None|alerts[0].labels.severity' \
    'j["alerts"][0]["labels"] = ["a"]|alerts[0].labels' \
    'j["alerts"][0]["annotations"]["summary"] = 1|alerts[0].annotations.summary' \
    'j["alerts"][0]["startsAt"] = 1675688925|alerts[0].startsAt' \
    'j["alerts"][0]["endsAt"] = "yesterday"|alerts[0].endsAt' \
    'j["alerts"][0]["fingerprint"] = 7|alerts[0].fingerprint' \
    'j["truncatedAlerts"] = "0"|truncatedAlerts' \
    'j["groupKey"] = ["a"]|groupKey' \
    'j["commonLabels"] = "x"|commonLabels' \
    'del j["groupKey"]; del j["alerts"][0]["fingerprint"]|groupKey'
}

@test "PagerDuty, Opsgenie, GitHub and generic: each wrong or missing field is refused naming it" {
  refuse_each pagerduty "$FIX/pagerduty_events_v2_trigger.json" \
    'j["event_action"] = "fire"|event_action' \
    'del j["routing_key"]|routing_key' \
    'del j["payload"]|payload' \
    'j["payload"] = []|payload' \
    'del j["payload"]["summary"]|payload.summary' \
    'j["payload"]["summary"] = "x" * 1025|payload.summary' \
    'j["payload"]["severity"] = "fatal"|payload.severity' \
    'del j["payload"]["source"]|payload.source' \
    'j["payload"]["timestamp"] = "yesterday"|payload.timestamp' \
    'j["payload"]["custom_details"] = "x"|payload.custom_details' \
    'j["dedup_key"] = "k" * 256|dedup_key'
  refuse_each pagerduty "$FIX/pagerduty_events_v2_acknowledge.json" 'del j["dedup_key"]|dedup_key'
  refuse_each pagerduty "$FIX/pagerduty_v3_incident_priority_updated_docs.json" \
    'j["event"]["event_type"] = 1|event.event_type' \
    'del j["event"]["data"]|event.data' \
    'del j["event"]["data"]["id"]|event.data.id' \
    'j["event"]["data"]["status"] = "open"|event.data.status' \
    'j["event"]["data"]["created_at"] = "April"|event.data.created_at' \
    'j["event"]["data"]["priority"] = "P1"|event.data.priority'
  refuse_each opsgenie "$FIX/opsgenie_create_docs.json" \
    'del j["action"]|action' \
    'j["alert"] = "x"|alert' \
    'del j["alert"]["alias"]; del j["alert"]["alertId"]|alert.alertId' \
    'j["alert"]["createdAt"] = "1420452191104"|alert.createdAt' \
    'j["alert"]["message"] = ["x"]|alert.message' \
    'j["alert"]["priority"] = 0|alert.priority' \
    'j["alert"]["priority"] = 6|alert.priority' \
    'j["alert"]["priority"] = -3|alert.priority' \
    'j["alert"]["priority"] = 3.5|alert.priority' \
    'j["alert"]["priority"] = True|alert.priority' \
    'j["alert"]["priority"] = ["P1"]|alert.priority'
  refuse_each github "$FIX/github_workflow_job_completed_failure.json" \
    'j["workflow_job"]["conclusion"] = 1|workflow_job.conclusion' \
    'del j["repository"]["full_name"]|repository.full_name' \
    'j["workflow_job"]["steps"] = {}|workflow_job.steps' \
    'j["workflow_job"]["completed_at"] = "later"|workflow_job.completed_at'
  printf '{"key": "disk-full", "title": "Disk full"}' >"$TEST_DIR/generic.json"
  refuse_each generic "$TEST_DIR/generic.json" \
    'del j["key"]|key' \
    'j["key"] = " "|key' \
    'j["key"] = 1|key' \
    'j["status"] = "exploded"|status' \
    'del j["title"]|title' \
    'j["labels"] = {"a": 1}|labels.a' \
    'j["started_at"] = "soon"|started_at' \
    'j["severity"] = 1|severity'
  [ "$(incident_count)" -eq 0 ]
}

@test "a number too large for a double exits 65 naming it, not a raw exception (found by fuzz_ingest)" {
  printf '{"key": "k", "title": "t", "labels": {"n": 8e3324}}' >"$TEST_DIR/huge.json"
  run_unchanged --separate-stderr irctl ingest "$TEST_DIR/huge.json"
  assert_status 65
  [ "$stderr" = "$(printf "irctl: error: the payload has a number out of range: number overflow parsing '8e3324'\nhint: send the webhook body exactly as received, one JSON document")" ]
  run_unchanged --separate-stderr irctl ingest --format generic - <"$TEST_DIR/huge.json"
  assert_status 65
  [[ "$stderr" == "irctl: error: generic payload has a number out of range: "* ]]
}

@test "nesting: 32 levels are read, 33 are refused; 1 MiB is read, one byte more is refused, from a file or stdin" {
  py -c 'print("{\"key\": \"deep\", \"title\": \"t\", \"x\": " + "[" * 31 + "]" * 31 + "}")' >"$TEST_DIR/32.json"
  py -c 'print("{\"key\": \"deep\", \"title\": \"t\", \"x\": " + "[" * 32 + "]" * 32 + "}")' >"$TEST_DIR/33.json"
  py -c 'print("{\"key\": \"deep\", \"title\": \"t\", \"x\": " + "{\"a\": " * 32 + "1" + "}" * 32 + "}")' >"$TEST_DIR/33o.json"
  for f in 33 33o; do
    run_unchanged --separate-stderr irctl ingest "$TEST_DIR/$f.json"
    assert_status 65
    [ "$stderr" = "irctl: error: the payload is nested deeper than 32 levels" ]
  done
  ingest_json "$TEST_DIR/32.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  # a body of exactly 1 MiB (the padding is a key the format does not read)
  py -c '
import sys
head, tail = "{\"key\": \"big\", \"title\": \"t\", \"pad\": \"", "\"}"
n = int(sys.argv[1]) - len(head) - len(tail)
sys.stdout.write(head + "x" * n + tail)' $((1024 * 1024)) >"$TEST_DIR/1m.json"
  [ "$(wc -c <"$TEST_DIR/1m.json")" -eq 1048576 ]
  { cat "$TEST_DIR/1m.json"; printf ' '; } >"$TEST_DIR/1m+1.json"
  run_unchanged --separate-stderr irctl ingest "$TEST_DIR/1m+1.json"
  assert_status 65
  [ "$stderr" = "$(printf 'irctl: error: the payload is larger than 1024 KiB\nhint: alert webhooks are small; check what is being sent')" ]
  run_unchanged --separate-stderr irctl ingest --format generic - <"$TEST_DIR/1m+1.json"
  assert_status 65
  [[ "$stderr" == "irctl: error: generic payload is larger than 1024 KiB"* ]]
  run --separate-stderr irctl ingest --json - <"$TEST_DIR/1m.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  [ "$(incident_count)" -eq 2 ]
}

@test "a format forced on another's payload is refused naming that format and what it lacks" {
  while IFS='|' read -r format file message <&3; do
    run_unchanged --separate-stderr irctl ingest --format "$format" "$FIX/$file.json"
    assert_status 65
    [[ "$stderr" == "irctl: error: $format payload: $message"* ]] || { echo "$format on $file: $stderr" >&2; return 1; }
  done 3<<'CASES'
opsgenie|alertmanager_v4_firing|'action' is missing
pagerduty|opsgenie_create_docs|'event_action' is missing
generic|grafana_unified_firing_docs|'key' is missing
github|alertmanager_v4_firing|'action' is missing
alertmanager|pagerduty_events_v2_trigger|'status' is missing
grafana|opsgenie_create_docs|'status' is missing
CASES
  # and names of formats that do not exist are a usage error
  run_unchanged --separate-stderr irctl ingest --format Alertmanager "$FIX/alertmanager_v4_firing.json"
  assert_status 2
  run_unchanged --separate-stderr irctl ingest --format "" "$FIX/alertmanager_v4_firing.json"
  assert_status 2
  # a shape no format has
  echo '{"hello": "world"}' >"$TEST_DIR/other.json"
  run_unchanged --separate-stderr irctl ingest "$TEST_DIR/other.json"
  assert_status 65
  [[ "$stderr" == "irctl: error: cannot tell which alerting system sent this payload"* ]]
  [[ "$stderr" == *"--format"* ]]
  [ "$(incident_count)" -eq 0 ]
}

# --- the formats' fields and the state machine, beyond the fixtures ---------------

@test "generic: key, title, description (all its lines), severity, service, labels, kind, times and url; acknowledged and resolved" {
  cat >"$TEST_DIR/disk.json" <<'JSON'
{"key": "disk-full/db-1", "status": "firing", "title": "Disk full on db-1",
 "description": "The data volume is at 100%.\r\nWrites fail.\n\nRunbook: https://runbooks.example.com/disk",
 "severity": "High", "service": "database", "labels": {"host": "db-1", "kind": "degradation"},
 "started_at": "2026-11-28T18:05:00+02:00", "url": "https://grafana.example.com/d/abc",
 "extra": {"unknown": [1, 2, {"keys": null}]}}
JSON
  ingest_json "$TEST_DIR/disk.json"
  assert_status 0
  [ "$(json_eval '[d["format"], d["outcome"], d["keys"], d["recorded"]]' <<<"$output")" = \
    '["generic", "declared", ["generic:disk-full/db-1"], true]' ]
  id=$(json_eval 'd["id"]' <<<"$output")
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"]["alert"]["url"], d["event"]["alert"]["labels"]["host"], d["event"]["alert"]["severity"]]' <<<"$output")" = \
    '["https://grafana.example.com/d/abc", "db-1", "High"]' ]
  path=$(incident_path "$id")
  [ "$(toml_eval "$path" '[d["title"], d["severity"], d["kind"], d["services"], d["started_at"], d["detected_at"]]')" = \
    '["Disk full on db-1", "SEV2", "degradation", ["database"], "2026-11-28T16:05:00+00:00", "2026-11-28T16:05:00+00:00"]' ]
  [ "$(toml_eval "$path" 'd["summary"]')" = "$(printf 'The data volume is at 100%%.\nWrites fail.\n\nRunbook: https://runbooks.example.com/disk')" ]
  derive "$TEST_DIR/disk.json" "$TEST_DIR/ack.json" 'j = {"key": j["key"], "status": "acknowledged"}'
  ingest_json "$TEST_DIR/ack.json"
  [ "$(json_eval '[d["outcome"], d["event"]["type"]]' <<<"$output")" = '["acknowledged", "ack"]' ]
  derive "$TEST_DIR/disk.json" "$TEST_DIR/ok.json" 'j = {"key": j["key"], "status": "resolved", "ended_at": "2026-11-28T16:45:00Z"}'
  ingest_json "$TEST_DIR/ok.json"
  [ "$(json_eval '[d["outcome"], d["event"]["type"]]' <<<"$output")" = '["resolved", "resolve"]' ]
  [ "$(toml_eval "$path" '[d["status"], d["alert_status"], d["recovered_at"]]')" = \
    '["resolved", "resolved", "2026-11-28T16:45:00+00:00"]' ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/ok.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/ack.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  [ "$(git rev-list --count HEAD)" -eq 4 ]
  assert_clean_repo
}

@test "a key longer than 255 bytes is kept as a hash, and a repeat still finds its incident" {
  py -c 'import json; print(json.dumps({"key": "k" * 300, "title": "Long key"}))' >"$TEST_DIR/long.json"
  ingest_json "$TEST_DIR/long.json"
  [[ "$(json_eval 'd["keys"][0]' <<<"$output")" =~ ^generic:fnv:[0-9a-f]{16}$ ]]
  id=$(json_eval 'd["id"]' <<<"$output")
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/long.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"unchanged\", \"$id\"]" ]
}

@test "Opsgenie: Create declares, Acknowledge acknowledges, other actions are ignored, Close resolves" {
  ingest_json "$FIX/opsgenie_create_docs.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  path=$(incident_path "$id")
  [ "$(toml_eval "$path" '[d["title"], d["started_at"], d["alerts"]]')" = \
    '["test alert", "2015-01-05T10:03:11+00:00", ["opsgenie:aliastest"]]' ]
  derive "$FIX/opsgenie_create_docs.json" "$TEST_DIR/ack.json" 'j["action"] = "Acknowledge"'
  derive "$FIX/opsgenie_create_docs.json" "$TEST_DIR/note.json" 'j["action"] = "AddNote"'
  derive "$FIX/opsgenie_create_docs.json" "$TEST_DIR/close.json" 'j["action"] = "Close"'
  ingest_json "$TEST_DIR/ack.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = acknowledged ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/note.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"], d["recorded"]]' <<<"$output")" = '["ignored", null, false]' ]
  [[ "$(json_eval 'd["message"]' <<<"$output")" == *"AddNote"* ]]
  ingest_json "$TEST_DIR/close.json"
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"resolved\", \"$id\"]" ]
  [ "$(toml_eval "$path" 'd["status"]')" = resolved ]
}

@test "PagerDuty: the V3 webhook of an incident an Events API trigger opened finds it by incident_key; priority, ack and resolve follow" {
  derive "$FIX/pagerduty_events_v2_trigger.json" "$TEST_DIR/trigger.json" '
j["dedup_key"] = "d3640fbd41094207a1c11e58e46b1662"; j["payload"]["severity"] = "warning"'
  ingest_json "$TEST_DIR/trigger.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  path=$(incident_path "$id")
  [ "$(toml_eval "$path" 'd["severity"]')" = SEV3 ]
  # priority_updated to P1: the severity follows, and the incident's id joins the keys
  ingest_json "$FIX/pagerduty_v3_incident_priority_updated_docs.json"
  [ "$(json_eval '[d["outcome"], d["id"], d["event"]["type"], d["event"]["text"]]' <<<"$output")" = \
    "[\"updated\", \"$id\", \"severity\", \"SEV3 -> SEV1 (alert P1)\"]" ]
  [ "$(toml_eval "$path" '[d["severity"], d["alerts"]]')" = \
    '["SEV1", ["pagerduty:d3640fbd41094207a1c11e58e46b1662", "pagerduty:incident:PGR0VU2"]]' ]
  run_unchanged --separate-stderr irctl ingest --json "$FIX/pagerduty_v3_incident_priority_updated_docs.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  # acknowledged and resolved webhooks, known by the PagerDuty incident's id alone
  derive "$FIX/pagerduty_v3_incident_priority_updated_docs.json" "$TEST_DIR/acked.json" '
j["event"]["event_type"] = "incident.acknowledged"; j["event"]["data"]["status"] = "acknowledged"
del j["event"]["data"]["incident_key"]'
  derive "$TEST_DIR/acked.json" "$TEST_DIR/resolved.json" '
j["event"]["event_type"] = "incident.resolved"; j["event"]["data"]["status"] = "resolved"'
  ingest_json "$TEST_DIR/acked.json"
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"acknowledged\", \"$id\"]" ]
  ingest_json "$TEST_DIR/resolved.json"
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"resolved\", \"$id\"]" ]
  [ "$(incident_count)" -eq 1 ]
}

@test "PagerDuty: a trigger without a dedup_key is still one incident when repeated" {
  derive "$FIX/pagerduty_events_v2_trigger.json" "$TEST_DIR/nokey.json" 'del j["dedup_key"]'
  ingest_json "$TEST_DIR/nokey.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  [[ "$(json_eval 'd["keys"][0]' <<<"$output")" == pagerduty:* ]]
  id=$(json_eval 'd["id"]' <<<"$output")
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/nokey.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"unchanged\", \"$id\"]" ]
  # another summary is another alert
  derive "$TEST_DIR/nokey.json" "$TEST_DIR/other.json" 'j["payload"]["summary"] = "Disk full on host2"'
  ingest_json "$TEST_DIR/other.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  [ "$(incident_count)" -eq 2 ]
}

@test "an acknowledgement from the alerting system stops the escalation clock" {
  pd=$(irctl -q --at -20m ingest --json "$FIX/pagerduty_events_v2_trigger.json" | json_eval 'd["id"]')
  og=$(irctl -q --at -20m ingest --json "$FIX/opsgenie_create_docs.json" | json_eval 'd["id"]')
  key=$(json_eval 'd["dedup_key"]' <"$FIX/pagerduty_events_v2_trigger.json")
  derive "$FIX/pagerduty_events_v2_acknowledge.json" "$TEST_DIR/ack.json" "j['dedup_key'] = '$key'"
  ingest_json "$TEST_DIR/ack.json"
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"acknowledged\", \"$pd\"]" ]
  run --separate-stderr irctl escalate --due --json
  assert_status 0
  [ "$(json_eval '[e["id"] for e in d["escalated"]]' <<<"$output")" = "[\"$og\"]" ]
  [ "$(irctl show "$pd" --json | json_eval 'd["escalation_level"]')" = 1 ]
  [ "$(irctl show "$og" --json | json_eval 'd["escalation_level"]')" = 2 ]
}

@test "after people resolve an incident, a late repeat of its firing changes nothing; the alert firing anew declares again" {
  ingest_json "$FIX/alertmanager_v4_firing.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  irctl -q resolve "$id" --summary "Probe target fixed"
  run_unchanged --separate-stderr irctl ingest --json "$FIX/alertmanager_v4_firing.json"
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["id"]]' <<<"$output")" = "[\"unchanged\", \"$id\"]" ]
  [[ "$(json_eval 'd["message"]' <<<"$output")" == "$id is resolved; nothing to do" ]]
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/anew.json" 'j["alerts"][0]["startsAt"] = "2023-02-07T08:00:00Z"'
  ingest_json "$TEST_DIR/anew.json"
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  [ "$(json_eval 'd["id"]' <<<"$output")" != "$id" ]
  [ "$(incident_count)" -eq 2 ]
}

@test "resolve = false: the resolved alert is recorded once, the incident stays open (and blocks the gate); firing anew is recorded" {
  sed -i 's/^resolve = true$/resolve = false/' .irctl/config.toml
  git commit -qam "alerts do not resolve incidents"
  ingest_json "$FIX/alertmanager_v4_firing.json"
  id=$(json_eval 'd["id"]' <<<"$output")
  path=$(incident_path "$id")
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/resolved.json" '
j["status"] = "resolved"
for a in j["alerts"]:
    a["status"] = "resolved"; a["endsAt"] = "2023-02-06T13:40:00Z"'
  ingest_json "$TEST_DIR/resolved.json"
  [ "$(json_eval '[d["outcome"], d["event"]["type"], d["event"]["text"]]' <<<"$output")" = \
    '["updated", "alert", "alert resolved: BlackBox Probe Failure: https://server.example.org"]' ]
  [ "$(toml_eval "$path" '[d["status"], d["alert_status"], d["recovered_at"], "resolved_at" in d]')" = \
    '["identification", "resolved", "2023-02-06T13:40:00+00:00", false]' ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/resolved.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  run_unchanged irctl gate --severity SEV1
  assert_status 6
  # it fires again (a new start): recorded on the same incident
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/again.json" 'j["alerts"][0]["startsAt"] = "2023-02-06T15:00:00Z"'
  ingest_json "$TEST_DIR/again.json"
  [ "$(json_eval '[d["outcome"], d["id"], d["event"]["type"]]' <<<"$output")" = "[\"updated\", \"$id\", \"alert\"]" ]
  [ "$(toml_eval "$path" 'd["alert_status"]')" = firing ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/again.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  # people resolve it
  irctl -q resolve "$id"
  [ "$(incident_count)" -eq 1 ]
  [ "$(git log --format=%s | grep -c "^alert $id: ")" -eq 2 ]
}

@test "[ingest] in the config: service labels, title annotations, kind, and the severity map; a bad mapping is refused" {
  sed -i 's/^service_labels = .*/service_labels = ["team"]/; s/^title_annotations = .*/title_annotations = ["description"]/; s/^# kind = "outage"$/kind = "degradation"/' \
    .irctl/config.toml
  printf '\n[ingest.severity]\nwarning = "SEV2"\nbad = "sev1"\n' >>.irctl/config.toml
  git commit -qam "our own alert mapping"
  derive "$FIX/grafana_unified_firing_docs.json" "$TEST_DIR/warn.json" '
j["alerts"] = j["alerts"][:1]; j["alerts"][0]["labels"]["severity"] = "WARNING"'
  ingest_json "$TEST_DIR/warn.json"
  assert_status 0
  path=$(incident_path "$(json_eval 'd["id"]' <<<"$output")")
  [ "$(toml_eval "$path" '[d["title"], d["services"], d["kind"], d["severity"]]')" = \
    '["The system has high memory usage", ["blue"], "degradation", "SEV2"]' ]
  # a value the map does not have gets the default severity; a kind label naming a kind wins
  derive "$FIX/grafana_unified_firing_docs.json" "$TEST_DIR/other.json" '
j["alerts"] = j["alerts"][1:]; j["alerts"][0]["labels"]["severity"] = "critical"; j["alerts"][0]["labels"]["kind"] = "denial-of-service"'
  ingest_json "$TEST_DIR/other.json"
  path=$(incident_path "$(json_eval 'd["id"]' <<<"$output")")
  [ "$(toml_eval "$path" '[d["severity"], d["kind"], d["services"]]')" = '["SEV3", "denial-of-service", ["blue"]]' ]
  # the level names are checked, and the map's level is written as the scale spells it
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/bad.json" 'j["alerts"][0]["labels"]["severity"] = "Bad"; j["commonLabels"]["severity"] = "Bad"'
  ingest_json "$TEST_DIR/bad.json"
  path=$(incident_path "$(json_eval 'd["id"]' <<<"$output")")
  [ "$(toml_eval "$path" 'd["severity"]')" = SEV1 ]
  printf 'oops = "SEV9"\n' >>.irctl/config.toml
  git commit -qam "a level that does not exist"
  run_unchanged --separate-stderr irctl ingest "$FIX/opsgenie_create_docs.json"
  assert_status 65
  [[ "$stderr" == "irctl: error: .irctl/config.toml:"*"[ingest.severity] maps 'oops' to the unknown level 'SEV9'"* ]]
  [ "$(git ls-files incidents | wc -l)" -eq 3 ]
}

@test "hostile values in an Alertmanager payload: valid TOML, escaped output, keys kept as data, no file outside the repository" {
  py -c '
import json
esc = "\u001b"
p = {"receiver": "r" + esc + "]0;owned\u0007", "status": "firing",
  "groupKey": "{}:{alertname=\"../../etc/passwd" + esc + "[2J\u0000\n--upload-pack=touch /tmp/irctl-pwned\"}",
  "alerts": [{"status": "firing",
    "labels": {"alertname": "Evil\u202eexe.txt", "service": "../../../outside" + esc + "[1m", "severity": "critical\r\n",
               "job": "--upload-pack=touch ../pwned", "path": ".git/hooks/post-commit", "nul": "a\u0000b"},
    "annotations": {"summary": "line1\r\nline2 " + esc + "[31mRED" + esc + "[0m \u202e gnp.exe \u0000 end",
                    "description": "desc" + esc + "[2J\nmore" + esc + "]8;;http://evil" + esc + "\\"},
    "startsAt": "2024-01-02T03:04:05Z", "endsAt": "0001-01-01T00:00:00Z",
    "generatorURL": "javascript:alert(1)" + esc + "[0m", "fingerprint": "../../x" + esc + "\u0000fp"}]}
print(json.dumps(p))' >"$TEST_DIR/hostile.json"
  outside_before=$(cd "$TEST_DIR" && find . -path ./repo -prune -o -print | sort)
  hooks_before=$(ls -A .git/hooks)
  ingest_json "$TEST_DIR/hostile.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = declared ]
  id=$(json_eval 'd["id"]' <<<"$output")
  path=$(incident_path "$id")
  # one file changed, where irctl puts incidents
  [ "$(git show --name-only --format= HEAD)" = "$path" ]
  # the title, service and severity: one line, no control characters; the summary keeps its lines only
  fields=$(toml_eval "$path" '[d["title"], d["services"][0], d["severity"]]')
  [ "$(json_eval 'd[0]' <<<"$fields" | wc -l)" -eq 1 ]
  [ "$(json_eval 'any(ord(c) < 32 or ord(c) == 127 for s in d for c in s)' <<<"$fields")" = false ]
  [ "$(json_eval 'd[2]' <<<"$fields")" = SEV1 ]
  [ "$(toml_eval "$path" 'any(ord(c) < 32 and c != "\n" for c in d["summary"])')" = false ]
  # the keys are the payload's identities, kept exactly, as data
  [ "$(toml_eval "$path" 'd["alerts"]')" = \
    '["alertmanager:{}:{alertname=\"../../etc/passwd\u001b[2J\u0000\n--upload-pack=touch /tmp/irctl-pwned\"}", "alertmanager:fingerprint:../../x\u001b\u0000fp"]' ]
  run_unchanged --separate-stderr irctl ingest --json "$TEST_DIR/hostile.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = unchanged ]
  # nothing raw on the terminal, from any command that prints it
  for cmd in "show $id" "timeline $id" "list" "log $id" "gate"; do
    run --separate-stderr irctl $cmd
    # the open incident blocks the gate
    if [ "$cmd" = gate ]; then assert_status 6; else assert_status 0; fi
    # what each shows of the incident: its ID, or in the timeline its declaration
    expected=$id
    [ "$cmd" != "timeline $id" ] || expected="  declare  "
    [[ "$output$stderr" == *"$expected"* ]] || { echo "irctl $cmd does not show '$expected'" >&2; return 1; }
    refute_raw_controls
    [[ "$output$stderr" != *$'\u202e'* ]] || { echo "irctl $cmd prints a raw U+202E" >&2; return 1; }
  done
  run --separate-stderr irctl ingest "$TEST_DIR/hostile.json"
  assert_status 0
  refute_raw_controls
  # the commit's subject is one line
  [ "$(git log -1 --format=%s "$(git log -1 --format=%H -- "$path")" | wc -l)" -eq 1 ]
  # nothing was created outside the repository, no hook was added, nothing ran
  [ "$(cd "$TEST_DIR" && find . -path ./repo -prune -o -print | sort)" = "$outside_before" ]
  [ "$(ls -A .git/hooks)" = "$hooks_before" ]
  [ ! -e /tmp/irctl-pwned ] && [ ! -e ../pwned ]
  assert_clean_repo
}

@test "without --json: the ID on stdout when something is recorded, what happened on stderr; a repeat prints no ID" {
  run --separate-stderr irctl ingest "$FIX/grafana_unified_firing_docs.json"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  id=$output
  [ "$stderr" = "$id: declared from an alert (grafana): This alert was triggered for zone us-1" ]
  run --separate-stderr irctl ingest "$FIX/grafana_unified_firing_docs.json"
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "$id already has this alert; nothing to change" ]
  run --separate-stderr irctl ingest "$FIX/pagerduty_v3_service_updated_docs.json"
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "a PagerDuty service.updated event is not about an incident" ]
}

@test "identity: an ignored payload needs none; one that records is refused without it (exit 2, no change)" {
  unset IRCTL_ACTOR
  git config --unset user.name
  git config --unset user.email
  run_unchanged --separate-stderr irctl ingest --json "$FIX/pagerduty_v3_service_updated_docs.json"
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = ignored ]
  run_unchanged --separate-stderr irctl ingest "$FIX/opsgenie_create_docs.json"
  assert_status 2
  [[ "$stderr" == *"IRCTL_ACTOR"* ]]
  IRCTL_ACTOR="Opsgenie <og@example.com>" run --separate-stderr irctl ingest "$FIX/opsgenie_create_docs.json"
  assert_status 0
  [ "$(git log -1 --format='%an <%ae>')" = "Opsgenie <og@example.com>" ]
}

@test "an incident file with edits that are not committed is never overwritten: exit 5, no change" {
  ingest_json "$FIX/pagerduty_events_v2_trigger.json"
  path=$(incident_path "$(json_eval 'd["id"]' <<<"$output")")
  echo "# a note by hand" >>"$path"
  derive "$FIX/pagerduty_events_v2_acknowledge.json" "$TEST_DIR/ack.json" 'j["dedup_key"] = "samplekeyhere"'
  run_unchanged --separate-stderr irctl ingest "$TEST_DIR/ack.json"
  assert_status 5
  [[ "$stderr" == *"$path has changes that are not committed"* ]]
  tail -n 1 "$path" | grep -qx "# a note by hand"
}

@test "four deliveries at once: each exits 0, one declares and three find it unchanged, one commit" {
  for i in 1 2 3 4; do
    irctl ingest --json "$FIX/grafana_unified_firing_docs.json" >"$TEST_DIR/out$i" 2>"$TEST_DIR/err$i" &
  done
  fails=0
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  [ "$fails" -eq 0 ] || { cat "$TEST_DIR"/err* >&2; return 1; }
  [ "$(cat "$TEST_DIR"/out[1-4] | py -c '
import json, sys
docs = [json.loads(x) for x in sys.stdin.read().replace("}\n{", "}\x00{").split("\x00")]
print(" ".join(sorted(d["outcome"] for d in docs)), len({d["id"] for d in docs}))')" = "declared unchanged unchanged unchanged 1" ]
  [ "$(incident_count)" -eq 1 ]
  [ "$(git rev-list --count HEAD)" -eq 2 ]
  assert_clean_repo
}
