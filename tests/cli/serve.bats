#!/usr/bin/env bats
# irctl serve end to end: the real binary in a real repository, each test
# with a server of its own on a free port of 127.0.0.1, posted to with curl;
# the bodies are the recorded payloads of tests/fixtures/alerts.

load helpers
load serve_helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  FIX="$IRCTL_SOURCE_DIR/tests/fixtures/alerts"
  TOKEN=s3cret-am
  TOKENS=$(token_file am "$TOKEN")
  BEARER=(-H "Authorization: Bearer $TOKEN")
  HOLDER_PID="" LISTENER_PID=""
}
teardown() {
  # a failed test shows what the server said
  if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -s "${SERVE_LOG:-}" ]; then
    echo "# the server's log:" >&2
    cat "$SERVE_LOG" >&2
  fi
  stop_serve KILL
  release_lock
  if [ -n "${LISTENER_PID:-}" ]; then kill "$LISTENER_PID" 2>/dev/null || true; fi
  common_teardown
}

# The deliveries waiting in the inbox (rejected/ included), one path a line.
inbox() { find "$TEST_DIR/repo/.git/irctl/inbox" -type f 2>/dev/null | LC_ALL=C sort; }

# Usage: assert_settled N — the repository holds N incidents, the inbox is
# empty, and the work tree and index match HEAD.
assert_settled() {
  local ids
  ids=$(irctl list --format ids) || return 1
  [ "$(grep -c . <<<"$ids")" -eq "$1" ] || { echo "expected $1 incidents, got: $ids" >&2; return 1; }
  [ -z "$(inbox)" ] || { echo "the inbox still holds:" >&2; inbox >&2; return 1; }
  assert_clean_repo
}

# Usage: assert_http STATUS BODY — the last post's status and whole body.
assert_http() {
  if [ "$HTTP_STATUS" != "$1" ] || [ "$HTTP_BODY" != "$2" ]; then
    printf 'expected HTTP %s with the body:\n%s\ngot HTTP %s with:\n%s\n' "$1" "$2" "$HTTP_STATUS" "$HTTP_BODY" >&2
    return 1
  fi
}

# Usage: get PATH [CURL_ARG...] — a GET; sets HTTP_STATUS and HTTP_BODY.
get() {
  local path=$1
  shift
  HTTP_STATUS=$(curl -s -o "$TEST_DIR/get.out" -w '%{http_code}' "$@" "$SERVE_URL$path") || true
  HTTP_BODY=$(cat "$TEST_DIR/get.out" 2>/dev/null || true)
}

# Usage: posted_incident DELIVERY OUTCOME — waits for the writer's ingest of
# the delivery with that outcome; prints the incident it names.
posted_incident() {
  wait_for_log " ingest delivery=$1 .* outcome=$2( |$)" >&2 || return 1
  sed -n "s/.* ingest delivery=$1 .* outcome=$2 incident=\([^ ]*\).*/\1/p" "$SERVE_LOG"
}

# Usage: post_ok PATH BODY_FILE OUTCOME [CURL_ARG...] — posts with the bearer
# token, expects 202, waits for the ingest; prints the incident.
post_ok() {
  local path=$1 body=$2 outcome=$3
  shift 3
  post "$path" "$body" "${BEARER[@]}" "$@"
  [ "$HTTP_STATUS" = 202 ] || { echo "POST $path $body: HTTP $HTTP_STATUS $HTTP_BODY" >&2; return 1; }
  posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" "$outcome"
}

# Usage: derive SRC DEST PYTHON — DEST is SRC's JSON changed by the Python
# statements (the document is j).
derive() {
  py -c '
import json, sys
j = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(j, open(sys.argv[2], "w"))' "$1" "$2" "$3"
}

# Usage: hmac SECRET FILE — HMAC-SHA256 of the file's bytes, in hex.
hmac() { openssl dgst -sha256 -hmac "$1" -r "$2" | cut -d' ' -f1; }

# Holds .git/irctl.lock in the background for $1 seconds (as concurrency.bats
# does: the sleep itself holds it, so that killing it frees the lock).
hold_lock() {
  local lock="$TEST_DIR/repo/.git/irctl.lock" _
  (
    exec 9>"$lock"
    flock 9
    exec sleep "$1"
  ) 3>&- &
  HOLDER_PID=$!
  for _ in $(seq 200); do
    flock -n "$lock" true || return 0
    sleep 0.01
  done
  echo "the lock was never taken" >&2
  return 1
}
release_lock() {
  [ -n "${HOLDER_PID:-}" ] || return 0
  kill "$HOLDER_PID" 2>/dev/null || true
  wait "$HOLDER_PID" 2>/dev/null || true
  HOLDER_PID=""
}

# Usage: start_serve_busy [FLAG...] — holds the repository's lock, starts
# the server, posts the Alertmanager alert (202) and waits until the writer
# has failed to ingest it; sets DELIVERY.
start_serve_busy() {
  export IRCTL_LOCK_TIMEOUT=0.1
  hold_lock 60
  start_serve --token-file "$TOKENS" "$@"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 202 ] || { echo "HTTP $HTTP_STATUS $HTTP_BODY" >&2; return 1; }
  DELIVERY=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  wait_for_log " ingest delivery=$DELIVERY format=alertmanager sender=am outcome=error "
}

# The body of a generic alert, firing.
generic_alert() {
  cat >"$TEST_DIR/generic.json" <<'JSON'
{"key": "disk-full/db-1", "status": "firing", "title": "Disk full on db-1", "severity": "High",
 "service": "database", "started_at": "2026-11-28T18:05:00+02:00"}
JSON
  echo "$TEST_DIR/generic.json"
}

# The Alertmanager fixture, resolved, in $TEST_DIR/resolved.json.
resolved_alertmanager() {
  derive "$FIX/alertmanager_v4_firing.json" "$TEST_DIR/resolved.json" '
j["status"] = "resolved"
for a in j["alerts"]:
    a["status"] = "resolved"; a["endsAt"] = "2023-02-06T13:40:00.000Z"'
}

AM_KEYS='["alertmanager:{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}","alertmanager:fingerprint:1a30ba71cca2921f"]'
DELIVERY_RE='^[0-9]{8}T[0-9]{6}\.[0-9]{9}-[0-9]+-[0-9]+\.json$'

# ---------------------------------------------------------------------------
# 1. Alertmanager with a bearer token: declared, a repeat changes nothing,
# resolved resolves.

@test "bearer token: Alertmanager's alert is declared (202 with its delivery, format and keys), a repeat is unchanged, the resolved one resolves" {
  start_serve --token-file "$TOKENS"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  [[ $delivery =~ $DELIVERY_RE ]]
  assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"alertmanager\",\"keys\":$AM_KEYS}"
  id=$(posted_incident "$delivery" declared)
  [[ $id =~ $ID_RE ]]
  run irctl list --format ids
  assert_status 0
  [ "$output" = "$id" ]
  run --separate-stderr irctl show --json "$id"
  assert_status 0
  [ "$(json_eval '[d["status"], d["alerts"]]' <<<"$output")" = \
    '["identification", ["alertmanager:{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}", "alertmanager:fingerprint:1a30ba71cca2921f"]]' ]
  before=$(repo_state)

  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  again=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  [ "$again" != "$delivery" ]
  assert_http 202 "{\"delivery\":\"$again\",\"format\":\"alertmanager\",\"keys\":$AM_KEYS}"
  [ "$(posted_incident "$again" unchanged)" = "$id" ]
  [ "$(repo_state)" = "$before" ]
  run irctl list --format ids
  assert_status 0
  [ "$output" = "$id" ]

  resolved_alertmanager
  [ "$(post_ok /v1/alerts/alertmanager "$TEST_DIR/resolved.json" resolved)" = "$id" ]
  run --separate-stderr irctl show --json "$id"
  assert_status 0
  [ "$(json_eval '[d["status"], d["recovered_at"]]' <<<"$output")" = '["resolved", "2023-02-06T13:40:00Z"]' ]
  [ -z "$(inbox)" ]
  assert_clean_repo
}

# ---------------------------------------------------------------------------
# 2. Every format, on its route and on /v1/alerts.

@test "each format on its route declares, and the same body on /v1/alerts is detected as that format and finds the incident" {
  start_serve --token-file "$TOKENS"
  local format fixture declared=()
  while read -r format fixture keys; do
    post "/v1/alerts/$format" "$fixture" "${BEARER[@]}"
    delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
    assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"$format\",\"keys\":$keys}"
    id=$(posted_incident "$delivery" declared)
    [[ $id =~ $ID_RE ]] || { echo "$fixture: no incident" >&2; return 1; }
    declared+=("$id")
    post /v1/alerts "$fixture" "${BEARER[@]}"
    delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
    assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"$format\",\"keys\":$keys}"
    [ "$(posted_incident "$delivery" unchanged)" = "$id" ] || { echo "$fixture: not found again" >&2; return 1; }
  done <<EOF
grafana $FIX/grafana_unified_firing_docs.json ["grafana:fingerprint:c6eadffa33fcdf37","grafana:fingerprint:bc97ff14869b13e3"]
pagerduty $FIX/pagerduty_events_v2_trigger.json ["pagerduty:samplekeyhere"]
pagerduty $FIX/pagerduty_v3_incident_triggered_zulip.json ["pagerduty:incident:PFQZPSY"]
opsgenie $FIX/opsgenie_create_docs.json ["opsgenie:aliastest"]
github $FIX/github_workflow_job_completed_failure.json ["github:Codertocat/Hello-World:CodeQL:main"]
generic $(generic_alert) ["generic:disk-full/db-1"]
EOF
  run irctl list --format ids
  assert_status 0
  [ "$(LC_ALL=C sort <<<"$output")" = "$(printf '%s\n' "${declared[@]}" | LC_ALL=C sort)" ]
  [ "${#declared[@]}" -eq 6 ]
  [ -z "$(inbox)" ]
  assert_clean_repo
}

@test "a green workflow run is received and changes nothing; PagerDuty's service.updated is ignored at once (200) and never spooled" {
  start_serve --token-file "$TOKENS"
  before=$(repo_state)
  post /v1/alerts/github "$FIX/github_workflow_run_completed.json" "${BEARER[@]}"
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"github\",\"keys\":[\"github:octo-org/octo-repo:test:master\"]}"
  wait_for_log " ingest delivery=$delivery format=github sender=am outcome=unchanged$"
  post /v1/alerts "$FIX/pagerduty_v3_service_updated_docs.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 200 ]
  [ "$(json_eval 'd["outcome"]' <<<"$HTTP_BODY")" = ignored ]
  [ "$(json_eval 'sorted(d)' <<<"$HTTP_BODY")" = '["outcome", "reason"]' ]
  wait_for_log ' request method=POST path=/v1/alerts status=200 .* format=pagerduty outcome=ignored'
  [ "$(repo_state)" = "$before" ]
  [ -z "$(inbox)" ]
}

@test "a body over 8 KiB posted as curl sends it by default (form-urlencoded) is received like one sent as JSON" {
  start_serve --token-file "$TOKENS"
  post /v1/alerts/github "$FIX/github_workflow_job_completed_failure.json" "${BEARER[@]}" \
    -H 'Content-Type: application/x-www-form-urlencoded'
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"github\",\"keys\":[\"github:Codertocat/Hello-World:CodeQL:main\"]}"
}

@test "concurrent senders: 8 distinct alerts at once are 8 incidents; one alert posted 8 times at once is one" {
  start_serve --token-file "$TOKENS"
  for n in $(seq 8); do
    printf '{"key": "disk-full/db-%s", "status": "firing", "title": "Disk full on db-%s"}\n' "$n" "$n" >"$TEST_DIR/alert-$n.json"
  done
  run bash -c 'for n in $(seq 8); do echo "$1/alert-$n.json"; done | xargs -P 8 -I{} curl -s -o /dev/null -w "%{http_code}\n" \
    -H "Authorization: Bearer $2" -H "Content-Type: application/json" --data-binary @{} "$3/v1/alerts/generic"' _ \
    "$TEST_DIR" "$TOKEN" "$SERVE_URL"
  assert_status 0
  [ "$output" = "$(printf '202\n%.0s' $(seq 8))" ]
  wait_for_log ' outcome=declared ' 8
  run bash -c 'seq 8 | xargs -P 8 -I{} curl -s -o /dev/null -w "%{http_code}\n" \
    -H "Authorization: Bearer $2" -H "Content-Type: application/json" --data-binary @"$1" "$3/v1/alerts/alertmanager"' _ \
    "$FIX/alertmanager_v4_firing.json" "$TOKEN" "$SERVE_URL"
  assert_status 0
  [ "$output" = "$(printf '202\n%.0s' $(seq 8))" ]
  wait_for_log ' ingest .* format=alertmanager ' 8
  [ "$(grep -c ' format=alertmanager sender=am outcome=declared ' "$SERVE_LOG")" -eq 1 ]
  [ "$(grep -c ' format=alertmanager sender=am outcome=unchanged ' "$SERVE_LOG")" -eq 7 ]
  assert_settled 9
}

# ---------------------------------------------------------------------------
# 3. Authentication.

@test "refused requests (401 'unauthorized', before the body is read as an alert) change nothing, spool nothing, and say why only in the log, never the token or the body" {
  start_serve --token-file "$TOKENS"
  before=$(repo_state)
  body="$FIX/alertmanager_v4_firing.json"
  gh="$FIX/github_workflow_job_completed_failure.json"
  pd="$FIX/pagerduty_v3_incident_triggered_zulip.json"
  derive "$pd" "$TEST_DIR/pd-altered.json" 'j["event"]["data"]["title"] += "!"'
  derive "$gh" "$TEST_DIR/gh-altered.json" 'j["workflow_job"]["conclusion"] = "success"'
  printf 'not an alert' >"$TEST_DIR/text"
  local n=0
  while IFS='|' read -r path file reason header; do
    extra=()
    [ -z "$header" ] || extra=(-H "$header")
    post "$path" "$file" "${extra[@]}"
    [ "$HTTP_STATUS" = 401 ] && [ "$HTTP_BODY" = unauthorized ] ||
      { echo "$header: HTTP $HTTP_STATUS $HTTP_BODY" >&2; return 1; }
    n=$((n + 1))
    wait_for_log " request method=POST path=$path status=401 remote=127\.0\.0\.1 refused=\"$reason\" ms=[0-9.]+$" 1
    [ "$(grep -c ' status=401 ' "$SERVE_LOG")" -eq "$n" ]
  done <<EOF
/v1/alerts/alertmanager|$body|no credentials|
/v1/alerts/generic|$TEST_DIR/text|no credentials|
/v1/alerts/alertmanager|$body|credentials match no sender|Authorization: Bearer not-the-token
/v1/alerts|$body|credentials match no sender|Authorization: Basic $(printf 'mallory:%s' "$TOKEN" | base64)
/v1/alerts|$body|credentials match no sender|Authorization: Basic $(printf 'am:wrong-password' | base64)
/v1/alerts/github|$gh|credentials match no sender|X-Hub-Signature-256: sha256=$(hmac another-secret "$gh")
/v1/alerts/pagerduty|$pd|credentials match no sender|X-PagerDuty-Signature: v1=$(hmac "$TOKEN" "$FIX/pagerduty_events_v2_trigger.json")
/v1/alerts/pagerduty|$TEST_DIR/pd-altered.json|credentials match no sender|X-PagerDuty-Signature: v1=$(hmac "$TOKEN" "$pd")
/v1/alerts/github|$TEST_DIR/gh-altered.json|credentials match no sender|X-Hub-Signature-256: sha256=$(hmac "$TOKEN" "$gh")
EOF
  [ "$(repo_state)" = "$before" ]
  [ -z "$(inbox)" ]
  run grep -e "$TOKEN" -e not-the-token -e wrong-password -e ProbeFailure -e PFQZPSY -e Codertocat -e "$(printf "am:wrong-password" | base64)" "$SERVE_LOG"
  assert_status 1
  get /metrics
  [ "$(grep '^irctl_refused_requests_total' <<<"$HTTP_BODY")" = \
    "$(printf '%s\n' 'irctl_refused_requests_total{reason="credentials match no sender"} 7' 'irctl_refused_requests_total{reason="no credentials"} 2')" ]
}

@test "accepted credentials: basic auth NAME:TOKEN, GitHub's X-Hub-Signature-256, PagerDuty's X-PagerDuty-Signature, also with two v1= values while a secret rotates" {
  start_serve --token-file "$TOKENS"
  gh="$FIX/github_workflow_job_completed_failure.json"
  pd="$FIX/pagerduty_v3_incident_triggered_zulip.json"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" -u "am:$TOKEN"
  [ "$HTTP_STATUS" = 202 ]
  posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" declared
  post /v1/alerts/github "$gh" -H "X-Hub-Signature-256: sha256=$(hmac "$TOKEN" "$gh")"
  [ "$HTTP_STATUS" = 202 ]
  posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" declared
  post /v1/alerts/pagerduty "$pd" -H "X-PagerDuty-Signature: v1=$(hmac "$TOKEN" "$pd")"
  [ "$HTTP_STATUS" = 202 ]
  id=$(posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" declared)
  post /v1/alerts "$pd" -H "X-PagerDuty-Signature: v1=$(hmac old-secret "$pd"),v1=$(hmac "$TOKEN" "$pd")"
  [ "$HTTP_STATUS" = 202 ]
  [ "$(posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" unchanged)" = "$id" ]
  [ "$(grep -c ' request method=POST .* status=202 remote=127\.0\.0\.1 sender=am ' "$SERVE_LOG")" -eq 4 ]
  run irctl list --format ids
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 3 ]
}

@test "a token file of one lone token, mode 640: the sender is named after the file's stem" {
  printf '%s\n' "$TOKEN" >"$TEST_DIR/grafana.token"
  chmod 640 "$TEST_DIR/grafana.token"
  start_serve --token-file "$TEST_DIR/grafana.token"
  grep -q ' listening address=127\.0\.0\.1:[0-9]* tls=false auth="1 sender(s)" remote=null inbox=0$' "$SERVE_LOG"
  post_ok /v1/alerts/grafana "$FIX/grafana_unified_firing_docs.json" declared
  grep -q ' request method=POST path=/v1/alerts/grafana status=202 remote=127\.0\.0\.1 sender=grafana format=grafana ' "$SERVE_LOG"
  run grep -c -e "$TOKEN" "$SERVE_LOG"
  assert_status 1
}

# ---------------------------------------------------------------------------
# 4. What is not an alert, or not a route.

@test "400 for a body no format reads, 404 for other paths, 405 with Allow for the wrong method, 413 past 1 MiB: none changes the repository" {
  start_serve --token-file "$TOKENS"
  before=$(repo_state)
  printf 'not an alert' >"$TEST_DIR/text"
  post /v1/alerts/generic "$TEST_DIR/text" "${BEARER[@]}"
  assert_http 400 '{"error":"generic payload is not valid JSON: parse error at line 1, column 2: syntax error while parsing value - invalid literal; last read: '"'no'"'"}'
  post /v1/alerts/nosuch "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  assert_http 404 'no such format; post to /v1/alerts or /v1/alerts/{alertmanager,grafana,pagerduty,opsgenie,github,generic}'
  post /other "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  assert_http 404 'not found; irctl serve answers POST /v1/alerts[/FORMAT], GET /healthz, GET /readyz and GET /metrics'
  get /v1/alerts "${BEARER[@]}" -D "$TEST_DIR/headers"
  assert_http 405 'use POST'
  grep -qx $'Allow: POST\r' "$TEST_DIR/headers"
  post /healthz "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}" -D "$TEST_DIR/headers"
  assert_http 405 'use GET'
  grep -qx $'Allow: GET\r' "$TEST_DIR/headers"
  get '/other%0A2026-01-01T00:00:00Z%20ingest%20outcome=declared'
  [ "$HTTP_STATUS" = 404 ]
  head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TEST_DIR/big.json"
  post /v1/alerts/generic "$TEST_DIR/big.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 413 ]
  wait_for_log ' request method=POST path=/v1/alerts/generic status=413 remote=127\.0\.0\.1$'
  # one line per request, even for a path with a line feed in it
  [ "$(grep -c '^[0-9-]*T[0-9:]*Z request method=' "$SERVE_LOG")" -eq 7 ]
  [ "$(wc -l <"$SERVE_LOG")" -eq 8 ]
  [ "$(repo_state)" = "$before" ]
  [ -z "$(inbox)" ]
}

# ---------------------------------------------------------------------------
# 5. Health, readiness and metrics.

@test "/healthz, /readyz and /metrics: after a known sequence, the exact counters; every metric has HELP and TYPE and starts with irctl_" {
  start_serve --token-file "$TOKENS"
  get /healthz
  assert_http 200 ok
  get /readyz
  assert_http 200 ready
  id=$(post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared)
  [ "$(post_ok /v1/alerts "$FIX/alertmanager_v4_firing.json" unchanged)" = "$id" ]
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json"
  assert_http 401 unauthorized
  post /other "$FIX/alertmanager_v4_firing.json"
  [ "$HTTP_STATUS" = 404 ]
  get /metrics -D "$TEST_DIR/headers"
  [ "$HTTP_STATUS" = 200 ]
  grep -qx $'Content-Type: text/plain; version=0.0.4; charset=utf-8\r' "$TEST_DIR/headers"
  metrics=$HTTP_BODY
  [ "$(grep -E '^irctl_(http_requests_total|ingest_outcomes_total|refused_requests_total|queue_depth)[ {]' <<<"$metrics")" = \
    'irctl_http_requests_total{route="/healthz",code="200"} 1
irctl_http_requests_total{route="/readyz",code="200"} 1
irctl_http_requests_total{route="/v1/alerts",code="202"} 1
irctl_http_requests_total{route="/v1/alerts/alertmanager",code="202"} 1
irctl_http_requests_total{route="/v1/alerts/alertmanager",code="401"} 1
irctl_http_requests_total{route="other",code="404"} 1
irctl_ingest_outcomes_total{outcome="declared"} 1
irctl_ingest_outcomes_total{outcome="unchanged"} 1
irctl_queue_depth 0
irctl_refused_requests_total{reason="no credentials"} 1' ]
  # every sample's metric has its HELP and TYPE lines, every name irctl_
  run py -c '
import re, sys
text = sys.stdin.read()
helped = set(re.findall(r"^# HELP (\S+) \S", text, re.M))
typed = dict(re.findall(r"^# TYPE (\S+) (counter|gauge)$", text, re.M))
names = {re.match(r"[^{ ]+", l).group(0) for l in text.splitlines() if not l.startswith("#")}
bad = [n for n in names | helped | set(typed) if not n.startswith("irctl_")]
missing = [n for n in names if n not in helped or n not in typed]
print(" ".join(sorted(bad + missing)))
sys.exit(1 if bad or missing or len(names) < 8 else 0)' <<<"$metrics"
  assert_status 0
}

# ---------------------------------------------------------------------------
# 6. The JSON log.

@test "--log-format json: every line is one JSON object with time and event; a request's line has its fields" {
  start_serve --token-file "$TOKENS" --log-format json
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 202 ]
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  wait_for_log '"event":"ingest"'
  post /v1/alerts "$FIX/alertmanager_v4_firing.json" -H "Authorization: Bearer not-$TOKEN"
  assert_http 401 unauthorized
  wait_for_log '"refused":'
  stop_serve
  [ "$SERVE_STATUS" = 0 ]
  run grep -c -e "$TOKEN" -e ProbeFailure "$SERVE_LOG"
  assert_status 1
  run py -c '
import json, re, sys
events = []
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["time"]), line
    events.append(d["event"])
    if d["event"] == "request":
        assert isinstance(d.pop("ms"), (int, float)), line
        del d["time"]
        print(json.dumps(d, sort_keys=True))
print(" ".join(events))' "$SERVE_LOG"
  assert_status 0
  [ "$output" = "{\"delivery\": \"$delivery\", \"event\": \"request\", \"format\": \"alertmanager\", \"method\": \"POST\", \"path\": \"/v1/alerts/alertmanager\", \"remote\": \"127.0.0.1\", \"sender\": \"am\", \"status\": 202}
{\"event\": \"request\", \"method\": \"POST\", \"path\": \"/v1/alerts\", \"refused\": \"credentials match no sender\", \"remote\": \"127.0.0.1\", \"status\": 401}
listening request ingest request signal stopping stopped" ]
}

# ---------------------------------------------------------------------------
# 7. Flags.

@test "flag errors exit 2 before anything listens: no token file, --insecure-no-auth off loopback, a token file others may read, half of TLS, bad addresses" {
  chmod 644 "$TOKENS"
  while IFS='|' read -r message args; do
    read -ra argv <<<"$args"
    run_unchanged --separate-stderr timeout 5 irctl serve "${argv[@]}"
    [ "$status" -eq 2 ] || { echo "$args: exit $status: $stderr" >&2; return 1; }
    assert_text_error
    [[ $stderr == "irctl: error: $message"* ]] || { echo "$args: $stderr" >&2; return 1; }
  done <<EOF
no sender may post: irctl serve needs at least one --token-file|--listen 127.0.0.1:0
--insecure-no-auth lets anyone who reaches 0.0.0.0 post alerts|--listen 0.0.0.0:0 --insecure-no-auth
the token file '$TOKENS' may be read or changed by other users|--listen 127.0.0.1:0 --token-file $TOKENS
TLS needs both a certificate and its key|--listen 127.0.0.1:0 --insecure-no-auth --tls-cert $TOKENS
cannot listen on '9095': expected HOST:PORT|--listen 9095 --insecure-no-auth
cannot listen on '[::1': expected HOST:PORT|--listen [::1 --insecure-no-auth
cannot listen on 'host:99999': expected HOST:PORT|--listen host:99999 --insecure-no-auth
EOF
  [ -z "$(inbox)" ]
}

@test "a port in use: exit 1 before anything starts, and the message names the address" {
  py -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$TEST_DIR/port" 3>&- &
  LISTENER_PID=$!
  for _ in $(seq 100); do [ -s "$TEST_DIR/port" ] && break; sleep 0.05; done
  port=$(cat "$TEST_DIR/port")
  run_unchanged --separate-stderr timeout 5 irctl serve --listen "127.0.0.1:$port" --token-file "$TOKENS"
  kill "$LISTENER_PID"
  assert_status 1
  assert_text_error
  [[ $stderr == *"127.0.0.1:$port"* ]]
  [ -z "$(inbox)" ]
}

@test "a port another irctl serve listens on: the second one exits 1 instead of sharing the port" {
  start_serve --token-file "$TOKENS"
  port=${SERVE_URL##*:}
  git init -q "$TEST_DIR/other"
  printf '[user]\n\tname = Bob Example\n\temail = bob@example.com\n' >>"$TEST_DIR/other/.git/config"
  run irctl -C "$TEST_DIR/other" -q init
  assert_status 0
  run_unchanged --separate-stderr timeout 5 irctl -C "$TEST_DIR/other" serve --listen "127.0.0.1:$port" \
    --token-file "$TOKENS"
  assert_status 1
  assert_text_error
  [[ $stderr == *"127.0.0.1:$port"* ]]
}

@test "a second irctl serve on the same repository, on another port, is refused (exit 75): one server ingests an inbox" {
  start_serve --token-file "$TOKENS"
  run_unchanged --separate-stderr timeout 5 irctl serve --listen 127.0.0.1:0 --token-file "$TOKENS"
  assert_status 75
  assert_text_error
  [ "$stderr" = "irctl: error: another irctl serve is running on this repository
hint: stop it first; one server per repository ingests its inbox" ]
  stop_serve
  [ "$SERVE_STATUS" = 0 ]
  start_serve --token-file "$TOKENS"
}

@test "--insecure-no-auth on 127.0.0.1 takes a request without credentials" {
  start_serve --insecure-no-auth
  grep -q ' listening address=127\.0\.0\.1:[0-9]* tls=false auth=none ' "$SERVE_LOG"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json"
  [ "$HTTP_STATUS" = 202 ]
  posted_incident "$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")" declared
  run grep -c ' request .* status=202 remote=127\.0\.0\.1 format=alertmanager ' "$SERVE_LOG"
  assert_status 0
  [ "$output" = 1 ]
}

@test "[serve] in .irctl/config.toml: token files relative to the repository and the log format; flags win" {
  token_file other other-secret >/dev/null
  cat >>.irctl/config.toml <<'EOF'

[serve]
token_files = ["../am.tokens"]
log_format = "json"
max_queue = 7
EOF
  git commit -qam "serve settings"
  start_serve
  grep -q '"auth":"1 sender(s)"' "$SERVE_LOG"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 202 ]
  wait_for_log '"event":"ingest".*"outcome":"declared"'
  get /metrics
  [ "$(grep '^irctl_queue_capacity ' <<<"$HTTP_BODY")" = 'irctl_queue_capacity 7' ]
  stop_serve
  [ "$SERVE_STATUS" = 0 ]
  start_serve --log-format text --token-file "$TEST_DIR/other.tokens" --max-queue 3
  grep -q ' listening address=127\.0\.0\.1:[0-9]* tls=false auth="1 sender(s)" remote=null inbox=0$' "$SERVE_LOG"
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  assert_http 401 unauthorized
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" -H 'Authorization: Bearer other-secret'
  [ "$HTTP_STATUS" = 202 ]
  get /metrics
  [ "$(grep '^irctl_queue_capacity ' <<<"$HTTP_BODY")" = 'irctl_queue_capacity 3' ]
}

# ---------------------------------------------------------------------------
# 8. Nothing lost.

@test "kill -9 while a delivery waits for the lock: the next server ingests it first; the inbox file was mode 600 and is gone" {
  start_serve_busy
  delivery=$DELIVERY
  [ "$(inbox)" = "$TEST_DIR/repo/.git/irctl/inbox/$delivery" ]
  [ "$(stat -c %a ".git/irctl/inbox/$delivery")" = 600 ]
  # the writer marks itself failing just after it logs the failure
  for _ in $(seq 100); do
    get /readyz
    [ "$HTTP_STATUS" = 200 ] || break
    sleep 0.02
  done
  assert_http 503 'not ready: ingesting fails (see the log); deliveries wait in the inbox'
  stop_serve KILL
  [ "$SERVE_STATUS" = 137 ]
  release_lock
  run irctl list --format ids
  assert_status 0
  [ -z "$output" ]
  start_serve --token-file "$TOKENS"
  grep -q ' listening .* inbox=1$' "$SERVE_LOG"
  id=$(posted_incident "$delivery" declared)
  [ "$(sed -n 2p "$SERVE_LOG" | cut -d' ' -f2-3)" = "ingest delivery=$delivery" ]
  run irctl list --format ids
  assert_status 0
  [ "$output" = "$id" ]
  [ -z "$(inbox)" ]
  assert_clean_repo
}

@test "SIGTERM while deliveries wait for the lock: the server ingests them, then exits 0" {
  start_serve_busy
  post /v1/alerts/opsgenie "$FIX/opsgenie_create_docs.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 202 ]
  kill -TERM "$SERVE_PID"
  wait_for_log ' stopping queue_depth=2 unpushed=0$'
  release_lock
  wait "$SERVE_PID" && SERVE_STATUS=0 || SERVE_STATUS=$?
  SERVE_PID=""
  [ "$SERVE_STATUS" = 0 ]
  grep -q ' stopped ingested=2 left_in_inbox=0 pushed=true$' "$SERVE_LOG"
  [ "$(grep -c ' outcome=declared incident=' "$SERVE_LOG")" -eq 2 ]
  assert_settled 2
}

@test "a second signal while the server drains ends it at once; the delivery stays in the inbox for the next start" {
  start_serve_busy
  kill -TERM "$SERVE_PID"
  wait_for_log ' stopping queue_depth=1 '
  stop_serve INT
  [ "$SERVE_STATUS" = 130 ]
  grep -q ' signal signal=SIGINT action="exit now; the inbox keeps what is not ingested"$' "$SERVE_LOG"
  run grep -c ' stopped ' "$SERVE_LOG"
  assert_status 1
  [ "$(inbox)" = "$TEST_DIR/repo/.git/irctl/inbox/$DELIVERY" ]
}

@test "what the inbox holds at start that is not a delivery, or not an alert, is put aside in rejected/ with its reason" {
  mkdir -p .git/irctl/inbox
  printf 'garbage\n' >.git/irctl/inbox/20260101T000000.000000000-1-0.json
  printf '%s\n' '{"format":"generic","sender":"am","received_at":"2026-01-01T00:00:00Z","body":"not an alert"}' \
    >.git/irctl/inbox/20260101T000000.000000000-1-1.json
  before=$(repo_state)
  start_serve --token-file "$TOKENS"
  grep -q ' listening .* inbox=1$' "$SERVE_LOG"
  wait_for_log ' ingest delivery=20260101T000000\.000000000-1-1\.json format=generic sender=am outcome=rejected reason='
  [ "$(repo_state)" = "$before" ]
  [ "$(inbox | sed "s|^$TEST_DIR/repo/.git/irctl/inbox/||")" = 'rejected/20260101T000000.000000000-1-0.json
rejected/20260101T000000.000000000-1-0.json.reason
rejected/20260101T000000.000000000-1-1.json
rejected/20260101T000000.000000000-1-1.json.reason' ]
  [[ "$(cat .git/irctl/inbox/rejected/20260101T000000.000000000-1-0.json.reason)" == "not a delivery irctl serve kept: "* ]]
  [[ "$(cat .git/irctl/inbox/rejected/20260101T000000.000000000-1-1.json.reason)" == "generic payload is not valid JSON: "* ]]
  # the server still takes alerts
  post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared
}

# ---------------------------------------------------------------------------
# 9. Back-pressure.

@test "429 with Retry-After when the inbox is full (--max-queue 1): the refused delivery is not spooled" {
  start_serve_busy --max-queue 1
  post /v1/alerts/opsgenie "$FIX/opsgenie_create_docs.json" "${BEARER[@]}" -D "$TEST_DIR/headers"
  assert_http 429 'the inbox is full; retry'
  grep -qx $'Retry-After: 5\r' "$TEST_DIR/headers"
  [ "$(inbox)" = "$TEST_DIR/repo/.git/irctl/inbox/$DELIVERY" ]
  grep -q ' request method=POST path=/v1/alerts/opsgenie status=429 remote=127\.0\.0\.1 sender=am format=opsgenie queue_depth=1 ' "$SERVE_LOG"
}

# ---------------------------------------------------------------------------
# 10. Responders in the same clone.

@test "irctl note and severity in the same clone while the server runs: the server's next ingest keeps them; git log shows both writers" {
  IRCTL_ACTOR="Alertmanager <alerts@example.com>" start_serve --token-file "$TOKENS"
  id=$(post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared)
  run irctl note "$id" "the probe fails from every region"
  assert_status 0
  run irctl severity "$id" SEV2
  assert_status 0
  [ "$(post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" unchanged)" = "$id" ]
  resolved_alertmanager
  [ "$(post_ok /v1/alerts/alertmanager "$TEST_DIR/resolved.json" resolved)" = "$id" ]
  run --separate-stderr irctl show --json "$id"
  assert_status 0
  [ "$(json_eval '[d["status"], d["severity"]]' <<<"$output")" = '["resolved", "SEV2"]' ]
  FILE=$(incident_path "$id")
  [ "$(field '[e["type"] for e in d["timeline"]]')" = '["declare", "note", "severity", "resolve"]' ]
  [ "$(field '[e.get("text") for e in d["timeline"] if e["type"] == "note"]')" = '["the probe fails from every region"]' ]
  [ "$(git log --format='%an' -4 | tr '\n' '|')" = 'Alertmanager|Alice Example|Alice Example|Alertmanager|' ]
  assert_clean_repo
}

# ---------------------------------------------------------------------------
# 11. Pushing.

@test "with a remote: the ingested commit reaches it; /readyz is ready; the push metrics say when" {
  seed_remote "$TEST_DIR/remote.git"
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/clone"
  set_identity "$TEST_DIR/clone" "Alice Example" alice@example.com
  cd "$TEST_DIR/clone"
  start_serve --token-file "$TOKENS"
  grep -q ' listening .* remote=origin inbox=0$' "$SERVE_LOG"
  post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared
  wait_for_log ' push remote=origin outcome=[a-z-]+ pushed=true '
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
  get /readyz
  assert_http 200 ready
  get /metrics
  [ "$(grep '^irctl_push_pending_commits ' <<<"$HTTP_BODY")" = 'irctl_push_pending_commits 0' ]
  [ "$(grep '^irctl_push_failures_total ' <<<"$HTTP_BODY")" = 'irctl_push_failures_total 0' ]
  pushed_at=$(sed -n 's/^irctl_push_last_success_timestamp_seconds //p' <<<"$HTTP_BODY")
  [ "$pushed_at" -gt $(($(date +%s) - 60)) ]
}

@test "with a remote that moved: the server's push merges what another clone pushed, and the remote holds both" {
  seed_remote "$TEST_DIR/remote.git"
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/clone"
  set_identity "$TEST_DIR/clone" "Alice Example" alice@example.com
  cd "$TEST_DIR/clone"
  start_serve --token-file "$TOKENS"
  first=$(post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared)
  wait_for_log ' push remote=origin outcome=[a-z-]+ pushed=true '
  # Bob, in a clone of his own, declares an incident and pushes it
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/bob"
  set_identity "$TEST_DIR/bob" "Bob Example" bob@example.com
  run irctl -C "$TEST_DIR/bob" -q declare "Checkout is slow"
  assert_status 0
  bobs=$output
  run irctl -C "$TEST_DIR/bob" -q sync
  assert_status 0
  second=$(post_ok /v1/alerts/opsgenie "$FIX/opsgenie_create_docs.json" declared)
  wait_for_log ' push remote=origin outcome=[a-z-]+ pushed=true ' 2
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
  run git -C "$TEST_DIR/remote.git" ls-tree -r --name-only main incidents
  assert_status 0
  [ "$(sed 's|.*/||' <<<"$output" | LC_ALL=C sort)" = "$(printf '%s.toml\n' "$first" "$bobs" "$second" | LC_ALL=C sort)" ]
  assert_clean_repo
}

@test "with a remote that cannot be reached: /readyz 503 names it, deliveries are still ingested, push failures are counted" {
  seed_remote "$TEST_DIR/remote.git"
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/clone"
  set_identity "$TEST_DIR/clone" "Alice Example" alice@example.com
  rm -rf "$TEST_DIR/remote.git"
  cd "$TEST_DIR/clone"
  start_serve --token-file "$TOKENS"
  wait_for_log ' push remote=origin outcome=error '
  get /readyz
  assert_http 503 'not ready: the remote origin cannot be reached (see the log)'
  id=$(post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared)
  run irctl list --format ids
  assert_status 0
  [ "$output" = "$id" ]
  get /metrics
  failures=$(sed -n 's/^irctl_push_failures_total //p' <<<"$HTTP_BODY")
  [ "$failures" -ge 1 ]
  [ "$(grep '^irctl_push_pending_commits ' <<<"$HTTP_BODY")" = 'irctl_push_pending_commits 1' ]
}

# ---------------------------------------------------------------------------
# 12. TLS.

@test "--no-push: with a remote, the server commits and never pushes" {
  seed_remote "$TEST_DIR/remote.git"
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/clone"
  set_identity "$TEST_DIR/clone" "Alice Example" alice@example.com
  cd "$TEST_DIR/clone"
  remote_before=$(git -C "$TEST_DIR/remote.git" rev-parse main)
  start_serve --token-file "$TOKENS" --no-push
  grep -q ' listening .* remote=null inbox=0$' "$SERVE_LOG"
  post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared
  stop_serve
  [ "$SERVE_STATUS" = 0 ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse main)" = "$remote_before" ]
  [ "$(git rev-parse HEAD)" != "$remote_before" ]
  run grep -c ' push ' "$SERVE_LOG"
  assert_status 1
}

@test "--remote NAME pushes there and not to origin; a remote that does not exist stops it at start (exit 3)" {
  seed_remote "$TEST_DIR/remote.git"
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/clone"
  set_identity "$TEST_DIR/clone" "Alice Example" alice@example.com
  cd "$TEST_DIR/clone"
  origin_before=$(git -C "$TEST_DIR/remote.git" rev-parse main)
  git clone -q --bare "$TEST_DIR/remote.git" "$TEST_DIR/backup.git"
  git remote add backup "$TEST_DIR/backup.git"
  # the clone's first irctl configures the merge driver and says so
  run irctl list
  assert_status 0
  run_unchanged --separate-stderr irctl serve --listen 127.0.0.1:0 --token-file "$TOKENS" --remote nosuch
  assert_status 3
  [ "$stderr" = "irctl: error: no remote named 'nosuch'
hint: add it with 'git remote add', or leave out --remote" ]
  start_serve --token-file "$TOKENS" --remote backup
  grep -q ' listening .* remote=backup inbox=0$' "$SERVE_LOG"
  post_ok /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" declared
  wait_for_log ' push remote=backup outcome=[a-z-]+ pushed=true '
  [ "$(git -C "$TEST_DIR/backup.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse main)" = "$origin_before" ]
}

@test "--shutdown-timeout: a stop that cannot ingest (the lock held) gives up after it, exits 0, and leaves the delivery in the inbox" {
  start_serve_busy --shutdown-timeout 1
  started=$(date +%s)
  stop_serve
  [ "$SERVE_STATUS" = 0 ]
  [ $(($(date +%s) - started)) -le 3 ]
  grep -q ' stopped ingested=0 left_in_inbox=1 pushed=true$' "$SERVE_LOG"
  [ "$(inbox)" = "$TEST_DIR/repo/.git/irctl/inbox/$DELIVERY" ]
}

@test "two token files naming the same sender are refused (exit 2): the log must say who posted" {
  printf 'am other-secret\n' >"$TEST_DIR/more.tokens"
  chmod 600 "$TEST_DIR/more.tokens"
  run_unchanged --separate-stderr irctl serve --listen 127.0.0.1:0 --token-file "$TOKENS" --token-file "$TEST_DIR/more.tokens"
  assert_status 2
  [ "$stderr" = "irctl: error: two senders are named 'am' (the second in '$TEST_DIR/more.tokens')
hint: give each sender its own name: the log names who posted what" ]
}

@test "[serve] with a value irctl cannot use stops it at start (exit 65), naming the key" {
  printf '[serve]\nlog_format = "xml"\n' >>.irctl/config.toml
  git commit -qam "serve logs in xml"
  run_unchanged --separate-stderr irctl serve --listen 127.0.0.1:0 --token-file "$TOKENS"
  assert_status 65
  [[ $stderr == "irctl: error: .irctl/config.toml:"*": serve.log_format must be text or json"* ]]
}

@test "TLS: a self-signed certificate serves HTTPS; a key that is not the certificate's is refused at start (exit 2)" {
  cd "$TEST_DIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.pem 2>/dev/null
  cd "$TEST_DIR/repo"
  run_unchanged --separate-stderr timeout 5 irctl serve --listen 127.0.0.1:0 --token-file "$TOKENS" \
    --tls-cert "$TEST_DIR/cert.pem" --tls-key "$TEST_DIR/other.pem"
  assert_status 2
  assert_text_error
  [ "$stderr" = 'irctl: error: cannot use the TLS certificate and key (readable PEM files, the key matching the certificate?)' ]
  start_serve --token-file "$TOKENS" --tls-cert "$TEST_DIR/cert.pem" --tls-key "$TEST_DIR/key.pem"
  grep -q ' listening address=127\.0\.0\.1:[0-9]* tls=true ' "$SERVE_LOG"
  SERVE_URL=${SERVE_URL/http:/https:}
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}" --cacert "$TEST_DIR/cert.pem"
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  assert_http 202 "{\"delivery\":\"$delivery\",\"format\":\"alertmanager\",\"keys\":$AM_KEYS}"
  posted_incident "$delivery" declared
  SERVE_URL=${SERVE_URL/https:/http:}
  post /v1/alerts/alertmanager "$FIX/alertmanager_v4_firing.json" "${BEARER[@]}"
  [ "$HTTP_STATUS" = 000 ]
  # SIGINT stops as SIGTERM does
  stop_serve INT
  [ "$SERVE_STATUS" = 0 ]
  grep -q ' signal signal=SIGINT action="stop: finish what was received, push, exit"$' "$SERVE_LOG"
  grep -q ' stopped ingested=1 left_in_inbox=0 pushed=true$' "$SERVE_LOG"
}
