#!/usr/bin/env bats
# irctl edit ID [--discard]: the incident's file is copied to a draft in
# .git/irctl/edit/ID.toml and opened in $EDITOR (here: small scripts written
# into $TEST_DIR). A draft that parses and keeps every timeline entry is
# committed as one commit; fields changed by hand are recorded by an 'edit'
# event (its `set` and text name them) so that fsck finds the file
# consistent. A draft that is refused is kept, and the next edit resumes it.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  unset VISUAL EDITOR
  new_repo
  ID=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout)
  irctl -q note "$ID" "Error rate at 38%; strated with deploy 4711"
  FILE=$(incident_path "$ID")
  DRAFT="$TEST_DIR/repo/.git/irctl/edit/$ID.toml"
  BASE=$(git rev-parse HEAD)
}
teardown() { common_teardown; }

# Usage: editor NAME <<'EOF' ... EOF — writes the shell script body from
# stdin to $TEST_DIR/NAME.sh (the file to edit is "$1" in it), makes it
# executable and sets EDITOR to it.
editor() {
  {
    echo '#!/bin/sh'
    echo 'set -e'
    cat
  } >"$TEST_DIR/$1.sh"
  chmod +x "$TEST_DIR/$1.sh"
  export EDITOR="$TEST_DIR/$1.sh"
}

# Usage: the_event EXPR — EXPR over the newest timeline entry of $FILE, as committed.
committed_event() { git show "HEAD:$FILE" >"$TEST_DIR/committed.toml" && toml_eval "$TEST_DIR/committed.toml" "d['timeline'][-1]$1"; }

timeline_ids() { toml_eval "$FILE" '[e["id"] for e in d["timeline"]]'; }

assert_fsck_clean() {
  run --separate-stderr irctl fsck
  assert_status 0
}

@test "hand edits of title, severity and a note's text: one commit, an 'edit' event naming the fields, fsck clean" {
  ids_before=$(timeline_ids)
  editor fix <<'EOF'
sed -i -e 's/^title = .*/title = "Checkout and payments return 503"/' \
       -e 's/^severity = "SEV2"/severity = "SEV1"/' \
       -e 's/strated with deploy/started with deploy/' "$1"
EOF
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  # the status line goes to stderr, as every command's does
  [[ "$stderr" == *"Committed your edit of $ID"* ]]
  [[ "$stderr" == *title* ]]
  assert_one_commit_since "$BASE"
  [ "$(field 'd["title"]')" = "Checkout and payments return 503" ]
  [ "$(field 'd["severity"]')" = "SEV1" ]
  # the note is corrected in place, with its id: entries are corrected, not replaced
  [ "$(field 'd["timeline"][1]["text"]')" = "Error rate at 38%; started with deploy 4711" ]
  [ "$(field 'd["timeline"][1]["type"]')" = "note" ]
  ! grep -q strated "$FILE"
  # exactly one new entry: the edit
  [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq 3 ]
  [ "$(toml_eval "$FILE" '[e["id"] for e in d["timeline"][:2]]')" = "$ids_before" ]
  [ "$(last_event "['type']")" = edit ]
  [ "$(last_event "['set']")" = '{"title": "Checkout and payments return 503", "severity": "SEV1"}' ] ||
    [ "$(last_event "['set']")" = '{"severity": "SEV1", "title": "Checkout and payments return 503"}' ]
  text=$(last_event "['text']")
  [[ "$text" == *title* ]]
  [[ "$text" == *severity* ]]
  [ "$(last_event "['by']")" = "Alice Example <alice@example.com>" ]
  # the commit is the edit, by the same person
  [[ "$(git log -1 --format=%s)" == "edit $ID:"* ]]
  [ "$(git log -1 --format='%an <%ae>')" = "Alice Example <alice@example.com>" ]
  [ "$(git diff --name-only "$BASE" HEAD)" = "$FILE" ]
  # the draft is gone once committed
  [ ! -e "$DRAFT" ]
  [ ! -e "$DRAFT.orig" ]
  assert_fsck_clean
  # irctl's own view agrees
  run --separate-stderr irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV1 ]
}

@test "fixing only a note's text: one commit, an 'edit' event without fields, fsck clean" {
  editor fix <<'EOF'
sed -i 's/strated with deploy/started with deploy/' "$1"
EOF
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  assert_one_commit_since "$BASE"
  [ "$(field 'd["timeline"][1]["text"]')" = "Error rate at 38%; started with deploy 4711" ]
  [ "$(last_event "['type']")" = edit ]
  [ "$(last_event ".get('set', {})")" = '{}' ]
  [ "$(field 'd["title"]')" = "Checkout API returns 503" ]
  [ "$(field 'd["severity"]')" = "SEV2" ]
  assert_fsck_clean
}

@test "an editor that changes nothing: 'No changes', no commit, no draft left" {
  editor same <<'EOF'
touch "$1"
EOF
  run_unchanged --separate-stderr irctl edit "$ID"
  assert_status 0
  [[ "$stderr" == *"No changes"* ]]
  assert_no_commit_since "$BASE"
  [ ! -e "$DRAFT" ]
  # and the next edit starts afresh rather than resuming
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  [[ "$stderr" == *"No changes"* ]]
  [[ "$stderr" != *Resuming* ]]
}

@test "invalid TOML: exit 65, nothing committed, the draft kept; the next edit resumes it; --discard starts again" {
  editor break <<'EOF'
sed -i 's/^title = .*/title = "Checkout is down/' "$1"
EOF
  run_unchanged --separate-stderr irctl edit "$ID"
  assert_status 65
  assert_text_error
  [[ "$stderr" == *"not valid"* ]]
  [[ "$stderr" == *"$FILE"* ]]
  [[ "$stderr" == *".git/irctl/edit/$ID.toml"* ]]
  assert_no_commit_since "$BASE"
  [ -f "$DRAFT" ]
  grep -qx 'title = "Checkout is down' "$DRAFT"
  # the committed file is untouched
  [ "$(field 'd["title"]')" = "Checkout API returns 503" ]

  # The next edit opens the same draft (with the broken line) and says so.
  editor repair <<'EOF'
grep -qx 'title = "Checkout is down' "$1"
sed -i 's/^title = "Checkout is down$/title = "Checkout is down"/' "$1"
EOF
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  [[ "$stderr" == *"Resuming"* ]]
  [[ "$stderr" == *"$ID"* ]]
  assert_one_commit_since "$BASE"
  [ "$(field 'd["title"]')" = "Checkout is down" ]
  [ "$(last_event "['set']")" = '{"title": "Checkout is down"}' ]
  [ ! -e "$DRAFT" ]
  assert_fsck_clean
}

@test "--discard drops a kept draft and starts from the committed file" {
  editor break <<'EOF'
sed -i 's/^title = .*/title = "Checkout is down/' "$1"
EOF
  run irctl edit "$ID"
  assert_status 65
  [ -f "$DRAFT" ]
  # an editor that records what it was given, and changes the summary
  editor record <<EOF
cp "\$1" "$TEST_DIR/seen.toml"
sed -i 's/^severity = "SEV2"/severity = "SEV3"/' "\$1"
EOF
  run --separate-stderr irctl edit --discard "$ID"
  assert_status 0
  [[ "$stderr" != *Resuming* ]]
  # the editor saw the committed file, not the broken draft
  cmp "$TEST_DIR/seen.toml" <(git show "$BASE:$FILE")
  assert_one_commit_since "$BASE"
  [ "$(field 'd["title"]')" = "Checkout API returns 503" ]
  [ "$(field 'd["severity"]')" = "SEV3" ]
  [ "$(last_event "['set']")" = '{"severity": "SEV3"}' ]
  [ ! -e "$DRAFT" ]
  assert_fsck_clean
}

@test "removing a timeline entry is refused with exit 65 and the draft is kept" {
  editor drop <<EOF
"$IRCTL_TEST_PYTHON" -S -c '
import sys
p = sys.argv[1]
s = open(p).read()
i = s.rindex("[[timeline]]")
open(p, "w").write(s[:i])' "\$1"
EOF
  run_unchanged --separate-stderr irctl edit "$ID"
  assert_status 65
  assert_text_error
  [[ "$stderr" == *removed* ]]
  # the entry is named by its id
  note_id=$(field 'd["timeline"][1]["id"]')
  [[ "$stderr" == *"$note_id"* ]]
  assert_no_commit_since "$BASE"
  [ -f "$DRAFT" ]
  ! grep -q "$note_id" "$DRAFT"
  [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq 2 ]
}

@test "an editor that exits non-zero: nothing committed, the draft kept, the status reported" {
  editor fail <<'EOF'
sed -i 's/^title = .*/title = "Half done"/' "$1"
exit 3
EOF
  run_unchanged --separate-stderr irctl edit "$ID"
  assert_status 1
  assert_text_error
  [[ "$stderr" == *"nothing was committed"* ]]
  [[ "$stderr" == *".git/irctl/edit/$ID.toml"* ]]
  assert_no_commit_since "$BASE"
  [ -f "$DRAFT" ]
  grep -qx 'title = "Half done"' "$DRAFT"
  # the editor's own exit status, not the wait status std::system returns (3, not 768)
  [[ "$stderr" == *"status 3;"* ]] || [[ "$stderr" == *"status 3 "* ]] || {
    echo "the editor's exit status 3 is misreported: $stderr" >&2
    return 1
  }
}

@test "after an editor that failed, the next edit resumes its draft" {
  editor fail <<'EOF'
sed -i 's/^title = .*/title = "Half done"/' "$1"
exit 1
EOF
  run irctl edit "$ID"
  assert_status 1
  editor finish <<'EOF'
grep -qx 'title = "Half done"' "$1"
sed -i 's/^title = .*/title = "All done"/' "$1"
EOF
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  [[ "$stderr" == *Resuming* ]]
  assert_one_commit_since "$BASE"
  [ "$(field 'd["title"]')" = "All done" ]
  assert_fsck_clean
}

@test "a commit made while the editor is open: both the note and the edit end up in the file" {
  editor meanwhile <<EOF
irctl note "$ID" "written while the editor was open" >/dev/null
sed -i 's/^title = .*/title = "Edited title"/' "\$1"
sed -i 's/strated with deploy/started with deploy/' "\$1"
EOF
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  # the note's commit, then the edit's
  [ "$(git rev-list --count "$BASE"..HEAD)" -eq 2 ]
  [ -z "$(git rev-list --merges "$BASE"..HEAD)" ]
  [[ "$(git log -1 --format=%s HEAD~1)" == "note $ID: written while the editor was open" ]]
  [[ "$(git log -1 --format=%s)" == "edit $ID:"* ]]
  assert_clean_repo
  run toml_eval "$FILE" '[e["type"] + ":" + e["text"] for e in d["timeline"]]'
  assert_status 0
  [[ "$output" == *'"note:written while the editor was open"'* ]]
  [[ "$output" == *'"note:Error rate at 38%; started with deploy 4711"'* ]]
  [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq 4 ]
  [ "$(toml_eval "$FILE" 'len(set(e["id"] for e in d["timeline"]))')" -eq 4 ]
  [ "$(field 'd["title"]')" = "Edited title" ]
  [ "$(last_event "['type']")" = edit ]
  [ "$(last_event "['set']")" = '{"title": "Edited title"}' ]
  assert_fsck_clean
}

@test "uncommitted hand edits in the work tree: refused with exit 5, nothing changed, the editor never runs" {
  sed -i 's/^title = .*/title = "edited in place"/' "$FILE"
  editor marker <<EOF
touch "$TEST_DIR/editor-ran"
EOF
  run_unchanged --separate-stderr irctl edit "$ID"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$FILE"* ]]
  [ ! -e "$TEST_DIR/editor-ran" ]
  [ ! -e "$DRAFT" ]
  grep -qx 'title = "edited in place"' "$FILE"
  [ "$(git rev-parse HEAD)" = "$BASE" ]
}

@test "an unknown ID: exit 3, the editor never runs" {
  editor marker <<EOF
touch "$TEST_DIR/editor-ran"
EOF
  run_unchanged --separate-stderr irctl edit INC-20200101-ZZZZZZ
  assert_status 3
  assert_text_error
  run_unchanged --separate-stderr irctl edit nosuchthing
  assert_status 3
  [ ! -e "$TEST_DIR/editor-ran" ]
  [ ! -d "$TEST_DIR/repo/.git/irctl/edit" ] || [ -z "$(ls -A "$TEST_DIR/repo/.git/irctl/edit")" ]
}

@test "--json: the committed edit event; an edit without changes is not recorded" {
  editor sev <<'EOF'
sed -i 's/^severity = "SEV2"/severity = "SEV1"/' "$1"
EOF
  run --separate-stderr irctl --json edit "$ID"
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = true ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval 'd["event"]["type"]' <<<"$output")" = edit ]
  [ "$(json_eval 'd["event"]["set"]' <<<"$output")" = '{"severity": "SEV1"}' ]
  [ "$(json_eval 'd["event"]["id"]' <<<"$output")" = "$(last_event "['id']")" ]
  [[ "$(json_eval 'd["event"]["text"]' <<<"$output")" == *severity* ]]
  # the document of every command that records an event
  py "$IRCTL_SOURCE_DIR/tests/cli/validate_json.py" event_result - <<<"$output"
  head=$(git rev-parse HEAD)
  editor same <<'EOF'
:
EOF
  run --separate-stderr irctl --json edit "$ID"
  assert_status 0
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = false ]
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  assert_no_commit_since "$head"
}

@test "--json: a refused draft is one JSON error with exit 65" {
  editor break <<'EOF'
sed -i 's/^title = .*/title = "Checkout is down/' "$1"
EOF
  run_unchanged --separate-stderr irctl --json edit "$ID"
  assert_status 65
  [ -z "$output" ]
  assert_json_error data
}

@test "the branch layout: the edit is committed on the branch, the work tree, index and HEAD are untouched" {
  git init -q "$TEST_DIR/code"
  cd "$TEST_DIR/code"
  git config user.name "Alice Example"
  git config user.email "alice@example.com"
  echo 'print("hello")' >app.py
  git add app.py
  git commit -qm "code"
  run irctl init --branch incidents
  assert_status 0
  bid=$(declare_incident "Branch incident" --severity SEV2)
  head=$(git rev-parse HEAD)
  tip=$(git rev-parse incidents)
  bfile=$(git ls-tree -r --name-only incidents -- incidents | grep "/$bid.toml$")
  [ -n "$bfile" ]
  editor branch <<'EOF'
sed -i -e 's/^title = .*/title = "Renamed on the branch"/' -e 's/^severity = "SEV2"/severity = "SEV3"/' "$1"
EOF
  run --separate-stderr irctl edit "$bid"
  assert_status 0
  # one commit on the branch, none on the checked-out one
  [ "$(git rev-list --count "$tip"..incidents)" -eq 1 ]
  [ "$(git rev-parse HEAD)" = "$head" ]
  [ "$(git symbolic-ref HEAD)" != refs/heads/incidents ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  [ "$(git ls-files)" = app.py ]
  [ ! -e incidents ]
  git show "incidents:$bfile" >"$TEST_DIR/b.toml"
  [ "$(toml_eval "$TEST_DIR/b.toml" 'd["title"]')" = "Renamed on the branch" ]
  [ "$(toml_eval "$TEST_DIR/b.toml" 'd["timeline"][-1]["type"]')" = edit ]
  [ "$(toml_eval "$TEST_DIR/b.toml" 'd["timeline"][-1]["set"]')" = '{"title": "Renamed on the branch", "severity": "SEV3"}' ] ||
    [ "$(toml_eval "$TEST_DIR/b.toml" 'd["timeline"][-1]["set"]')" = '{"severity": "SEV3", "title": "Renamed on the branch"}' ]
  [ ! -e "$(git rev-parse --git-dir)/irctl/edit/$bid.toml" ]
  run --separate-stderr irctl fsck
  assert_status 0
  run git fsck --no-progress
  assert_status 0
}

@test "the editor command runs through the shell, with the draft as one argument whatever the folder's name" {
  mkdir "$TEST_DIR/it's here"
  mv "$TEST_DIR/repo" "$TEST_DIR/it's here/repo"
  cd "$TEST_DIR/it's here/repo"
  editor args <<'EOF'
printf '%s\n' "$#" "$@" >"$(dirname "$0")/args"
EOF
  export EDITOR="$EDITOR --wait"
  run --separate-stderr irctl edit "$ID"
  assert_status 0
  [ "$(cat "$TEST_DIR/args")" = "$(printf '2\n--wait\n%s' "$TEST_DIR/it's here/repo/.git/irctl/edit/$ID.toml")" ]
}
