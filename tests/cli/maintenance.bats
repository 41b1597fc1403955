#!/usr/bin/env bats
# Scheduled maintenance (issue 17): irctl maintenance add|list|cancel|ical.
# Each window is a file maintenance/YYYY/MNT-….toml and each change one
# commit; bad input is refused with its message and changes nothing; the
# branch layout keeps the windows on its branch; the iCalendar feed parses.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  add_services
}
teardown() { common_teardown; }

# When the windows below were scheduled (--at): fixed, so that whole files compare.
AT=2026-01-02T09:30:00Z

# Appends the services checkout and search to the configuration of the
# current directory and commits them.
add_services() {
  printf '\n[[service]]\nname = "checkout"\nteam = "payments"\n\n[[service]]\nname = "search"\n' >>.irctl/config.toml
  git commit -qm "the services" .irctl/config.toml
}

# Usage: schedule ARGS... — irctl maintenance add ARGS at $AT; prints the ID.
schedule() { irctl --at "$AT" maintenance add "$@" 2>/dev/null; }

@test "add prints the ID and commits the window's file, one commit with the Maintenance trailer" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --at "$AT" maintenance add Database upgrade --service checkout,search \
    --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z --text $'Checkout may be slow.\nSearch too.'
  assert_status 0
  [[ "$output" =~ ^MNT-20991205-[0-9A-HJKMNP-TV-Z]{6}$ ]]
  id=$output
  [ "$stderr" = "Scheduled $id (2099-12-05 02:00 to 04:00 UTC, checkout, search): Database upgrade" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%B)" = "maintenance $id: add \"Database upgrade\"

Maintenance: $id" ]
  [ "$(TZ=UTC git log -1 --format='%an <%ae> %ad' --date=format-local:%Y-%m-%dT%H:%M:%SZ)" = \
    "Alice Example <alice@example.com> 2026-01-02T09:30:00Z" ]
  [ "$(git show --name-only --format= HEAD)" = "maintenance/2099/$id.toml" ]
  [ "$(cat "maintenance/2099/$id.toml")" = "# irctl maintenance window; its format is described in irctl-format(5).
schema = 1
id = \"$id\"
title = \"Database upgrade\"
text = \"Checkout may be slow.\\nSearch too.\"
services = [\"checkout\", \"search\"]
starts_at = 2099-12-05T02:00:00Z
ends_at = 2099-12-05T04:00:00Z
created_at = 2026-01-02T09:30:00Z
created_by = \"Alice Example <alice@example.com>\"" ]
}

@test "a time from now counts from --at when it is given: a window recorded afterwards (--force)" {
  run --separate-stderr irctl -q --at 2026-03-10T10:00:00Z maintenance add "Failover drill" --service checkout \
    --start -1h --end +30m --force
  assert_status 0
  id=$output
  [ "$(grep -E '^(starts|ends)_at' "maintenance/2026/$id.toml")" = "starts_at = 2026-03-10T09:00:00Z
ends_at = 2026-03-10T10:30:00Z" ]
}

@test "list shows the windows scheduled or in progress by start; --all adds completed and cancelled ones" {
  late=$(schedule "Search reindex" --service search --start 2099-12-06T01:00:00Z --end 2099-12-06T03:00:00Z)
  early=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  # in progress now: times from now count from --at when given, so this one is recorded now
  now=$(irctl -q maintenance add "Cache flush" --service checkout --start -1h --end +1h)
  past=$(schedule "Old migration" --service checkout --start 2020-03-01T22:00:00Z --end 2020-03-02T01:00:00Z --force)
  gone=$(schedule "Load balancer swap" --service search --start 2099-12-07T01:00:00Z --end 2099-12-07T02:00:00Z)
  run --separate-stderr irctl maintenance cancel "$gone" --reason "The vendor postponed it"
  assert_status 0
  run --separate-stderr irctl --json maintenance list
  assert_status 0
  [ "$(json_eval '[[w["id"], w["state"]] for w in d["maintenance"]]' <<<"$output")" = \
    "[[\"$now\", \"in_progress\"], [\"$early\", \"scheduled\"], [\"$late\", \"scheduled\"]]" ]
  run --separate-stderr irctl --json maintenance list --all
  assert_status 0
  [ "$(json_eval '[[w["id"], w["state"]] for w in d["maintenance"]]' <<<"$output")" = \
    "[[\"$past\", \"completed\"], [\"$now\", \"in_progress\"], [\"$early\", \"scheduled\"], [\"$late\", \"scheduled\"], [\"$gone\", \"cancelled\"]]" ]
  # the table, without the window whose times are relative
  run --separate-stderr irctl maintenance cancel "$now" --reason "Done early"
  assert_status 0
  run --separate-stderr irctl maintenance list
  assert_status 0
  [ "$stderr" = "" ]
  [ "$output" = "ID                   STATE      STARTS            ENDS              SERVICES  TITLE
$early  scheduled  2099-12-05 02:00  2099-12-05 04:00  checkout  Database upgrade
$late  scheduled  2099-12-06 01:00  2099-12-06 03:00  search    Search reindex" ]
}

@test "list says so when nothing is scheduled" {
  run --separate-stderr irctl maintenance list
  assert_status 0
  [ "$output" = "" ]
  [ "$stderr" = "No maintenance scheduled or in progress (--all shows past ones)." ]
  run --separate-stderr irctl maintenance list --all
  assert_status 0
  [ "$stderr" = "No maintenance windows." ]
  run --separate-stderr irctl --json maintenance list --all
  assert_status 0
  [ "$output" = '{
  "maintenance": []
}' ]
}

@test "cancel by a unique part of the ID records when and why, one commit" {
  id=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --at 2026-01-03T08:00:00Z maintenance cancel "${id: -6}" --reason "The vendor postponed it"
  assert_status 0
  [ "$output" = "" ]
  [ "$stderr" = "Cancelled $id (2099-12-05 02:00 to 04:00 UTC): Database upgrade" ]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%B)" = "maintenance $id: cancel \"Database upgrade\"

Maintenance: $id" ]
  [ "$(tail -n 2 "maintenance/2099/$id.toml")" = 'cancelled_at = 2026-01-03T08:00:00Z
cancel_reason = "The vendor postponed it"' ]
}

@test "--json: add and cancel print the window and the commit; every state's shape" {
  run --separate-stderr irctl --at "$AT" --json maintenance add "Database upgrade" --service checkout \
    --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z
  assert_status 0
  [ "$stderr" = "" ]
  id=$(json_eval 'd["id"]' <<<"$output")
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["path"], d["maintenance"]]' <<<"$output")" = "[\"maintenance/2099/$id.toml\", {\"id\": \"$id\", \"title\": \"Database upgrade\", \"text\": \"\", \"services\": [\"checkout\"], \"starts_at\": \"2099-12-05T02:00:00Z\", \"ends_at\": \"2099-12-05T04:00:00Z\", \"state\": \"scheduled\", \"created_at\": \"2026-01-02T09:30:00Z\", \"created_by\": \"Alice Example <alice@example.com>\", \"cancelled_at\": null, \"cancel_reason\": null, \"path\": \"maintenance/2099/$id.toml\"}]" ]
  run --separate-stderr irctl --at 2026-01-03T08:00:00Z --json maintenance cancel "$id" --reason "Postponed"
  assert_status 0
  [ "$(json_eval '[sorted(d), d["id"], d["maintenance"]["state"], d["maintenance"]["cancelled_at"], d["maintenance"]["cancel_reason"]]' <<<"$output")" = \
    "[[\"commit\", \"id\", \"maintenance\", \"path\"], \"$id\", \"cancelled\", \"2026-01-03T08:00:00Z\", \"Postponed\"]" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
}

@test "ical prints the feed: CRLF, escaped, folded, a cancelled window as CANCELLED; --output writes the same" {
  a=$(schedule "Upgrade: db, cache; C:\\tmp" --service checkout,search --start 2099-12-05T02:00:00Z \
    --end 2099-12-05T04:00:00Z --text "Checkout may be slow.")
  b=$(schedule "Replacing the payment gateways database cluster in Frankfurt and Zürich (Schweiz), then Köln" \
    --service search --start 2099-12-06T02:00:00Z --end 2099-12-06T04:00:00Z)
  run --separate-stderr irctl maintenance cancel "$b" --reason "Postponed"
  assert_status 0
  before=$(repo_state)
  run --separate-stderr irctl maintenance ical
  assert_status 0
  [ "$(repo_state)" = "$before" ]
  # every line ends with CRLF; DTSTAMP is the time of the command
  [ "$(tr -d '\r' <<<"$output" | grep -c .)" -eq "$(grep -c $'\r$' <<<"$output")" ]
  [[ "$(grep '^DTSTAMP:' <<<"$output" | head -1)" =~ ^DTSTAMP:[0-9]{8}T[0-9]{6}Z$'\r'$ ]]
  [ "$(tr -d '\r' <<<"$output" | grep -v '^DTSTAMP:')" = "BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//irctl//maintenance//EN
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:Scheduled maintenance
BEGIN:VEVENT
UID:$a@irctl
DTSTART:20991205T020000Z
DTEND:20991205T040000Z
SUMMARY:Upgrade: db\\, cache\\; C:\\\\tmp
DESCRIPTION:Checkout may be slow.\\n\\nServices: checkout\\, search
STATUS:CONFIRMED
SEQUENCE:0
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:$b@irctl
DTSTART:20991206T020000Z
DTEND:20991206T040000Z
SUMMARY:Replacing the payment gateways database cluster in Frankfurt and Z
 ürich (Schweiz)\\, then Köln
DESCRIPTION:Services: search
STATUS:CANCELLED
SEQUENCE:1
TRANSP:TRANSPARENT
END:VEVENT
END:VCALENDAR" ]
  feed=$output
  run --separate-stderr irctl maintenance ical --output public/maintenance.ics
  assert_status 0
  [ "$stderr" = "Wrote public/maintenance.ics" ]
  [ "$(grep -v '^DTSTAMP:' public/maintenance.ics)" = "$(grep -v '^DTSTAMP:' <<<"$feed")" ]
  rm -r public
  # a parser reads it back (python3-icalendar, from scripts/install-deps)
  run py - "$feed" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.argv[1])
for e in cal.walk("VEVENT"):
    print(e["UID"], e["STATUS"], e["SUMMARY"], e.decoded("DTSTART").isoformat(), sep="|")
PY
  assert_status 0
  [ "$output" = "$a@irctl|CONFIRMED|Upgrade: db, cache; C:\\tmp|2099-12-05T02:00:00+00:00
$b@irctl|CANCELLED|Replacing the payment gateways database cluster in Frankfurt and Zürich (Schweiz), then Köln|2099-12-06T02:00:00+00:00" ]
}

@test "add refuses bad input with its message, and commits nothing" {
  local cases=(
    "unknown service 'billing'|hint: the services of .irctl/config.toml: checkout, search|x --service billing --start +1h --end +2h"
    "the window must end after it starts: --end 2099-12-05 02:00 UTC is not after --start 2099-12-05 02:00 UTC|hint: give an --end later than --start|x --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T02:00:00Z"
    "the window is in the past: it ended at 2020-03-02 01:00 UTC|hint: maintenance is announced ahead of time; to record a window that is over, give --force|x --service checkout --start 2020-03-01T22:00:00Z --end 2020-03-02T01:00:00Z"
    "the title is empty|hint: give the title|  --service checkout --start +1h --end +2h"
    "invalid time 'tomorrow': expected a date like 2026-11-28|hint: use RFC 3339 such as 2026-12-05T02:00:00Z, or a time from now such as +2h, +1d12h or -15m|x --service checkout --start tomorrow --end +2h"
    "invalid time '+2x': a time ahead is + and a number and a unit (s, m, h, d, w)|hint: use RFC 3339 such as 2026-12-05T02:00:00Z, or a time from now such as +2h, +1d12h or -15m|x --service checkout --start +1h --end +2x"
  )
  local c message hint args
  for c in "${cases[@]}"; do
    IFS='|' read -r message hint args <<<"$c"
    read -ra words <<<"$args"
    [ "${words[0]}" = x ] && words[0]="Database upgrade" || words=("" "${words[@]}")
    run_unchanged --separate-stderr irctl maintenance add "${words[@]}"
    assert_status 2
    assert_text_error
    [ "$stderr" = "irctl: error: $message
$hint" ] || { echo "for $args, stderr was: $stderr" >&2; return 1; }
  done
  # a required option left out: CLI usage, exit 2
  run_unchanged --separate-stderr irctl maintenance add "Database upgrade" --service checkout --start +1h
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--end is required"* ]]
}

@test "add with no service in the configuration says how to add one" {
  git checkout -q HEAD~1 -- .irctl/config.toml
  git commit -qm "no services" .irctl/config.toml
  run_unchanged --separate-stderr irctl maintenance add "Database upgrade" --service checkout --start +1h --end +2h
  assert_status 2
  [ "$stderr" = "irctl: error: unknown service 'checkout'
hint: the configuration names no service: add a [[service]] to .irctl/config.toml (see irctl-config(5)) and commit it" ]
}

@test "cancel refuses an unknown, ambiguous, cancelled or finished window, and a missing reason" {
  a=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  b=$(schedule "Search reindex" --service search --start 2099-12-05T05:00:00Z --end 2099-12-05T06:00:00Z)
  old=$(schedule "Old migration" --service checkout --start 2020-03-01T22:00:00Z --end 2020-03-02T01:00:00Z --force)
  irctl -q maintenance cancel "$b" --reason "Postponed"
  run_unchanged --separate-stderr irctl maintenance cancel ZZZZZZ --reason "x"
  assert_status 3
  [ "$stderr" = "irctl: error: no maintenance window matches 'ZZZZZZ'
hint: list them with 'irctl maintenance list --all'" ]
  run_unchanged --separate-stderr irctl maintenance cancel MNT-2099 --reason "x"
  assert_status 2
  [ "$stderr" = "irctl: error: 'MNT-2099' matches 2 maintenance windows: $(printf '%s\n' "$a" "$b" | sort | paste -sd, | sed 's/,/, /')
hint: type more of the ID" ]
  run_unchanged --separate-stderr irctl maintenance cancel "$b" --reason "again"
  assert_status 4
  [[ "$stderr" == "irctl: error: $b was cancelled already, at "*" UTC
hint: nothing was written" ]]
  run_unchanged --separate-stderr irctl maintenance cancel "$old" --reason "too late"
  assert_status 4
  [ "$stderr" = "irctl: error: $old ended at 2020-03-02 01:00 UTC: there is nothing left to cancel
hint: nothing was written" ]
  run_unchanged --separate-stderr irctl maintenance cancel "$a"
  assert_status 2
  [[ "$stderr" == *"--reason is required"* ]]
  run_unchanged --separate-stderr irctl maintenance cancel "$a" --reason "  "
  assert_status 2
  [ "$stderr" = "irctl: error: the reason is empty
hint: give the reason" ]
}

@test "a window's file broken by hand: list and ical name it (exit 65), cancel refuses to commit on top of it" {
  id=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  sed -i 's/^ends_at = .*/ends_at = 2099-12-05T01:00:00Z/' "maintenance/2099/$id.toml"
  git commit -qam "a hand edit"
  run_unchanged --separate-stderr irctl maintenance list
  assert_status 65
  [ "$stderr" = "irctl: error: maintenance/2099/$id.toml:8:11: 'ends_at' must be after 'starts_at'
hint: fix maintenance/2099/$id.toml (see irctl-format(5)), then commit it" ]
  run_unchanged --separate-stderr irctl maintenance ical
  assert_status 65
  run_unchanged --separate-stderr irctl maintenance cancel "$id" --reason "x"
  assert_status 65
}

@test "uncommitted edits of a window's file are never overwritten" {
  id=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  sed -i 's/^text = .*/text = "Edited, not committed"/' "maintenance/2099/$id.toml"
  run_unchanged --separate-stderr irctl maintenance cancel "$id" --reason "Postponed"
  assert_status 5
  assert_text_error
}

@test "branch layout: the windows live on the incidents branch; the code's HEAD, index and work tree are untouched" {
  CODE="$TEST_DIR/code"
  git init -q -b main "$CODE"
  set_identity "$CODE" "Alice Example" alice@example.com
  cd "$CODE"
  printf 'print("hello")\n' >app.py
  git add app.py && git commit -qm "the code"
  printf 'work in progress\n' >>app.py
  irctl -q init --branch incidents
  git worktree add -q "$TEST_DIR/config" incidents
  (cd "$TEST_DIR/config" && add_services)
  git worktree remove "$TEST_DIR/config"
  head=$(git rev-parse HEAD)
  status_before=$(git status --porcelain)
  tip=$(git rev-parse incidents)
  id=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  [ "$(git rev-list --count "$tip..incidents")" -eq 1 ]
  [ "$(git ls-tree -r --name-only incidents maintenance)" = "maintenance/2099/$id.toml" ]
  [ ! -e maintenance ]
  run --separate-stderr irctl maintenance cancel "${id: -6}" --reason "Postponed"
  assert_status 0
  [ "$(git rev-list --count "$tip..incidents")" -eq 2 ]
  [ "$(git show "incidents:maintenance/2099/$id.toml" | tail -n 1)" = 'cancel_reason = "Postponed"' ]
  run --separate-stderr irctl --json maintenance list --all
  assert_status 0
  [ "$(json_eval '[[w["id"], w["state"]] for w in d["maintenance"]]' <<<"$output")" = "[[\"$id\", \"cancelled\"]]" ]
  run --separate-stderr irctl maintenance ical
  assert_status 0
  [[ "$output" == *"UID:$id@irctl"$'\r\n'*"STATUS:CANCELLED"$'\r\n'* ]]
  [ "$(git rev-parse HEAD)" = "$head" ]
  [ "$(git status --porcelain)" = "$status_before" ]
}

@test "fsck checks the windows' files: one broken by hand, and a stray file, are named with a fix (exit 65)" {
  id=$(schedule "Database upgrade" --service checkout --start 2099-12-05T02:00:00Z --end 2099-12-05T04:00:00Z)
  run --separate-stderr irctl fsck
  assert_status 0
  sed -i 's/^ends_at = .*/ends_at = 2099-12-05T01:00:00Z/' "maintenance/2099/$id.toml"
  printf 'stray\n' >maintenance/notes.txt
  git add -A && git commit -qm "a hand edit, and a stray file"
  run_unchanged --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(json_eval '[p["path"] for p in d["problems"]]' <<<"$output")" = "[\"maintenance/2099/$id.toml\", \"maintenance/notes.txt\"]" ]
  [ "$(json_eval 'd["problems"][0]["fix"]' <<<"$output")" = "fix it by hand (irctl-format(5)), or bring back a good version: 'git log -- maintenance/2099/$id.toml'" ]
}
