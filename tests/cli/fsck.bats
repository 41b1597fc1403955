#!/usr/bin/env bats
# irctl fsck: every incident file parses and matches its schema, the derived
# fields agree with the timeline, IDs are unique, the config is valid; each
# problem with its file and a fix (on stdout: "PATH: MESSAGE" then
# "  fix: ..."), then the error on stderr and exit 65; exit 0 when all is well.
# It reads the work tree and changes nothing.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

# Usage: j EXPR — evaluates EXPR over the last `run`'s stdout (d is the document).
j() { json_eval "$1" <<<"$output"; }

# Usage: hand_edit FILE SED-EXPR MESSAGE — edits FILE with sed and commits it
# with git (not irctl), as someone fixing a file in their editor would.
hand_edit() {
  local before
  before=$(cat "$1")
  sed -i "$2" "$1"
  [ "$(cat "$1")" != "$before" ] || { echo "hand_edit: '$2' changed nothing in $1" >&2; return 1; }
  git commit -qam "$3"
}

# Another month's folder than the one incident $1 belongs in.
wrong_month_dir() {
  local year=${1:4:4} month=${1:8:2}
  if [ "$month" = 01 ]; then echo "incidents/$year/02"; else echo "incidents/$year/01"; fi
}

@test "a clean repository: exit 0, nothing on stdout, a summary on stderr, and nothing changes" {
  run_unchanged --separate-stderr irctl fsck
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "irctl fsck: checked 0 incident files: no problems" ]
  a=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout --commander alice)
  declare_incident "Login errors" --severity SEV1 >/dev/null
  # a whole lifecycle, so that every kind of event has been replayed
  irctl -q severity "$a" SEV1 --reason "all regions"
  irctl -q assign "$a" tech-lead carol --workstream db
  irctl -q ack "$a"
  irctl -q contain "$a" "Rolled back deploy 4711"
  irctl -q set "$a" --title "Checkout and payments fail" --add-service payments --add-channel '#inc'
  irctl -q task "$a" done 1
  irctl -q action add "$a" "Add a canary stage" --due 2020-01-01
  irctl -q resolve "$a" --root-cause "A connection leak"
  irctl -q postmortem "$a"
  irctl -q close "$a"
  irctl -q reopen "$a" --reason "Errors are back"
  run_unchanged --separate-stderr irctl fsck
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "irctl fsck: checked 2 incident files: no problems" ]
  run --separate-stderr irctl --json fsck
  assert_status 0
  [ -z "$stderr" ]
  [ "$(j '[d["ok"], d["incidents_checked"], d["problems"]]')" = '[true, 2, []]' ]
  run --separate-stderr irctl -q fsck
  assert_status 0
  [ -z "$output" ] && [ -z "$stderr" ]
}

@test "a severity edited by hand and committed: exit 65, the file and field on stdout with a fix, then the error" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV2)
  declare_incident "Login errors" >/dev/null
  FILE=$(incident_path "$id")
  hand_edit "$FILE" 's/^severity = "SEV2"$/severity = "SEV1"/' "raise the severity by hand"
  head=$(git rev-parse HEAD)
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [ "${lines[0]}" = "$FILE: severity is \"SEV1\" but its timeline says \"SEV2\"" ]
  [[ "${lines[1]}" == "  fix: run 'irctl edit $id' and save: it records the hand edit as an event; "* ]]
  [[ "${lines[1]}" == *"put back \"SEV2\", then record the change with 'irctl severity $id SEV1'" ]]
  [ "${#lines[@]}" -eq 2 ]
  grep -qx 'irctl: error: checked 2 incident files: 1 problem' <<<"$stderr"
  grep -q '^hint: ' <<<"$stderr"
  # --json: the same problem, as data; the error object on stderr
  run --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(j '[d["ok"], d["incidents_checked"], len(d["problems"])]')" = '[false, 2, 1]' ]
  [ "$(j 'd["problems"][0]["path"]')" = "$FILE" ]
  [ "$(j 'd["problems"][0]["message"]')" = "severity is \"SEV1\" but its timeline says \"SEV2\"" ]
  [[ "$(j 'd["problems"][0]["fix"]')" == *"irctl edit $id"* ]]
  [ "$(json_eval 'd["error"]["exit"]' <<<"$stderr")" = 65 ]
  [ "$(git rev-parse HEAD)" = "$head" ]
  assert_clean_repo
}

@test "the fix works: putting the value back and recording the change with irctl clears the problem" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV2)
  FILE=$(incident_path "$id")
  hand_edit "$FILE" 's/^severity = "SEV2"$/severity = "SEV1"/' "raise the severity by hand"
  run irctl fsck
  assert_status 65
  hand_edit "$FILE" 's/^severity = "SEV1"$/severity = "SEV2"/' "put it back"
  irctl -q severity "$id" SEV1
  run irctl fsck
  assert_status 0
  [ "$(field 'd["severity"]')" = SEV1 ]
}

@test "uncommitted hand edits are checked too, and the fix says to commit before irctl edit" {
  id=$(declare_incident "Checkout API returns 503")
  FILE=$(incident_path "$id")
  sed -i 's/^title = .*/title = "Checkout is down"/' "$FILE"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [ "${lines[0]}" = "$FILE: title is \"Checkout is down\" but its timeline says \"Checkout API returns 503\"" ]
  assert_output_contains "commit the file first"
  assert_output_contains "'irctl set $id --title TEXT'"
}

@test "a file that does not parse is named with its line and column; the other files are still checked" {
  broken=$(declare_incident "Checkout API returns 503")
  other=$(declare_incident "Login errors" --severity SEV3)
  bad_line=$(grep -n '^kind = ' "$(incident_path "$broken")" | cut -d: -f1)
  sed -i 's/^kind = .*/kind = /' "$(incident_path "$broken")"
  hand_edit "$(incident_path "$other")" 's/^severity = "SEV3"$/severity = "SEV4"/' "break one, lower the other by hand"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  # the line that was broken, and the column
  grep -Eq "^$(incident_path "$broken"):$bad_line:[0-9]+: invalid TOML" <<<"$output"
  assert_output_contains "  fix: fix it by hand (irctl-format(5)), or bring back a good version: 'git log -- $(incident_path "$broken")'"
  grep -qx "$(incident_path "$other"): severity is \"SEV4\" but its timeline says \"SEV3\"" <<<"$output"
  grep -qx 'irctl: error: checked 2 incident files: 2 problems' <<<"$stderr"
  run --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(j '[p["path"] for p in d["problems"]]')" = \
    "$(py -S -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:])))' "$(incident_path "$broken")" "$(incident_path "$other")")" ]
}

@test "a file in the wrong month's folder: told where it belongs, with the git mv that moves it" {
  id=$(declare_incident "Checkout API returns 503")
  dir=$(wrong_month_dir "$id")
  mkdir -p "$dir"
  git mv "$(incident_path "$id")" "$dir/"
  git commit -qm "move it"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [ "${lines[0]}" = "$dir/$id.toml: incident $id is in the wrong folder: its file belongs at incidents/${id:4:4}/${id:8:2}/$id.toml" ]
  [ "${lines[1]}" = "  fix: 'git mv $dir/$id.toml incidents/${id:4:4}/${id:8:2}/$id.toml', then commit" ]
  [ "${#lines[@]}" -eq 2 ]
  # following the fix clears it
  mkdir -p "incidents/${id:4:4}/${id:8:2}"
  git mv "$dir/$id.toml" "incidents/${id:4:4}/${id:8:2}/$id.toml"
  git commit -qm "move it back"
  run irctl fsck
  assert_status 0
}

@test "the same ID in two files: the copy is reported, the file in its place is not" {
  id=$(declare_incident "Checkout API returns 503")
  FILE=$(incident_path "$id")
  dir=$(wrong_month_dir "$id")
  mkdir -p "$dir"
  cp "$FILE" "$dir/"
  git add "$dir" && git commit -qm "a copy"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [ "${lines[0]}" = "$dir/$id.toml: incident ID $id is also in $FILE: two files for one incident" ]
  assert_output_contains "git rm $dir/$id.toml"
  [ "${#lines[@]}" -eq 2 ]
  grep -qx 'irctl: error: checked 2 incident files: 1 problem' <<<"$stderr"
}

@test "files under incidents/ that irctl does not read: an incident under another name is told where it belongs" {
  id=$(declare_incident "Checkout API returns 503")
  git mv "$(incident_path "$id")" "incidents/checkout-outage.toml"
  echo "remember the milk" >incidents/notes.txt
  git add incidents && git commit -qm "rename by hand"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  grep -qx "incidents/checkout-outage.toml: incident $id is in a file irctl does not read: .*" <<<"$output"
  assert_output_contains "  fix: move it to incidents/${id:4:4}/${id:8:2}/$id.toml: 'git mv incidents/checkout-outage.toml incidents/${id:4:4}/${id:8:2}/$id.toml', then commit"
  grep -qx "incidents/notes.txt: not an incident file: .*" <<<"$output"
}

@test "an invalid configuration: a problem on .irctl/config.toml, listed first, and the incidents are still checked" {
  id=$(declare_incident "Checkout API returns 503" --severity SEV2)
  hand_edit "$(incident_path "$id")" 's/^severity = "SEV2"$/severity = "SEV1"/' "by hand"
  echo '[[severity]]' >>.irctl/config.toml
  git commit -qam "break the config"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [[ "${lines[0]}" == ".irctl/config.toml:"[0-9]*:[0-9]*": "?* ]]
  [[ "${lines[1]}" == "  fix: "?* ]]
  [ "${lines[2]}" = "$(incident_path "$id"): severity is \"SEV1\" but its timeline says \"SEV2\"" ]
  run --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(j '[p["path"] for p in d["problems"]]')" = "[\".irctl/config.toml\", \"$(incident_path "$id")\"]" ]
}

@test "an invalid .irctl/people.toml: a problem naming its line, with the fix; the incidents are still checked" {
  id=$(declare_incident "Checkout API returns 503")
  printf '[people.yp]\nemail = "yp@example.com"\n' >.irctl/people.toml
  git add .irctl/people.toml && git commit -qm "people without a name"
  run_unchanged --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(j '[(p["path"], p["message"], p["fix"]) for p in d["problems"]]')" = \
    '[[".irctl/people.toml", ".irctl/people.toml:1:1: the key '"'name'"' is missing", "fix .irctl/people.toml (see irctl-config(5)), then commit it"]]' ]
}

@test "an invalid playbook: a problem naming its line, as declare would say it, before a declaration stops on it" {
  id=$(declare_incident "Checkout API returns 503")
  py -S -c '
p = ".irctl/playbooks/outage.toml"
s = open(p).read()
open(p, "w").write(s.replace("\ntitle = ", "\ntitle = \"twice\"\ntitle = ", 1))'
  git commit -qam "a playbook with a key twice"
  run --separate-stderr irctl declare "Another" --service checkout --kind outage
  assert_status 65
  local said=${stderr#irctl: error: }
  said=${said%%$'\n'*}
  run_unchanged --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(j '[p["path"] for p in d["problems"]]')" = '[".irctl/playbooks/outage.toml"]' ]
  [ "$(j 'd["problems"][0]["message"]')" = "$said" ]
}

@test "fsck changes nothing, even with problems: HEAD, index, work tree and current incident stay as they were" {
  id=$(declare_incident "Checkout API returns 503")
  irctl use "$id" >/dev/null 2>&1
  echo 'title = [' >>"$(incident_path "$id")"    # not committed
  echo "# stray" >incidents/stray.md             # untracked
  head=$(git rev-parse HEAD)
  before=$(repo_state)
  run irctl fsck
  assert_status 65
  run irctl --json fsck
  assert_status 65
  [ "$(repo_state)" = "$before" ]
  [ "$(git rev-parse HEAD)" = "$head" ]
}

@test "outside a repository: exit 3; a bad option: exit 2; --help teaches what is checked" {
  mkdir "$TEST_DIR/empty"
  run --separate-stderr irctl -C "$TEST_DIR/empty" fsck
  assert_status 3
  assert_text_error
  run --separate-stderr irctl fsck --bogus
  assert_status 2
  run irctl fsck --help
  assert_status 0
  assert_output_contains "timeline"
  assert_output_contains "Exit 0 when all is well, 65 when anything is wrong."
  assert_output_contains "Examples:"
}

@test "control characters in a hand-edited value are shown escaped" {
  id=$(declare_incident "Checkout API returns 503")
  FILE=$(incident_path "$id")
  hand_edit "$FILE" 's/^title = .*/title = "red \\u001b[31m alert"/' "escape by hand"
  run --separate-stderr irctl fsck
  assert_status 65
  refute_raw_controls
  assert_output_contains 'title is "red \u001b[31m alert"'
}
