#!/usr/bin/env bats
# irctl use [ID] / --clear, @, and ID resolution by any unique part.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  A=$(declare_incident "first")
  B=$(declare_incident "second")
}
teardown() { common_teardown; }

# The shortest suffix of $1's random part that no other given ID contains.
unique_part() {
  local id=$1 n part other clash
  shift
  for n in 1 2 3 4 5 6; do
    part=${id: -n}
    clash=
    for other in "$@"; do
      [[ "$other" == *"$part"* ]] && clash=1
    done
    [ -z "$clash" ] && { echo "$part"; return; }
  done
  echo "$id"
}

@test "use without ID prints the current incident (the last declared)" {
  run --separate-stderr irctl use
  assert_status 0
  [ "$output" = "$B" ]
}

@test "use ID chooses @; show @ and note @ follow it" {
  run irctl use "$A"
  assert_status 0
  [ "$(irctl use)" = "$A" ]
  [ "$(irctl show @ --json | json_eval 'd["id"]')" = "$A" ]
  irctl -q note @ "on A"
  [ "$(git log -1 --format=%s)" = "note $A: on A" ]
}

@test "use keeps @ out of git: the work tree stays clean and nothing is committed" {
  head=$(git rev-parse HEAD)
  irctl -q use "$A"
  [ "$(git rev-parse HEAD)" = "$head" ]
  [ -z "$(git status --porcelain --untracked-files=all --ignored)" ]
}

@test "any unique part of an ID selects it, case-insensitively" {
  part=$(unique_part "$A" "$B")
  run irctl use "${part,,}"
  assert_status 0
  [ "$(irctl use)" = "$A" ]
  # a part spanning the date and the random characters
  run irctl show "${A:10:5}" --json
  if [ "${B:10:5}" != "${A:10:5}" ]; then
    assert_status 0
    [ "$(json_eval 'd["id"]' <<<"$output")" = "$A" ]
  fi
  # the whole ID in lower case
  run irctl show "${A,,}" --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$A" ]
}

@test "an ambiguous part exits 2, lists the candidates and changes nothing" {
  run_unchanged --separate-stderr irctl use INC-
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"$A"* ]]
  [[ "$stderr" == *"$B"* ]]
  run_unchanged --separate-stderr irctl show INC
  assert_status 2
  [[ "$stderr" == *"$A"* && "$stderr" == *"$B"* ]]
  run_unchanged --separate-stderr irctl note INC "x"
  assert_status 2
}

@test "no matching incident exits 3 and changes nothing" {
  run_unchanged --separate-stderr irctl use ZZZZZZZZ
  assert_status 3
  assert_text_error
  [ "$(irctl use)" = "$B" ]
  run_unchanged irctl show ZZZZZZZZ
  assert_status 3
  run_unchanged irctl timeline ZZZZZZZZ
  assert_status 3
  run_unchanged irctl log ZZZZZZZZ
  assert_status 3
}

@test "use --clear forgets @; then @ and use report no current incident (exit 3)" {
  run irctl use --clear
  assert_status 0
  run_unchanged --separate-stderr irctl use
  assert_status 3
  assert_text_error
  run_unchanged --separate-stderr irctl show @
  assert_status 3
  assert_text_error
  run_unchanged irctl note @ "nowhere"
  assert_status 3
}

@test "use --json prints {current}" {
  run --separate-stderr irctl use --json
  assert_status 0
  [ "$(json_eval 'd["current"]' <<<"$output")" = "$B" ]
}

@test "with --json, no current incident is still exit 3 (exit codes do not depend on the output format)" {
  irctl -q use --clear
  run --separate-stderr irctl use --json
  assert_status 3
  assert_json_error not_found
}

@test "@ naming an incident that no longer exists exits 3" {
  irctl -q use "$A"
  git rm -q "$(incident_path "$A")" && git commit -qm "remove A"
  run --separate-stderr irctl show @
  assert_status 3
  assert_text_error
}

@test "a fresh clone has no current incident" {
  git clone -q "$TEST_DIR/repo" "$TEST_DIR/clone"
  cd "$TEST_DIR/clone"
  run irctl show @
  assert_status 3
  [ "$(irctl show "$A" --json | json_eval 'd["id"]')" = "$A" ]
}
