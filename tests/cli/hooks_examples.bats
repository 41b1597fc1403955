#!/usr/bin/env bats
# The chat hooks in examples/hooks/ (issue 17, "tell people where they already
# are"), installed as a repository's .irctl/hooks/on-event and run by irctl
# against a server on 127.0.0.1 that records what it receives
# (record_server.py): declarations, severity changes and resolutions reach
# the incident channel of Slack, Teams and the generic webhook, external
# updates their status channel, other events nothing; a failed post or a
# missing webhook is a warning and the event stays committed. Nothing leaves
# 127.0.0.1: the site URL only appears in the messages.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  # urllib honours the proxy variables: none may send a request elsewhere.
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY IRCTL_WEBHOOKS_FILE IRCTL_NOTIFY_TIMEOUT
  export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
  start_server
  install_example_hook
  configure_webhooks
  export IRCTL_SITE_URL=https://status.example.com
}
teardown() {
  stop_server
  if [ -n "${SILENT_PID:-}" ]; then kill "$SILENT_PID" 2>/dev/null || true; fi
  common_teardown
}

# Usage: start_server — record_server.py in the background; its port in PORT.
start_server() {
  SERVER_DIR="$TEST_DIR/server"
  mkdir -p "$SERVER_DIR"
  : >"$SERVER_DIR/requests"
  py "$BATS_TEST_DIRNAME/record_server.py" "$SERVER_DIR" </dev/null >"$SERVER_DIR/log" 2>&1 3>&- &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$SERVER_DIR/port" ] && break
    sleep 0.05
  done
  PORT=$(cat "$SERVER_DIR/port") || { cat "$SERVER_DIR/log" >&2; return 1; }
  BASE="http://127.0.0.1:$PORT"
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}

# The example hook and the script it calls, committed as a team would.
install_example_hook() {
  mkdir -p .irctl/hooks
  cp "$IRCTL_SOURCE_DIR/examples/hooks/on-event" "$IRCTL_SOURCE_DIR/examples/hooks/notify.py" .irctl/hooks/
  git add .irctl/hooks
  git commit -q -m "chat notifications"
}

# Each target's two channels, each at its own path of the server.
configure_webhooks() {
  export IRCTL_SLACK_INCIDENT_WEBHOOK="$BASE/slack/incident"
  export IRCTL_SLACK_STATUS_WEBHOOK="$BASE/slack/status"
  export IRCTL_TEAMS_INCIDENT_WEBHOOK="$BASE/teams/incident"
  export IRCTL_TEAMS_STATUS_WEBHOOK="$BASE/teams/status"
  export IRCTL_GENERIC_INCIDENT_WEBHOOK="$BASE/generic/incident"
  export IRCTL_GENERIC_STATUS_WEBHOOK="$BASE/generic/status"
}

# The paths of the requests received so far, one line each.
request_paths() {
  py -S -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["path"])' "$SERVER_DIR/requests"
}

# Usage: assert_requests <<'EOF' PYTHON EOF — the requests received, as a list
# of {"method", "path", "content_type", "body"}, equal the list that the
# Python expression on stdin evaluates to, with ID (the incident), EV (its
# timeline's event IDs, in order) and LINK (its page) bound, and short names
# for the parts of the documents that every message repeats: post (a
# request), section and context (Slack blocks), card (a Teams message),
# text_block, fact_set and open_url (parts of its Adaptive Card).
assert_requests() {
  local id=${ID:-} file=${FILE:-}
  py -S -c '
import json, sys, tomllib
requests = [json.loads(line) for line in open(sys.argv[1])]
ID = sys.argv[2]
EV = [e["id"] for e in tomllib.load(open(sys.argv[3], "rb"))["timeline"]] if sys.argv[3] else []
LINK = "https://status.example.com/incidents/%s.html" % ID
def post(path, body):
    return {"method": "POST", "path": path, "content_type": "application/json; charset=utf-8", "body": body}
def section(text):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
def context(text):
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
def text_block(text, **style):
    return {"type": "TextBlock", "text": text, **style, "wrap": True}
def fact_set(*pairs):
    return {"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in pairs]}
def open_url(url):
    return {"type": "Action.OpenUrl", "title": "Open the incident page", "url": url}
def card(body, actions=None):
    content = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
               "version": "1.4", "body": body}
    if actions is not None:
        content["actions"] = actions
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": content}]}
expected = eval(sys.stdin.read())
if requests != expected:
    print("requests received:", json.dumps(requests, indent=1, ensure_ascii=False), file=sys.stderr)
    print("requests expected:", json.dumps(expected, indent=1, ensure_ascii=False), file=sys.stderr)
    sys.exit(1)' "$SERVER_DIR/requests" "$id" "$file"
}

@test "declare, severity and resolve reach the incident channels, external updates the status channels, the rest nothing" {
  run --separate-stderr irctl --at 2026-11-28T16:05:00Z declare "Checkout API returns 503" --service checkout \
    --summary "Half of the checkouts fail"
  assert_status 0
  ID=$output
  FILE=$(incident_path "$ID")
  [[ "$stderr" != *warning* ]]
  run --separate-stderr irctl --at 2026-11-28T16:10:00Z severity "$ID" SEV1 --reason "all regions"
  assert_status 0
  [[ "$stderr" != *warning* ]]
  run --separate-stderr irctl --at 2026-11-28T16:12:00Z update "$ID" --audience internal "DB team paged"
  assert_status 0
  run --separate-stderr irctl --at 2026-11-28T16:13:00Z note "$ID" "Rollback started"
  assert_status 0
  [ "$(wc -l <"$SERVER_DIR/requests")" -eq 6 ]
  run --separate-stderr irctl --at 2026-11-28T16:15:00Z update "$ID" --audience external "We are investigating failed checkouts."
  assert_status 0
  run --separate-stderr irctl --at 2026-11-28T16:40:00Z resolve "$ID" --summary "Rolled back the deploy"
  assert_status 0
  [[ "$stderr" != *warning* ]]
  assert_clean_repo
  assert_requests <<'EOF'
[
 # irctl declare
 post("/slack/incident", {
  "text": "Incident declared: %s Checkout API returns 503" % ID,
  "blocks": [
   section("*Incident declared*: <%s|%s>\nCheckout API returns 503" % (LINK, ID)),
   section("Half of the checkouts fail"),
   context("Severity: SEV3 \u00b7 Status: identification \u00b7 Services: checkout \u00b7 By: Alice Example &lt;alice@example.com&gt; \u00b7 At: 2026-11-28T16:05:00Z")]}),
 post("/teams/incident", card([
    text_block("Incident declared", weight="Bolder", size="Medium"),
    text_block("Checkout API returns 503"),
    text_block("Half of the checkouts fail"),
    fact_set(("Incident", ID), ("Severity", "SEV3"), ("Status", "identification"), ("Services", "checkout"), ("By", "Alice Example <alice@example.com>"), ("At", "2026-11-28T16:05:00Z"))],
   [open_url(LINK)])),
 post("/generic/incident", {
  "version": 1, "channel": "incident",
  "incident": {"id": ID, "title": "Checkout API returns 503", "severity": "SEV3", "status": "identification", "services": ["checkout"]},
  "event": {"id": EV[0], "type": "declare", "at": "2026-11-28T16:05:00Z", "text": "Checkout API returns 503", "by": "Alice Example <alice@example.com>"},
  "url": LINK}),
 # irctl severity
 post("/slack/incident", {
  "text": "Severity changed: SEV3 \u2192 SEV1: %s Checkout API returns 503" % ID,
  "blocks": [
   section("*Severity changed: SEV3 \u2192 SEV1*: <%s|%s>\nCheckout API returns 503" % (LINK, ID)),
   section("all regions"),
   context("Severity: SEV1 \u00b7 Status: identification \u00b7 Services: checkout \u00b7 By: Alice Example &lt;alice@example.com&gt; \u00b7 At: 2026-11-28T16:10:00Z")]}),
 post("/teams/incident", card([
    text_block("Severity changed: SEV3 \u2192 SEV1", weight="Bolder", size="Medium"),
    text_block("Checkout API returns 503"),
    text_block("all regions"),
    fact_set(("Incident", ID), ("Severity", "SEV1"), ("Status", "identification"), ("Services", "checkout"), ("By", "Alice Example <alice@example.com>"), ("At", "2026-11-28T16:10:00Z"))],
   [open_url(LINK)])),
 post("/generic/incident", {
  "version": 1, "channel": "incident",
  "incident": {"id": ID, "title": "Checkout API returns 503", "severity": "SEV1", "status": "identification", "services": ["checkout"]},
  "event": {"id": EV[1], "type": "severity", "at": "2026-11-28T16:10:00Z", "text": "SEV3 -> SEV1: all regions",
            "from": "SEV3", "to": "SEV1", "by": "Alice Example <alice@example.com>"},
  "url": LINK}),
 # irctl update --audience external: no severity, no person
 post("/slack/status", {
  "text": "Status update: %s Checkout API returns 503" % ID,
  "blocks": [
   section("*Status update*: <%s|%s>\nCheckout API returns 503" % (LINK, ID)),
   section("We are investigating failed checkouts."),
   context("Status: identification \u00b7 Services: checkout \u00b7 At: 2026-11-28T16:15:00Z")]}),
 post("/teams/status", card([
    text_block("Status update", weight="Bolder", size="Medium"),
    text_block("Checkout API returns 503"),
    text_block("We are investigating failed checkouts."),
    fact_set(("Incident", ID), ("Status", "identification"), ("Services", "checkout"), ("At", "2026-11-28T16:15:00Z"))],
   [open_url(LINK)])),
 post("/generic/status", {
  "version": 1, "channel": "status",
  "incident": {"id": ID, "title": "Checkout API returns 503", "severity": "SEV1", "status": "identification", "services": ["checkout"]},
  "event": {"id": EV[4], "type": "update", "at": "2026-11-28T16:15:00Z", "text": "We are investigating failed checkouts."},
  "url": LINK}),
 # irctl resolve
 post("/slack/incident", {
  "text": "Incident resolved: %s Checkout API returns 503" % ID,
  "blocks": [
   section("*Incident resolved*: <%s|%s>\nCheckout API returns 503" % (LINK, ID)),
   section("Rolled back the deploy"),
   context("Severity: SEV1 \u00b7 Status: resolved \u00b7 Services: checkout \u00b7 By: Alice Example &lt;alice@example.com&gt; \u00b7 At: 2026-11-28T16:40:00Z")]}),
 post("/teams/incident", card([
    text_block("Incident resolved", weight="Bolder", size="Medium"),
    text_block("Checkout API returns 503"),
    text_block("Rolled back the deploy"),
    fact_set(("Incident", ID), ("Severity", "SEV1"), ("Status", "resolved"), ("Services", "checkout"), ("By", "Alice Example <alice@example.com>"), ("At", "2026-11-28T16:40:00Z"))],
   [open_url(LINK)])),
 post("/generic/incident", {
  "version": 1, "channel": "incident",
  "incident": {"id": ID, "title": "Checkout API returns 503", "severity": "SEV1", "status": "resolved", "services": ["checkout"]},
  "event": {"id": EV[5], "type": "resolve", "at": "2026-11-28T16:40:00Z", "text": "Rolled back the deploy", "by": "Alice Example <alice@example.com>"},
  "url": LINK}),
]
EOF
}

@test "a title with <, & and quotes and an update over two lines arrive escaped for Slack and intact elsewhere; no site URL, no link" {
  unset IRCTL_SITE_URL
  ID=$(declare_incident 'Checkout <api> & "payments"' --at 2026-11-28T16:05:00Z)
  FILE=$(incident_path "$ID")
  : >"$SERVER_DIR/requests"
  run --separate-stderr irctl --at 2026-11-28T16:15:00Z update "$ID" --audience external $'Rolled back "v2" <fast> & safe\nNext update at 17:00'
  assert_status 0
  [[ "$stderr" != *warning* ]]
  assert_requests <<'EOF'
[
 post("/slack/status", {
  "text": "Status update: %s Checkout &lt;api&gt; &amp; \"payments\"" % ID,
  "blocks": [
   section("*Status update*: %s\nCheckout &lt;api&gt; &amp; \"payments\"" % ID),
   section("Rolled back \"v2\" &lt;fast&gt; &amp; safe\nNext update at 17:00"),
   context("Status: identification \u00b7 At: 2026-11-28T16:15:00Z")]}),
 post("/teams/status", card([
    text_block("Status update", weight="Bolder", size="Medium"),
    text_block("Checkout <api> & \"payments\""),
    text_block("Rolled back \"v2\" <fast> & safe\nNext update at 17:00"),
    fact_set(("Incident", ID), ("Status", "identification"), ("At", "2026-11-28T16:15:00Z"))])),
 post("/generic/status", {
  "version": 1, "channel": "status",
  "incident": {"id": ID, "title": "Checkout <api> & \"payments\"", "severity": "SEV3", "status": "identification", "services": []},
  "event": {"id": EV[-1], "type": "update", "at": "2026-11-28T16:15:00Z", "text": "Rolled back \"v2\" <fast> & safe\nNext update at 17:00"},
  "url": None}),
]
EOF
}

@test "a webhook answering 500: the warning names the status, not the URL; the other targets still get it; the event is committed" {
  export IRCTL_SLACK_INCIDENT_WEBHOOK="$BASE/slack/incident?answer=500&sig=S3CR3T"
  n=$(git rev-list --count HEAD)
  run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  [[ "$stderr" == *"notify.py: the slack webhook of the incident channel answered HTTP 500 Internal Server Error"* ]]
  [[ "$stderr" == *"irctl: warning: "*"on-event failed with exit status 1; the event is recorded"* ]]
  [[ "$stderr" != *S3CR3T* ]]
  [[ "$stderr" != *127.0.0.1* ]]
  [ "$(git rev-list --count HEAD)" -eq $((n + 1)) ]
  incident_path "$output" >/dev/null
  assert_clean_repo
  [ "$(request_paths)" = $'/slack/incident\n/teams/incident\n/generic/incident' ]
}

@test "a missing webhook variable: a one-line warning naming it, nothing posted there; nothing configured, nothing posted" {
  unset IRCTL_TEAMS_INCIDENT_WEBHOOK
  run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  ID=$output
  [ "$(grep -c '^notify.py: ' <<<"$stderr")" -eq 1 ]
  [[ "$stderr" == *"notify.py: IRCTL_TEAMS_INCIDENT_WEBHOOK is not set: set it to the teams webhook of the incident channel, in the environment or in IRCTL_WEBHOOKS_FILE"* ]]
  [[ "$stderr" == *"on-event failed with exit status 78; the event is recorded"* ]]
  [ "$(request_paths)" = $'/slack/incident\n/generic/incident' ]
  # none at all: every target says so, nothing reaches the server
  unset IRCTL_SLACK_INCIDENT_WEBHOOK IRCTL_GENERIC_INCIDENT_WEBHOOK
  : >"$SERVER_DIR/requests"
  run --separate-stderr irctl severity "$ID" SEV2
  assert_status 0
  [ "$(grep '^notify.py: ' <<<"$stderr" | cut -d' ' -f2)" = $'IRCTL_SLACK_INCIDENT_WEBHOOK\nIRCTL_TEAMS_INCIDENT_WEBHOOK\nIRCTL_GENERIC_INCIDENT_WEBHOOK' ]
  [[ "$stderr" == *"exit status 78"* ]]
  [ ! -s "$SERVER_DIR/requests" ]
  [ "$(toml_eval "$(incident_path "$ID")" 'd["severity"]')" = SEV2 ]
  assert_clean_repo
  # an event that posts nothing needs no configuration
  run --separate-stderr irctl note "$ID" "still looking"
  assert_status 0
  [[ "$stderr" != *warning* ]]
}

@test "the webhooks can come from a file outside the repository that IRCTL_WEBHOOKS_FILE names, never from one inside" {
  unset IRCTL_SLACK_INCIDENT_WEBHOOK IRCTL_TEAMS_INCIDENT_WEBHOOK IRCTL_GENERIC_INCIDENT_WEBHOOK
  cat >"$TEST_DIR/webhooks" <<EOF
# read by notify.py
IRCTL_SLACK_INCIDENT_WEBHOOK=$BASE/slack/from-file
IRCTL_TEAMS_INCIDENT_WEBHOOK = $BASE/teams/from-file
IRCTL_GENERIC_INCIDENT_WEBHOOK=$BASE/generic/from-file
EOF
  export IRCTL_GENERIC_INCIDENT_WEBHOOK="$BASE/generic/from-environment"
  IRCTL_WEBHOOKS_FILE="$TEST_DIR/webhooks" run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [[ "$stderr" != *warning* ]]
  [ "$(request_paths)" = $'/slack/from-file\n/teams/from-file\n/generic/from-environment' ]
  # inside the repository (where a commit would publish it): refused, nothing posted
  cp "$TEST_DIR/webhooks" .irctl/webhooks
  : >"$SERVER_DIR/requests"
  IRCTL_WEBHOOKS_FILE=.irctl/webhooks run --separate-stderr irctl declare "Another"
  assert_status 0
  [[ "$stderr" == *"notify.py: IRCTL_WEBHOOKS_FILE names .irctl/webhooks, inside the repository: keep webhook URLs outside it"* ]]
  [[ "$stderr" == *"exit status 78"* ]]
  [ ! -s "$SERVER_DIR/requests" ]
}

@test "a webhook that is not http or https is refused, not opened" {
  export IRCTL_SLACK_INCIDENT_WEBHOOK=file:///etc/passwd
  run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [[ "$stderr" == *"notify.py: IRCTL_SLACK_INCIDENT_WEBHOOK is not an http or https URL"* ]]
  [[ "$stderr" != */etc/passwd* ]]
  [ "$(request_paths)" = $'/teams/incident\n/generic/incident' ]
}

@test "branch layout: the hook alone comes out of git, and IRCTL_NOTIFY_SCRIPT names notify.py installed outside" {
  git init -q -b main "$TEST_DIR/code"
  printf '[user]\n\tname = Alice Example\n\temail = alice@example.com\n' >>"$TEST_DIR/code/.git/config"
  cd "$TEST_DIR/code"
  irctl -q init --branch incidents
  git worktree add -q "$TEST_DIR/wt" incidents
  mkdir -p "$TEST_DIR/wt/.irctl/hooks"
  cp "$IRCTL_SOURCE_DIR/examples/hooks/on-event" "$TEST_DIR/wt/.irctl/hooks/"
  git -C "$TEST_DIR/wt" add .irctl/hooks
  git -C "$TEST_DIR/wt" commit -qm "chat notifications"
  git worktree remove "$TEST_DIR/wt"
  mkdir -p "$TEST_DIR/lib"
  cp "$IRCTL_SOURCE_DIR/examples/hooks/notify.py" "$TEST_DIR/lib/"
  IRCTL_NOTIFY_SCRIPT="$TEST_DIR/lib/notify.py" run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [[ "$stderr" != *warning* ]]
  [ "$(request_paths)" = $'/slack/incident\n/teams/incident\n/generic/incident' ]
}

@test "a webhook that does not answer within IRCTL_NOTIFY_TIMEOUT, and one nobody listens on, are warnings; the others still get theirs" {
  # a port that takes connections and never answers (nobody accepts them)
  py -S -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$TEST_DIR/silent-port" </dev/null >/dev/null 2>&1 3>&- &
  SILENT_PID=$!
  for _ in $(seq 1 100); do [ -s "$TEST_DIR/silent-port" ] && break; sleep 0.05; done
  export IRCTL_SLACK_INCIDENT_WEBHOOK="http://127.0.0.1:$(cat "$TEST_DIR/silent-port")/slack"
  # a port nobody listens on: taken from the system and closed at once
  closed=$(py -S -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  export IRCTL_TEAMS_INCIDENT_WEBHOOK="http://127.0.0.1:$closed/teams"
  start=$(date +%s%N)
  IRCTL_NOTIFY_TIMEOUT=0.5 run --separate-stderr irctl declare "Checkout API returns 503"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  [ "$elapsed_ms" -lt 5000 ] || { echo "took ${elapsed_ms} ms" >&2; false; }
  [[ "$stderr" == *"notify.py: the slack webhook of the incident channel did not answer within 0.5 s"* ]]
  [[ "$stderr" == *"notify.py: the teams webhook of the incident channel could not be reached: Connection refused"* ]]
  [[ "$stderr" == *"on-event failed with exit status 1; the event is recorded"* ]]
  [ "$(request_paths)" = /generic/incident ]
  assert_clean_repo
}
