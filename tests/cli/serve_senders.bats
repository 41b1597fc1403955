#!/usr/bin/env bats
# The snippets of examples/serve/ that point each alerting system at irctl
# serve, tested against a real server: each test reads the URL path and the
# credentials from the snippet itself, posts a recorded payload of that
# sender (tests/fixtures/alerts) the way the sender posts it, and checks
# that it is accepted (202) and declares the incident. A snippet whose path
# or credentials stop working fails its test. (alertmanager.yml is tested
# with a real Alertmanager, in its own suite.)

load helpers
load serve_helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  SNIPPETS="$IRCTL_SOURCE_DIR/examples/serve"
  FIX="$IRCTL_SOURCE_DIR/tests/fixtures/alerts"
  # what a sender's secret would be: long, random, and nowhere in a snippet
  SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
}
teardown() {
  stop_serve KILL
  common_teardown
}

# Usage: fenced_block FILE LANG [N] — the lines of the Nth (1st) block of a
# Markdown file fenced as ```LANG.
fenced_block() {
  awk -v lang="$2" -v want="${3:-1}" '
    /^```/ {
      if (open) { open = 0; if (take) exit; next }
      open = 1
      take = ($0 == "```" lang) && (++n == want)
      next
    }
    open && take { print }
  ' "$1"
}

# Usage: url_path URL — the path of a URL (/v1/alerts/grafana).
url_path() {
  py -S -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).path)' "$1"
}

# Usage: hmac_sha256_hex KEY FILE — the signature GitHub and PagerDuty put
# on a body: HMAC-SHA256 of the file's bytes, in lower-case hexadecimal.
hmac_sha256_hex() {
  py -S -c '
import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), open(sys.argv[2], "rb").read(), hashlib.sha256).hexdigest())' "$1" "$2"
}

# Usage: snippet_token_file LINE TOKEN — a token file (mode 600) of the
# snippet's token line "NAME PLACEHOLDER", with TOKEN for the placeholder;
# prints its path.
snippet_token_file() {
  local name placeholder rest
  read -r name placeholder rest <<<"$1"
  [ -n "$name" ] && [ -n "$placeholder" ] && [ -z "$rest" ] || {
    echo "the snippet's token line is not 'NAME TOKEN': '$1'" >&2
    return 1
  }
  token_file "$name" "$2"
}

# Usage: assert_declared FORMAT SENDER — the last post was accepted (202) as
# FORMAT, the server ingested it as SENDER's and declared an incident, whose
# committed file has the alert's keys the answer gave.
assert_declared() {
  if [ "$HTTP_STATUS" != 202 ]; then
    printf 'expected HTTP 202, got %s: %s\nthe log:\n' "$HTTP_STATUS" "$HTTP_BODY" >&2
    cat "$SERVE_LOG" >&2
    return 1
  fi
  local delivery keys id file
  delivery=$(json_eval 'd["delivery"]' <<<"$HTTP_BODY")
  [ "$(json_eval 'd["format"]' <<<"$HTTP_BODY")" = "$1" ]
  keys=$(json_eval 'd["keys"]' <<<"$HTTP_BODY")
  wait_for_log " ingest delivery=$delivery format=$1 sender=$2 outcome=declared incident=INC-"
  id=$(sed -n "s/.* ingest delivery=$delivery .* incident=\(INC-[^ ]*\).*/\1/p" "$SERVE_LOG")
  [[ "$id" =~ $ID_RE ]]
  file=$(incident_path "$id")
  [ "$(toml_eval "$file" 'd["alerts"]')" = "$keys" ]
  [ "$(toml_eval "$file" 'd["status"]')" = identification ]
}

# Usage: assert_refused — the last post was refused (401) and nothing was
# kept: the inbox is empty and no incident was declared.
assert_refused() {
  [ "$HTTP_STATUS" = 401 ] || { echo "expected HTTP 401, got $HTTP_STATUS: $HTTP_BODY" >&2; return 1; }
  [ "$HTTP_BODY" = unauthorized ]
  [ -z "$(find .git/irctl/inbox -type f 2>/dev/null)" ]
  [ -z "$(git ls-files incidents)" ]
}

# --- Grafana: a contact point provisioning file ---------------------------------

# The webhook settings of examples/serve/grafana.yaml as KEY=VALUE lines,
# sorted, read without a YAML library (comment lines left out).
grafana_settings() {
  sed -n -E 's/^ +(url|httpMethod|authorization_scheme|authorization_credentials|username|password): *(.*)$/\1=\2/p' \
    "$SNIPPETS/grafana.yaml" | LC_ALL=C sort
}

# Usage: grafana_setting KEY — one of them.
grafana_setting() {
  grafana_settings | sed -n "s/^$1=//p"
}

# Usage: grafana_value VALUE — a setting's value as Grafana's provisioning
# reads it: $VAR and ${VAR} are taken from the environment.
grafana_value() {
  if [[ "$1" =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
    printf '%s\n' "${!BASH_REMATCH[1]}"
  else
    printf '%s\n' "$1"
  fi
}

@test "grafana.yaml: its settings, read without a YAML library, are those YAML reads (sanity check)" {
  run grafana_settings
  assert_status 0
  [ -n "$(grafana_setting url)" ]
  if py -c 'import yaml' 2>/dev/null; then
    run py -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
(point,) = d["contactPoints"]
(receiver,) = point["receivers"]
assert receiver["type"] == "webhook", receiver
assert receiver.get("disableResolveMessage") is False, receiver
s = receiver["settings"]
keys = ["url", "httpMethod", "authorization_scheme", "authorization_credentials", "username", "password"]
for line in sorted(f"{k}={s[k]}" for k in keys if k in s):
    print(line)' "$SNIPPETS/grafana.yaml"
    assert_status 0
    [ "$output" = "$(grafana_settings)" ]
  fi
}

@test "grafana.yaml: Grafana's webhook, posted with the contact point's credentials, declares the incident" {
  local path method scheme
  path=$(url_path "$(grafana_setting url)")
  method=$(grafana_setting httpMethod)
  scheme=$(grafana_setting authorization_scheme)
  export IRCTL_GRAFANA_TOKEN=$SECRET
  local -a credentials
  if [ -n "$scheme" ]; then
    credentials=(-H "Authorization: $scheme $(grafana_value "$(grafana_setting authorization_credentials)")")
    tokens=$(token_file grafana "$SECRET")
    sender=grafana
  else
    sender=$(grafana_value "$(grafana_setting username)")
    credentials=(-u "$sender:$(grafana_value "$(grafana_setting password)")")
    tokens=$(token_file "$sender" "$SECRET")
  fi
  start_serve --token-file "$tokens"
  post "$path" "$FIX/grafana_unified_firing_docs.json" -X "${method:-POST}"
  assert_refused
  post "$path" "$FIX/grafana_unified_firing_docs.json" -X "${method:-POST}" "${credentials[@]}"
  assert_declared grafana "$sender"
}

# --- PagerDuty: a V3 webhook subscription -----------------------------------------

@test "pagerduty.md: PagerDuty's V3 webhook, signed with the subscription's secret, declares the incident" {
  local subscription url path event tokens
  subscription=$(fenced_block "$SNIPPETS/pagerduty.md" json)
  url=$(json_eval 'd["webhook_subscription"]["delivery_method"]["url"]' <<<"$subscription")
  path=$(url_path "$url")
  # the recorded webhook is one of the events the subscription asks for
  event=$(json_eval 'd["event"]["event_type"]' <"$FIX/pagerduty_v3_incident_triggered_zulip.json")
  json_eval 'd["webhook_subscription"]["events"]' <<<"$subscription" | grep -qF "\"$event\""
  tokens=$(snippet_token_file "$(fenced_block "$SNIPPETS/pagerduty.md" text)" "$SECRET")
  start_serve --token-file "$tokens"
  body="$FIX/pagerduty_v3_incident_triggered_zulip.json"
  post "$path" "$body" -H "X-PagerDuty-Signature: v1=$(hmac_sha256_hex other-secret "$body")"
  assert_refused
  # while a secret is rotated, PagerDuty signs with both
  post "$path" "$body" -H "X-PagerDuty-Signature: v1=$(hmac_sha256_hex other-secret "$body"),v1=$(hmac_sha256_hex "$SECRET" "$body")" \
    -H "X-Webhook-Id: $(cat /proc/sys/kernel/random/uuid)" -H 'User-Agent: PagerDuty-Webhook/V3.0'
  assert_declared pagerduty "$(fenced_block "$SNIPPETS/pagerduty.md" text | cut -d' ' -f1)"
}

# --- Opsgenie: an outgoing webhook integration ------------------------------------

@test "opsgenie.md: Opsgenie's webhook, posted with the integration's custom header, declares the incident" {
  local fields url header line placeholder tokens
  fields=$(fenced_block "$SNIPPETS/opsgenie.md" text 1)
  url=$(sed -n -E 's/^Webhook URL: +//p' <<<"$fields")
  header=$(sed -n -E 's/^Custom header: +//p' <<<"$fields")
  line=$(fenced_block "$SNIPPETS/opsgenie.md" text 2)
  placeholder=$(cut -d' ' -f2 <<<"$line")
  # the header carries the token the token file holds
  [[ "$header" == *"$placeholder"* ]]
  tokens=$(snippet_token_file "$line" "$SECRET")
  start_serve --token-file "$tokens"
  post "$(url_path "$url")" "$FIX/opsgenie_create_docs.json"
  assert_refused
  post "$(url_path "$url")" "$FIX/opsgenie_create_docs.json" -H "${header//"$placeholder"/$SECRET}"
  assert_declared opsgenie "$(cut -d' ' -f1 <<<"$line")"
}

# --- GitHub: a repository webhook -------------------------------------------------

@test "github.md: GitHub's workflow_job webhook, signed with the webhook's secret, declares the incident" {
  local hook url line tokens body
  hook=$(fenced_block "$SNIPPETS/github.md" json)
  url=$(json_eval 'd["config"]["url"]' <<<"$hook")
  # JSON, as post sends it: GitHub's other content type is a form irctl cannot read
  [ "$(json_eval 'd["config"]["content_type"]' <<<"$hook")" = json ]
  [ "$(json_eval 'd["events"]' <<<"$hook")" = '["workflow_job", "workflow_run"]' ]
  line=$(fenced_block "$SNIPPETS/github.md" text)
  # the token file holds the secret the webhook is made with
  [ "$(cut -d' ' -f2 <<<"$line")" = "$(json_eval 'd["config"]["secret"]' <<<"$hook")" ]
  tokens=$(snippet_token_file "$line" "$SECRET")
  start_serve --token-file "$tokens"
  body="$FIX/github_workflow_job_completed_failure.json"
  local -a github=(-H 'X-GitHub-Event: workflow_job' -H "X-GitHub-Delivery: $(cat /proc/sys/kernel/random/uuid)"
    -H 'User-Agent: GitHub-Hookshot/5d8b2a1')
  post "$(url_path "$url")" "$body" "${github[@]}" -H "X-Hub-Signature-256: sha256=$(hmac_sha256_hex other-secret "$body")"
  assert_refused
  post "$(url_path "$url")" "$body" "${github[@]}" -H "X-Hub-Signature-256: sha256=$(hmac_sha256_hex "$SECRET" "$body")"
  assert_declared github "$(cut -d' ' -f1 <<<"$line")"
}

# --- the token file ---------------------------------------------------------------

@test "tokens.example is a token file irctl serve reads: each sender's token is accepted under its name" {
  cp "$SNIPPETS/tokens.example" "$TEST_DIR/serve.tokens"
  chmod 600 "$TEST_DIR/serve.tokens"
  start_serve --token-file "$TEST_DIR/serve.tokens"
  grep -q ' listening address=.* auth="5 sender(s)" ' "$SERVE_LOG"
  local name token
  while read -r name token; do
    printf '{"key": "check/%s", "title": "%s can post"}\n' "$name" "$name" >"$TEST_DIR/$name.json"
    post /v1/alerts/generic "$TEST_DIR/$name.json" -H "Authorization: Bearer $token"
    assert_declared generic "$name"
  done < <(grep -v -e '^#' -e '^$' "$SNIPPETS/tokens.example")
  [ "$(git ls-files incidents | wc -l)" -eq 5 ]
}
