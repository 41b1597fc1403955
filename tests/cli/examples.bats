#!/usr/bin/env bats
# The automation recipes in examples/ (issue 5), run end to end: the deploy
# freeze (the shell script, and the gate step of the GitHub Actions workflow)
# blocks and allows; the alert receiver ingests a webhook body from stdin and
# pushes to a bare remote; the crontab's command lines escalate and list the
# overdue actions in a test repository.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  EX="$IRCTL_SOURCE_DIR/examples"
  FIX="$IRCTL_SOURCE_DIR/tests/fixtures/alerts"
  REPO="$TEST_DIR/repo"
}
teardown() { common_teardown; }

commits() { git -C "${1:-$REPO}" rev-list --count HEAD; }

# A bare remote in $TEST_DIR/remote.git that the test repository pushes to,
# with its history, and its branch as the upstream.
add_bare_remote() {
  git init -q --bare "$TEST_DIR/remote.git"
  git -C "$REPO" remote add origin "$TEST_DIR/remote.git"
  git -C "$REPO" push -q -u origin HEAD
}

# A second clone of the remote in $TEST_DIR/other, as another responder has.
other_clone() {
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/other"
  git -C "$TEST_DIR/other" config user.name "Bob Example"
  git -C "$TEST_DIR/other" config user.email "bob@example.com"
}

# --- the deploy freeze: the shell script --------------------------------------

@test "deploy-freeze.sh: allows and runs the deploy with no major incident; a SEV2 freezes it (exit 6)" {
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO"
  assert_status 0
  # with a command: it runs, with its arguments, and its status is the script's
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" sh -c 'echo "deployed $1"; exit 3' sh production
  assert_status 3
  [ "$output" = "deployed production" ]
  # a SEV3 does not freeze
  declare_incident "Typo on the status page" --severity SEV3 >/dev/null
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 0
  [ "$output" = deployed ]
  # a SEV2 does: no deploy, the incident named, exit 6
  id=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout)
  run_unchanged --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 6
  [ -z "$output" ]
  [[ "$stderr" == *"$id  SEV2  identification  Checkout API returns 503"* ]]
  [[ "$stderr" == *"deploys are frozen"* ]]
  # from inside the repository, INCIDENTS, and the default of the current directory
  run "$EX/deploy-freeze.sh"
  assert_status 6
  cd "$TEST_DIR"
  INCIDENTS="$REPO" run "$EX/deploy-freeze.sh"
  assert_status 6
  # resolved: deploys again
  irctl -C "$REPO" -q resolve "$id"
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 0
  [ "$output" = deployed ]
}

@test "deploy-freeze.sh: IRCTL_GATE_SEVERITY and IRCTL_GATE_SERVICES narrow the freeze" {
  declare_incident "Checkout API returns 503" --severity SEV2 --service checkout >/dev/null
  IRCTL_GATE_SEVERITY=SEV1 run "$EX/deploy-freeze.sh" "$REPO" true
  assert_status 0
  IRCTL_GATE_SEVERITY=SEV3 run "$EX/deploy-freeze.sh" "$REPO" true
  assert_status 6
  IRCTL_GATE_SERVICES="billing search" run "$EX/deploy-freeze.sh" "$REPO" true
  assert_status 0
  IRCTL_GATE_SERVICES="billing checkout" run "$EX/deploy-freeze.sh" "$REPO" true
  assert_status 6
  IRCTL_GATE_SEVERITY=SEV9 run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 2
  [ -z "$output" ]
  [[ "$stderr" == *"not deploying"* ]]
}

@test "deploy-freeze.sh pulls first: an incident declared in another clone freezes; no remote to reach fails closed" {
  add_bare_remote
  other_clone
  run "$EX/deploy-freeze.sh" "$REPO"
  assert_status 0
  id=$(irctl -C "$TEST_DIR/other" -q declare "Payments fail" --severity SEV1)
  git -C "$TEST_DIR/other" push -q
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 6
  [ -z "$output" ]
  [[ "$stderr" == *"$id"* ]]
  [ -f "$REPO/$(git -C "$TEST_DIR/other" ls-files "incidents/*/$id.toml" "incidents/*/*/$id.toml")" ]
  # resolved over there: deploys here
  irctl -C "$TEST_DIR/other" -q resolve "$id"
  git -C "$TEST_DIR/other" push -q
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 0
  [ "$output" = deployed ]
  # the remote is gone: it cannot tell, so it does not deploy
  mv "$TEST_DIR/remote.git" "$TEST_DIR/moved.git"
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 1
  [ -z "$output" ]
  [[ "$stderr" == *"not deploying"* ]]
}

@test "deploy-freeze.sh fails closed when an incident file cannot be read" {
  mkdir -p incidents/2026/11
  printf 'id = "INC-20261128-ZZZZZZ"\ntitle = \n' >incidents/2026/11/INC-20261128-ZZZZZZ.toml
  git add incidents && git commit -qm "a broken incident file"
  run --separate-stderr "$EX/deploy-freeze.sh" "$REPO" echo deployed
  assert_status 65
  [ -z "$output" ]
  [[ "$stderr" == *"INC-20261128-ZZZZZZ.toml"* ]]
  [[ "$stderr" == *"not deploying"* ]]
}

# --- the deploy freeze: the GitHub Actions workflow ---------------------------

# The `run:` command of the step named $1 in examples/deploy-freeze.yml (a
# one-line run).
workflow_step_run() {
  awk -v step="$1" '
    /^ *- name: / { name = $0; sub(/^ *- name: */, "", name); next }
    /^ *(- )?run: / && name == step { line = $0; sub(/^ *(- )?run: */, "", line); print line; exit }
  ' "$EX/deploy-freeze.yml"
}

@test "deploy-freeze.yml: the deploy job needs the freeze job, whose gate step blocks and allows" {
  cmd=$(workflow_step_run "Deploy freeze")
  [ "$cmd" = "irctl -C incidents gate --severity SEV2" ]
  grep -Eq '^ +needs: freeze$' "$EX/deploy-freeze.yml"
  grep -q 'path: incidents$' "$EX/deploy-freeze.yml"
  if py -c 'import yaml' 2>/dev/null; then
    py -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["jobs"]["deploy"]["needs"] == "freeze", d["jobs"]["deploy"]
steps = {s.get("name"): s for s in d["jobs"]["freeze"]["steps"]}
assert steps["Deploy freeze"]["run"] == "irctl -C incidents gate --severity SEV2"
assert steps["Fetch the incident repository"]["with"]["path"] == "incidents"
' "$EX/deploy-freeze.yml"
  fi
  # the step as the runner runs it, in a workspace with the incident repository checked out
  mkdir "$TEST_DIR/workspace"
  git clone -q "$REPO" "$TEST_DIR/workspace/incidents"
  cd "$TEST_DIR/workspace"
  run bash -e -c "$cmd"
  assert_status 0
  id=$(irctl -C "$REPO" -q declare "Checkout API returns 503" --severity SEV2)
  git -C incidents pull -q
  run --separate-stderr bash -e -c "$cmd"
  assert_status 6
  [[ "$stderr" == *"$id"* ]]
  irctl -C "$REPO" -q severity "$id" SEV3
  git -C incidents pull -q
  run bash -e -c "$cmd"
  assert_status 0
}

# --- the alert receiver -------------------------------------------------------

@test "alertmanager-receiver.sh: a body on stdin declares the incident, and the push lands in the bare remote" {
  add_bare_remote
  before=$(commits "$TEST_DIR/remote.git")
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/alertmanager_v4_firing.json"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  id=$output
  # the remote has the declaration, by the receiver's default actor
  [ "$(commits "$TEST_DIR/remote.git")" -eq $((before + 1)) ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$(git rev-parse HEAD)" ]
  [ "$(git -C "$TEST_DIR/remote.git" log -1 --format='%an <%ae>|%s')" = \
    "Alertmanager <alertmanager@localhost>|declare $id: BlackBox Probe Failure: https://server.example.org" ]
  git -C "$TEST_DIR/remote.git" ls-tree -r --name-only HEAD | grep -qx "incidents/.*/$id.toml"
  assert_clean_repo
  # Alertmanager repeats the notification: nothing changes, anywhere
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/alertmanager_v4_firing.json"
  assert_status 0
  [ -z "$output" ]
  [ "$(commits "$TEST_DIR/remote.git")" -eq $((before + 1)) ]
  # the resolved notification resolves it, and that is pushed too
  py -c '
import json, sys
j = json.load(open(sys.argv[1]))
j["status"] = "resolved"
for a in j["alerts"]:
    a["status"] = "resolved"; a["endsAt"] = "2023-02-06T13:40:00Z"
print(json.dumps(j))' "$FIX/alertmanager_v4_firing.json" >"$TEST_DIR/resolved.json"
  IRCTL_ACTOR="Prometheus <prom@example.com>" run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$TEST_DIR/resolved.json"
  assert_status 0
  [ "$output" = "$id" ]
  [ "$(git -C "$TEST_DIR/remote.git" log -1 --format='%an|%s')" = \
    "Prometheus|resolve $id: resolved: BlackBox Probe Failure: https://server.example.org" ]
  other_clone
  [ "$(irctl -C "$TEST_DIR/other" show "$id" --json | json_eval 'd["status"]')" = resolved ]
}

@test "alertmanager-receiver.sh: a broken body exits 65 and neither commits nor pushes" {
  add_bare_remote
  remote_head=$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)
  for f in "$FIX"/bad/alertmanager_truncated.json "$FIX"/bad/alertmanager_wrong_types.json "$FIX"/bad/generic_empty.json; do
    run_unchanged --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$f"
    assert_status 65
    [[ "$stderr" == *"payload"* ]]
  done
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$remote_head" ]
  # IRCTL_INGEST_FORMAT names the format: a body of another one is refused
  IRCTL_INGEST_FORMAT=opsgenie run_unchanged --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" \
    <"$FIX/alertmanager_v4_firing.json"
  assert_status 65
  [[ "$stderr" == *"opsgenie payload"* ]]
}

@test "alertmanager-receiver.sh: a rejected push exits 75 and keeps the alert; the next delivery pushes it" {
  add_bare_remote
  printf '#!/bin/sh\necho "remote: closed for maintenance" >&2\nexit 1\n' >"$TEST_DIR/remote.git/hooks/pre-receive"
  chmod +x "$TEST_DIR/remote.git/hooks/pre-receive"
  remote_head=$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/pagerduty_events_v2_trigger.json"
  assert_status 75
  [[ "$output" =~ $ID_RE ]]
  id=$output
  [[ "$stderr" == *"could not be pushed"* ]]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$remote_head" ]
  incident_path "$id" >/dev/null
  # the sender delivers again once the remote takes pushes: no second incident, and it is pushed
  rm "$TEST_DIR/remote.git/hooks/pre-receive"
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/pagerduty_events_v2_trigger.json"
  assert_status 0
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$(git rev-parse HEAD)" ]
  [ "$(irctl list --format ids)" = "$id" ]
}

@test "alertmanager-receiver.sh: when the clone and the remote diverge the alert is still recorded (75); a merge as documented recovers" {
  add_bare_remote
  printf '#!/bin/sh\nexit 1\n' >"$TEST_DIR/remote.git/hooks/pre-receive"
  chmod +x "$TEST_DIR/remote.git/hooks/pre-receive"
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/opsgenie_create_docs.json"
  assert_status 75
  rm "$TEST_DIR/remote.git/hooks/pre-receive"
  # meanwhile a responder records in another clone and pushes
  other_clone
  theirs=$(irctl -C "$TEST_DIR/other" -q declare "Login errors" --severity SEV2)
  git -C "$TEST_DIR/other" push -q
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/alertmanager_v4_firing.json"
  assert_status 75
  [[ "$output" =~ $ID_RE ]]
  ours=$output
  [[ "$stderr" == *"could not bring"*"recording the alert anyway"* ]]
  [[ "$stderr" == *"could not be pushed"* ]]
  incident_path "$ours" >/dev/null
  # what examples/README.md says to do, then the next delivery pushes
  git pull -q --no-rebase --no-edit && git push -q
  run --separate-stderr "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/alertmanager_v4_firing.json"
  assert_status 0
  git -C "$TEST_DIR/other" pull -q
  [ "$(irctl -C "$TEST_DIR/other" list --format ids | sort)" = "$(irctl list --format ids | sort)" ]
  [ "$(irctl list --format ids | wc -l)" -eq 3 ]
  irctl -C "$TEST_DIR/other" show "$ours" >/dev/null
  irctl show "$theirs" >/dev/null
  assert_clean_repo
}

@test "alertmanager-receiver.sh without a remote records the alert and pushes nothing" {
  cd "$TEST_DIR"
  INCIDENTS="$REPO" run --separate-stderr "$EX/alertmanager-receiver.sh" <"$FIX/grafana_unified_firing_docs.json"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  [ -z "$(git -C "$REPO" remote)" ]
  cd "$REPO"
  assert_clean_repo
  [ "$(git log -1 --format=%an)" = Alertmanager ]
}

@test "alertmanager-receiver.sh: four deliveries at once, one incident, all pushed" {
  add_bare_remote
  for i in 1 2 3 4; do
    "$EX/alertmanager-receiver.sh" "$REPO" <"$FIX/opsgenie_create_docs.json" >"$TEST_DIR/out$i" 2>"$TEST_DIR/err$i" &
  done
  fails=0
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  [ "$fails" -eq 0 ] || { cat "$TEST_DIR"/err* >&2; return 1; }
  [ "$(irctl list --format ids | wc -l)" -eq 1 ]
  [ "$(cat "$TEST_DIR"/out* | grep -c .)" -eq 1 ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$(git rev-parse HEAD)" ]
}

# --- cron -----------------------------------------------------------------------

# Reads examples/crontab into CRON_ENV (NAME=value lines, quotes removed) and
# CRON_COMMANDS (each job's command, without its five time fields).
read_crontab() {
  CRON_ENV=()
  CRON_COMMANDS=()
  local line name value m h dom mon dow cmd
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
      name=${BASH_REMATCH[1]}
      value=${BASH_REMATCH[2]}
      [[ "$value" =~ ^\'(.*)\'$ || "$value" =~ ^\"(.*)\"$ ]] && value=${BASH_REMATCH[1]}
      CRON_ENV+=("$name=$value")
      continue
    fi
    read -r m h dom mon dow cmd <<<"$line"
    [ -n "$cmd" ] || { echo "a crontab line without a command: $line" >&2; return 1; }
    CRON_COMMANDS+=("$cmd")
  done <"$EX/crontab"
}

# Usage: run_cron_job PATTERN — runs the crontab command that contains PATTERN
# as cron would (/bin/sh, the crontab's variables, HOME as the working
# directory), with INCIDENTS pointing at the test repository and the PATH that
# has the irctl under test.
run_cron_job() {
  local cmd c env=()
  for c in "${CRON_COMMANDS[@]}"; do
    [[ "$c" == *"$1"* ]] && cmd=$c
  done
  [ -n "${cmd:-}" ] || { echo "no crontab line runs $1" >&2; return 1; }
  for c in "${CRON_ENV[@]}"; do
    case "$c" in PATH=* | INCIDENTS=* | STATUS_PAGE=*) ;; *) env+=("$c") ;; esac
  done
  cd "$HOME"
  run --separate-stderr env -i HOME="$HOME" PATH="$PATH" GIT_CONFIG_NOSYSTEM=1 "${env[@]}" INCIDENTS="$REPO" \
    STATUS_PAGE="$TEST_DIR/status" /bin/sh -c "$cmd"
  cd "$REPO"
}

@test "crontab: a variable for the repository, an actor, and three jobs: escalate --due, action list --overdue, status-page" {
  read_crontab
  [ "${#CRON_COMMANDS[@]}" -eq 3 ]
  [[ "${CRON_COMMANDS[0]}" == *"irctl -q escalate --due"* ]]
  [[ "${CRON_COMMANDS[1]}" == *"irctl -q action list --overdue"* ]]
  [[ "${CRON_COMMANDS[2]}" == *'irctl -q status-page "$STATUS_PAGE"'* ]]
  grep -Eq '^\* \* \* \* \* +.*irctl -q status-page' "$EX/crontab"
  printf '%s\n' "${CRON_ENV[@]}" | grep -q '^STATUS_PAGE=/'
  # escalation every minute (its timeouts are minutes), the overdue actions once a day
  grep -Eq '^\* \* \* \* \* +.*irctl -q escalate --due' "$EX/crontab"
  grep -Eq '^[0-9]+ [0-9]+ \* \* \* +.*irctl -q action list --overdue' "$EX/crontab"
  printf '%s\n' "${CRON_ENV[@]}" | grep -q '^INCIDENTS='
  printf '%s\n' "${CRON_ENV[@]}" | grep -q '^IRCTL_ACTOR=.* <.*@.*>$'
  # five time fields on every job line, and no % (cron turns it into a newline)
  grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_][A-Za-z0-9_]*=' "$EX/crontab" | while read -r line; do
    [[ "$line" =~ ^[0-9*/,-]+\ +[0-9*/,-]+\ +[0-9*/,-]+\ +[0-9*/,-]+\ +[0-9*/,-]+\ +[^\ ] ]] || {
      echo "not a crontab job line: $line" >&2
      return 1
    }
    [[ "$line" != *%* ]] || { echo "a % in: $line" >&2; return 1; }
  done
}

@test "crontab: the status page job builds the page where STATUS_PAGE says, quietly, and again without writing what did not change" {
  read_crontab
  id=$(irctl -q declare "Checkout API returns 503" --service checkout)
  irctl -q update "$id" "Checkout is failing; we are on it." --audience external
  run_cron_job "status-page"
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
  grep -qF "Checkout is failing; we are on it." "$TEST_DIR/status/incidents/$id.html"
  before=$(stat -c %Y.%i "$TEST_DIR/status/incidents/$id.html")
  sleep 1
  run_cron_job "status-page"
  assert_status 0
  [ "$(stat -c %Y.%i "$TEST_DIR/status/incidents/$id.html")" = "$before" ]
  assert_clean_repo
}

@test "status-page.yml: it builds the page from the checked-out repository and publishes only the page to GitHub Pages" {
  grep -Eq '^ +run: irctl -C incidents status-page "\$GITHUB_WORKSPACE/public"$' "$EX/status-page.yml"
  grep -Eq '^ +path: public$' "$EX/status-page.yml"
  grep -Eq 'uses: actions/upload-pages-artifact@v3$' "$EX/status-page.yml"
  grep -Eq 'uses: actions/deploy-pages@v4$' "$EX/status-page.yml"
  grep -Eq '^ +pages: write$' "$EX/status-page.yml"
  # the step's command, run here against a repository with a public incident
  id=$(irctl -q declare "Checkout API returns 503")
  irctl -q update "$id" "We are investigating." --audience external
  mkdir -p "$TEST_DIR/ws" && ln -s "$REPO" "$TEST_DIR/ws/incidents"
  cd "$TEST_DIR/ws"
  run --separate-stderr env GITHUB_WORKSPACE="$TEST_DIR/ws" sh -c "$(sed -n 's/^ *run: \(irctl -C incidents status-page .*\)$/\1/p' "$EX/status-page.yml")"
  assert_status 0
  [ -f "$TEST_DIR/ws/public/incidents/$id.html" ]
  cd "$REPO"
}

@test "crontab: the escalation job escalates a due incident once, as the crontab's actor, and is quiet otherwise" {
  read_crontab
  run_cron_job "escalate --due"
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
  id=$(irctl -q --at -20m declare "Checkout API returns 503")
  n=$(commits)
  run_cron_job "escalate --due"
  assert_status 0
  [ "$output" = "$id: escalated to level 2 of default: secondary-oncall, team-lead (not acknowledged within 15m 00s)" ]
  [ "$(commits)" -eq $((n + 1)) ]
  [ "$(git log -1 --format='%an <%ae>')" = "irctl cron <oncall@example.com>" ]
  assert_clean_repo
  run_cron_job "escalate --due"
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
  [ "$(commits)" -eq $((n + 1)) ]
}

@test "crontab: with a remote, the escalation job pulls an acknowledgement first and pushes its escalations" {
  add_bare_remote
  read_crontab
  a=$(irctl -q --at -20m declare "Checkout API returns 503")
  b=$(irctl -q --at -20m declare "Login errors")
  git push -q
  other_clone
  irctl -C "$TEST_DIR/other" -q ack "$a"
  git -C "$TEST_DIR/other" push -q
  run_cron_job "escalate --due"
  assert_status 0
  [ "$output" = "$b: escalated to level 2 of default: secondary-oncall, team-lead (not acknowledged within 15m 00s)" ]
  [ "$(git -C "$TEST_DIR/remote.git" rev-parse HEAD)" = "$(git rev-parse HEAD)" ]
  [[ "$(git -C "$TEST_DIR/remote.git" log -1 --format=%s)" == "escalate $b: level 2 of default"* ]]
  # the acknowledged one was not escalated
  [ "$(irctl show "$a" --json | json_eval 'd["escalation_level"]')" = 1 ]
}

@test "crontab: the daily job lists the overdue follow-up actions (exit 6), and is quiet when there are none" {
  read_crontab
  id=$(declare_incident "Checkout API returns 503")
  irctl -q action add "$id" "Add a canary stage" --owner bob --due 14d
  run_cron_job "action list --overdue"
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
  irctl -q action add "$id" "Alert on the error budget" --owner carol --due 2020-01-01
  run_cron_job "action list --overdue"
  assert_status 6
  grep -Eq "^$id +2 +2020-01-01 +carol +- +overdue +Alert on the error budget$" <<<"$output"
  [[ "$output" != *"canary"* ]]
}

# --- the files themselves -------------------------------------------------------

@test "examples/README.md describes every example, and the scripts are executable and pass shellcheck" {
  for f in "$EX"/*; do
    name=$(basename "$f")
    [ "$name" = README.md ] && continue
    grep -qF "\`$name\`" "$EX/README.md" || { echo "examples/README.md does not mention $name" >&2; return 1; }
  done
  for s in "$EX"/*.sh; do
    [ -x "$s" ] || { echo "$s is not executable" >&2; return 1; }
    bash -n "$s"
  done
  if ! command -v shellcheck >/dev/null; then
    skip "shellcheck is not installed"
  fi
  shellcheck "$EX"/*.sh
}
