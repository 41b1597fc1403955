#!/usr/bin/env bats
# Exit codes, the error format (text and JSON), no repository, identity,
# times, unknown commands and global options.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# --- global options -----------------------------------------------------------

@test "--version prints 'irctl version X.Y.Z' and exits 0, before or after a command, as 'irctl version' does" {
  run --separate-stderr irctl --version
  assert_status 0
  [[ "$output" =~ ^irctl\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  v=$output
  run --separate-stderr irctl list --version
  assert_status 0
  [ "$output" = "$v" ]
  run --separate-stderr irctl version
  assert_status 0
  [ "$output" = "$v" ]
  [ -z "$stderr" ]
  run --separate-stderr irctl version --json
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = "{\"version\": \"${v#irctl version }\"}" ]
}

@test "irctl --help lists the commands and exits 0; no command is a usage error" {
  run --separate-stderr irctl --help
  assert_status 0
  for c in init declare note show timeline list log use completion; do assert_output_contains "$c"; done
  run --separate-stderr irctl
  assert_status 2
  [[ "$stderr" == "irctl: error: "* ]]
}

@test "every command's --help exits 0 and has examples" {
  for c in init declare note show timeline list log use completion; do
    run --separate-stderr irctl "$c" --help
    assert_status 0
    assert_output_contains "Examples:"
    assert_output_contains "irctl $c"
  done
}

@test "-C given several times: each is relative to the one before, an absolute one starts again (git's rule)" {
  new_repo
  id=$(declare_incident "nested")
  mkdir -p "$TEST_DIR/a/b" "$TEST_DIR/repo/sub"
  cd "$TEST_DIR"
  run --separate-stderr irctl -C repo -C sub --json show "$id"
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
  run --separate-stderr irctl -C a -C b show "$id"
  assert_status 3
  run --separate-stderr irctl -C a -C "$TEST_DIR/repo" -C sub --json show "$id"
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$id" ]
  # a path argument is taken from the last -C too: repo/sub/evidence.log
  echo "pool exhausted" >"$TEST_DIR/repo/sub/evidence.log"
  run --separate-stderr irctl -C repo -C sub --json contain "$id" "Rolled back" --evidence evidence.log --hash-only
  assert_status 0
  [ "$(json_eval 'd["event"]["evidence"][0]["source"]' <<<"$output")" = "$TEST_DIR/repo/sub/evidence.log" ]
}

@test "-C to a path that is not a directory is refused, as git's is: init creates nothing there" {
  cd "$TEST_DIR"
  run --separate-stderr irctl -C nope init incidents
  assert_status 2
  [ "$stderr" = $'irctl: error: cannot change to \'nope\': no such directory\nhint: check the path given to -C' ]
  [ ! -e nope ]
  touch afile
  run --separate-stderr irctl -C afile list
  assert_status 2
  [ "$stderr" = $'irctl: error: cannot change to \'afile\': not a directory\nhint: check the path given to -C' ]
  # every -C in turn, as git changes to each: one missing on the way counts
  new_repo
  cd "$TEST_DIR"
  run --separate-stderr irctl -C nope -C "$TEST_DIR/repo" list
  assert_status 2
  [ "$stderr" = $'irctl: error: cannot change to \'nope\': no such directory\nhint: check the path given to -C' ]
  # an empty one changes nothing, as git's
  run --separate-stderr irctl -C "" -C repo --json list
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = '{"incidents": [], "problems": []}' ]
}

@test "global options work before and after the command" {
  new_repo
  id=$(irctl declare "options" -q --as "Sam Oncall <sam@example.com>" --at 2025-03-04T05:06:07Z)
  [[ "$id" =~ $ID_RE ]]
  [ "$(git log -1 --format='%an <%ae>|%at')" = "Sam Oncall <sam@example.com>|$(date -u -d 2025-03-04T05:06:07Z +%s)" ]
  cd "$TEST_DIR"
  run --separate-stderr irctl note "$id" "from outside" -C repo --json
  assert_status 0
  [ "$(json_eval 'd["event"]["text"]' <<<"$output")" = "from outside" ]
}

# --- unknown commands and bad flags ----------------------------------------------

@test "an unknown command exits 2 and suggests the closest one" {
  new_repo
  run_unchanged --separate-stderr irctl delcare "x"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"did you mean 'irctl declare'"* ]]
  run --separate-stderr irctl shwo @
  assert_status 2
  [[ "$stderr" == *"'irctl show'"* ]]
}

@test "an unknown option exits 2 and suggests the closest of the command's options and the global ones" {
  new_repo
  id=$(declare_incident "x")
  run_unchanged --separate-stderr irctl list --stauts open
  assert_status 2
  assert_text_error
  [ "$stderr" = $'irctl: error: the following arguments were not expected: --stauts open\nhint: did you mean \'--status\'?' ]
  run_unchanged --separate-stderr irctl note "$id" hello --jsno
  assert_status 2
  [[ "$stderr" == *"hint: did you mean '--json'?"* ]]
  run_unchanged --separate-stderr irctl action add "$id" "Add a canary" --ownr bob
  assert_status 2
  [[ "$stderr" == *"hint: did you mean '--owner'?"* ]]
  run_unchanged --separate-stderr irctl declare y --sev=SEV1
  assert_status 2
  [[ "$stderr" == *"hint: did you mean '--severity'?"* ]]
  # nothing close: the usual pointer to --help
  run_unchanged --separate-stderr irctl list --frobnicate
  assert_status 2
  [[ "$stderr" == *"hint: run 'irctl list --help' for usage"* ]]
  run_unchanged --separate-stderr irctl --json list --stauts open
  assert_status 2
  [ "$(json_eval '[d["error"]["code"], d["error"]["hint"]]' <<<"$stderr")" = '["usage", "did you mean '"'"'--status'"'"'?"]' ]
}

@test "an unknown option before any command gets 'did you mean' too, not 'a subcommand is required'" {
  run --separate-stderr irctl --verison
  assert_status 2
  [ "$stderr" = $'irctl: error: the following argument was not expected: --verison\nhint: did you mean \'--version\'?' ]
  run --separate-stderr irctl --no-pagr
  assert_status 2
  [ "$stderr" = $'irctl: error: the following argument was not expected: --no-pagr\nhint: did you mean \'--no-pager\'?' ]
  run --separate-stderr irctl --frobnicate
  assert_status 2
  [ "$stderr" = $'irctl: error: the following argument was not expected: --frobnicate\nhint: run \'irctl --help\' for usage' ]
  # no option at all: still the missing command
  run --separate-stderr irctl -q
  assert_status 2
  [ "$stderr" = $'irctl: error: a subcommand is required\nhint: run \'irctl --help\' for usage' ]
}

@test "arguments a command does not take are named in the order they were given" {
  new_repo
  id=$(declare_incident "x")
  run_unchanged --separate-stderr irctl show "$id" one two three
  assert_status 2
  [[ "$stderr" == "irctl: error: the following arguments were not expected: one two three"$'\n'* ]]
}

@test "an unknown flag or a missing argument exits 2 with a one-line error and changes nothing" {
  new_repo
  declare_incident "x" >/dev/null
  for args in "declare x --bogus" "declare" "note" "note @" "show" "timeline" "log" "list --bogus" "declare x --severity" "completion" "completion tcsh"; do
    run_unchanged --separate-stderr irctl $args
    assert_status 2
    assert_text_error
  done
}

@test "a flag's value is validated: invalid severity and kind list the valid ones" {
  new_repo
  run_unchanged --separate-stderr irctl declare x -s SEV7
  assert_status 2
  [[ "$stderr" == *SEV1*SEV2*SEV3*SEV4* ]]
  run_unchanged --separate-stderr irctl declare x -k meteor
  assert_status 2
  [[ "$stderr" == *outage*malware* ]]
}

@test "hints read as plain English" {
  new_repo
  id=$(declare_incident "x")
  run_unchanged --separate-stderr irctl declare x --severity SEV9
  assert_status 2
  [ "$stderr" = "irctl: error: unknown severity 'SEV9'
hint: valid severities: SEV1, SEV2, SEV3, SEV4 (from .irctl/config.toml)" ]
  run_unchanged --separate-stderr irctl note "$id" ""
  assert_status 2
  [ "$stderr" = "irctl: error: the note is empty
hint: give the note" ]
  run_unchanged --separate-stderr irctl declare "  "
  assert_status 2
  [ "$stderr" = "irctl: error: the title is empty
hint: give the title" ]
  run_unchanged --separate-stderr irctl declare x --service ""
  assert_status 2
  [ "$stderr" = "irctl: error: a service name is empty
hint: give a service name" ]
}

# --- JSON errors --------------------------------------------------------------------

@test "with --json, errors are one JSON object on stderr and nothing on stdout" {
  new_repo
  id=$(declare_incident "x")
  run --separate-stderr irctl --json declare x --severity SEV9
  assert_status 2
  [ -z "$output" ]
  assert_json_error usage
  [[ "$(json_eval 'd["error"]["hint"]' <<<"$stderr")" == *SEV1* ]]

  run --separate-stderr irctl show ZZZZZZZZ --json
  assert_status 3
  [ -z "$output" ]
  assert_json_error not_found

  run --separate-stderr irctl --json bogus
  assert_status 2
  assert_json_error usage

  run --separate-stderr irctl --json declare x --bogus
  assert_status 2
  assert_json_error usage

  echo "# uncommitted" >>"$(incident_path "$id")"
  run --separate-stderr irctl note "$id" "x" --json
  assert_status 5
  assert_json_error
}

@test "with --json, a malformed file is exit 65 as JSON" {
  new_repo
  id=$(declare_incident "x")
  f=$(incident_path "$id")
  echo 'broken = [' >>"$f"
  git commit -qam "break it"
  run --separate-stderr irctl --json show "$id"
  assert_status 65
  assert_json_error
  [[ "$(json_eval 'd["error"]["message"]' <<<"$stderr")" == *"$f:"* ]]
}

# --- no repository -------------------------------------------------------------------

@test "outside any repository: exit 3 with a hint to run irctl init" {
  mkdir empty && cd empty
  for args in "list" "show @" "declare x" "note @ x" "timeline @" "log @" "use"; do
    run_unchanged --separate-stderr irctl --as "A <a@example.com>" $args
    assert_status 3
    assert_text_error
    [[ "$stderr" == *"irctl init"* ]]
  done
  [ -z "$(ls -A)" ]
  run --separate-stderr irctl list --json
  assert_status 3
  assert_json_error not_found
}

@test "a git repository without .irctl: exit 3, nothing changed" {
  git init -q plain && cd plain
  git config user.name "Alice Example"
  git config user.email "alice@example.com"
  run_unchanged --separate-stderr irctl declare "x"
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"irctl init"* ]]
  run_unchanged irctl list
  assert_status 3
}

# --- identity -------------------------------------------------------------------------

@test "no identity: exit 2 with a hint about --as, nothing changed" {
  new_repo
  id=$(declare_incident "x")
  git config --unset user.name
  git config --unset user.email
  run_unchanged --separate-stderr irctl declare "y"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *--as* ]]
  run_unchanged --separate-stderr irctl note "$id" "y"
  assert_status 2
  [[ "$stderr" == *--as* ]]
  # reading needs no identity
  run irctl show "$id"
  assert_status 0
}

@test "--as beats IRCTL_ACTOR beats git config, for the commit author and the event" {
  new_repo
  id=$(declare_incident "who")
  f=$(incident_path "$id")
  [ "$(git log -1 --format='%an <%ae>')" = "Alice Example <alice@example.com>" ]
  IRCTL_ACTOR="Env Person <env@example.com>" irctl -q note "$id" "by env"
  [ "$(git log -1 --format='%an <%ae>')" = "Env Person <env@example.com>" ]
  [ "$(toml_eval "$f" 'd["timeline"][-1]["by"]')" = "Env Person <env@example.com>" ]
  IRCTL_ACTOR="Env Person <env@example.com>" irctl -q --as "Flag Person <flag@example.com>" note "$id" "by flag"
  [ "$(git log -1 --format='%an <%ae>')" = "Flag Person <flag@example.com>" ]
  [ "$(toml_eval "$f" 'd["timeline"][-1]["by"]')" = "Flag Person <flag@example.com>" ]
  assert_clean_repo
}

@test "IRCTL_ACTOR or --as work without any git identity" {
  new_repo
  git config --unset user.name
  git config --unset user.email
  id=$(IRCTL_ACTOR="Env Person <env@example.com>" irctl -q declare "x")
  [ "$(git log -1 --format='%an <%ae>')" = "Env Person <env@example.com>" ]
  irctl -q --as "Flag Person <flag@example.com>" note "$id" "y"
  [ "$(git log -1 --format='%an <%ae>')" = "Flag Person <flag@example.com>" ]
}

@test "an invalid --as or IRCTL_ACTOR exits 2 and changes nothing" {
  new_repo
  id=$(declare_incident "x")
  for who in "nobody" "Name only" "<only@example.com>" "Name <>" ""; do
    run_unchanged --separate-stderr irctl --as "$who" note "$id" "y"
    assert_status 2
    assert_text_error
  done
  IRCTL_ACTOR="garbage" run_unchanged --separate-stderr irctl note "$id" "y"
  assert_status 2
}

# --- times ------------------------------------------------------------------------------

@test "--at RFC 3339 (Z or offset) sets the event's at and the commit's author date" {
  new_repo
  id=$(declare_incident "x" --started-at 2025-03-04T05:00:00Z)
  f=$(incident_path "$id")
  irctl -q --at 2025-03-04T05:06:07Z note "$id" "zulu"
  [ "$(toml_eval "$f" 'd["timeline"][-1]["at"]')" = "2025-03-04T05:06:07+00:00" ]
  [ "$(git log -1 --format=%at)" = "$(date -u -d 2025-03-04T05:06:07Z +%s)" ]
  irctl -q --at 2025-03-04T07:06:07+02:00 note "$id" "offset"
  [ "$(toml_eval "$f" 'd["timeline"][-1]["at"]')" = "2025-03-04T05:06:07+00:00" ]
  [ "$(git log -1 --format=%at)" = "$(date -u -d 2025-03-04T05:06:07Z +%s)" ]
  # the file stores UTC
  grep -q '^at = 2025-03-04T05:06:07Z$' "$f"
}

@test "--at -15m records the event fifteen minutes ago" {
  new_repo
  id=$(declare_incident "x" --started-at -1h)
  now=$(date -u +%s)
  irctl -q --at -15m note "$id" "earlier"
  at=$(git log -1 --format=%at)
  diff=$(( now - at ))
  [ "$diff" -ge 840 ]
  [ "$diff" -le 960 ]
  f=$(incident_path "$id")
  [ "$(date -u -d "$(toml_eval "$f" 'd["timeline"][-1]["at"]')" +%s)" = "$at" ]
}

@test "an unparseable --at exits 2 and changes nothing" {
  new_repo
  id=$(declare_incident "x")
  for t in yesterday "2025-13-45T00:00:00Z" "-15x" "" "12:00"; do
    run_unchanged --separate-stderr irctl --at "$t" note "$id" "y"
    assert_status 2
    assert_text_error
  done
  run_unchanged irctl --at yesterday declare "y"
  assert_status 2
}

@test "a future --at exits 2 and changes nothing" {
  new_repo
  id=$(declare_incident "x")
  run_unchanged --separate-stderr irctl --at 2099-01-01T00:00:00Z note "$id" "y"
  assert_status 2
  assert_text_error
  run_unchanged irctl --at +1h declare "y"
  assert_status 2
}

# --- conflicts and malformed files -------------------------------------------------------

@test "uncommitted edits of the incident file: exit 5, nothing changed" {
  new_repo
  id=$(declare_incident "x")
  echo "# editing" >>"$(incident_path "$id")"
  run_unchanged --separate-stderr irctl note "$id" "y"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$(incident_path "$id")"* ]]
}

@test "a malformed configuration exits 65 naming .irctl/config.toml and a line" {
  new_repo
  echo 'severity = [' >>.irctl/config.toml
  git commit -qam "break config"
  run_unchanged --separate-stderr irctl declare "x"
  assert_status 65
  assert_text_error
  [[ "$stderr" =~ \.irctl/config\.toml:[0-9]+:[0-9]+ ]]
}
