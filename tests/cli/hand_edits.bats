#!/usr/bin/env bats
# Incident files are meant to be edited by hand: irctl keeps committed edits,
# never overwrites uncommitted ones, and names file, line and column when a
# hand edit broke the file.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(declare_incident "Checkout API returns 503" --service checkout)
  FILE=$(incident_path "$ID")
  BASE=$(git rev-parse HEAD)
}
teardown() { common_teardown; }

# Edits the incident file with the Python statement $1 (s is the text).
edit_file() {
  py -S -c '
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
exec(sys.argv[2])
open(p, "w", encoding="utf-8").write(s)' "$FILE" "$1"
}

@test "uncommitted hand edits make note refuse with exit 5 and change nothing" {
  edit_file 's = s.replace("title = ", "# my comment\ntitle = ", 1)'
  run_unchanged --separate-stderr irctl note "$ID" "overwrite?"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$FILE"* ]]
  grep -q '^# my comment$' "$FILE"
}

@test "staged but uncommitted hand edits are refused too" {
  edit_file 's += "\n# staged comment\n"'
  git add "$FILE"
  run_unchanged irctl note "$ID" "overwrite?"
  assert_status 5
  [ "$(git diff --cached --name-only)" = "$FILE" ]
}

@test "committed hand edits (a comment and an unknown key) are kept when irctl rewrites the file" {
  edit_file '
s = s.replace("title = ", "# reviewed by Bob\ntitle = ", 1)
s = s.replace("kind = \"outage\"\n", "kind = \"outage\"\ncustomer_ticket = \"ZD-4711\"\n", 1)'
  git commit -qam "hand edit"
  run irctl note "$ID" "after the hand edit"
  assert_status 0
  grep -q '^# reviewed by Bob$' "$FILE"
  grep -q '^customer_ticket = "ZD-4711"$' "$FILE"
  # in the same place: the comment right before title, the key right after kind
  grep -B1 '^title = ' "$FILE" | head -n 1 | grep -qx '# reviewed by Bob'
  grep -A1 '^kind = ' "$FILE" | tail -n 1 | grep -qx 'customer_ticket = "ZD-4711"'
  [ "$(toml_eval "$FILE" 'd["customer_ticket"]')" = "ZD-4711" ]
  [ "$(toml_eval "$FILE" 'd["timeline"][-1]["text"]')" = "after the hand edit" ]
  # irctl's commit changed only added lines
  [ "$(git diff HEAD~1 HEAD -- "$FILE" | grep -c '^-[^-]')" -eq 0 ]
  assert_clean_repo
}

@test "a committed comment irctl cannot keep (end of file, inside a list) makes a write refuse, exit 65, nothing changed" {
  edit_file 's += "# KEEP end of file\n"'
  git commit -qam "hand edit"
  run_unchanged --separate-stderr irctl note "$ID" "would drop it"
  assert_status 65
  assert_text_error
  local line
  line=$(grep -n '^# KEEP end of file$' "$FILE" | cut -d: -f1)
  [[ "$stderr" == *"$FILE:$line: irctl would drop the comment '# KEEP end of file'"* ]]
  git reset -q --hard "$BASE"
  edit_file 's = s.replace("services = [", "services = [\n  # KEEP inside a list\n", 1)'
  git commit -qam "hand edit"
  run_unchanged --separate-stderr irctl severity "$ID" SEV1 --reason "would drop it"
  assert_status 65
  [[ "$stderr" == *"irctl would drop the comment '# KEEP inside a list'"* ]]
}

@test "a line starting with # inside a hand-written multi-line string is text, not a comment: the write goes through" {
  edit_file 's = s.replace("kind = \"outage\"\n", "kind = \"outage\"\ncustomer_notes = \"\"\"\n# Heading\nbody\n\"\"\"\n", 1)'
  git commit -qam "hand edit"
  run irctl note "$ID" "after the hand edit"
  assert_status 0
  [ "$(toml_eval "$FILE" 'd["customer_notes"]')" = $'# Heading\nbody' ]
}

@test "unknown keys in a committed hand edit show up in show --json" {
  edit_file 's = s.replace("kind = \"outage\"\n", "kind = \"outage\"\ncustomer_ticket = \"ZD-4711\"\n", 1)'
  git commit -qam "hand edit"
  run --separate-stderr irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval 'd.get("customer_ticket")' <<<"$output")" = "ZD-4711" ]
}

@test "a timeline entry added by hand is kept and sorted in by time" {
  edit_file 's += "\n[[timeline]]\nid = \"HAND00000001\"\nat = 2020-01-01T00:00:00Z\nby = \"Bob <bob@example.com>\"\ntype = \"note\"\ntext = \"written by hand\"\n"'
  git commit -qam "hand timeline entry"
  irctl -q note "$ID" "by irctl"
  run toml_eval "$FILE" '[e["text"] for e in d["timeline"]]'
  assert_status 0
  [ "$output" = '["Checkout API returns 503", "written by hand", "by irctl"]' ]
  run irctl timeline "$ID" --json
  assert_status 0
  [ "$(json_eval '[e["text"] for e in d["timeline"]]' <<<"$output")" = '["written by hand", "Checkout API returns 503", "by irctl"]' ]
}

@test "a committed, broken file: show and note exit 65 naming file:line:col, nothing changed" {
  # line of the severity key, 1-based
  line=$(grep -n '^severity = ' "$FILE" | cut -d: -f1)
  edit_file 's = s.replace("severity = \"SEV3\"", "severity = SEV3 oops", 1)'
  git commit -qam "broken by hand"
  run_unchanged --separate-stderr irctl show "$ID"
  assert_status 65
  assert_text_error
  [[ "$stderr" =~ $FILE:$line:[0-9]+ ]]
  run_unchanged --separate-stderr irctl note "$ID" "x"
  assert_status 65
  assert_text_error
  [[ "$stderr" =~ $FILE:$line:[0-9]+ ]]
  run_unchanged --separate-stderr irctl timeline "$ID"
  assert_status 65
}

@test "a byte that is not UTF-8 in a literal string: exit 65 naming file:line:col, not a crash" {
  # toml11 3.7.1 read out of bounds on this (found by tests/fuzz, fuzz_incident)
  line=$(grep -n '^title = ' "$FILE" | cut -d: -f1)
  py -S -c '
import sys
p = sys.argv[1]
s = open(p, "rb").read()
open(p, "wb").write(s.replace(b"title = \"Checkout", b"title = \x27Checkout \xd8\x27 #", 1))' "$FILE"
  git commit -qam "broken by hand"
  run_unchanged --separate-stderr irctl show "$ID"
  assert_status 65
  assert_text_error
  [ "${stderr%%$'\n'*}" = "irctl: error: $FILE:$line:19: invalid TOML: byte 0xD8 is not UTF-8 (a TOML file is UTF-8 text)" ]
}

@test "a broken file is found by a part of its ID (exit 65, not 'no such incident')" {
  edit_file 's = s.replace("title = ", "title = = ", 1)'
  git commit -qam "broken"
  run_unchanged --separate-stderr irctl show "${ID: -5}"
  assert_status 65
  [[ "$stderr" == *"$FILE"* ]]
}

@test "valid TOML that breaks the schema (missing id, wrong type, bad status) exits 65 naming the file" {
  for change in \
    's = s.replace("services = [\"checkout\"]", "services = 42", 1)' \
    's = s.replace("id = \"" + "'"$ID"'" + "\"\n", "", 1)' \
    's = s.replace("status = \"identification\"", "status = \"bogus\"", 1)'; do
    git checkout -q "$BASE" -- "$FILE"
    edit_file "$change"
    if cmp -s "$FILE" <(git show "$BASE:$FILE"); then echo "the edit changed nothing" >&2; return 1; fi
    git commit -qam "schema break"
    run_unchanged --separate-stderr irctl show "$ID"
    assert_status 65
    assert_text_error
    [[ "$stderr" == *"$FILE"* ]]
    run_unchanged irctl note "$ID" "x"
    assert_status 65
  done
}

@test "a hand edit that is restored with git checkout makes irctl work again" {
  edit_file 's += "oops = \n"'
  run_unchanged irctl note "$ID" "x"
  assert_status 5
  git checkout -q -- "$FILE"
  run irctl note "$ID" "x"
  assert_status 0
  assert_clean_repo
}

@test "user changes elsewhere (staged and unstaged) stay as they were and out of irctl's commit" {
  other=$(declare_incident "other")
  echo "# editing other" >>"$(incident_path "$other")"
  echo "notes" >README.local && git add README.local
  run irctl note "$ID" "unrelated"
  assert_status 0
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$FILE" ]
  [ "$(git diff --cached --name-only)" = "README.local" ]
  [ "$(git diff --name-only)" = "$(incident_path "$other")" ]
  git fsck --no-progress
}
