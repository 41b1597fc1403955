#!/usr/bin/env bats
# Follow-up actions: `irctl action add|done|reopen|edit|list`. Every change is one
# event ("action", "action-done", "action-reopen", "action-edit") and one commit; an action is
# numbered in the order it was added and keeps its id (the id of its "action"
# event); closed incidents accept actions; `action list` sorts by due date
# across incidents and `--overdue` exits 6 while it lists anything; close warns
# of open actions, show has an "actions" row and the postmortem a table.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  # Began 500 days ago: actions written up afterwards may carry earlier times,
  # never earlier than the incident (those are refused).
  ID=$(declare_incident "Checkout API returns 503" --service checkout --started-at -500d)
  FILE=$(incident_path "$ID")
  TODAY=$(date -u +%F)
}
teardown() { common_teardown; }

# --- helpers of this file ----------------------------------------------------

BOB="Bob Ops <bob@example.com>"

# The time of the last event as JSON shows it: 2026-11-28T16:05:00Z.
last_event_at() { last_event "['at'].strftime('%Y-%m-%dT%H:%M:%SZ')"; }

# Usage: actions_json EXPR [ID] — EXPR over the "actions" of `show --json`
# (a is the list).
actions_json() {
  local out
  out=$(irctl show "${2:-$ID}" --json) || return 1
  json_eval "(lambda a: $1)(d['actions'])" <<<"$out"
}

# Usage: list_json EXPR [ARGS...] — EXPR over the "actions" of
# `action list ARGS --json` (a is the list); the exit status is ignored.
list_json() {
  local expr=$1 out
  shift
  out=$(irctl action list "$@" --json) || true
  json_eval "(lambda a: $expr)(d['actions'])" <<<"$out"
}

# --- add ---------------------------------------------------------------------

@test "add with every option: one commit, an action event with its details, the number printed" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action add "$ID" "Add a canary stage" to the deploy \
    --owner "$BOB" --due 2026-12-15 --type Prevent --link https://tracker.example.com/OPS-123
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "$ID: action 1 added: Add a canary stage to the deploy" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "action $ID: Add a canary stage to the deploy" ]
  git log -1 --format='%(trailers:only,unfold)' | grep -qx "Incident: $ID"
  [ "$(git log -1 --format='%(trailers:key=Event,valueonly)' | head -n 1)" = "$(last_event '["id"]')" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Alice Example <alice@example.com>" ]
  # the event, as tomllib reads the file
  [ "$(last_event '["type"]')" = "action" ]
  [ "$(last_event '["text"]')" = "Add a canary stage to the deploy" ]
  [ "$(last_event '["owner"]')" = "$BOB" ]
  [ "$(last_event '["due"]')" = "2026-12-15" ]
  [ "$(last_event '["action_type"]')" = "prevent" ]
  [ "$(last_event '["link"]')" = "https://tracker.example.com/OPS-123" ]
  [ "$(last_event '["by"]')" = "Alice Example <alice@example.com>" ]
  # it changes no field of the incident
  [ "$(last_event '.get("set")')" = "null" ]
  [ "$(field 'd["status"]')" = "identification" ]
  [ "$(field 'sorted(k for k in d if k.startswith("action"))')" = "[]" ]
  # the derived action
  [ "$(actions_json 'len(a)')" = "1" ]
  [ "$(actions_json '[a[0][k] for k in ("number", "text", "owner", "due", "type", "link", "status", "added_by", "done_at", "done_by")]')" = \
    '[1, "Add a canary stage to the deploy", "Bob Ops <bob@example.com>", "2026-12-15", "prevent", "https://tracker.example.com/OPS-123", "open", "Alice Example <alice@example.com>", null, ""]' ]
  [ "$(actions_json 'a[0]["id"]')" = "$(last_event '["id"]')" ]
  [ "$(actions_json 'a[0]["added_at"]')" = "$(last_event_at)" ]
}

@test "add --json with the short options prints the event; its id is the action's id" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action add @ "Alert on the error budget" -o bob -d 2099-01-31 -t detect \
    -l https://tracker.example.com/OPS-124 --json
  assert_status 0
  [ -z "$stderr" ]
  assert_one_commit_since "$before"
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = "true" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"][k] for k in ("type", "text", "owner", "due", "action_type", "link", "by")]' <<<"$output")" = \
    '["action", "Alert on the error budget", "bob", "2099-01-31", "detect", "https://tracker.example.com/OPS-124", "Alice Example <alice@example.com>"]' ]
  [ "$(json_eval 'd["event"]["id"]' <<<"$output")" = "$(actions_json 'a[0]["id"]')" ]
  [ "$(json_eval '"set" in d["event"]' <<<"$output")" = "false" ]
}

@test "add without options records only the text; - reads it from stdin; -q prints nothing" {
  irctl -q action add "$ID" "Write the runbook"
  [ "$(last_event '["text"]')" = "Write the runbook" ]
  [ "$(field 'sorted(d["timeline"][-1])')" = '["at", "by", "id", "text", "type"]' ]
  [ "$(actions_json '[a[0][k] for k in ("owner", "due", "type", "link")]')" = '["", null, "", ""]' ]
  run --separate-stderr irctl -q action add "$ID" - <<<"Rotate the certificates with the runbook"
  assert_status 0
  [ -z "$output" ]
  [ -z "$stderr" ]
  [ "$(last_event '["text"]')" = "Rotate the certificates with the runbook" ]
  [ "$(actions_json '[x["number"] for x in a]')" = "[1, 2]" ]
  assert_clean_repo
}

@test "--due takes a span from the action's time: 14d, 2w, +3d; with --at, from then" {
  irctl -q action add "$ID" "a" --due 14d
  irctl -q action add "$ID" "b" --due 2w
  irctl -q action add "$ID" "c" --due +3d
  irctl -q action add "$ID" "d" --due 0d
  in_days() { py -S -c 'import datetime, sys; print((datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=int(sys.argv[1]))).isoformat())' "$1"; }
  [ "$(actions_json '[x["due"] for x in a]')" = "[\"$(in_days 14)\", \"$(in_days 14)\", \"$(in_days 3)\", \"$TODAY\"]" ]
  # an action recorded late with --at is due from when it was agreed, not from now
  run --separate-stderr irctl -q --at -30d action add "$ID" "e" --due 7d
  assert_status 0
  [ "$(actions_json '[x["due"] for x in a if x["text"] == "e"][0]')" = "$(in_days -23)" ]
}

@test "actions are numbered in the order added; one added with --at before the others takes its place, ids stay" {
  irctl -q action add "$ID" "first"
  irctl -q action add "$ID" "second"
  run --separate-stderr irctl action add "$ID" "third"
  assert_status 0
  [ "$stderr" = "$ID: action 3 added: third" ]
  [ "$(actions_json '[[x["number"], x["text"]] for x in a]')" = '[[1, "first"], [2, "second"], [3, "third"]]' ]
  [ "$(list_json '[[x["number"], x["text"]] for x in a]' "$ID")" = '[[1, "first"], [2, "second"], [3, "third"]]' ]
  run irctl show "$ID"
  assert_status 0
  assert_output_contains "3 of 3 open"
  first=$(actions_json 'a[0]["id"]')
  irctl -q action done "$ID" 2
  # written up after the fact, with a time before the others
  run --separate-stderr irctl --at -1d action add "$ID" "found in the review of last week"
  assert_status 0
  [ "$stderr" = "$ID: action 1 added: found in the review of last week" ]
  [ "$(actions_json '[[x["number"], x["text"], x["status"]] for x in a]')" = \
    '[[1, "found in the review of last week", "open"], [2, "first", "open"], [3, "second", "done"], [4, "third", "open"]]' ]
  [ "$(actions_json 'a[1]["id"]')" = "$first" ]
}

# --- done and reopen ---------------------------------------------------------

@test "done and reopen by number and by id: one commit each, the event names the action by its id" {
  irctl -q action add "$ID" "one" --owner alice
  irctl -q action add "$ID" "two" --owner bob
  two=$(actions_json 'a[1]["id"]')
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "Carol IC <carol@example.com>" action done "$ID" 2
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "$ID: action done 2: two" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "action-done $ID: done 2: two" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Carol IC <carol@example.com>" ]
  [ "$(last_event '["type"]')" = "action-done" ]
  [ "$(last_event '["text"]')" = "done 2: two" ]
  [ "$(last_event '["action"]')" = "$two" ]
  [ "$(actions_json '[x["status"] for x in a]')" = '["open", "done"]' ]
  [ "$(actions_json 'a[1]["done_by"]')" = "Carol IC <carol@example.com>" ]
  [ "$(actions_json 'a[1]["done_at"]')" = "$(last_event_at)" ]

  # reopen by its id, in lower case
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action reopen "$ID" "${two,,}"
  assert_status 0
  [ "$stderr" = "$ID: action reopened 2: two" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "action-reopen $ID: reopened 2: two" ]
  [ "$(last_event '["type"]')" = "action-reopen" ]
  [ "$(last_event '["action"]')" = "$two" ]
  [ "$(actions_json '[a[1]["status"], a[1]["done_at"], a[1]["done_by"]]')" = '["open", null, ""]' ]

  # done by id, --json; then by number with a unique part of the incident ID
  run --separate-stderr irctl action done "$ID" "$two" --json
  assert_status 0
  [ "$(json_eval '[d["recorded"], d["event"]["type"], d["event"]["action"], d["event"]["text"]]' <<<"$output")" = \
    "[true, \"action-done\", \"$two\", \"done 2: two\"]" ]
  irctl -q action done "${ID:13}" 1
  [ "$(actions_json '[x["status"] for x in a]')" = '["done", "done"]' ]
  # the timeline shows them
  run irctl timeline "$ID"
  assert_status 0
  assert_output_contains "action-done"
  assert_output_contains "action-reopen"
  assert_output_contains "reopened 2: two"
  assert_clean_repo
}

@test "done twice says 'already done' and commits nothing; reopen of an open action likewise" {
  irctl -q action add "$ID" "one"
  irctl -q action done "$ID" 1
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action done "$ID" 1
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "$ID: action 1 is already done" ]
  assert_no_commit_since "$before"
  run --separate-stderr irctl action done "$ID" "$(actions_json 'a[0]["id"]')" --json
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = "{\"id\": \"$ID\", \"recorded\": false}" ]
  assert_no_commit_since "$before"
  irctl -q action reopen "$ID" 1
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action reopen "$ID" 1
  assert_status 0
  [ "$stderr" = "$ID: action 1 is already open" ]
  assert_no_commit_since "$before"
}

@test "a done recorded with --at before the action was added counts, and only once" {
  irctl -q action add "$ID" "one"
  run --separate-stderr irctl --at -1h action done "$ID" 1
  assert_status 0
  [ "$(actions_json 'a[0]["status"]')" = "done" ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --at -1h action done "$ID" 1
  assert_status 0
  [ "$stderr" = "$ID: action 1 is already done" ]
  assert_no_commit_since "$before"
}

# --- bad input ---------------------------------------------------------------

@test "bad input to add exits 2, says what is wrong and changes nothing" {
  irctl -q action add "$ID" "one"
  run_unchanged --separate-stderr irctl action add "$ID" "x" --type improve
  assert_status 2
  assert_text_error
  for t in prevent mitigate detect process; do [[ "$stderr" == *"$t"* ]]; done
  run_unchanged --separate-stderr irctl action add "$ID" "x" --due 2026-02-30
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"2026-02-30"* ]]
  [[ "$stderr" == *"not a day of the calendar"* ]]
  for d in 2026-13-01 2027-02-29 soon -3d 14 2026/12/15 99999999d; do
    run_unchanged --separate-stderr irctl action add "$ID" "x" --due "$d"
    assert_status 2
    assert_text_error
  done
  run_unchanged --separate-stderr irctl action add "$ID" ""
  assert_status 2
  assert_text_error
  run_unchanged --separate-stderr irctl action add "$ID" "   "
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" - < /dev/null
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" $'two\nlines'
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" $'bell\a'
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" "x" --owner $'bob\nmallory'
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" "$(printf 'x%.0s' {1..401})"
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID"
  assert_status 2
  run_unchanged --separate-stderr irctl action add "$ID" "x" --due 2026-02-30 --json
  assert_status 2
  assert_json_error usage
  run_unchanged --separate-stderr irctl action add "$ID" "x" --type improve --json
  assert_status 2
  assert_json_error usage
  [ "$(actions_json 'len(a)')" = "1" ]
}

@test "--link takes http, https and mailto links only (any case, trimmed); any other exits 2 with a hint, nothing written" {
  run_unchanged --separate-stderr irctl action add "$ID" "x" --link "javascript:alert(document.cookie)"
  assert_status 2
  [ "$stderr" = "irctl: error: the link 'javascript:alert(document.cookie)' is not an http, https or mailto link
hint: give the address of a ticket or document, such as https://tickets.example.com/OPS-123" ]
  local l
  for l in " JavaScript:alert(1)" "javascript://%0aalert(1)" "data:text/html;base64,PHNjcmlwdD4=" "vbscript:msgbox(1)" \
    "file:///etc/passwd" "//evil.example.com/x" "tracker.example.com/OPS-1" "https:evil.example.com" "https://" \
    "mailto:" "https://x.example.com/a b" 'https://x.example.com/"onmouseover=alert(1)' "https://x.example.com/<script>"; do
    run_unchanged --separate-stderr irctl action add "$ID" "x" --link "$l"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"is not an http, https or mailto link"* ]] || { echo "$l: $stderr" >&2; return 1; }
  done
  run_unchanged --separate-stderr irctl action add "$ID" "x" --link "javascript:alert(1)" --json
  assert_status 2
  assert_json_error usage
  irctl -q action add "$ID" "a" --link "  HTTPS://Tracker.example.com/OPS-1  "
  irctl -q action add "$ID" "b" --link "mailto:security@example.com"
  irctl -q action add "$ID" "c" --link "http://wiki.example.com/Page_(disambiguation)"
  [ "$(actions_json '[x["link"] for x in a]')" = \
    '["HTTPS://Tracker.example.com/OPS-1", "mailto:security@example.com", "http://wiki.example.com/Page_(disambiguation)"]' ]
}

@test "the postmortem renders only http, https and mailto links, and none can end the link early; a hand-edited javascript: link is left out" {
  irctl -q action add "$ID" "Parentheses" --link "http://wiki.example.com/a)[click](javascript:alert(1)"
  irctl -q action add "$ID" "Edited by hand" --link "https://tracker.example.com/OPS-2"
  sed -i 's|^link = "https://tracker.example.com/OPS-2"$|link = "javascript:alert(document.cookie)"|' "$FILE"
  grep -qx 'link = "javascript:alert(document.cookie)"' "$FILE"
  git commit -qam "a link edited by hand"
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [ "$(grep '^| [12] |' <<<"$output")" = \
    "| 1 | Parentheses ([link](http://wiki.example.com/a%29[click]%28javascript:alert%281%29)) | _nobody yet_ | - | - | open |
| 2 | Edited by hand | _nobody yet_ | - | - | open |" ]
  # the action events of the timeline, as a template of one's own sees them
  # (in timeline_all: actions are bookkeeping, which timeline leaves out)
  printf '{{#timeline_all}}{{#link}}<{{link}}>{{/link}}{{/timeline_all}}\n' >"$TEST_DIR/links.md.mustache"
  run --separate-stderr irctl postmortem "$ID" --template "$TEST_DIR/links.md.mustache" --output -
  assert_status 0
  [ "$output" = "<http://wiki.example.com/a%29[click]%28javascript:alert%281%29>" ]
}

# --- edit --------------------------------------------------------------------

@test "edit changes the text, owner, due date, type and link: one action-edit event naming the action by its id" {
  irctl -q action add "$ID" "one"
  irctl -q action add "$ID" "Add a canary stage" --owner "$BOB" --due 2099-01-01 --type prevent \
    --link https://tracker.example.com/OPS-1
  two=$(actions_json 'a[1]["id"]')
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "Carol IC <carol@example.com>" action edit "$ID" 2 \
    --text "Add a canary stage to every deploy" --owner carol --due 2099-02-01 --type Detect \
    --link https://tracker.example.com/OPS-2
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "$ID: action edited 2: text = Add a canary stage to every deploy; owner = carol; due = 2099-02-01; type = detect; link = https://tracker.example.com/OPS-2" ]
  assert_one_commit_since "$before"
  # the subject is the event's text, cut short
  subject=$(git log -1 --format=%s)
  [[ "$subject" == *... ]]
  [[ "action-edit $ID: edited 2: text = Add a canary stage to every deploy; owner = carol; due = 2099-02-01; type = detect; link = https://tracker.example.com/OPS-2" == "${subject%...}"* ]]
  [ "$(last_event '["text"]')" = "edited 2: text = Add a canary stage to every deploy; owner = carol; due = 2099-02-01; type = detect; link = https://tracker.example.com/OPS-2" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Carol IC <carol@example.com>" ]
  [ "$(field 'sorted((k, v) for k, v in d["timeline"][-1].items() if k not in ("id", "at", "by", "text"))')" = \
    "[[\"action\", \"$two\"], [\"action_text\", \"Add a canary stage to every deploy\"], [\"action_type\", \"detect\"], [\"due\", \"2099-02-01\"], [\"link\", \"https://tracker.example.com/OPS-2\"], [\"owner\", \"carol\"], [\"type\", \"action-edit\"]]" ]
  [ "$(actions_json '[[x[k] for k in ("number", "id", "text", "owner", "due", "type", "link", "status", "added_by")] for x in a]')" = \
    "[[1, \"$(actions_json 'a[0]["id"]')\", \"one\", \"\", null, \"\", \"\", \"open\", \"Alice Example <alice@example.com>\"], [2, \"$two\", \"Add a canary stage to every deploy\", \"carol\", \"2099-02-01\", \"detect\", \"https://tracker.example.com/OPS-2\", \"open\", \"Alice Example <alice@example.com>\"]]" ]

  # only what changes is recorded; by its id, in lower case; --json
  run --separate-stderr irctl action edit "$ID" "${two,,}" --owner carol --due 2099-03-01 --json
  assert_status 0
  [ -z "$stderr" ]
  [ "$(json_eval '[d["recorded"], d["event"]["type"], d["event"]["text"], sorted(d["event"])]' <<<"$output")" = \
    '[true, "action-edit", "edited 2: due = 2099-03-01", ["action", "at", "by", "due", "id", "text", "type"]]' ]

  # then done: the edited values stay, and every output shows them
  irctl -q action done "$ID" 2
  run irctl action list "$ID"
  assert_status 0
  [ "$(tr -s ' ' <<<"$output")" = "INCIDENT # DUE OWNER TYPE STATUS ACTION
$ID 2 2099-03-01 carol detect done Add a canary stage to every deploy
$ID 1 - - - open one" ]
  run irctl timeline "$ID"
  assert_status 0
  assert_output_contains "action-edit"
  irctl -q resolve "$ID"
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  grep -qxF "| 2 | Add a canary stage to every deploy ([link](https://tracker.example.com/OPS-2)) | carol | 2099-03-01 | detect | done $(actions_json 'a[1]["done_at"][:10]') |" <<<"$output"
  assert_clean_repo
}

@test "edit --no-owner, --no-due, --no-type and --no-link clear; --due SPAN counts from the edit's time (--at)" {
  irctl -q action add "$ID" "Add a canary stage" --owner "$BOB" --due 2099-01-01 --type prevent \
    --link https://tracker.example.com/OPS-1
  # a span counts from the event's time: recorded ten days ago, due in four
  run --separate-stderr irctl --at -10d action edit "$ID" 1 --due 14d
  assert_status 0
  [ "$(actions_json 'a[0]["due"]')" = "$(date -u -d '+4 days' +%F)" ]
  run --separate-stderr irctl action edit "$ID" 1 --no-owner --no-type --no-link
  assert_status 0
  [ "$stderr" = "$ID: action edited 1: owner = (none); type = (none); link = (none)" ]
  [ "$(last_event '["owner"], d["timeline"][-1]["action_type"], d["timeline"][-1]["link"]')" = '["", "", ""]' ]
  [ "$(actions_json '[a[0][k] for k in ("text", "owner", "due", "type", "link")]')" = "[\"Add a canary stage\", \"\", \"$(date -u -d '+4 days' +%F)\", \"\", \"\"]" ]
  run --separate-stderr irctl action edit "$ID" 1 --no-due
  assert_status 0
  [ "$(actions_json '[a[0][k] for k in ("text", "owner", "due", "type", "link")]')" = '["Add a canary stage", "", null, "", ""]' ]
  assert_clean_repo
}

@test "edit with nothing to change says so, exits 0 and commits nothing" {
  irctl -q action add "$ID" "Add a canary stage" --owner bob --due 2099-01-01 --type prevent
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action edit "$ID" 1
  assert_status 0
  [ "$stderr" = "$ID: action 1 is already so; nothing changed" ]
  run --separate-stderr irctl action edit "$ID" 1 --text "Add a canary stage" --owner bob --due 2099-01-01 --type PREVENT --no-link
  assert_status 0
  [ "$stderr" = "$ID: action 1 is already so; nothing changed" ]
  run --separate-stderr irctl action edit "$ID" 1 --owner bob --json
  assert_status 0
  [ "$(json_eval '[d["id"], d["recorded"], "event" in d, "commit" in d]' <<<"$output")" = "[\"$ID\", false, false, false]" ]
  assert_no_commit_since "$before"
}

@test "edit dated before a later edit of the same field is refused (exit 4): it would change nothing" {
  irctl -q --at -2h action add "$ID" "Add a canary stage" --owner bob --due 2099-01-01
  irctl -q action edit "$ID" 1 --no-due
  run_unchanged --separate-stderr irctl --at -1h action edit "$ID" 1 --due 2099-02-01
  assert_status 4
  assert_text_error
  [[ "$stderr" == "irctl: error: an edit of action 1 dated "*" sets its due after "*": this edit would change nothing"* ]]
  [[ "$stderr" == *"hint: give a time after "*" with --at, or leave --at out" ]]
  # a field the later edit left alone may still be edited then
  run --separate-stderr irctl --at -1h action edit "$ID" 1 --owner carol
  assert_status 0
  run --separate-stderr irctl action list "$ID" --json
  assert_status 0
  [ "$(json_eval '[[a["owner"], a["due"]] for a in d["actions"]]' <<<"$output")" = '[["carol", null]]' ]
}

@test "edit: bad values exit 2, an unknown action 3 with the numbers there are; nothing changes" {
  run_unchanged --separate-stderr irctl action edit "$ID" 1 --owner carol
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"has no follow-up action 1 (it has none)"* ]]
  irctl -q action add "$ID" "one" --owner bob
  irctl -q action add "$ID" "two"
  run_unchanged --separate-stderr irctl action edit "$ID" 3 --owner carol
  assert_status 3
  [[ "$stderr" == *"has no follow-up action 3 (they are numbered 1 to 2)"* ]]
  run_unchanged --separate-stderr irctl action edit "$ID" ZZZZZZZZZZZZ
  assert_status 3
  for bad in "--type improve" "--due soon" "--due 2026-02-30" "--link javascript:alert(1)" "--text" \
    "--owner carol --no-owner" "--due 14d --no-due" "--type detect --no-type" "--link https://x.example --no-link" \
    "--no-text" "--bogus"; do
    read -ra args <<<"$bad"
    run_unchanged --separate-stderr irctl action edit "$ID" 1 "${args[@]}"
    assert_status 2
  done
  for option in --text --owner --due --link; do
    run_unchanged --separate-stderr irctl action edit "$ID" 1 "$option" ""
    assert_status 2
  done
  run_unchanged --separate-stderr irctl action edit "$ID" 1 --owner ""
  assert_status 2
  [[ "$stderr" == *"--owner needs a value"* ]]
  [[ "$stderr" == *"to clear the owner, give --no-owner"* ]]
  run_unchanged --separate-stderr irctl action edit "$ID" 1 --text $'two\nlines'
  assert_status 2
  run_unchanged --separate-stderr irctl action edit "$ID" 1 --type bogus --json
  assert_status 2
  assert_json_error usage
  run_unchanged --separate-stderr irctl action edit "$ID"
  assert_status 2
  [ "$(actions_json '[[x[k] for k in ("text", "owner", "due", "type", "link")] for x in a]')" = '[["one", "bob", null, "", ""], ["two", "", null, "", ""]]' ]
}

@test "an unknown action number or id exits 3 and changes nothing" {
  run_unchanged --separate-stderr irctl action done "$ID" 1
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"has no follow-up action 1 (it has none)"* ]]
  irctl -q action add "$ID" "one"
  irctl -q action add "$ID" "two"
  run_unchanged --separate-stderr irctl action done "$ID" 3
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"numbered 1 to 2"* ]]
  [[ "$stderr" == *"irctl action list $ID"* ]]
  for n in 0 99 99999999999 ZZZZZZZZZZZZ; do
    run_unchanged --separate-stderr irctl action done "$ID" "$n"
    assert_status 3
    run_unchanged --separate-stderr irctl action reopen "$ID" "$n"
    assert_status 3
  done
  run_unchanged --separate-stderr irctl action reopen "$ID" 7 --json
  assert_status 3
  assert_json_error not_found
  run_unchanged --separate-stderr irctl action done "$ID"
  assert_status 2
}

@test "an unknown incident exits 3, an ambiguous part 2, and nothing changes" {
  irctl -q action add "$ID" "one"
  for args in "add ZZZZZZ text" "done ZZZZZZ 1" "reopen ZZZZZZ 1" "list ZZZZZZ"; do
    # shellcheck disable=SC2086
    run_unchanged --separate-stderr irctl action $args
    assert_status 3
    assert_text_error
    [[ "$stderr" == *"ZZZZZZ"* ]]
  done
  run_unchanged --separate-stderr irctl action add ZZZZZZ text --json
  assert_status 3
  assert_json_error not_found
  declare_incident "Another" >/dev/null
  run_unchanged --separate-stderr irctl action add INC- "text"
  assert_status 2
}

@test "no subcommand, or an unknown one, is a usage error" {
  run_unchanged --separate-stderr irctl action
  assert_status 2
  assert_text_error
  run_unchanged --separate-stderr irctl action finish "$ID" 1
  assert_status 2
  run_unchanged --separate-stderr irctl action list --bogus
  assert_status 2
}

@test "uncommitted edits to the incident's file are never overwritten (exit 5)" {
  irctl -q action add "$ID" "one"
  echo "# my edit" >>"$FILE"
  run_unchanged --separate-stderr irctl action add "$ID" "two"
  assert_status 5
  run_unchanged --separate-stderr irctl action done "$ID" 1
  assert_status 5
  grep -qx "# my edit" "$FILE"
}

# --- list --------------------------------------------------------------------

@test "list: every incident's actions, by due date, undated last; one incident with its ID" {
  B=$(declare_incident "Login errors" --service auth)
  C=$(declare_incident "Disk full on db-3")
  irctl -q action add "$ID" "a-2099" --due 2099-03-01 --owner "$BOB" --type prevent
  irctl -q action add "$B" "b-undated"
  irctl -q action add "$B" "b-2098" --due 2098-01-01
  irctl -q action add "$C" "c-2099-06" --due 2099-06-01
  irctl -q action add "$ID" "a-undated"
  irctl -q action add "$C" "c-2097" --due 2097-12-31 --type process
  run --separate-stderr irctl action list
  assert_status 0
  [[ "${lines[0]}" =~ ^INCIDENT\ +#\ +DUE\ +OWNER\ +TYPE\ +STATUS\ +ACTION$ ]]
  [ "$(tail -n +2 <<<"$output" | awk '{print $NF}' | tr '\n' ' ')" = \
    "c-2097 b-2098 a-2099 c-2099-06 $(printf '%s\n' "$ID a-undated" "$B b-undated" | sort | cut -d' ' -f2 | tr '\n' ' ')" ]
  grep -Eq "^$ID +1 +2099-03-01 +Bob Ops +prevent +open +a-2099$" <<<"$output"
  grep -Eq "^$B +1 +- +- +- +open +b-undated$" <<<"$output"
  grep -Eq "^$C +2 +2097-12-31 +- +process +open +c-2097$" <<<"$output"
  # --json: the same order, with the incident
  [ "$(list_json '[x["text"] for x in a][:4]')" = '["c-2097", "b-2098", "a-2099", "c-2099-06"]' ]
  [ "$(list_json '[[x["incident"], x["incident_title"], x["incident_status"], x["number"]] for x in a if x["text"] == "b-2098"][0]')" = \
    "[\"$B\", \"Login errors\", \"identification\", 2]" ]
  [ "$(list_json 'sorted(a[0].keys())')" = \
    '["added_at", "added_by", "done_at", "done_by", "due", "id", "incident", "incident_status", "incident_title", "link", "number", "overdue", "owner", "status", "text", "type"]' ]
  # one incident
  [ "$(list_json '[x["text"] for x in a]' "${C:13}")" = '["c-2097", "c-2099-06"]' ]
  run --separate-stderr irctl action list @
  assert_status 0
  [ "$(tail -n +2 <<<"$output" | awk '{print $NF}' | tr '\n' ' ')" = "c-2097 c-2099-06 " ]
  # reading changes nothing
  run_unchanged irctl action list
  assert_status 0
}

@test "list with nothing to list says so on stderr and exits 0" {
  run --separate-stderr irctl action list
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "No actions match." ]
  run --separate-stderr irctl action list --json
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = '{"actions": [], "problems": []}' ]
}

@test "list --open leaves out the actions that are done" {
  irctl -q action add "$ID" "one" --due 2099-01-01
  irctl -q action add "$ID" "two" --due 2099-01-02
  irctl -q action add "$ID" "three"
  irctl -q action done "$ID" 2
  run --separate-stderr irctl action list
  assert_status 0
  grep -Eq " +done +two$" <<<"$output"
  [ "$(list_json '[x["text"] for x in a]' --open)" = '["one", "three"]' ]
  run --separate-stderr irctl action list --open
  assert_status 0
  [ "$(awk 'NR > 1 { print $2, $NF }' <<<"$output")" = $'1 one\n3 three' ]
}

@test "list --overdue: open actions due before today; exit 6 while there are any, 0 when none" {
  irctl -q action add "$ID" "late" --due 2020-01-01 --owner bob
  irctl -q action add "$ID" "late but done" --due 2020-01-02
  irctl -q action add "$ID" "due today" --due "$TODAY"
  irctl -q action add "$ID" "due later" --due 2099-01-01
  irctl -q action add "$ID" "undated"
  irctl -q action done "$ID" 2
  B=$(declare_incident "Login errors")
  irctl -q action add "$B" "also late" --due 2021-06-30
  # the whole list marks them
  run --separate-stderr irctl action list
  assert_status 0
  grep -Eq "^$ID +1 +2020-01-01 +bob +- +overdue +late$" <<<"$output"
  grep -Eq " +done +late but done$" <<<"$output"
  grep -Eq " +open +due today$" <<<"$output"
  [ "$(list_json '[x["text"] for x in a if x["overdue"]]')" = '["late", "also late"]' ]
  # --overdue lists only them, and exits 6
  run --separate-stderr irctl action list --overdue
  assert_status 6
  [ "$(tail -n +2 <<<"$output" | awk '{print $NF}' | tr '\n' ' ')" = "late late " ]
  grep -Eq "^$B +1 +2021-06-30 +- +- +overdue +also late$" <<<"$output"
  [ -z "$stderr" ]
  run --separate-stderr irctl action list --overdue --json
  assert_status 6
  [ -z "$stderr" ]
  [ "$(json_eval '[[x["text"], x["overdue"], x["status"]] for x in d["actions"]]' <<<"$output")" = \
    '[["late", true, "open"], ["also late", true, "open"]]' ]
  run --separate-stderr irctl action list "$B" --overdue
  assert_status 6
  [ "$(tail -n +2 <<<"$output" | wc -l)" -eq 1 ]
  # done with them: exit 0
  irctl -q action done "$ID" 1
  irctl -q action done "$B" 1
  run --separate-stderr irctl action list --overdue
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "No overdue actions." ]
  run --separate-stderr irctl action list --overdue --json
  assert_status 0
  [ "$(json_eval 'd["actions"]' <<<"$output")" = "[]" ]
  # reopened, it is overdue again
  irctl -q action reopen "$B" 1
  run irctl action list --overdue
  assert_status 6
}

@test "list --overdue exits 0 in a repository without any action, and with only undated ones" {
  run --separate-stderr irctl action list --overdue
  assert_status 0
  irctl -q action add "$ID" "undated"
  irctl -q --at -400d action add "$ID" "added long ago, undated"
  run --separate-stderr irctl action list --overdue
  assert_status 0
}

@test "list reports an incident file it cannot read (exit 65, also over 6) and lists the others' actions" {
  irctl -q action add "$ID" "late" --due 2020-01-01
  B=$(declare_incident "Login errors")
  irctl -q action add "$B" "theirs" --due 2020-01-02
  BFILE=$(incident_path "$B")
  sed -i 's/^title = .*/title = 3/' "$BFILE"
  git commit -qam "break it"
  run --separate-stderr irctl action list --overdue
  assert_status 65
  grep -Eq "^$ID +1 +2020-01-01 +- +- +overdue +late$" <<<"$output"
  refute_output_contains "theirs"
  [[ "$stderr" == *"$BFILE:"*"'title' must be a string"* ]]
  [[ "$stderr" == *"irctl: error: 1 incident file(s) could not be read"* ]]
  run --separate-stderr irctl action list --json
  assert_status 65
  [ "$(json_eval '[x["text"] for x in d["actions"]]' <<<"$output")" = '["late"]' ]
  [ "$(json_eval '[p["path"] for p in d["problems"]]' <<<"$output")" = "[\"$BFILE\"]" ]
  assert_json_error data
}

@test "list --owner matches the name, the email or both, in any case, never a part of one" {
  irctl -q action add "$ID" "full" --owner "Alice Example <alice@example.com>"
  irctl -q action add "$ID" "name" --owner "alice"
  irctl -q action add "$ID" "email" --owner "alice@example.com"
  irctl -q action add "$ID" "other" --owner "Alicia Keys <alicia@example.com>"
  irctl -q action add "$ID" "nobody"
  owned() { list_json 'sorted(x["text"] for x in a)' --owner "$1"; }
  [ "$(owned alice)" = '["name"]' ]
  [ "$(owned ALICE)" = '["name"]' ]
  [ "$(owned "Alice Example")" = '["full"]' ]
  [ "$(owned "alice example")" = '["full"]' ]
  [ "$(owned alice@example.com)" = '["email", "full"]' ]
  [ "$(owned ALICE@EXAMPLE.COM)" = '["email", "full"]' ]
  [ "$(owned "Alice Example <alice@example.com>")" = '["full"]' ]
  [ "$(owned "alice EXAMPLE <Alice@Example.com>")" = '["full"]' ]
  [ "$(owned "Alicia Keys")" = '["other"]' ]
  # not a substring
  for part in ali Alic "Alice Ex" example.com alice@example "Example" "<alice@example.com>" lice; do
    [ "$(owned "$part")" = "[]" ]
  done
  # with the other filters
  irctl -q action done "$ID" 2
  [ "$(list_json 'sorted(x["text"] for x in a)' --owner alice@example.com --open)" = '["email", "full"]' ]
  [ "$(list_json '[x["text"] for x in a]' --owner alice --open)" = '[]' ]
  run --separate-stderr irctl action list --owner nobody-at-all
  assert_status 0
  [ "$stderr" = "No actions match." ]
}

# --- the incident's other views -------------------------------------------------

@test "closed incidents accept actions, done and reopen" {
  irctl -q resolve "$ID" --summary "Deploy 4711 leaked connections"
  irctl -q close "$ID" --force
  [ "$(field 'd["status"]')" = "closed" ]
  run_unchanged --separate-stderr irctl note "$ID" "late note"
  assert_status 4
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action add "$ID" "Add a canary stage" --owner bob --due 2099-01-01
  assert_status 0
  assert_one_commit_since "$before"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl action done "$ID" 1
  assert_status 0
  assert_one_commit_since "$before"
  irctl -q action reopen "$ID" 1
  [ "$(field 'd["status"]')" = "closed" ]
  [ "$(list_json '[[x["text"], x["status"], x["incident_status"]] for x in a]')" = '[["Add a canary stage", "open", "closed"]]' ]
}

@test "close warns of the open actions, with their numbers, owners and due dates" {
  irctl -q action add "$ID" "Add a canary stage" --owner "$BOB" --due 2099-01-01
  irctl -q action add "$ID" "Write the runbook"
  irctl -q action add "$ID" "Alert on the error budget" --owner carol
  irctl -q action done "$ID" 2
  irctl -q resolve "$ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID" --force
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"warning: $ID has 2 open follow-up actions (irctl action list $ID):"* ]]
  [[ "$stderr" == *"  1. Add a canary stage (Bob Ops <bob@example.com>), due 2099-01-01"* ]]
  [[ "$stderr" == *"  3. Alert on the error budget (carol)"* ]]
  [[ "$stderr" != *"Write the runbook"* ]]
  [ "$(field 'd["status"]')" = "closed" ]
  # closing again changes nothing, and reminds again
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID"
  assert_status 0
  assert_no_commit_since "$before"
  [[ "$stderr" == *"already closed"* ]]
  [[ "$stderr" == *"has 2 open follow-up actions"* ]]
  # the warning is a warning: -q keeps it, --json leaves it out
  irctl -q reopen "$ID" --reason "one more"
  irctl -q resolve "$ID"
  run --separate-stderr irctl -q close "$ID" --force
  assert_status 0
  [[ "$stderr" == *"has 2 open follow-up actions"* ]]
  irctl -q reopen "$ID" --reason "one more"
  irctl -q resolve "$ID"
  run --separate-stderr irctl close "$ID" --force --json
  assert_status 0
  [ -z "$stderr" ]
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = "true" ]
}

@test "close with one open action says 'action', and says nothing when all are done" {
  irctl -q action add "$ID" "Only one"
  irctl -q resolve "$ID"
  run --separate-stderr irctl close "$ID" --force
  assert_status 0
  [[ "$stderr" == *"has 1 open follow-up action (irctl action list $ID):"* ]]
  [[ "$stderr" == *"  1. Only one"* ]]
  irctl -q action done "$ID" 1
  irctl -q reopen "$ID" --reason "again"
  irctl -q resolve "$ID"
  run --separate-stderr irctl close "$ID" --force
  assert_status 0
  # no warning about follow-up actions
  [ "$stderr" = "$ID: closed without a postmortem" ]
}

@test "show has an actions row: open, overdue, of how many; show --json and list --json have the actions" {
  run --separate-stderr irctl show "$ID"
  assert_status 0
  [ "$(grep -c '^  actions ' <<<"$output")" -eq 0 ]
  [ "$(actions_json 'a')" = "[]" ]
  irctl -q action add "$ID" "late" --due 2020-01-01 --owner bob --type mitigate
  irctl -q action add "$ID" "later" --due 2099-01-01
  irctl -q action add "$ID" "done one"
  irctl -q action done "$ID" 3
  run --separate-stderr irctl show "$ID"
  assert_status 0
  grep -Eq "^  actions +2 of 3 open, 1 overdue \(irctl action list $ID\)$" <<<"$output"
  irctl -q action done "$ID" 1
  run --separate-stderr irctl show "$ID"
  assert_status 0
  grep -Eq "^  actions +1 of 3 open \(irctl action list $ID\)$" <<<"$output"
  # JSON: every field, overdue computed for today
  [ "$(actions_json '[[x["number"], x["text"], x["status"], x["overdue"]] for x in a]')" = \
    '[[1, "late", "done", false], [2, "later", "open", false], [3, "done one", "done", false]]' ]
  [ "$(actions_json 'sorted(a[0].keys())')" = \
    '["added_at", "added_by", "done_at", "done_by", "due", "id", "link", "number", "overdue", "owner", "status", "text", "type"]' ]
  [ "$(actions_json '[a[0]["type"], a[0]["owner"], a[0]["due"], a[0]["done_by"]]')" = \
    '["mitigate", "bob", "2020-01-01", "Alice Example <alice@example.com>"]' ]
  irctl -q action reopen "$ID" 1
  [ "$(actions_json 'a[0]["overdue"]')" = "true" ]
  out=$(irctl list --json)
  [ "$(json_eval "[[x['text'], x['overdue']] for i in d['incidents'] if i['id'] == '$ID' for x in i['actions']]" <<<"$out")" = \
    '[["late", true], ["later", false], ["done one", false]]' ]
}

@test "the postmortem has a table of the actions; rendering again after action done updates it and keeps the prose" {
  irctl -q action add "$ID" "Add a canary stage" --owner "$BOB" --due 2099-01-01 --type prevent \
    --link https://tracker.example.com/OPS-123
  irctl -q action add "$ID" "Write the runbook" --type process
  irctl -q action add "$ID" "Alert on the error budget" --owner carol --due 2099-02-01
  irctl -q resolve "$ID" --summary "Deploy 4711 leaked connections"
  irctl -q postmortem "$ID"
  PM="postmortems/$ID.md"
  table=$(sed -n '/^## Follow-up actions$/,/^## Lessons learned$/p' "$PM")
  grep -qxF '| # | Action | Owner | Due | Type | Status |' <<<"$table"
  grep -qxF '| 1 | Add a canary stage ([link](https://tracker.example.com/OPS-123)) | Bob Ops | 2099-01-01 | prevent | open |' <<<"$table"
  grep -qxF '| 2 | Write the runbook | _nobody yet_ | - | process | open |' <<<"$table"
  grep -qxF '| 3 | Alert on the error budget | carol | 2099-02-01 | - | open |' <<<"$table"
  [ "$(grep -c '^| [0-9]' <<<"$table")" -eq 3 ]
  [ "$(grep -c "No follow-up actions yet" "$PM")" -eq 0 ]

  # write prose by hand, commit it with git
  py -S - "$PM" <<'EOF'
import sys
p = sys.argv[1]
t = open(p).read()
placeholder = "_Anything about the follow-up work that the table does not say._\n"
assert t.count(placeholder) == 1
t = t.replace(placeholder, "The canary needs the new deploy pipeline first.\n")
open(p, "w").write(t)
EOF
  git commit -q -am "postmortem: notes on the follow-ups"

  irctl -q action done "$ID" 1
  done_date=$(actions_json 'a[0]["done_at"][:10]')
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  grep -qxF "| 1 | Add a canary stage ([link](https://tracker.example.com/OPS-123)) | Bob Ops | 2099-01-01 | prevent | done $done_date |" "$PM"
  grep -qxF '| 3 | Alert on the error budget | carol | 2099-02-01 | - | open |' "$PM"
  [ "$(sed -n '/^## Follow-up actions$/,/^## Lessons learned$/p' "$PM" | tail -n 5)" = "$(printf '%s\n' \
    "| 3 | Alert on the error budget | carol | 2099-02-01 | - | open |" "" \
    "The canary needs the new deploy pipeline first." "" "## Lessons learned")" ]
  # a preview of the security template has the table too
  run --separate-stderr irctl postmortem "$ID" --template postmortem-security --output -
  assert_status 0
  assert_output_contains "| 1 | Add a canary stage ([link](https://tracker.example.com/OPS-123)) | Bob Ops | 2099-01-01 | prevent | done $done_date |"
}

@test "the postmortem of an incident without actions says how to add them" {
  irctl -q resolve "$ID"
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  assert_output_contains "_No follow-up actions yet: irctl action add $ID TEXT --owner NAME --due DATE --type prevent|mitigate|detect|process._"
  refute_output_contains "| # | Action |"
}

@test "the incident file stays valid TOML 1.0 (Python's tomllib) with every kind of action event" {
  irctl -q action add "$ID" 'Quotes "like this", a backslash \ and a tab-free line' --owner 'Zoë Ünal <zoe@example.com>' \
    --due 2099-01-01 --type detect --link 'https://tracker.example.com/browse/OPS-1?a=1&b=[2]'
  irctl -q action add "$ID" "Ünïcödé ✓ and # not a comment" --type mitigate
  irctl -q action done "$ID" 1
  irctl -q action reopen "$ID" 1
  irctl -q action done "$ID" 2
  [ "$(field '[e["type"] for e in d["timeline"]]')" = \
    '["declare", "action", "action", "action-done", "action-reopen", "action-done"]' ]
  [ "$(field 'd["timeline"][1]["text"]')" = 'Quotes "like this", a backslash \ and a tab-free line' ]
  [ "$(field 'd["timeline"][1]["owner"]')" = 'Zoë Ünal <zoe@example.com>' ]
  [ "$(field 'd["timeline"][1]["link"]')" = 'https://tracker.example.com/browse/OPS-1?a=1&b=[2]' ]
  [ "$(field 'd["timeline"][2]["text"]')" = "Ünïcödé ✓ and # not a comment" ]
  [ "$(field 'd["timeline"][3]["action"] == d["timeline"][1]["id"] == d["timeline"][4]["action"]')" = "true" ]
  [ "$(field 'd["timeline"][5]["action"] == d["timeline"][2]["id"]')" = "true" ]
  [ "$(field 'all(isinstance(e["due"], str) for e in d["timeline"] if "due" in e)')" = "true" ]
  [ "$(field 'sorted(set(d["timeline"][3]) - {"id", "at", "by", "type", "text"})')" = '["action"]' ]
  [ "$(actions_json '[x["status"] for x in a]')" = '["open", "done"]' ]
  assert_clean_repo
}

@test "the completion offers the subcommands, the types and the list options" {
  run irctl __complete action ""
  assert_status 0
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "add done reopen edit list " ]
  run irctl __complete action add --type ""
  assert_status 0
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "prevent mitigate detect process " ]
  run irctl __complete action add "$ID" "some text" -t ""
  assert_status 0
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "prevent mitigate detect process " ]
  # the timeline's --type still offers the event types, among them the action's
  run irctl __complete timeline "$ID" --type ""
  assert_status 0
  for t in note action action-done action-reopen; do grep -qx "$t" <<<"$(cut -f1 <<<"$output")"; done
  run irctl __complete action list --
  assert_status 0
  for o in --open --overdue --owner; do grep -qx -- "$o" <<<"$(cut -f1 <<<"$output")"; done
  run irctl __complete action add --
  assert_status 0
  for o in --owner --due --type --link; do grep -qx -- "$o" <<<"$(cut -f1 <<<"$output")"; done
  run irctl __complete action edit --
  assert_status 0
  for o in --text --owner --due --type --link --no-owner --no-due --no-type --no-link; do
    grep -qx -- "$o" <<<"$(cut -f1 <<<"$output")"
  done
  # edit offers every action's number, open or done
  irctl -q action add "$ID" "one"
  irctl -q action add "$ID" "two"
  irctl -q action done "$ID" 1
  run irctl __complete action edit "$ID" ""
  assert_status 0
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 2 " ]
  # incident IDs where an incident goes
  run irctl __complete action add ""
  assert_status 0
  grep -q "^$ID" <<<"$output"
  run irctl __complete action list ""
  assert_status 0
  grep -q "^$ID" <<<"$output"
}
