#!/usr/bin/env bats
# irctl serve with a real Alertmanager (issue 18): the webhook receiver of
# examples/serve/alertmanager.yml, as users copy it (only the url's port and
# the credentials file's path rewritten), points Alertmanager 0.25 at irctl
# serve; alerts go in through Alertmanager's own client (amtool). A firing
# alert declares one incident, a repeat declares nothing, the resolved
# notification resolves it, and both commits reach the remote with no human
# step; an Alertmanager with the wrong token changes nothing.

load helpers
load serve_helpers
bats_require_minimum_version 1.5.0

TOKEN=0c1f9a52e7d34b6a8e51f0d2c7a9b3e4

setup_file() { common_setup_file; }
setup() {
  command -v prometheus-alertmanager >/dev/null || skip "prometheus-alertmanager is not installed (scripts/install-deps)"
  common_setup
  new_repo
  REPO="$TEST_DIR/repo"
  git init -q --bare "$TEST_DIR/remote.git"
  git remote add origin "$TEST_DIR/remote.git"
  git push -q -u origin HEAD
  AM_PIDS=()
}
teardown() {
  local pid
  for pid in "${AM_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  stop_serve
  common_teardown
}

# A TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
  py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_alertmanager NAME CREDENTIALS: runs Alertmanager with the example's
# configuration, the url pointing at $SERVE_URL and the credentials file
# replaced by CREDENTIALS, its data and log under $TEST_DIR/NAME; waits until
# it is ready and sets AM_URL.
start_alertmanager() {
  local name=$1 credentials=$2 port _
  local dir="$TEST_DIR/$name"
  mkdir -p "$dir/data"
  sed -e "s#http://127.0.0.1:9095/#$SERVE_URL/#" \
    -e "s#/etc/alertmanager/irctl.token#$credentials#" \
    "$IRCTL_SOURCE_DIR/examples/serve/alertmanager.yml" >"$dir/alertmanager.yml"
  port=$(free_port)
  prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= 2>"$dir/log" &
  AM_PIDS+=($!)
  AM_URL="http://127.0.0.1:$port"
  AM_LOG="$dir/log"
  for _ in $(seq 100); do
    curl -sf "$AM_URL/-/ready" >/dev/null && return 0
    kill -0 "${AM_PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "Alertmanager did not become ready:" >&2
  cat "$AM_LOG" >&2
  return 1
}

# An Alertmanager's credentials file: the token alone, as the example says.
credentials_file() {
  printf '%s\n' "$2" >"$TEST_DIR/$1.credentials"
  chmod 600 "$TEST_DIR/$1.credentials"
  echo "$TEST_DIR/$1.credentials"
}

# The alert of these tests, through amtool: amtool_alert ALERTMANAGER_URL [FLAG...]
amtool_alert() {
  amtool alert add --alertmanager.url="$1" CheckoutErrors service=checkout severity=critical \
    --annotation=summary='Checkout error rate above 5%' --start="$STARTED" "${@:2}"
}

# wait_for_file_log FILE PATTERN: waits (10 s at most) until a line of FILE
# matches the extended regular expression.
wait_for_file_log() {
  local _
  for _ in $(seq 200); do
    grep -qE -- "$2" "$1" && return 0
    sleep 0.05
  done
  echo "no line of $1 matches '$2' after 10 s:" >&2
  cat "$1" >&2
  return 1
}

@test "Alertmanager: a firing alert declares one incident, a repeat declares nothing, the resolution resolves it, and both reach the remote" {
  start_serve --token-file "$(token_file alertmanager "$TOKEN")"
  start_alertmanager am "$(credentials_file am "$TOKEN")"
  STARTED=$(date -u -d '-1 min' +%FT%TZ)

  run amtool_alert "$AM_URL"
  assert_status 0
  wait_for_log ' ingest .* sender=alertmanager .*outcome=declared incident=INC-'
  id=$(sed -n 's/.* outcome=declared incident=\(INC-[0-9A-Z-]*\).*/\1/p' "$SERVE_LOG")
  run irctl list --json
  assert_status 0
  summary=$(json_eval '[[i["id"], i["title"], i["severity"], i["services"], i["status"]] for i in d["incidents"]]' <<<"$output")
  [ "$summary" = "[[\"$id\", \"Checkout error rate above 5%\", \"SEV1\", [\"checkout\"], \"identification\"]]" ]

  # The same alert again, still firing: to the same Alertmanager (which
  # sends nothing new for it), and to a second one that is not clustered
  # with it, as each of an HA pair without gossip would: that one notifies
  # irctl, which records nothing.
  run amtool_alert "$AM_URL"
  assert_status 0
  start_alertmanager am-peer "$TEST_DIR/am.credentials"
  run amtool_alert "$AM_URL"
  assert_status 0
  wait_for_log ' ingest .* outcome=unchanged incident='"$id"
  run irctl list --json
  assert_status 0
  [ "$(json_eval '[i["id"] for i in d["incidents"]]' <<<"$output")" = "[\"$id\"]" ]

  # Resolved: the alert's end in the past; both Alertmanagers send the
  # resolved notification (the second one finds it resolved already).
  run amtool_alert "$AM_URL" --end="$(date -u -d '-1 sec' +%FT%TZ)"
  assert_status 0
  wait_for_log ' ingest .* outcome=resolved incident='"$id"
  run irctl show "$id" --json
  assert_status 0
  [ "$(json_eval '[d["status"], d["alert_status"]]' <<<"$output")" = '["resolved", "resolved"]' ]

  # Pushed by the server itself, within its one-second push interval.
  wait_for_log ' push remote=origin outcome=[a-z-]+ pushed=true' 2
  run git -C "$TEST_DIR/remote.git" log --format=%s
  assert_status 0
  [ "$output" = "resolve $id: resolved: Checkout error rate above 5%
declare $id: Checkout error rate above 5%
init: irctl incident repository" ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$(git rev-parse HEAD)" ]
  [ "$(grep -cE ' ingest .* outcome=declared ' "$SERVE_LOG")" -eq 1 ]
}

@test "Alertmanager with the wrong token: irctl refuses its notifications (401), Alertmanager logs the failure, the repository is unchanged" {
  start_serve --token-file "$(token_file alertmanager "$TOKEN")"
  start_alertmanager am "$(credentials_file am not-the-token)"
  STARTED=$(date -u -d '-1 min' +%FT%TZ)
  before=$(repo_state)
  remote_before=$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)

  run amtool_alert "$AM_URL"
  assert_status 0
  wait_for_log ' request method=POST path=/v1/alerts/alertmanager status=401 .*refused="credentials match no sender"'
  wait_for_file_log "$AM_LOG" 'msg="Notify for alerts failed".*unexpected status code 401'

  [ "$(repo_state)" = "$before" ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$remote_before" ]
  spooled=$(find .git/irctl -path '*/inbox/*' 2>/dev/null)
  [ -z "$spooled" ] || { echo "the inbox holds: $spooled" >&2; return 1; }
  run grep -cE ' (ingest|push) ' "$SERVE_LOG"
  assert_status 1
}
