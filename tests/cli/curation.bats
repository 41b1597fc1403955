#!/usr/bin/env bats
# A document worth reading: irctl timeline --pin/--hide (and undoing them),
# --type '!TYPE' and --exclude-type, the directory of people
# (.irctl/people.toml), and irctl postmortem --audience external.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

YUKI="Yuki Park <yp@example.com>"
MARCO="Marco Keller <marco@example.com>"
DANA="Dana Comms <dana@example.com>"

# A replication outage with two workstreams, notes that name people and an
# internal update, by people whose handles are yukip, marcok and danac.
replay() {
  ID=$(as "$YUKI" 2026-11-28T14:00:00Z declare "Replication lag on the primary" --severity SEV1 \
    --commander yukip --service db)
  FILE=$(incident_path "$ID")
  as "$YUKI" 2026-11-28T14:01:00Z assign "$ID" tech-lead marcok --workstream replication
  as "$YUKI" 2026-11-28T14:02:00Z assign "$ID" comms-external danac
  as "$MARCO" 2026-11-28T14:05:00Z note "$ID" "marcok: lag is 40 minutes on db-2, paging Yuki"
  as "$DANA" 2026-11-28T14:06:00Z update "$ID" --audience internal "Marco is failing over; ask Yuki Park first"
  as "$DANA" 2026-11-28T14:07:00Z update "$ID" --audience external "Checkout is slow; we are on it"
  as "$YUKI" 2026-11-28T14:08:00Z escalate "$ID" --to marcok --reason "replication expert"
  as "$MARCO" 2026-11-28T14:20:00Z contain "$ID" "Failed over to db-3"
  as "$MARCO" 2026-11-28T14:30:00Z recover "$ID" "Replicas caught up"
  as "$MARCO" 2026-11-28T14:31:00Z note "$ID" "The failover runbook step 4 was wrong"
  as "$YUKI" 2026-11-28T14:40:00Z resolve "$ID" --summary "A long transaction held replication"
}

# The id of the event of type $1 with text $2.
event_id() {
  toml_eval "$FILE" "[e['id'] for e in d['timeline'] if e['type'] == '$1' and e['text'] == '$2'][0]"
}

# The rows of the timeline table of the postmortem on standard input.
timeline_rows() {
  sed -n '/^| Time | Who | Event | What |$/,/^$/p' | sed '1,2d;$d'
}

people_toml() {
  cat >.irctl/people.toml <<'EOF'
[people.yukip]
name = "Yuki P."
email = "yp@example.com"
team = "Database"

[people.marcok]
name = "Marco K."
email = "marco@example.com"

[people.danac]
name = "Dana C."
email = "dana@example.com"
team = "Comms"
EOF
  git add .irctl/people.toml && git commit -qm "people"
}

@test "timeline --pin records a pin event in one commit; the same pin again records nothing" {
  replay
  note=$(event_id note "The failover runbook step 4 was wrong")
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl timeline "$ID" --pin "${note:0:5}"
  assert_status 0
  [ "$stderr" = "$ID: pinned $note (note)" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "pin $ID: pinned $note (note)" ]
  [ "$(toml_eval "$FILE" '{k: v for k, v in d["timeline"][-1].items() if k not in ("id", "at")}')" = \
    '{"by": "Alice Example <alice@example.com>", "type": "pin", "text": "pinned '"$note"' (note)", "event": "'"$note"'"}' ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl timeline "$ID" --pin "$note"
  assert_status 0
  [ "$stderr" = "$ID: event $note is pinned already; nothing changed" ]
  assert_no_commit_since "$before"
  run --separate-stderr irctl --json timeline "$ID" --pin "$note"
  assert_status 0
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = false ]
}

@test "--pin --public, --hide, --unpin and --unhide are events; the text output marks the curated events" {
  replay
  n1=$(event_id note "marcok: lag is 40 minutes on db-2, paging Yuki")
  n2=$(event_id note "The failover runbook step 4 was wrong")
  up=$(event_id update "Marco is failing over; ask Yuki Park first")
  ct=$(event_id contain "Failed over to db-3")
  as "$YUKI" 2026-11-28T15:00:00Z timeline "$ID" --pin "$n2" --public
  [ "$(toml_eval "$FILE" '[d["timeline"][-1][k] for k in ("type", "text", "event", "public")]')" = \
    '["pin", "pinned as public '"$n2"' (note)", "'"$n2"'", true]' ]
  as "$YUKI" 2026-11-28T15:01:00Z timeline "$ID" --pin "$n1"
  as "$YUKI" 2026-11-28T15:02:00Z timeline "$ID" --unpin "$n1"
  [ "$(toml_eval "$FILE" '[d["timeline"][-1][k] for k in ("type", "text", "event")]')" = \
    '["unpin", "unpinned '"$n1"' (note)", "'"$n1"'"]' ]
  as "$YUKI" 2026-11-28T15:03:00Z timeline "$ID" --hide "$ct"
  as "$YUKI" 2026-11-28T15:04:00Z timeline "$ID" --unhide "$ct"
  [ "$(toml_eval "$FILE" '[d["timeline"][-1][k] for k in ("type", "text", "event")]')" = \
    '["unhide", "shown again '"$ct"' (contain)", "'"$ct"'"]' ]
  as "$YUKI" 2026-11-28T15:05:00Z timeline "$ID" --hide "$up"
  # --json says the same, by event id, for every curated event
  run --separate-stderr irctl timeline "$ID" --json --type declare
  assert_status 0
  [ "$(json_eval '[sorted(d["curation"].items()), [e["type"] for e in d["timeline"]]]' <<<"$output")" = \
    "$(py -S -c 'import json, sys; print(json.dumps([sorted({sys.argv[1]: "pinned-public", sys.argv[2]: "hidden"}.items()), ["declare"]]))' "$n2" "$up")" ]
  run --separate-stderr irctl timeline "$ID" --exclude-type pin,unpin,hide,unhide,assign
  assert_status 0
  [ "$output" = "$(cat <<EOF
2026-11-28 14:00  declare                Yuki Park     Replication lag on the primary
2026-11-28 14:05  note                   Marco Keller  marcok: lag is 40 minutes on db-2, paging Yuki
2026-11-28 14:06  update [hidden]        Dana Comms    Marco is failing over; ask Yuki Park first
2026-11-28 14:07  update (external)      Dana Comms    Checkout is slow; we are on it
2026-11-28 14:08  escalate               Yuki Park     to marcok (replication expert)
2026-11-28 14:20  contain                Marco Keller  Failed over to db-3
2026-11-28 14:30  recover                Marco Keller  Replicas caught up
2026-11-28 14:31  note [pinned, public]  Marco Keller  The failover runbook step 4 was wrong
2026-11-28 14:40  resolve                Yuki Park     A long transaction held replication
EOF
)" ]
}

@test "timeline curation: an unknown event exits 3, bad combinations exit 2; nothing changes" {
  replay
  for option in --pin --unpin --hide --unhide; do
    run_unchanged --separate-stderr irctl timeline "$ID" "$option" ""
    assert_status 2
    [ "$stderr" = "irctl: error: $option needs an event's id
hint: irctl timeline $ID --json lists the events with their ids" ]
  done
  note=$(event_id note "The failover runbook step 4 was wrong")
  run_unchanged --separate-stderr irctl timeline "$ID" --pin ZZZZZZ
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"no event of $ID has the id 'ZZZZZZ'"* ]]
  run_unchanged --separate-stderr irctl timeline "$ID" --hide "$note" --pin "$note"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"one at a time"* ]]
  run_unchanged --separate-stderr irctl timeline "$ID" --public
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--public goes with --pin"* ]]
  run_unchanged --separate-stderr irctl timeline "$ID" --hide "$note" --public
  assert_status 2
  [[ "$stderr" == *"--public goes with --pin"* ]]
  run_unchanged --separate-stderr irctl timeline "$ID" --pin "$note" --type note
  assert_status 2
  [[ "$stderr" == *"--type and --exclude-type choose what to show"* ]]
  run_unchanged --separate-stderr irctl --json timeline "$ID" --unhide ZZZZZZ
  assert_status 3
  assert_json_error not_found
}

@test "timeline --type '!TYPE' and --exclude-type leave types out; unknown types exit 2" {
  replay
  run --separate-stderr irctl --json timeline "$ID" --type '!note' --exclude-type assign,update --exclude-type escalate
  assert_status 0
  [ "$(json_eval '[e["type"] for e in d["timeline"]]' <<<"$output")" = \
    '["declare", "contain", "recover", "resolve"]' ]
  run --separate-stderr irctl --json timeline "$ID" --type note,update --type '!update'
  assert_status 0
  [ "$(json_eval '[e["type"] for e in d["timeline"]]' <<<"$output")" = '["note", "note"]' ]
  run_unchanged --separate-stderr irctl timeline "$ID" --type '!bogus'
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"unknown event type 'bogus' in --type"* ]]
  run_unchanged --separate-stderr irctl timeline "$ID" --exclude-type notes
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"unknown event type 'notes' in --exclude-type"* ]]
}

@test "the postmortem's timeline: key events and pinned ones, without hidden ones or bookkeeping" {
  replay
  as "$YUKI" 2026-11-28T15:00:00Z timeline "$ID" --pin "$(event_id note "The failover runbook step 4 was wrong")"
  as "$YUKI" 2026-11-28T15:01:00Z timeline "$ID" --hide "$(event_id update "Checkout is slow; we are on it")"
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [ "$(timeline_rows <<<"$output")" = "$(cat <<'EOF'
| 2026-11-28 14:00 | Yuki Park | declare | Replication lag on the primary |
| 2026-11-28 14:06 | Dana Comms | update | Marco is failing over; ask Yuki Park first |
| 2026-11-28 14:08 | Yuki Park | escalate | to marcok (replication expert) |
| 2026-11-28 14:20 | Marco Keller | contain | Failed over to db-3 |
| 2026-11-28 14:30 | Marco Keller | recover | Replicas caught up |
| 2026-11-28 14:31 | Marco Keller | note | The failover runbook step 4 was wrong |
| 2026-11-28 14:40 | Yuki Park | resolve | A long transaction held replication |
EOF
)" ]
}

@test "people.toml: show, timeline and the postmortem show names for handles and emails" {
  replay
  people_toml
  run --separate-stderr irctl show "$ID"
  assert_status 0
  [ "$(grep -E '^  (roles|declared) ' <<<"$output")" = "$(printf '%s\n' \
    "  roles         commander: Yuki P., tech-lead: Marco K. [replication], comms-external: Dana C." \
    "  declared      2026-11-28 14:00 UTC by Yuki P.")" ]
  run --separate-stderr irctl timeline "$ID" --type contain
  assert_status 0
  [ "$output" = "2026-11-28 14:20  contain  Marco K.  Failed over to db-3" ]
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [ "$(sed -n '/^## Response and roles$/,/^## Timeline$/p' <<<"$output" | grep '^- ')" = "$(printf '%s\n' \
    "- Incident commander: Yuki P." "- Technical lead: Marco K. (workstream replication)" \
    "- External communications manager: Dana C." "- Escalated 2026-11-28 14:08 UTC by Yuki P.: to marcok (replication expert)")" ]
  assert_output_contains "| 2026-11-28 14:20 | Marco K. | contain | Failed over to db-3 |"
}

@test "a bad people.toml exits 65 naming the file and line; the commands that do not show people still work" {
  replay
  printf '[people.yukip]\nname = "Yuki P."\nemial = "yp@example.com"\n' >.irctl/people.toml
  git add .irctl/people.toml && git commit -qm "people"
  run_unchanged --separate-stderr irctl show "$ID"
  assert_status 65
  assert_text_error
  [[ "$stderr" == *"irctl: error: .irctl/people.toml:3:"* ]]
  [[ "$stderr" == *"'emial'"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output -
  assert_status 65
  run --separate-stderr irctl note "$ID" "still recording"
  assert_status 0
}

@test "postmortem --audience external names nobody: no name, handle, email or internal text" {
  replay
  people_toml
  as "$YUKI" 2026-11-28T15:00:00Z timeline "$ID" --pin "$(event_id note "The failover runbook step 4 was wrong")" --public
  as "$YUKI" 2026-11-28T15:01:00Z timeline "$ID" --pin "$(event_id note "marcok: lag is 40 minutes on db-2, paging Yuki")"
  as "$YUKI" 2026-11-28T15:02:00Z action add "$ID" "Alert on replication lag" --owner marcok --due 2026-12-15
  run --separate-stderr irctl postmortem "$ID" --audience external --output -
  assert_status 0
  printf '%s\n' "$output" >"$TEST_DIR/external.md"
  for secret in "Yuki" "Park" "yukip" "yp@example.com" "Marco" "Keller" "marcok" "marco@example.com" \
    "Dana" "danac" "dana@example.com" "Database" "Comms <" "Alice" "alice@example.com" \
    "lag is 40 minutes" "failing over"; do
    if grep -qiwF -- "$secret" "$TEST_DIR/external.md"; then
      echo "the external postmortem has '$secret':" >&2
      grep -niwF -- "$secret" "$TEST_DIR/external.md" >&2
      return 1
    fi
  done
  # people by role; the public pin and the external update are there
  [ "$(timeline_rows <"$TEST_DIR/external.md")" = "$(cat <<'EOF'
| 2026-11-28 14:00 | Incident commander | declare | Replication lag on the primary |
| 2026-11-28 14:07 | External communications manager | update | Checkout is slow; we are on it |
| 2026-11-28 14:08 | Incident commander | escalate | escalated |
| 2026-11-28 14:20 | Technical lead | contain | Failed over to db-3 |
| 2026-11-28 14:30 | Technical lead | recover | Replicas caught up |
| 2026-11-28 14:31 | Technical lead | note | The failover runbook step 4 was wrong |
| 2026-11-28 14:40 | Incident commander | resolve | A long transaction held replication |
EOF
)" ]
  assert_file_has "$TEST_DIR/external.md" "- Incident commander"
  assert_file_has "$TEST_DIR/external.md" "- Technical lead (workstream replication)"
  # the internal version, the default, names them
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  assert_output_contains "- Incident commander: Yuki P."
  assert_output_contains "lag is 40 minutes"
}

@test "postmortem --audience external: a person named in a reason, a pinned assignment or an action's text is written as their role" {
  replay
  people_toml
  as "$MARCO" 2026-11-28T15:03:00Z reopen "$ID" --reason "Marco K. says marcok saw it again; ask yp@example.com"
  as "$YUKI" 2026-11-28T14:22:00Z timeline "$ID" --pin "$(event_id assign "tech-lead [replication]: marcok")" --public
  as "$YUKI" 2026-11-28T15:02:00Z action add "$ID" "Pair danac with MARCOK on the runbook" --owner marcok
  run --separate-stderr irctl postmortem "$ID" --audience external --output -
  assert_status 0
  printf '%s\n' "$output" >"$TEST_DIR/external.md"
  for secret in "Yuki" "yukip" "yp@example.com" "Marco" "marcok" "danac" "Dana"; do
    if grep -qiwF -- "$secret" "$TEST_DIR/external.md"; then
      echo "the external postmortem has '$secret':" >&2
      grep -niwF -- "$secret" "$TEST_DIR/external.md" >&2
      return 1
    fi
  done
  assert_file_has "$TEST_DIR/external.md" \
    "| 2026-11-28 15:03 | Technical lead | reopen | Technical lead says Technical lead saw it again; ask Incident commander |"
  assert_file_has "$TEST_DIR/external.md" "| 2026-11-28 14:01 | Incident commander | assign | tech-lead \\[replication\\]: Technical lead |"
  [ "$(grep -c 'Pair External communications manager with Technical lead on the runbook' "$TEST_DIR/external.md")" -eq 1 ]
}

@test "postmortem --audience external commits postmortems/ID.external.md, never over the internal one" {
  replay
  irctl -q postmortem "$ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --audience external
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem written: postmortems/$ID.external.md" ]
  [ "$(toml_eval "$FILE" '[d["timeline"][-1][k] for k in ("type", "path", "audience")]')" = \
    '["postmortem", "postmortems/'"$ID"'.external.md", "external"]' ]
  [ "$(field 'd["postmortem"]')" = "postmortems/$ID.md" ]
  assert_file_has "postmortems/$ID.external.md" "- Incident commander"
  # again: nothing new
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --audience external
  assert_status 0
  assert_no_commit_since "$before"
  # neither version over the other
  run_unchanged --separate-stderr irctl postmortem "$ID" --audience external --output "postmortems/$ID.md"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"is the internal postmortem of $ID"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output "postmortems/$ID.external.md"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"is the external postmortem of $ID"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --audience public
  assert_status 2
  assert_text_error
  # --output FILE: a new file, committed
  run --separate-stderr irctl postmortem "$ID" --audience external --output docs/public.md
  assert_status 0
  assert_file_has docs/public.md "- Incident commander"
  [ "$(field 'd["postmortem"]')" = "postmortems/$ID.md" ]
}
