#!/usr/bin/env bats
# irctl note ID TEXT...: one timeline entry, one commit.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(declare_incident "Checkout API returns 503")
  FILE=$(incident_path "$ID")
}
teardown() { common_teardown; }

@test "note appends a timeline entry and makes one commit 'note ID: text'" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl note "$ID" "Rolled back deploy 4711"
  assert_status 0
  [ "$(git rev-parse HEAD~1)" = "$before" ]
  [ "$(git log -1 --format=%s)" = "note $ID: Rolled back deploy 4711" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Alice Example <alice@example.com>" ]
  git log -1 --format='%(trailers:only,unfold)' | grep -qx "Incident: $ID"
  event=$(git log -1 --format='%(trailers:key=Event,valueonly)' | head -n 1)
  run toml_eval "$FILE" '[(e["type"], e["text"], e["by"]) for e in d["timeline"]]'
  assert_status 0
  [ "$output" = '[["declare", "Checkout API returns 503", "Alice Example <alice@example.com>"], ["note", "Rolled back deploy 4711", "Alice Example <alice@example.com>"]]' ]
  [ "$(toml_eval "$FILE" 'd["timeline"][-1]["id"]')" = "$event" ]
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$FILE" ]
  assert_clean_repo
}

@test "every timeline entry gets its own id" {
  irctl -q note "$ID" one
  irctl -q note "$ID" two
  irctl -q note "$ID" three
  run toml_eval "$FILE" 'len(set(e["id"] for e in d["timeline"])) == len(d["timeline"]) == 4'
  assert_status 0
  [ "$output" = "true" ]
}

@test "note joins several words and accepts @ and a part of the ID" {
  irctl -q note @ rolled back deploy 4711
  part=${ID: -4}
  irctl -q note "${part,,}" second via part
  run toml_eval "$FILE" '[e["text"] for e in d["timeline"][1:]]'
  assert_status 0
  [ "$output" = '["rolled back deploy 4711", "second via part"]' ]
}

@test "note - reads the text from stdin, several lines kept" {
  printf 'line one\nline two\n' | irctl -q note "$ID" -
  run toml_eval "$FILE" 'd["timeline"][-1]["text"]'
  assert_status 0
  [ "$output" = $'line one\nline two' ]
  [ "$(git log -1 --format=%s)" = "note $ID: line one" ]
}

@test "an empty note (argument, blanks or stdin) exits 2 and changes nothing" {
  run_unchanged --separate-stderr irctl note "$ID" ""
  assert_status 2
  assert_text_error
  run_unchanged irctl note "$ID" "   "
  assert_status 2
  run_unchanged irctl note "$ID" - </dev/null
  assert_status 2
  run_unchanged irctl note "$ID"
  assert_status 2
}

@test "note on an unknown incident exits 3 and changes nothing" {
  run_unchanged --separate-stderr irctl note INC-20000101-ZZZZZZ "text"
  assert_status 3
  assert_text_error
}

@test "--json prints the incident id, commit and event" {
  run --separate-stderr irctl note "$ID" "json note" --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"][k] for k in ("type", "text", "by")]' <<<"$output")" = '["note", "json note", "Alice Example <alice@example.com>"]' ]
}

@test "-q prints nothing at all" {
  run --separate-stderr irctl -q note "$ID" "quiet"
  assert_status 0
  [ -z "$output" ]
  [ -z "$stderr" ]
}

@test "text that needs TOML escaping round-trips" {
  text=$'quote " backslash \\ triple """ and \'\'\' end\\'
  irctl -q note "$ID" "$text"
  [ "$(toml_eval "$FILE" 'd["timeline"][-1]["text"]')" = "$text" ]
  run irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval 'd["timeline"][-1]["text"]' <<<"$output")" = "$text" ]
}

@test "the incident file keeps its key order across rewrites" {
  order() { toml_eval "$FILE" 'list(d.keys()) + list(d["timeline"][0].keys())'; }
  first=$(order)
  irctl -q note "$ID" "one"
  irctl -q note "$ID" "two"
  [ "$(order)" = "$first" ]
  # and the declared part of the file is byte-for-byte what it was
  git show "HEAD~2:$FILE" >"$TEST_DIR/before.toml"
  head -c "$(wc -c <"$TEST_DIR/before.toml")" "$FILE" | cmp - "$TEST_DIR/before.toml"
}

@test "a long incident's versions are stored as git stores them: compressed, and read back by git" {
  long=$(printf 'y%.0s' $(seq 1 1000))
  for i in $(seq 1 45); do irctl -q note "$ID" "$i $long"; done
  [ "$(wc -c <"$FILE")" -gt 40000 ]
  for n in 0 1 2; do
    run bash -c "git cat-file blob HEAD~$n:$FILE | git hash-object --stdin"
    assert_status 0
    [ "$output" = "$(git rev-parse "HEAD~$n:$FILE")" ]
  done
  git cat-file blob "HEAD:$FILE" | cmp - "$FILE"
  blob=$(git rev-parse "HEAD:$FILE")
  object=".git/objects/${blob:0:2}/${blob:2}"
  [ -f "$object" ]
  [ "$(stat -c %a "$object")" = 444 ]
  [ "$(wc -c <"$object")" -lt "$(( $(wc -c <"$FILE") / 4 ))" ]  # deflated, not stored
  run git fsck --strict --full --no-dangling
  assert_status 0
  run --separate-stderr irctl fsck
  assert_status 0
  assert_clean_repo
}

@test "a note only adds to the work tree's file, in place; a change to its header writes it anew" {
  long=$(printf 'z%.0s' $(seq 1 1000))
  for i in $(seq 1 40); do irctl -q note "$ID" "$i $long"; done
  inode=$(stat -c %i "$FILE")
  cp "$FILE" "$TEST_DIR/before.toml"
  run --separate-stderr irctl -q note "$ID" "appended"
  assert_status 0
  [ "$(stat -c %i "$FILE")" = "$inode" ]  # the same file, not a new one renamed over it
  head -c "$(wc -c <"$TEST_DIR/before.toml")" "$FILE" | cmp - "$TEST_DIR/before.toml"
  git cat-file blob "HEAD:$FILE" | cmp - "$FILE"
  [ "$(stat -c %a "$FILE")" = "$(stat -c %a "$TEST_DIR/before.toml")" ]
  assert_clean_repo
  # what changes the header (the severity line) rewrites the file whole
  run --separate-stderr irctl -q severity "$ID" SEV1 --reason "worse"
  assert_status 0
  [ "$(stat -c %i "$FILE")" != "$inode" ]
  git cat-file blob "HEAD:$FILE" | cmp - "$FILE"
  # a file that is not what was committed is never appended to: refused, unchanged
  printf 'extra\n' >>"$FILE"
  cp "$FILE" "$TEST_DIR/edited.toml"
  run --separate-stderr irctl -q note "$ID" "refused"
  assert_status 5
  cmp "$FILE" "$TEST_DIR/edited.toml"
  git checkout -q -- "$FILE"
  run --separate-stderr irctl fsck
  assert_status 0
  assert_clean_repo
}

@test "a note by someone else with --as is authored by them" {
  irctl -q --as "Sam Oncall <sam@example.com>" note "$ID" "taking over"
  [ "$(git log -1 --format='%an <%ae>')" = "Sam Oncall <sam@example.com>" ]
  [ "$(toml_eval "$FILE" 'd["timeline"][-1]["by"]')" = "Sam Oncall <sam@example.com>" ]
}

@test "a long incident: writes append by its cached split; a damaged or deleted cache changes only the speed" {
  long=$(printf 'x%.0s' $(seq 1 1000))
  for i in $(seq 1 40); do irctl -q note "$ID" "$i $long"; done
  [ "$(wc -c <"$FILE")" -gt 32768 ]
  run bash -c "ls .git/irctl/timeline.$ID.* | wc -l"
  assert_status 0
  [ "$output" -ge 1 ]
  # an uncommitted edit of the same length, far into the timeline: refused
  sed -i 's/xxxx/yyyy/' "$FILE"
  run --separate-stderr irctl -q note "$ID" "refused"
  assert_status 5
  [[ "$stderr" == *"has changes that are not committed"* ]]
  git checkout -q -- "$FILE"
  # the cached text changed the same way: not taken for the committed one
  sed -i 's/xxxx/yyyy/' .git/irctl/timeline."$ID".text
  run --separate-stderr irctl -q note "$ID" "after the cached text changed"
  assert_status 0
  [ "$(git diff --numstat HEAD~1 -- "$FILE" | cut -f2)" = 0 ]
  ! grep -q yyyy "$FILE"
  # the kept compressed bytes changed, the same length: not joined into an object
  deflated=.git/irctl/timeline."$ID".deflated
  printf 'DAMAGED!' | dd of="$deflated" bs=1 seek=100 conv=notrunc status=none
  run --separate-stderr irctl -q note "$ID" "after the compressed bytes changed"
  assert_status 0
  run git fsck --strict --full --no-dangling
  assert_status 0
  git cat-file blob HEAD:"$FILE" | cmp - "$FILE"
  for f in .git/irctl/timeline."$ID".*; do printf 'damaged' >"$f"; done
  run --separate-stderr irctl -q note "$ID" "after the damage"
  assert_status 0
  [ "$(git diff --numstat HEAD~1 -- "$FILE" | cut -f2)" = 0 ]  # appended, nothing else changed
  rm -f .git/irctl/timeline."$ID".*
  run --separate-stderr irctl -q note "$ID" "after the removal"
  assert_status 0
  [ "$(git diff --numstat HEAD~1 -- "$FILE" | cut -f2)" = 0 ]
  run --separate-stderr irctl -q severity "$ID" SEV1 --reason "worse"
  assert_status 0
  [ "$(git diff --numstat HEAD~1 -- "$FILE" | cut -f2)" = 1 ]  # the severity line, rewritten in place
  run toml_eval "$FILE" '[len(d["timeline"]), d["severity"], [e["text"] for e in d["timeline"][-3:-1]]]'
  assert_status 0
  [ "$output" = '[46, "SEV1", ["after the damage", "after the removal"]]' ]
  run --separate-stderr irctl fsck
  assert_status 0
  assert_clean_repo
}
