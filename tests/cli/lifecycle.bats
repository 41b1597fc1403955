#!/usr/bin/env bats
# The incident lifecycle (issue 3): severity, assign, ack, contain/eradicate/
# recover, resolve, reopen, close, update, set and task. Every successful write
# is one commit and leaves the work tree clean; "nothing to change" exits 0
# without a commit; a resolved or closed incident refuses lifecycle actions
# with exit 4, a hint to reopen it, and no change.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(declare_incident "Checkout API returns 503" --service checkout --started-at 2025-03-04T05:00:00Z)
  FILE=$(incident_path "$ID")
}
teardown() { common_teardown; }

# --- helpers of this file ----------------------------------------------------

commits() { git rev-list --count HEAD; }

# --- severity ----------------------------------------------------------------

@test "severity raises the level: one commit, an event with from, to and the reason" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl severity "$ID" sev1 --reason "all regions affected"
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"SEV3 -> SEV1"* ]]
  assert_one_commit_since "$before"
  [ "$(field 'd["severity"]')" = "SEV1" ]
  [ "$(last_event '["type"]')" = "severity" ]
  [ "$(last_event '["from"]')" = "SEV3" ]
  [ "$(last_event '["to"]')" = "SEV1" ]
  [ "$(last_event '["reason"]')" = "all regions affected" ]
  [ "$(last_event '["text"]')" = "SEV3 -> SEV1: all regions affected" ]
  [ "$(git log -1 --format=%s)" = "severity $ID: SEV3 -> SEV1: all regions affected" ]
  git log -1 --format='%(trailers:only,unfold)' | grep -qx "Incident: $ID"
  [ "$(git log -1 --format='%(trailers:key=Event,valueonly)' | head -n 1)" = "$(last_event '["id"]')" ]
  run irctl timeline "$ID"
  assert_status 0
  assert_output_contains "SEV3 -> SEV1: all regions affected"
  # down again, without a reason
  irctl -q severity "$ID" SEV4
  [ "$(last_event '["text"]')" = "SEV1 -> SEV4" ]
  [ "$(field 'd["severity"]')" = "SEV4" ]
}

@test "severity to the current level (any case) changes nothing: exit 0, no commit" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl severity "$ID" sev3 --reason "still minor"
  assert_status 0
  [[ "$stderr" == *"nothing changed"* ]]
  assert_no_commit_since "$before"
  run --separate-stderr irctl severity "$ID" SEV3 --json
  assert_status 0
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = "false" ]
  [ "$(json_eval '"commit" in d' <<<"$output")" = "false" ]
  assert_no_commit_since "$before"
}

@test "an invalid severity exits 2, names the valid levels and changes nothing" {
  run_unchanged --separate-stderr irctl severity "$ID" SEV9
  assert_status 2
  assert_text_error
  for s in SEV1 SEV2 SEV3 SEV4; do [[ "$stderr" == *"$s"* ]]; done
  run_unchanged irctl severity "$ID"
  assert_status 2
  run_unchanged --separate-stderr irctl severity "$ID" SEV9 --json
  assert_status 2
  assert_json_error usage
}

@test "severity --list shows the scale, the default and what SEV1 needs; --json too" {
  run --separate-stderr irctl severity --list
  assert_status 0
  assert_output_contains "SEV1"
  assert_output_contains "Critical"
  assert_output_contains "needs: commander, comms-external, escalation level 2"
  assert_output_contains "SEV3*"
  [ "$(grep -c '^SEV' <<<"$output")" -eq 4 ]
  run --separate-stderr irctl severity --list --json
  assert_status 0
  [ "$(json_eval '[s["name"] for s in d["severities"]]' <<<"$output")" = '["SEV1", "SEV2", "SEV3", "SEV4"]' ]
  [ "$(json_eval '[d["severities"][0]["requires_roles"], d["severities"][0]["min_escalation"]]' <<<"$output")" = '[["commander", "comms-external"], 2]' ]
  [ "$(json_eval '[s["name"] for s in d["severities"] if s["default"]]' <<<"$output")" = '["SEV3"]' ]
  [ "$(json_eval 'all(s["criteria"] for s in d["severities"])' <<<"$output")" = "true" ]
  # --list takes no incident
  run_unchanged irctl severity --list "$ID"
  assert_status 2
}

@test "a SEV1 shows what it lacks in show, show --json, list and list --json until it has it" {
  irctl -q severity "$ID" SEV1
  other=$(declare_incident "minor thing")
  run --separate-stderr irctl show "$ID"
  assert_status 0
  line=$(grep '^  missing' <<<"$output")
  [[ "$line" == *"role commander"* ]]
  [[ "$line" == *"role comms-external"* ]]
  [[ "$line" == *"escalation to level 2"* ]]
  [[ "$line" == *"SEV1"* ]]
  run --separate-stderr irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval 'd["missing"]' <<<"$output")" = '[{"role": "commander"}, {"role": "comms-external"}, {"escalation_level": 2}]' ]
  run --separate-stderr irctl list
  assert_status 0
  head -n 1 <<<"$output" | grep -q MISSING
  grep "^$ID" <<<"$output" | grep -q 'commander,comms-external,escalation-2'
  run --separate-stderr irctl list --json
  assert_status 0
  [ "$(json_eval '{i["id"]: i["missing"] for i in d["incidents"]}["'"$ID"'"]' <<<"$output")" = '[{"role": "commander"}, {"role": "comms-external"}, {"escalation_level": 2}]' ]
  [ "$(json_eval '{i["id"]: i["missing"] for i in d["incidents"]}["'"$other"'"]' <<<"$output")" = '[]' ]

  irctl -q assign "$ID" commander alice
  [ "$(irctl show "$ID" --json | json_eval 'd["missing"]')" = '[{"role": "comms-external"}, {"escalation_level": 2}]' ]
  irctl -q assign "$ID" comms-external dave
  [ "$(irctl show "$ID" --json | json_eval 'd["missing"]')" = '[{"escalation_level": 2}]' ]
  irctl -q escalate "$ID"
  [ "$(irctl show "$ID" --json | json_eval 'd["missing"]')" = '[]' ]
  run --separate-stderr irctl show "$ID"
  assert_status 0
  [ "$(grep '^  roles' <<<"$output")" = "  roles         commander: alice, comms-external: dave" ]
  refute_output_contains "missing"
  run --separate-stderr irctl list
  assert_status 0
  [ "$(head -n 1 <<<"$output" | tr -s ' ')" = "ID SEVERITY STATUS DECLARED TITLE" ]
  refute_output_contains "MISSING"
  run --separate-stderr irctl list --json
  assert_status 0
  [ "$(json_eval '[i["missing"] for i in d["incidents"]]' <<<"$output")" = '[[], []]' ]
}

# --- assign ------------------------------------------------------------------

@test "the first commander takes charge and acknowledges; a second is a handover 'commander: alice -> bob'" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl assign "$ID" commander alice
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field 'd["roles"]["commander"]')" = "alice" ]
  [ "$(last_event '["text"]')" = "commander: alice" ]
  [ "$(last_event '["role"]')" = "commander" ]
  [ "$(last_event '["person"]')" = "alice" ]
  acked=$(field 'd["acknowledged_at"]')
  [ "$acked" = "$(last_event '["at"]')" ]
  [ "$(git log -1 --format=%s)" = "assign $ID: commander: alice" ]

  before=$(git rev-parse HEAD)
  run --separate-stderr irctl assign "$ID" commander bob
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"commander: alice -> bob"* ]]
  [ "$(field 'd["roles"]["commander"]')" = "bob" ]
  [ "$(last_event '["text"]')" = "commander: alice -> bob" ]
  [ "$(last_event '["previous"]')" = "alice" ]
  [ "$(git log -1 --format=%s)" = "assign $ID: commander: alice -> bob" ]
  # the handover does not move the acknowledgement
  [ "$(field 'd["acknowledged_at"]')" = "$acked" ]
  run irctl timeline "$ID"
  assert_status 0
  assert_output_contains "commander: alice -> bob"
  run irctl show "$ID"
  assert_status 0
  assert_output_contains "commander: bob"
}

@test "assigning the person who already has the role changes nothing" {
  irctl -q assign "$ID" commander alice
  irctl -q assign "$ID" tech-lead carol --workstream database
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl assign "$ID" commander alice
  assert_status 0
  [[ "$stderr" == *"nothing changed"* ]]
  run irctl assign "$ID" tech-lead carol --workstream database
  assert_status 0
  assert_no_commit_since "$before"
}

@test "tech-lead: one per workstream, and a new lead for a workstream takes over" {
  irctl -q assign "$ID" tech-lead carol --workstream database
  irctl -q assign "$ID" tech-lead erin -w network
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl assign "$ID" tech-lead dave --workstream database
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(last_event '["text"]')" = "tech-lead [database]: carol -> dave" ]
  [ "$(last_event '["workstream"]')" = "database" ]
  [ "$(last_event '["previous"]')" = "carol" ]
  [ "$(field 'd["roles"]["tech-lead"]')" = '["erin (network)", "dave (database)"]' ]
  run irctl show "$ID"
  assert_status 0
  [ "$(grep '^  roles' <<<"$output" | sed 's/^  roles *//')" = "tech-lead: erin [network], tech-lead: dave [database]" ]
  # a tech lead without a workstream is one more lead
  irctl -q assign "$ID" tech-lead frank
  [ "$(field 'd["roles"]["tech-lead"]')" = '["erin (network)", "dave (database)", "frank"]' ]
}

@test "--remove takes a role away; removing someone who does not have it exits 2 and changes nothing" {
  irctl -q assign "$ID" sme frank
  irctl -q assign "$ID" sme grace
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl assign "$ID" sme frank --remove
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(last_event '["text"]')" = "sme: frank removed" ]
  [ "$(last_event '["removed"]')" = "true" ]
  [ "$(field 'd["roles"]["sme"]')" = '["grace"]' ]
  irctl -q assign "$ID" sme grace --remove
  [ "$(field '"sme" in d.get("roles", {})')" = "false" ]
  run_unchanged --separate-stderr irctl assign "$ID" sme nobody --remove
  assert_status 2
  assert_text_error
}

@test "--workstream on a one-person role, an unknown role or no person exits 2 and changes nothing" {
  run_unchanged --separate-stderr irctl assign "$ID" commander alice --workstream db
  assert_status 2
  assert_text_error
  run_unchanged --separate-stderr irctl assign "$ID" janitor bob
  assert_status 2
  assert_text_error
  run_unchanged irctl assign "$ID" commander
  assert_status 2
  run_unchanged irctl assign "$ID" commander ""
  assert_status 2
}

# --- ack ---------------------------------------------------------------------

@test "the first ack sets acknowledged_at; a later ack changes nothing and records nothing" {
  id=$(declare_incident "Disk full on db-3" --at -10m)
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" '"acknowledged_at" in d')" = "false" ]
  run irctl show "$id"
  assert_status 0
  assert_output_contains "not yet"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "Sam Oncall <sam@example.com>" --at -5m ack "$id"
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"acknowledged by Sam Oncall"* ]]
  [ "$(git log -1 --format='%an <%ae>')" = "Sam Oncall <sam@example.com>" ]
  [ "$(toml_eval "$f" 'd["timeline"][-1]["type"]')" = "ack" ]
  acked=$(toml_eval "$f" 'd["acknowledged_at"]')
  [ "$acked" = "$(toml_eval "$f" 'd["timeline"][-1]["at"]')" ]
  run_unchanged --separate-stderr irctl --as "Bob <bob@example.com>" ack "$id"
  assert_status 0
  [ "$stderr" = "$id: already acknowledged at $(date -u -d "$acked" '+%Y-%m-%d %H:%M') UTC; nothing changed" ]
  [ "$(toml_eval "$f" 'd["acknowledged_at"]')" = "$acked" ]
  # nor does a first commander afterwards
  irctl -q assign "$id" commander alice
  [ "$(toml_eval "$f" 'd["acknowledged_at"]')" = "$acked" ]
}

@test "a commander named at declare acknowledges the incident at once" {
  id=$(declare_incident "with a commander" --commander alice --at 2025-03-04T05:06:07Z)
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" 'd["acknowledged_at"]')" = "2025-03-04T05:06:07+00:00" ]
  [ "$(toml_eval "$f" 'd["roles"]["commander"]')" = "alice" ]
}

# --- contain / eradicate / recover ---------------------------------------------

@test "contain, eradicate and recover move the status forward only, and set their times once" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl contain "$ID" Rolled back deploy 4711
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"status is now containment"* ]]
  [ "$(field 'd["status"]')" = "containment" ]
  [ "$(last_event '["text"]')" = "Rolled back deploy 4711" ]
  [ "$(git log -1 --format=%s)" = "contain $ID: Rolled back deploy 4711" ]
  contained=$(field 'd["contained_at"]')
  [ "$contained" = "$(last_event '["at"]')" ]

  # a second containment action: recorded, the status and the time stay
  irctl -q contain "$ID" "Scaled the pool to 40"
  [ "$(field 'd["status"]')" = "containment" ]
  [ "$(field 'd["contained_at"]')" = "$contained" ]

  irctl -q eradicate "$ID" "Fixed the connection leak"
  [ "$(field 'd["status"]')" = "eradication" ]
  [ "$(field '"eradicated_at" in d')" = "true" ]
  # containment after eradication: recorded, the status does not go back
  before=$(git rev-parse HEAD)
  irctl -q contain "$ID" "Blocked the retry storm at the edge"
  assert_one_commit_since "$before"
  [ "$(field 'd["status"]')" = "eradication" ]
  [ "$(last_event '.get("set", {}).get("status")')" = "null" ]
  [ "$(field 'd["contained_at"]')" = "$contained" ]

  irctl -q recover "$ID" "Traffic back to normal"
  [ "$(field 'd["status"]')" = "recovery" ]
  [ "$(field '"recovered_at" in d')" = "true" ]
  irctl -q eradicate "$ID" "Removed the feature flag"
  [ "$(field 'd["status"]')" = "recovery" ]
  run irctl timeline "$ID" --type contain,eradicate,recover
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 6 ]
}

@test "recover straight from identification jumps forward" {
  irctl -q recover "$ID" "It came back by itself"
  [ "$(field 'd["status"]')" = "recovery" ]
  [ "$(field '["contained_at" in d, "recovered_at" in d]')" = '[false, true]' ]
}

@test "an empty action exits 2 and changes nothing; the action may come from stdin" {
  run_unchanged --separate-stderr irctl contain "$ID" ""
  assert_status 2
  assert_text_error
  run_unchanged irctl eradicate "$ID"
  assert_status 2
  printf 'Rolled back\ndeploy 4711\n' | irctl -q recover "$ID" -
  [ "$(last_event '["text"]')" = $'Rolled back\ndeploy 4711' ]
}

# --- resolve -------------------------------------------------------------------

@test "resolve records status, resolved_at, resolution and root cause, keeps the summary, and says how to close" {
  irctl -q set "$ID" --summary "Checkout returned 503 for a third of requests"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --at 2025-03-04T06:00:00Z resolve "$ID" --resolution "Rolled back deploy 4711; the pool drained" \
    --root-cause "Connection leak in the retry path"
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"irctl close $ID"* ]]
  assert_one_commit_since "$before"
  [ "$(field '[d["status"], d["resolved_at"], d["summary"], d["resolution"], d["root_cause"]]')" = '["resolved", "2025-03-04T06:00:00+00:00", "Checkout returned 503 for a third of requests", "Rolled back deploy 4711; the pool drained", "Connection leak in the retry path"]' ]
  [ "$(last_event '["type"]')" = "resolve" ]
  [ "$(last_event '["set"]')" = '{"status": "resolved", "resolved_at": "2025-03-04T06:00:00+00:00", "resolution": "Rolled back deploy 4711; the pool drained", "root_cause": "Connection leak in the retry path"}' ]
  [ "$(git log -1 --format=%s)" = "resolve $ID: Rolled back deploy 4711; the pool drained" ]
  run --separate-stderr irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval '[d["summary"], d["resolution"]]' <<<"$output")" = '["Checkout returned 503 for a third of requests", "Rolled back deploy 4711; the pool drained"]' ]
  run irctl --no-pager show "$ID"
  assert_status 0
  assert_output_contains "resolved"
  assert_output_contains "Connection leak in the retry path"
  # the summary and the resolution each under its own heading
  [ "$(sed -n '/^  summary$/,/^Durations$/p' <<<"$output")" = "  summary
    Checkout returned 503 for a third of requests

  root cause
    Connection leak in the retry path

  resolution
    Rolled back deploy 4711; the pool drained

Durations" ]
}

@test "resolve --summary is another name for --resolution: the summary set before stays" {
  irctl -q set "$ID" --summary "Checkout returned 503 for a third of requests"
  run --separate-stderr irctl resolve "$ID" --summary "Rolled back deploy 4711"
  assert_status 0
  [ "$(field '[d["summary"], d["resolution"]]')" = '["Checkout returned 503 for a third of requests", "Rolled back deploy 4711"]' ]
  [ "$(last_event '["set"]["resolution"]')" = "Rolled back deploy 4711" ]
  [ "$(last_event '["set"].keys() == {"status", "resolved_at", "resolution"}')" = "true" ]
}

@test "resolve with --resolution and --summary both, or an empty resolution, exits 2 and changes nothing" {
  run_unchanged --separate-stderr irctl resolve "$ID" --resolution "Rolled back" --summary "Rolled back"
  assert_status 2
  run_unchanged --separate-stderr irctl resolve "$ID" --resolution "  "
  assert_status 2
  [[ "$stderr" == *"the resolution is empty"* ]]
  [ "$(field 'd["status"]')" = "identification" ]
}

@test "set --resolution corrects the resolution later; the same text again changes nothing" {
  irctl -q resolve "$ID" --resolution "Rolled back"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --resolution "Rolled back deploy 4711; the pool drained in 3 minutes"
  assert_status 0
  [ "$stderr" = "$ID: resolution" ]
  assert_one_commit_since "$before"
  [ "$(field '[d["status"], d["resolution"], "summary" in d]')" = '["resolved", "Rolled back deploy 4711; the pool drained in 3 minutes", false]' ]
  [ "$(last_event '["set"]')" = '{"resolution": "Rolled back deploy 4711; the pool drained in 3 minutes"}' ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --resolution "Rolled back deploy 4711; the pool drained in 3 minutes"
  assert_status 0
  [ "$stderr" = "$ID: already so; nothing changed" ]
  assert_no_commit_since "$before"
  run_unchanged --separate-stderr irctl set "$ID" --resolution ""
  assert_status 2
}

# --- resolved and closed incidents -------------------------------------------------

@test "on a resolved incident, lifecycle actions exit 4, say how to reopen, and change nothing" {
  irctl -q resolve "$ID"
  cmds=(
    "severity $ID SEV1"
    "ack $ID"
    "escalate $ID"
    "escalate $ID --to database-team"
    "contain $ID more"
    "eradicate $ID more"
    "recover $ID more"
    "resolve $ID"
  )
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    run_unchanged --separate-stderr irctl $c
    assert_status 4
    assert_text_error
    [[ "$stderr" == *"irctl reopen $ID --reason"* ]] || { echo "no reopen hint for: $c" >&2; echo "$stderr" >&2; false; }
  done
  run_unchanged --separate-stderr irctl severity "$ID" SEV1 --json
  assert_status 4
  assert_json_error refused
}

@test "on a resolved incident, updates, roles, fields and tasks are still recorded" {
  # The customer update and the postmortem owner often come after the fix.
  irctl -q resolve "$ID"
  for c in "update $ID --audience external Resolved" "assign $ID problem-manager pat" \
    "set $ID --impact 38%_of_checkouts_failed" "task $ID done 8"; do
    before=$(git rev-parse HEAD)
    # shellcheck disable=SC2086
    run --separate-stderr irctl $c
    assert_status 0
    assert_one_commit_since "$before"
  done
  [ "$(field 'd["status"]')" = "resolved" ]
}

@test "on a closed incident, every write exits 4 with the reopen hint and changes nothing" {
  irctl -q resolve "$ID"
  irctl -q close "$ID" --force
  cmds=(
    "severity $ID SEV1"
    "assign $ID commander alice"
    "ack $ID"
    "escalate $ID"
    "contain $ID more"
    "eradicate $ID more"
    "recover $ID more"
    "resolve $ID"
    "update $ID more"
    "set $ID --title other"
    "task $ID done 1"
  )
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    run_unchanged --separate-stderr irctl $c
    assert_status 4
    assert_text_error
    [[ "$stderr" == *"irctl reopen $ID --reason"* ]] || { echo "no reopen hint for: $c" >&2; echo "$stderr" >&2; false; }
  done
}

# --- reopen --------------------------------------------------------------------

@test "reopen brings a resolved incident back to identification, with the reason" {
  irctl -q resolve "$ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl reopen "$ID" --reason "Errors are back after the cache expired"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field '[d["status"], "resolved_at" in d]')" = '["identification", false]' ]
  [ "$(last_event '["type"]')" = "reopen" ]
  [ "$(last_event '["text"]')" = "Errors are back after the cache expired" ]
  [ "$(last_event '["from"]')" = "resolved" ]
  [ "$(git log -1 --format=%s)" = "reopen $ID: Errors are back after the cache expired" ]
  # and it takes lifecycle actions again
  irctl -q contain "$ID" "Pinned the cache TTL"
  [ "$(field 'd["status"]')" = "containment" ]
}

@test "reopen a closed incident; closed_at goes too" {
  irctl -q resolve "$ID"
  irctl -q close "$ID" --force
  irctl -q reopen "$ID" -r "customer reports continue"
  [ "$(field '[d["status"], "resolved_at" in d, "closed_at" in d]')" = '["identification", false, false]' ]
  [ "$(last_event '["from"]')" = "closed" ]
}

@test "reopen needs a reason (exit 2) and refuses an open incident (exit 4)" {
  run_unchanged irctl reopen "$ID"
  assert_status 2
  irctl -q resolve "$ID"
  run_unchanged irctl reopen "$ID" --reason ""
  assert_status 2
  irctl -q reopen "$ID" --reason "back"
  run_unchanged --separate-stderr irctl reopen "$ID" --reason "again"
  assert_status 4
  assert_text_error
}

# --- close ---------------------------------------------------------------------

@test "close refuses an incident that is not resolved (exit 4, hint to resolve)" {
  run_unchanged --separate-stderr irctl close "$ID"
  assert_status 4
  assert_text_error
  [[ "$stderr" == *"irctl resolve $ID"* ]]
  run_unchanged irctl close "$ID" --force
  assert_status 4
}

@test "close without postmortems/ID.md exits 4 and hints at --force; --force closes it" {
  irctl -q resolve "$ID"
  run_unchanged --separate-stderr irctl close "$ID"
  assert_status 4
  assert_text_error
  [[ "$stderr" == *"postmortems/$ID.md"* ]]
  [[ "$stderr" == *"--force"* ]]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID" --force
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field '[d["status"], "closed_at" in d]')" = '["closed", true]' ]
  [ "$(last_event '["text"]')" = "closed without a postmortem" ]
  [ "$(last_event '["forced"]')" = "true" ]
}

@test "close with a committed postmortem closes it; closing again changes nothing" {
  irctl -q resolve "$ID"
  mkdir -p postmortems
  printf '# %s\n\nWhat happened.\n' "$ID" >"postmortems/$ID.md"
  git add postmortems && git commit -q -m "postmortem $ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field 'd["status"]')" = "closed" ]
  [ "$(last_event '["text"]')" = "closed" ]
  [ "$(field '"forced" in d["timeline"][-1]')" = "false" ]
  [ "$(git log -1 --format=%s)" = "close $ID: closed" ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID"
  assert_status 0
  [[ "$stderr" == *"already closed"* ]]
  assert_no_commit_since "$before"
}

@test "close does not count a postmortem that is not committed" {
  # Postmortems are committed files: one lying untracked in the work tree is
  # not in the history that clones and reviewers see. close must refuse it
  # (as if there were none) or commit it with the close; it must not record
  # "closed" with the postmortem left out of git.
  irctl -q resolve "$ID"
  mkdir -p postmortems
  printf '# %s\n' "$ID" >"postmortems/$ID.md"
  run --separate-stderr irctl close "$ID"
  if [ "$status" -eq 0 ]; then
    git cat-file -e "HEAD:postmortems/$ID.md" || { echo "closed, but postmortems/$ID.md is not committed" >&2; false; }
    assert_clean_repo
  else
    assert_status 4
    [ "$(field 'd["status"]')" = "resolved" ]
  fi
}

# --- update ----------------------------------------------------------------------

@test "update records an internal update by default and an external one with --audience" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl update "$ID" Checkout is failing for about a third of requests
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(last_event '["type"]')" = "update" ]
  [ "$(last_event '["audience"]')" = "internal" ]
  [ "$(last_event '["text"]')" = "Checkout is failing for about a third of requests" ]
  [ "$(git log -1 --format=%s)" = "update $ID: Checkout is failing for about a third of requests" ]
  irctl -q update "$ID" --audience external "We are investigating failed payments."
  [ "$(last_event '["audience"]')" = "external" ]
  [ "$(last_event '["text"]')" = "We are investigating failed payments." ]
  printf 'Line one\nLine two\n' | irctl -q update "$ID" -a external -
  [ "$(last_event '["text"]')" = $'Line one\nLine two' ]
  run irctl timeline "$ID" --type update
  assert_status 0
  [ "$(grep -c update <<<"$output")" -eq 3 ]
}

@test "an unknown audience or an empty update exits 2 and changes nothing" {
  run_unchanged --separate-stderr irctl update "$ID" --audience press "hello"
  assert_status 2
  assert_text_error
  run_unchanged irctl update "$ID" ""
  assert_status 2
  run_unchanged irctl update "$ID"
  assert_status 2
}

# --- set -----------------------------------------------------------------------

@test "set changes title, summary and impact in one commit" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --title "Checkout and payments fail" --summary "Pool exhausted" \
    --impact "38% of checkouts failed for 40 minutes"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field '[d["title"], d["summary"], d["impact"]]')" = '["Checkout and payments fail", "Pool exhausted", "38% of checkouts failed for 40 minutes"]' ]
  [ "$(last_event '["type"]')" = "set" ]
  [[ "$(last_event '["text"]')" == *"Checkout and payments fail"* ]]
  [ "$(last_event '["set"]')" = '{"title": "Checkout and payments fail", "summary": "Pool exhausted", "impact": "38% of checkouts failed for 40 minutes"}' ]
}

@test "--service and --channel replace the list; --add-service and --add-channel append" {
  irctl -q set "$ID" --add-service payments --add-channel '#inc-checkout'
  [ "$(field '[d["services"], d["channels"]]')" = '[["checkout", "payments"], ["#inc-checkout"]]' ]
  irctl -q set "$ID" --add-service payments --add-service api
  [ "$(field 'd["services"]')" = '["checkout", "payments", "api"]' ]
  irctl -q set "$ID" --service api --channel 'bridge 42' --add-channel '#inc-api'
  [ "$(field '[d["services"], d["channels"]]')" = '[["api"], ["bridge 42", "#inc-api"]]' ]
}

@test "set with nothing to set exits 2; setting the current values changes nothing" {
  run_unchanged --separate-stderr irctl set "$ID"
  assert_status 2
  assert_text_error
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --title "Checkout API returns 503" --add-service checkout --service checkout
  assert_status 0
  assert_no_commit_since "$before"
  run_unchanged irctl set "$ID" --title ""
  assert_status 2
}

# --- task ------------------------------------------------------------------------

@test "task lists the playbook's steps; done N ticks one off, undo N reopens it" {
  run --separate-stderr irctl task "$ID"
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 8 ]
  head -n 1 <<<"$output" | grep -q '^1 *\[ \] *Confirm the impact and set the severity'
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "Carol <carol@example.com>" task "$ID" "done" 2
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(last_event '["type"]')" = "task" ]
  [ "$(last_event '["task"]')" = "2" ]
  [ "$(last_event '["done"]')" = "true" ]
  [[ "$(git log -1 --format=%s)" == "task $ID: done 2: Assign an incident commander"* ]]
  run irctl task "$ID" --json
  assert_status 0
  [ "$(json_eval '[t["done"] for t in d["tasks"]]' <<<"$output")" = '[false, true, false, false, false, false, false, false]' ]
  [ "$(json_eval 'd["tasks"][1]["done_by"]' <<<"$output")" = "Carol <carol@example.com>" ]
  run irctl task "$ID"
  assert_status 0
  sed -n 2p <<<"$output" | grep -q '^2 *\[x\] .*(Carol, '
  run irctl show "$ID"
  assert_status 0
  assert_output_contains "1 of 8 done"

  # done again changes nothing
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl task "$ID" "done" 2
  assert_status 0
  [[ "$stderr" == *"already done"* ]]
  assert_no_commit_since "$before"

  irctl -q task "$ID" undo 2
  run irctl task "$ID" --json
  assert_status 0
  [ "$(json_eval '[t["done"] for t in d["tasks"]]' <<<"$output")" = '[false, false, false, false, false, false, false, false]' ]
  before=$(git rev-parse HEAD)
  irctl -q task "$ID" undo 2
  assert_no_commit_since "$before"
}

@test "task done N N N ticks each off in the order given, one event and commit each, and reports each" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl task "$ID" "done" 5 2 6
  assert_status 0
  [ "$(git rev-list --count "$before..HEAD")" -eq 3 ]
  [ "$(git log --reverse --format=%s "$before..HEAD" | cut -d: -f2)" = $' done 5\n done 2\n done 6' ]
  [ "$(cut -d: -f2 <<<"$stderr")" = $' done 5\n done 2\n done 6' ]
  run irctl task "$ID" --json
  assert_status 0
  [ "$(json_eval '[t["done"] for t in d["tasks"]]' <<<"$output")" = '[false, true, false, false, true, true, false, false]' ]
  # one already done: the others are recorded, that one is reported unchanged
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --json task "$ID" undo 6 1 5
  assert_status 0
  [ "$(json_eval '[r["recorded"] for r in d["results"]]' <<<"$output")" = '[true, false, true]' ]
  [ "$(json_eval '[r["event"]["task"] for r in d["results"] if r["recorded"]]' <<<"$output")" = '[6, 5]' ]
  [ "$(json_eval 'd["results"][1]' <<<"$output")" = "{\"id\": \"$ID\", \"recorded\": false}" ]
  [ "$(git rev-list --count "$before..HEAD")" -eq 2 ]
  # a number that is not a task: none is recorded
  run_unchanged --separate-stderr irctl task "$ID" "done" 3 99 4
  assert_status 2
  [[ "$stderr" == *"there is no task 99"* ]]
}

@test "task done N N: a number given twice is recorded once; a word that is not a number is named and nothing changes" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl task "$ID" "done" 2 5 2
  assert_status 0
  [ "$(git log --reverse --format=%s "$before..HEAD" | cut -d: -f2)" = $' done 2\n done 5' ]
  [ "$(cut -d: -f2 <<<"$stderr")" = $' done 2\n done 5' ]
  run_unchanged --separate-stderr irctl task "$ID" "done" 3 x
  assert_status 2
  [ "$stderr" = $'irctl: error: \'x\' is not a task number\nhint: give the numbers that \'irctl task '"$ID"$'\' lists' ]
  run_unchanged --separate-stderr irctl task "$ID" undo 1.5
  assert_status 2
  [ "$stderr" = $'irctl: error: \'1.5\' is not a task number\nhint: give the numbers that \'irctl task '"$ID"$'\' lists' ]
}

@test "task numbers out of range and unknown task actions exit 2 and change nothing" {
  run_unchanged --separate-stderr irctl task "$ID" "done" 99
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"1 to 8"* ]]
  run_unchanged irctl task "$ID" "done" 0
  assert_status 2
  run_unchanged irctl task "$ID" "done"
  assert_status 2
  run_unchanged irctl task "$ID" finish 1
  assert_status 2
}

@test "an incident whose kind has no playbook has no tasks" {
  id=$(declare_incident "Slow search" --kind degradation)
  [ "$(toml_eval "$(incident_path "$id")" 'd.get("tasks", [])')" = '[]' ]
  run --separate-stderr irctl task "$id"
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"no tasks"* ]]
  run_unchanged --separate-stderr irctl task "$id" "done" 1
  assert_status 2
  assert_text_error
}

# --- every write ---------------------------------------------------------------------

@test "every successful write is exactly one commit, by the actor, with a clean tree" {
  as="Robin Responder <robin@example.com>"
  cmds=(
    "severity $ID SEV2 --reason wider"
    "ack $ID"
    "assign $ID commander alice"
    "assign $ID tech-lead carol --workstream db"
    "escalate $ID --reason slow"
    "escalate $ID --to database-team"
    "update $ID first-update"
    "update $ID --audience external investigating"
    "set $ID --add-channel #inc"
    "task $ID done 1"
    "task $ID undo 1"
    "contain $ID contained"
    "eradicate $ID eradicated"
    "recover $ID recovered"
    "resolve $ID --summary done"
    "reopen $ID --reason back"
    "resolve $ID"
    "close $ID --force"
  )
  for c in "${cmds[@]}"; do
    n=$(commits)
    # shellcheck disable=SC2086
    run --separate-stderr irctl --as "$as" $c
    assert_status 0
    [ "$(commits)" -eq $((n + 1)) ] || { echo "'$c' made $(($(commits) - n)) commits" >&2; false; }
    [ -z "$(git status --porcelain --untracked-files=all)" ] || { echo "'$c' left the tree dirty" >&2; git status --porcelain >&2; false; }
    [ "$(git log -1 --format='%an <%ae>')" = "$as" ]
    [ "$(git log -1 --format='%(trailers:key=Incident,valueonly)' | head -n 1)" = "$ID" ]
    [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$FILE" ]
  done
  # one event per commit: the declare event and one per command
  [ "$(field 'len(d["timeline"])')" -eq $((1 + ${#cmds[@]})) ]
  assert_clean_repo
}

@test "--json on a write prints the incident, the commit and the event" {
  run --separate-stderr irctl assign "$ID" commander alice --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = "true" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"]["type"], d["event"]["text"], d["event"]["role"], d["event"]["person"]]' <<<"$output")" = '["assign", "commander: alice", "commander", "alice"]' ]
  [ -z "$stderr" ]
  run --separate-stderr irctl contain "$ID" "Rolled back" --json
  assert_status 0
  [ "$(json_eval 'd["event"]["set"]["status"]' <<<"$output")" = "containment" ]
}
