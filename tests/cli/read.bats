#!/usr/bin/env bats
# The read commands: show, timeline, list, log — and terminal safety.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; new_repo; }
teardown() { common_teardown; }

# Commits a hand edit of an incident file made by the Python statement $2
# (s is the file's text).
hand_edit() {
  py -S -c '
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
exec(sys.argv[2])
open(p, "w", encoding="utf-8").write(s)' "$1" "$2"
  git commit -qm "hand edit" -- "$1"
}

# --- show -------------------------------------------------------------------

@test "show prints the incident's state and timeline" {
  id=$(declare_incident "Checkout API returns 503" -s SEV2 --service checkout --commander alice --channel '#inc')
  irctl -q note "$id" "Rolled back deploy 4711"
  run --separate-stderr irctl show "$id"
  assert_status 0
  for s in "$id" "Checkout API returns 503" identification SEV2 outage checkout alice '#inc' "Rolled back deploy 4711" "Alice Example" "$(incident_path "$id")"; do
    assert_output_contains "$s"
  done
}

@test "show --json has id, title, status, severity, kind, services, roles, path and the timeline" {
  id=$(declare_incident "Checkout API returns 503" -s SEV2 --service checkout --commander alice)
  irctl -q note "$id" "a note"
  run --separate-stderr irctl show "$id" --json
  assert_status 0
  run py -S -c '
import json, sys
id, path = sys.argv[1], sys.argv[2]
d = json.loads(sys.argv[3])
assert d["id"] == id, d["id"]
assert d["title"] == "Checkout API returns 503"
assert d["status"] == "identification"
assert d["severity"] == "SEV2"
assert d["kind"] == "outage"
assert d["services"] == ["checkout"]
assert d["roles"] == {"commander": "alice"}, d["roles"]
assert d["path"] == path, d["path"]
tl = d["timeline"]
assert [e["type"] for e in tl] == ["declare", "note"], tl
for e in tl:
    for k in ("id", "at", "by", "type", "text"):
        assert k in e, (k, e)
assert tl[1]["text"] == "a note"
assert tl[1]["by"] == "Alice Example <alice@example.com>"
' "$id" "$(incident_path "$id")" "$output"
  assert_status 0
}

@test "show --json has roles and services even when there are none" {
  id=$(declare_incident "no roles yet")
  run --separate-stderr irctl show "$id" --json
  assert_status 0
  [ "$(json_eval 'd.get("services")' <<<"$output")" = "[]" ]
  [ "$(json_eval 'd.get("roles")' <<<"$output")" = "{}" ]
}

@test "global options may come after the command: show @ --json" {
  id=$(declare_incident "after the command")
  run --separate-stderr irctl show @ --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
  run --separate-stderr irctl show @ -C "$TEST_DIR/repo" --no-color --json -q
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
}

@test "show works from a subdirectory and with -C / IRCTL_DIR from outside" {
  id=$(declare_incident "discovery")
  (cd incidents && irctl show @ --json) | json_eval 'd["id"]' | grep -qx "$id"
  cd "$TEST_DIR"
  [ "$(irctl -C repo show "$id" --json | json_eval 'd["id"]')" = "$id" ]
  [ "$(IRCTL_DIR="$TEST_DIR/repo" irctl show "$id" --json | json_eval 'd["id"]')" = "$id" ]
}

# --- timeline ---------------------------------------------------------------

@test "timeline lists events in the order they happened, not the order recorded" {
  id=$(irctl -q --at -2h declare "ordering")
  irctl -q note "$id" "recorded first, happened last"
  irctl -q --at -1h note "$id" "recorded second, happened an hour ago"
  irctl -q --at -90m note "$id" "recorded third, happened 90 minutes ago"
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  order=$(grep -o 'ordering\|recorded [a-z]*' <<<"$output" | tr '\n' '|')
  [ "$order" = "ordering|recorded third|recorded second|recorded first|" ]
  run --separate-stderr irctl timeline "$id" --json
  assert_status 0
  [ "$(json_eval '[e["text"][:14] for e in d["timeline"]]' <<<"$output")" = '["ordering", "recorded third", "recorded secon", "recorded first"]' ]
  [ "$(json_eval 'sorted(e["at"] for e in d["timeline"]) == [e["at"] for e in d["timeline"]]' <<<"$output")" = "true" ]
}

@test "timeline --type filters by event type" {
  id=$(declare_incident "filter")
  irctl -q note "$id" "a note"
  run --separate-stderr irctl timeline "$id" --type note
  assert_status 0
  assert_output_contains "a note"
  refute_output_contains "declare"
  run --separate-stderr irctl timeline "$id" --type declare
  assert_status 0
  assert_output_contains "filter"
  refute_output_contains "a note"
}

@test "timeline and show mark an update for customers 'update (external)'; internal ones read 'update'; JSON has the type" {
  id=$(irctl -q --at 2026-11-28T14:10:00Z declare "Checkout API returns 503")
  irctl -q --at 2026-11-28T14:20:00Z update "$id" --audience external "We are investigating failed checkouts"
  irctl -q --at 2026-11-28T14:25:00Z update "$id" "Rollback under way"
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  [ "$output" = "2026-11-28 14:10  declare            Alice Example  Checkout API returns 503
2026-11-28 14:20  update (external)  Alice Example  We are investigating failed checkouts
2026-11-28 14:25  update             Alice Example  Rollback under way" ]
  run --separate-stderr irctl --no-pager show "$id"
  assert_status 0
  [ "$(sed -n '/^Timeline$/,$p' <<<"$output")" = "Timeline
  2026-11-28 14:10  declare            Alice Example  Checkout API returns 503
  2026-11-28 14:20  update (external)  Alice Example  We are investigating failed checkouts
  2026-11-28 14:25  update             Alice Example  Rollback under way" ]
  run --separate-stderr irctl timeline "$id" --type update --json
  assert_status 0
  [ "$(json_eval '[[e["type"], e["audience"]] for e in d["timeline"]]' <<<"$output")" = '[["update", "external"], ["update", "internal"]]' ]
}

# --- list -------------------------------------------------------------------

@test "list shows the incidents newest first (by declaration time, not commit order)" {
  a=$(irctl -q --at -3h declare "three hours ago")
  b=$(irctl -q --at -1h declare "one hour ago")
  c=$(irctl -q --at -2h declare "two hours ago")
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ "$output" = "$b"$'\n'"$c"$'\n'"$a" ]
  run --separate-stderr irctl list
  assert_status 0
  [ "$(grep -o 'INC-[0-9A-Z-]*' <<<"$output" | tr '\n' ' ')" = "$b $c $a " ]
  assert_output_contains "one hour ago"
}

@test "list filters by severity, service and kind, with comma lists, case-insensitively" {
  s1=$(declare_incident "sev1 checkout" -s SEV1 --service checkout)
  s2=$(declare_incident "sev2 payments" -s SEV2 --service payments)
  s4=$(declare_incident "sev4 malware" -s SEV4 -k malware --service checkout)
  run irctl list --format ids --severity sev1,SEV2
  assert_status 0
  [ "$(sort <<<"$output")" = "$(printf '%s\n' "$s1" "$s2" | sort)" ]
  run irctl list --format ids --service checkout
  assert_status 0
  [ "$(sort <<<"$output")" = "$(printf '%s\n' "$s1" "$s4" | sort)" ]
  run irctl list --format ids --kind malware
  assert_status 0
  [ "$output" = "$s4" ]
  run irctl list --format ids --kind outage --service checkout
  assert_status 0
  [ "$output" = "$s1" ]
}

@test "list --status open leaves out resolved incidents" {
  open=$(declare_incident "still burning")
  done_=$(declare_incident "put out")
  hand_edit "$(incident_path "$done_")" 's = s.replace("status = \"identification\"", "status = \"resolved\"", 1)'
  run irctl list --format ids --status open
  assert_status 0
  [ "$output" = "$open" ]
  run irctl list --format ids --status resolved
  assert_status 0
  [ "$output" = "$done_" ]
  run irctl list --format ids --status resolved,identification
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "list --since keeps incidents declared at or after TIME" {
  old=$(irctl -q --at 2025-01-01T00:00:00Z declare "old")
  new=$(irctl -q --at -10m declare "new")
  run irctl list --format ids --since -1h
  assert_status 0
  [ "$output" = "$new" ]
  run irctl list --format ids --since 2025-01-01T00:00:00Z
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 2 ]
  run irctl list --format ids --since 2025-01-01T00:00:01Z
  assert_status 0
  [ "$output" = "$new" ]
}

@test "list rejects an unknown status, severity, kind or format with exit 2" {
  declare_incident "x" >/dev/null
  for args in "--status weird" "--severity SEV9" "--kind volcano" "--format xml" "--since yesterday"; do
    run --separate-stderr irctl list $args
    assert_status 2
    assert_text_error
  done
}

@test "list --json gives {incidents, problems}" {
  a=$(declare_incident "first" --service checkout)
  run --separate-stderr irctl list --json
  assert_status 0
  [ "$(json_eval 'sorted(d.keys())' <<<"$output")" = '["incidents", "problems"]' ]
  [ "$(json_eval '[i["id"] for i in d["incidents"]]' <<<"$output")" = "[\"$a\"]" ]
  [ "$(json_eval 'd["incidents"][0]["services"]' <<<"$output")" = '["checkout"]' ]
  [ "$(json_eval 'd["incidents"][0]["path"]' <<<"$output")" = "$(incident_path "$a")" ]
  [ "$(json_eval 'd["problems"]' <<<"$output")" = "[]" ]
}

@test "list with no incidents prints nothing for ids and an empty list for JSON" {
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ -z "$output" ]
  run --separate-stderr irctl list --json
  assert_status 0
  [ "$(json_eval 'd["incidents"]' <<<"$output")" = "[]" ]
}

@test "list with a broken file warns on stderr, lists the others and exits 65" {
  good=$(declare_incident "good one")
  bad=$(declare_incident "bad one")
  f=$(incident_path "$bad")
  hand_edit "$f" 's = s.replace("severity = \"SEV3\"", "severity = SEV3 oops", 1)'
  run --separate-stderr irctl list --format ids
  assert_status 65
  [ "$output" = "$good" ]
  grep -q "^irctl: warning: .*$f" <<<"$stderr"
  run --separate-stderr irctl list --json
  assert_status 65
  [ "$(json_eval '[i["id"] for i in d["incidents"]]' <<<"$output")" = "[\"$good\"]" ]
  [ "$(json_eval 'd["problems"][0]["path"]' <<<"$output")" = "$f" ]
}

# --- log --------------------------------------------------------------------

@test "log lists that incident's commits newest first with author names" {
  id=$(declare_incident "logged")
  other=$(declare_incident "someone else's incident")
  irctl -q --as "Sam Oncall <sam@example.com>" note "$id" "sam was here"
  run --separate-stderr irctl log "$id"
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 2 ]
  [[ "$(sed -n 1p <<<"$output")" == *"Sam Oncall"*"note $id: sam was here"* ]]
  [[ "$(sed -n 2p <<<"$output")" == *"Alice Example"*"declare $id: logged"* ]]
  refute_output_contains "$other"
}

@test "log --json gives {id, commits:[{commit, author{name,email}, authored_at, committed_at, subject}]}" {
  id=$(irctl -q --at 2025-03-04T05:06:07Z declare "logged")
  irctl -q --as "Sam Oncall <sam@example.com>" --at 2025-03-04T06:00:00Z note "$id" "later"
  run --separate-stderr irctl log "$id" --json
  assert_status 0
  run py -S -c '
import json, sys
id, head, head1 = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.loads(sys.argv[4])
assert d["id"] == id
c = d["commits"]
assert [x["commit"] for x in c] == [head, head1], c
assert c[0]["author"] == {"name": "Sam Oncall", "email": "sam@example.com"}, c[0]
assert c[1]["author"] == {"name": "Alice Example", "email": "alice@example.com"}, c[1]
assert c[0]["subject"] == "note %s: later" % id
assert c[1]["subject"] == "declare %s: logged" % id
assert c[1]["authored_at"] == "2025-03-04T05:06:07Z", c[1]["authored_at"]
assert c[0]["authored_at"] == "2025-03-04T06:00:00Z", c[0]["authored_at"]
assert c[0]["committed_at"] > "2025-03-04T06:00:00Z"
' "$id" "$(git rev-parse HEAD)" "$(git rev-parse HEAD~1)" "$output"
  assert_status 0
}

@test "log includes hand-made commits of the incident file" {
  id=$(declare_incident "hand touched")
  hand_edit "$(incident_path "$id")" 's += "\n# reviewed\n"'
  run irctl log "$id" --json
  assert_status 0
  [ "$(json_eval '[c["subject"] for c in d["commits"]]' <<<"$output")" = "[\"hand edit\", \"declare $id: hand touched\"]" ]
}

# --- terminal safety ----------------------------------------------------------

@test "a note with an ANSI escape is recorded and shown with the escape visible (\\x1B), never raw" {
  id=$(declare_incident "escapes")
  run --separate-stderr irctl note "$id" "$(printf '\033[31mred')"
  assert_status 0
  run --separate-stderr irctl show "$id"
  assert_status 0
  assert_output_contains '\x1B[31mred'
  refute_raw_controls
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  assert_output_contains '\x1B[31mred'
  refute_raw_controls
}

@test "control characters from a hand-edited file are escaped by show, timeline, list and log" {
  id=$(declare_incident "escapes")
  f=$(incident_path "$id")
  hand_edit "$f" '
s = s.replace("title = \"escapes\"", "title = \"T\\u001b]0;pwned\\u0007\"", 1)
s += "\n[[timeline]]\nid = \"HANDMADE0001\"\nat = 2025-01-01T00:00:00Z\nby = \"Mallory <m@example.com>\"\ntype = \"note\"\ntext = \"\\u001b[2Jcleared\"\n"'
  run --separate-stderr irctl show "$id"
  assert_status 0
  assert_output_contains '\x1B[2Jcleared'
  assert_output_contains '\x1B]0;pwned'
  refute_raw_controls
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  assert_output_contains '\x1B[2Jcleared'
  refute_raw_controls
  run --separate-stderr irctl list
  assert_status 0
  assert_output_contains '\x1B]0;pwned'
  refute_raw_controls
  # a commit subject written with plain git
  printf '\n# x\n' >>"$f"
  git commit -qm "$(printf 'evil \033[2J subject')" -- "$f"
  run --separate-stderr irctl log "$id"
  assert_status 0
  assert_output_contains 'evil \x1B[2J subject'
  refute_raw_controls
}

@test "--no-color and a non-terminal stdout give output without any escape sequences" {
  id=$(declare_incident "plain" -s SEV1)
  irctl -q note "$id" "a note"
  for cmd in "show $id" "timeline $id" "list" "log $id"; do
    run --separate-stderr irctl --no-color $cmd
    assert_status 0
    refute_raw_controls
    run --separate-stderr irctl $cmd
    assert_status 0
    refute_raw_controls
  done
}

@test "C1 control characters (U+009B CSI) from a hand-edited file are escaped too" {
  id=$(declare_incident "c1")
  f=$(incident_path "$id")
  hand_edit "$f" 's = s.replace("title = \"c1\"", "title = \"csi\\u009b2J here\"", 1)'
  for cmd in "show $id" "list"; do
    run --separate-stderr irctl $cmd
    assert_status 0
    assert_output_contains "csi"
    refute_raw_controls
  done
}
