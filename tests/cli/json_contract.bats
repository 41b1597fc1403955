#!/usr/bin/env bats
# The JSON contract (issue 5, irctl-json(5)): every command's --json output,
# in every form, validates against its $defs entry in
# schema/irctl-output.v1.schema.json, the file `cmake --install` puts in
# share/irctl/; every failure prints one error object on stderr whose exit is
# the exit status, for each documented status; exit 6 is a finding, not an
# error. Off a terminal, or with NO_COLOR, --no-color or TERM=dumb, nothing
# irctl prints holds an escape character; on a terminal it uses colour. No
# command waits for input when stdin is not a terminal. Exit 75 (busy) is an
# error of its own, code busy.

load helpers
bats_require_minimum_version 1.5.0

SCHEMA="$IRCTL_SOURCE_DIR/schema/irctl-output.v1.schema.json"
VALIDATOR="$IRCTL_SOURCE_DIR/tests/cli/validate_json.py"

# The $defs entries that are the output of a command (or the error object, or
# the hook's input); the others are parts of them.
OUTPUT_DEFS=(init declare event_result severity_list escalate_due task_list update_draft postmortem_text
  postmortem_templates action_list maintenance_write maintenance_list maintenance_ical stats ingest gate status_page site fsck sync resolve_conflicts install_merge_driver merge_driver show timeline list log use completion
  task_results version
  error hook_input)

setup_file() { common_setup_file; }
setup() {
  common_setup
  DOCS="$TEST_DIR/docs"
  mkdir -p "$DOCS"
  QUEUE=()
  RAN=()
}
teardown() { common_teardown; }

# Usage: validate DEF FILE [DEF FILE ...] — see validate_json.py.
validate() { py "$VALIDATOR" --schema "$SCHEMA" "$@"; }

# Validates everything queued by json_cmd and err_cmd, in one go.
validate_queue() {
  [ "${#QUEUE[@]}" -gt 0 ] || { echo "nothing was queued for validation" >&2; return 1; }
  validate "${QUEUE[@]}"
}

# Usage: json_cmd DEF STATUS ARGS... — runs `irctl --json ARGS` with stdin
# from /dev/null (under a timeout: it must not wait for input); fails unless
# it exits with STATUS. With STATUS 0 or 6 it must print nothing on stderr,
# and its stdout is queued to be validated against $defs/DEF; with another
# STATUS it is a failure (see err_cmd).
json_cmd() {
  if [ "$2" -ne 0 ] && [ "$2" -ne 6 ]; then
    RAN+=("${*:3}")
    err_cmd "${@:2}"
    return
  fi
  local def=$1 want=$2 st=0
  shift 2
  local n=$((${#QUEUE[@]} / 2))
  local out="$DOCS/$n.$1.$def.json" err="$DOCS/$n.$1.err"
  timeout 20 irctl --json "$@" >"$out" 2>"$err" </dev/null || st=$?
  RAN+=("$*")
  if [ "$st" -ne "$want" ]; then
    echo "irctl --json $* exited with $st, not $want; stderr:" >&2
    cat "$err" >&2
    return 1
  fi
  if [ -s "$err" ]; then
    echo "irctl --json $* printed on stderr (with --json only an error may go there):" >&2
    cat "$err" >&2
    return 1
  fi
  QUEUE+=("$def" "$out")
}

# Usage: text_cmd DEF STATUS ARGS... — runs `irctl ARGS` (text for people)
# with stdout and stderr going to files, not a terminal, and stdin an open
# pipe that never delivers anything ($SILENT, see open_silent_stdin), under a
# timeout: a command that waited for input would hang there. Fails when it
# times out, exits otherwise than STATUS, or prints an ESC character. DEF is
# not used (json_cmd's signature).
text_cmd() {
  local want=$2 st=0
  shift 2
  timeout 20 irctl "$@" >"$TEST_DIR/text.out" 2>"$TEST_DIR/text.err" <&"$SILENT" || st=$?
  RAN+=("$*")
  if [ "$st" -eq 124 ]; then
    echo "irctl $* waited for input on a stdin that is not a terminal (stopped after 20 s)" >&2
    return 1
  fi
  if [ "$st" -ne "$want" ]; then
    echo "irctl $* exited with $st, not $want; stderr:" >&2
    cat "$TEST_DIR/text.err" >&2
    return 1
  fi
  if grep -q $'\e' "$TEST_DIR/text.out" "$TEST_DIR/text.err"; then
    echo "irctl $* printed an escape character although no output is a terminal:" >&2
    cat -v "$TEST_DIR/text.out" "$TEST_DIR/text.err" >&2
    return 1
  fi
}

# Opens $SILENT: a FIFO held open for reading and writing by this shell, so
# that a reader never sees the end of the input and never gets any.
open_silent_stdin() {
  mkfifo "$TEST_DIR/silent"
  exec {SILENT}<>"$TEST_DIR/silent"
}

# Usage: err_cmd STATUS ARGS... — runs `irctl --json ARGS`, which must fail
# with STATUS, print nothing on stdout, and print its error on stderr, which
# is queued to be validated as $defs/error with error.exit = STATUS.
err_cmd() {
  local want=$1 st=0
  shift
  local n=$((${#QUEUE[@]} / 2))
  local out="$DOCS/$n.$1.out" err="$DOCS/$n.$1.error.json"
  timeout 20 irctl --json "$@" >"$out" 2>"$err" </dev/null || st=$?
  if [ "$st" -ne "$want" ]; then
    echo "irctl --json $* exited with $st, not $want; stderr:" >&2
    cat "$err" >&2
    return 1
  fi
  if [ -s "$out" ]; then
    echo "irctl --json $* failed but printed on stdout:" >&2
    cat "$out" >&2
    return 1
  fi
  QUEUE+=("error:$want" "$err")
}

# Fails unless RAN holds every command that `irctl __complete ""` lists, and
# every subcommand of those that have some: a new command must come with its
# schema entry and be run here.
assert_ran_every_command() {
  local missing=() c s ran
  ran=$(printf '%s\n' "${RAN[@]}")
  for c in $(irctl __complete "" | cut -f1); do
    grep -q "^$c\( \|$\)" <<<"$ran" || missing+=("$c")
    if irctl "$c" --help 2>/dev/null | grep -qx 'Subcommands:'; then
      for s in $(irctl __complete "$c" "" | cut -f1); do
        grep -q "^$c $s\( \|$\)" <<<"$ran" || missing+=("$c $s")
      done
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "not run: ${missing[*]}" >&2
    return 1
  fi
}

# Usage: scenario RUNNER — a whole incident, running every command in every
# form (and each write command also when it changes nothing), each as
# `RUNNER DEF STATUS ARGS...`: DEF is the schema entry of its --json output,
# STATUS its exit status. Creates $TEST_DIR/repo and works in it.
scenario() {
  local r=$1 id alerted
  git init -q "$TEST_DIR/repo"
  git -C "$TEST_DIR/repo" config user.name "Alice Example"
  git -C "$TEST_DIR/repo" config user.email "alice@example.com"
  cd "$TEST_DIR/repo" || return 1
  IRCTL_ACTOR="Alice Example <alice@example.com>" $r init 0 init "$TEST_DIR/fresh"  # git init too
  $r init 0 init                                                                      # in a git repository
  $r init 0 init                                                                      # already: no change
  git init -q "$TEST_DIR/code"                                                        # a code repository
  IRCTL_ACTOR="Alice Example <alice@example.com>" $r init 0 init --branch incidents "$TEST_DIR/code"
  $r init 0 init --branch incidents "$TEST_DIR/code"                                  # already: no change
  $r install_merge_driver 0 install-merge-driver
  $r install_merge_driver 0 install-merge-driver --global
  $r resolve_conflicts 0 resolve-conflicts                                           # nothing in conflict
  $r error 2 resolve-conflicts .gitattributes                                         # not an incident file
  $r declare 0 declare "Checkout API returns 503" --severity SEV1 --kind outage --service checkout \
    --commander alice --summary "Payments fail" --started-at -30m --detected-at -25m --channel '#inc-checkout'
  id=$(irctl use)
  $r severity_list 0 severity --list
  $r event_result 0 severity @ SEV2 --reason "one region only"
  $r event_result 0 severity @ sev2                                                   # already: recorded false
  $r event_result 0 assign @ commander bob                                            # a handover
  $r event_result 0 assign @ commander bob                                            # already
  $r event_result 0 assign @ tech-lead carol --workstream db
  $r event_result 0 assign @ sme erin
  $r event_result 0 assign @ sme erin --remove
  $r event_result 0 ack @
  $r event_result 0 escalate @ --reason "need the database team"
  $r event_result 0 escalate @ --to database-team
  $r escalate_due 0 escalate --due
  echo "pool exhausted at 16:02" >"$TEST_DIR/pool.log"
  $r event_result 0 contain @ "Rolled back deploy 4711" --evidence "$TEST_DIR/pool.log"
  $r event_result 0 contain @ Blocked the retry storm --evidence "$TEST_DIR/pool.log" --hash-only
  $r event_result 0 eradicate @ "Fixed the connection leak"
  $r event_result 0 recover @ "Traffic back on all regions"
  $r event_result 0 note @ "Error rate at 38%"
  # the merge driver, as git runs it: three versions in temporary files
  local path
  path=$(git ls-files "incidents/*/*/$id.toml")
  git show "HEAD~1:$path" >"$TEST_DIR/base.toml"
  cp "$path" "$TEST_DIR/ours.toml"
  git show "HEAD~1:$path" >"$TEST_DIR/theirs.toml"
  $r merge_driver 0 merge-driver "$TEST_DIR/base.toml" "$TEST_DIR/ours.toml" "$TEST_DIR/theirs.toml" "$path"
  cmp -s "$TEST_DIR/ours.toml" "$path"   # only ours changed: the result is ours
  printf 'not toml [' >"$TEST_DIR/theirs.toml"
  $r error 65 merge-driver "$TEST_DIR/base.toml" "$TEST_DIR/ours.toml" "$TEST_DIR/theirs.toml" "$path"
  $r event_result 0 note @ $'A title from an alert: \e[31mred\e[0m and a bell \a'
  $r event_result 0 update @ "Checkout fails for a third of requests"
  $r event_result 0 update @ --audience external "We are investigating failed payments."
  $r event_result 0 set @ --title "Checkout and payments fail" --impact "A third of checkouts failed" \
    --summary $'Payments fail; pasted from a log: \e[2J\e]0;pwned\a' --add-service payments \
    --add-channel https://meet.example.com/inc
  $r event_result 0 set @ --service checkout --channel '#inc-checkout'
  $r event_result 0 set @ --service checkout                                          # already
  $r update_draft 0 update @ --render --dry-run "Next update at 17:00 UTC."
  $r event_result 0 update @ --render --audience external
  $r event_result 0 update @ --render --template update "Next update at 18:00 UTC."
  $r task_list 0 task @
  $r event_result 0 task @ done 1
  $r event_result 0 task @ done 1                                                     # already
  $r event_result 0 task @ done 2
  $r event_result 0 task @ undo 2
  $r task_results 0 task @ done 3 1 4                                                 # 1 already: recorded false
  $r task_results 0 task @ undo 3 4
  $r task_list 0 task @
  $r timeline 0 timeline @
  $r timeline 0 timeline @ --type note,contain
  $r timeline 0 timeline @ --type '!note' --exclude-type task,set
  note_id=$(irctl --json timeline @ --type note | json_eval 'd["timeline"][0]["id"]')
  $r event_result 0 timeline @ --pin "${note_id:0:6}" --public
  $r event_result 0 timeline @ --pin "$note_id" --public                               # already
  $r event_result 0 timeline @ --hide "$note_id"
  $r show 0 show @
  $r list 0 list
  $r list 0 list --status open --severity SEV2 --service checkout --kind outage --since -1d --format ids
  $r list 0 list --status closed
  $r log 0 log @
  $r event_result 0 resolve @ --resolution "Rolled back deploy 4711" --root-cause "The retry path never closed them"
  $r event_result 0 set @ --resolution "Rolled back deploy 4711; the pool drained in 3 minutes"
  $r postmortem_text 0 postmortem @ --output -
  $r postmortem_templates 0 postmortem --list-templates
  $r event_result 0 postmortem @
  $r event_result 0 postmortem @                                                      # up to date
  $r event_result 0 postmortem @ --template postmortem-security --output postmortems/security-review.md
  $r event_result 0 action add @ "Add a canary stage" --owner "Bob Ops <bob@example.com>" --due 2020-01-01 \
    --type prevent --link https://tracker.example.com/OPS-1
  $r event_result 0 action add @ "Alert on the error budget"
  $r event_result 0 action done @ 2
  $r event_result 0 action done @ 2                                                   # already
  $r event_result 0 action reopen @ 2
  $r event_result 0 action done @ 2
  $r event_result 0 action edit @ 2 --owner "Carol <carol@example.com>" --due 14d --type detect
  $r event_result 0 action edit @ 2 --no-due --no-type
  $r event_result 0 action edit @ 2 --owner "Carol <carol@example.com>"                  # already
  $r action_list 0 action list
  $r action_list 0 action list @ --open --owner bob@example.com
  $r action_list 6 action list --overdue                                              # action 1 is overdue
  $r event_result 0 close @
  $r event_result 0 close @                                                           # already
  $r show 0 show @
  $r list 0 list --status closed
  $r event_result 0 action done @ 1                                                   # closed incidents take actions
  $r action_list 0 action list --overdue
  printf '\n[[service]]\nname = "checkout"\n' >>.irctl/config.toml
  git commit -qm "the checkout service" .irctl/config.toml
  $r maintenance_write 0 maintenance add "Database upgrade" --service checkout --start +1h --end +3h \
    --text "Checkout may be slow."
  $r maintenance_write 0 maintenance add "Cache flush" --service checkout --start -3h --end -2h --force
  $r error 2 maintenance add "Cache flush" --service checkout --start -3h --end -2h     # over: refused
  $r maintenance_list 0 maintenance list
  $r maintenance_list 0 maintenance list --all
  local window
  window=$(irctl --json maintenance list | json_eval 'd["maintenance"][0]["id"]')
  $r maintenance_write 0 maintenance cancel "${window: -6}" --reason "The vendor postponed it"
  $r error 4 maintenance cancel "$window" --reason "again"                             # cancelled already
  $r maintenance_ical 0 maintenance ical
  $r maintenance_ical 0 maintenance ical --output "$TEST_DIR/maintenance.ics"
  $r event_result 0 reopen @ --reason "Errors are back after the cache expired"
  $r use 0 use
  $r use 0 use --clear
  $r use 0 use "${id: -6}"
  printf '#!/bin/sh\nsed -i "s/^impact = .*/impact = \\"Half of all checkouts failed\\"/" "$1"\n' >"$TEST_DIR/editor"
  chmod +x "$TEST_DIR/editor"
  VISUAL='' EDITOR="$TEST_DIR/editor" $r event_result 0 edit @                        # an edit event: impact
  VISUAL='' EDITOR=true $r event_result 0 edit @                                      # no change: recorded false
  printf '{"key": "disk-db3", "title": "Disk full on db-3", "status": "firing", "severity": "warning", "service": "db"}' \
    >"$TEST_DIR/alert.json"
  $r ingest 0 ingest "$TEST_DIR/alert.json"
  $r ingest 0 ingest --format generic "$TEST_DIR/alert.json"                          # a repeat: unchanged
  alerted=$(irctl list --service db --format ids)
  $r event_result 0 resolve "$alerted"
  $r event_result 4 close "$alerted"                                                  # no postmortem: refused
  $r event_result 0 close "$alerted" --force
  $r event_result 0 void "$alerted" --reason "The alert was a test"
  $r event_result 0 void "$alerted" --reason "The alert was a test"                   # already: recorded false
  $r list 0 list --status void
  $r gate 6 gate                                                                      # open incidents: blocked
  $r gate 6 gate --severity SEV2
  $r gate 0 gate --severity SEV1 --service checkout
  $r status_page 0 status-page "$TEST_DIR/status"
  $r status_page 0 status-page "$TEST_DIR/status"                                      # again: nothing written
  $r site 0 site "$TEST_DIR/site"
  $r site 0 site "$TEST_DIR/site"                                                      # again: nothing rendered
  # irctl serve runs until stopped and prints no JSON of its own (its log is
  # tested in serve.bats); what it can print here is its error
  $r error 2 serve --listen 127.0.0.1:0                                                # no --token-file
  $r stats 0 stats
  $r stats 0 stats --by severity --since 2020-01-01 --until 2099-12-31
  $r stats 0 stats --by service
  $r stats 0 stats --by kind
  $r stats 0 stats --by month --since -30d
  $r fsck 0 fsck                                                                      # irctl wrote it all: no problem
  git init -q --bare "$TEST_DIR/remote.git"
  git remote add origin "$TEST_DIR/remote.git"
  $r sync 0 sync                                                                      # pushed-only
  $r sync 0 sync --no-push                                                            # up-to-date
  $r completion 0 completion bash
  $r completion 0 completion zsh
  $r completion 0 completion fish
  $r version 0 version
}

@test "the schema is a JSON Schema (draft 2020-12) with an \$id, a version, its promise and an entry per output" {
  py - "$SCHEMA" "${OUTPUT_DEFS[@]}" <<'EOF'
import json, sys, jsonschema
path, names = sys.argv[1], sys.argv[2:]
with open(path) as f:
    s = json.load(f)
jsonschema.Draft202012Validator.check_schema(s)
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema", s["$schema"]
assert s["$id"].endswith(":v1"), s["$id"]
assert s["version"].split(".")[0] == "1", s["version"]
assert "only added, never removed" in s["description"], "the description must state what v1 promises"
for n in names:
    assert n in s["$defs"], "no $defs entry " + n
    assert s["$defs"][n].get("description"), "$defs/%s has no description" % n
listed = [x["$ref"].rsplit("/", 1)[1] for x in s["anyOf"]]
assert sorted(listed) == sorted(names), "the top-level anyOf lists %s" % listed
EOF
}

@test "the validator rejects documents that break the schema (self-test)" {
  new_repo
  id=$(declare_incident "Checkout API returns 503")
  irctl --json show "$id" >"$TEST_DIR/show.json"
  irctl --json note "$id" "Rolled back" >"$TEST_DIR/note.json"
  # the real documents pass ...
  run validate show "$TEST_DIR/show.json" event_result "$TEST_DIR/note.json"
  assert_status 0
  # ... and a document that is not the command's fails
  run validate list "$TEST_DIR/show.json"
  assert_status 1
  assert_output_contains "'incidents' is a required property"

  mutate() { # FILE PYTHON-STATEMENT: writes FILE, changed, to $TEST_DIR/bad.json
    py -c 'import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
open(sys.argv[3], "w").write(json.dumps(d))' "$1" "$2" "$TEST_DIR/bad.json"
  }
  mutate "$TEST_DIR/show.json" 'd["status"] = "open"'
  run validate show "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "'open' is not one of"
  mutate "$TEST_DIR/show.json" 'd["declared_at"] = "2026-11-28T18:05:00+02:00"'
  run validate show "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "does not match"
  mutate "$TEST_DIR/show.json" 'del d["timeline"]'
  run validate show "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "'timeline' is a required property"
  # durations are whole seconds, never negative, by the names of irctl-stats(1)
  mutate "$TEST_DIR/show.json" 'd["durations"] = {"impact": -60}'
  run validate show "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "-60 is less than the minimum of 0"
  mutate "$TEST_DIR/show.json" 'd["durations"] = {"to_impact": 60}'
  run validate show "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "'to_impact' was unexpected"
  # a key added by hand to the incident is fine ...
  mutate "$TEST_DIR/show.json" 'd["customer_ticket"] = "ZD-4711"'
  run validate show "$TEST_DIR/bad.json"
  assert_status 0
  # ... but command envelopes are closed
  mutate "$TEST_DIR/note.json" 'd["extra"] = 1'
  run validate event_result "$TEST_DIR/bad.json"
  assert_status 1
  assert_output_contains "'extra' was unexpected"
  mutate "$TEST_DIR/note.json" 'del d["commit"]'
  run validate event_result "$TEST_DIR/bad.json"
  assert_status 1
  mutate "$TEST_DIR/note.json" 'd["event"]["id"] = "not-an-id"'
  run validate event_result "$TEST_DIR/bad.json"
  assert_status 1

  # error objects: the code and the exit status go together, and the exit
  # status must be the command's
  echo '{"error":{"code":"not_found","exit":3,"message":"no incident matches","hint":"irctl list"}}' >"$TEST_DIR/e.json"
  run validate error:3 "$TEST_DIR/e.json"
  assert_status 0
  run validate error:2 "$TEST_DIR/e.json"
  assert_status 1
  assert_output_contains "the exit status was 2"
  echo '{"error":{"code":"usage","exit":3,"message":"x"}}' >"$TEST_DIR/e.json"
  run validate error:3 "$TEST_DIR/e.json"
  assert_status 1
  echo '{"error":{"code":"not_found","exit":3,"message":"x","hint":""}}' >"$TEST_DIR/e.json"
  run validate error:3 "$TEST_DIR/e.json"
  assert_status 1
  printf '{"error":\n{"code":"not_found","exit":3,"message":"x"}}\n' >"$TEST_DIR/e.json"
  run validate error:3 "$TEST_DIR/e.json"
  assert_status 1
  assert_output_contains "one line"
  # not one JSON document
  printf '{"current": null}\n{"current": null}\n' >"$TEST_DIR/two.json"
  run validate use "$TEST_DIR/two.json"
  assert_status 1
  printf '{"current": null, "current": null}\n' >"$TEST_DIR/dup.json"
  run validate use "$TEST_DIR/dup.json"
  assert_status 1
  assert_output_contains "duplicate key"
  printf '{"current": null}\n' >"$TEST_DIR/use.json"
  run validate use "$TEST_DIR/use.json"
  assert_status 0
  # an entry the schema does not have is a usage error of the validator
  run validate no_such_entry "$TEST_DIR/use.json"
  assert_status 2
}

@test "every command, in every form, prints JSON that matches its schema entry" {
  scenario json_cmd
  assert_ran_every_command
  validate_queue
  assert_clean_repo
}

@test "the documents say what was done: recorded false when nothing changed, the event when something did" {
  new_repo
  id=$(declare_incident "Checkout API returns 503" --commander alice)
  run --separate-stderr irctl --json assign "$id" commander alice
  assert_status 0
  [ "$(json_eval '[d["recorded"], sorted(d)]' <<<"$output")" = '[false, ["id", "recorded"]]' ]
  run --separate-stderr irctl --json note "$id" "Rolled back"
  assert_status 0
  [ "$(json_eval '[d["recorded"], d["event"]["type"], d["event"]["text"], d["commit"]]' <<<"$output")" = \
    "[true, \"note\", \"Rolled back\", \"$(git rev-parse HEAD)\"]" ]
}

@test "ingest: every outcome matches the schema" {
  new_repo
  alert() { printf '%s' "$2" >"$TEST_DIR/$1.json"; }
  alert firing '{"key": "disk-db3", "title": "Disk full on db-3", "status": "firing", "started_at": "2026-01-05T10:00:00Z"}'
  alert ack '{"key": "disk-db3", "status": "acknowledged"}'
  alert resolved '{"key": "disk-db3", "status": "resolved"}'
  alert other '{"key": "cpu-web1", "title": "CPU hot on web-1", "status": "firing"}'
  alert other_resolved '{"key": "cpu-web1", "status": "resolved"}'
  alert unknown_resolved '{"key": "never-seen", "status": "resolved"}'
  alert note '{"action": "AddNote", "alert": {"alias": "db3"}}'
  json_cmd ingest 0 ingest "$TEST_DIR/firing.json"
  json_cmd ingest 0 ingest "$TEST_DIR/firing.json"
  json_cmd ingest 0 ingest "$TEST_DIR/ack.json"
  json_cmd ingest 0 ingest "$TEST_DIR/resolved.json"
  json_cmd ingest 0 ingest "$TEST_DIR/unknown_resolved.json"
  json_cmd ingest 0 ingest --format opsgenie "$TEST_DIR/note.json"
  # where a resolved alert does not resolve the incident, it updates it
  sed -i 's/^resolve = true/resolve = false/' .irctl/config.toml
  grep -qx 'resolve = false' .irctl/config.toml
  git commit -qam "ingest: people resolve incidents"
  json_cmd ingest 0 ingest "$TEST_DIR/other.json"
  json_cmd ingest 0 ingest "$TEST_DIR/other_resolved.json"
  json_cmd ingest 0 ingest "$TEST_DIR/other.json"
  local outcomes
  outcomes=$(for ((i = 1; i < ${#QUEUE[@]}; i += 2)); do json_eval 'd["outcome"]' <"${QUEUE[$i]}"; done | tr '\n' ' ')
  [ "$outcomes" = "declared unchanged acknowledged resolved unchanged ignored declared updated updated " ]
  validate_queue
}

@test "exit status 6 (gate, action list --overdue) is a finding, not an error: the document on stdout, nothing on stderr" {
  new_repo
  id=$(declare_incident "Checkout API returns 503" --severity SEV2)
  irctl -q action add "$id" "Add a canary stage" --due 2020-01-01
  json_cmd gate 6 gate
  json_cmd action_list 6 action list --overdue
  [ "$(json_eval '[d["blocked"], len(d["incidents"])]' <"${QUEUE[1]}")" = '[true, 1]' ]
  [ "$(json_eval '[a["overdue"] for a in d["actions"]]' <"${QUEUE[3]}")" = '[true]' ]
  json_cmd gate 0 gate --severity SEV1
  [ "$(json_eval '[d["blocked"], d["incidents"]]' <"${QUEUE[5]}")" = '[false, []]' ]
  validate_queue
}

@test "sync: every outcome matches the schema; a file that cannot be merged is a conflict (exit 5)" {
  new_repo
  git init -q --bare "$TEST_DIR/remote.git"
  git remote add origin "$TEST_DIR/remote.git"
  id=$(declare_incident "Checkout API returns 503" --severity SEV3)
  json_cmd sync 0 sync                                                                # pushed-only
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/other"
  git -C "$TEST_DIR/other" config user.name "Bob Ops"
  git -C "$TEST_DIR/other" config user.email "bob@example.com"
  irctl -C "$TEST_DIR/other" -q install-merge-driver
  irctl -C "$TEST_DIR/other" -q note "$id" "From the other clone"
  irctl -C "$TEST_DIR/other" -q sync
  json_cmd sync 0 sync                                                                # fast-forward
  json_cmd sync 0 sync --no-push                                                      # up-to-date
  # both sides change the severity: merged, with the field in conflicts
  irctl -C "$TEST_DIR/other" -q severity "$id" SEV1
  irctl -C "$TEST_DIR/other" -q sync
  irctl -q severity "$id" SEV2
  json_cmd sync 0 sync                                                                # merged, pushed
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <"${QUEUE[1]}")" = '["pushed-only", true]' ]
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <"${QUEUE[3]}")" = '["fast-forward", false]' ]
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <"${QUEUE[5]}")" = '["up-to-date", false]' ]
  [ "$(json_eval '[d["outcome"], d["pushed"], d["merged_files"], len(d["conflicts"])]' <"${QUEUE[7]}")" = \
    "[\"merged\", true, [\"$(incident_path "$id")\"], 1]" ]
  [ "$(json_eval 'd["tip"]' <"${QUEUE[7]}")" = "$(git rev-parse HEAD)" ]
  # the merge event is on the timeline, and validates as an event: the two
  # values in a fixed order, then the value of the latest severity event
  json_cmd timeline 0 timeline "$id" --type merge
  [ "$(json_eval '[(e["by"], [c.rsplit(" ", 1)[0] for c in e["conflicts"]]) for e in d["timeline"]]' <"${QUEUE[9]}")" = \
    '[["irctl merge", ["severity: \"SEV1\" | \"SEV2\" ->"]]]' ]
  # the same lines of another file changed on both sides: exit 5, nothing local changes
  git -C "$TEST_DIR/other" pull -q --no-rebase
  echo "# theirs" >>"$TEST_DIR/other/.irctl/playbooks/outage.toml"
  git -C "$TEST_DIR/other" commit -qam "theirs"
  irctl -C "$TEST_DIR/other" -q sync
  echo "# ours" >>.irctl/playbooks/outage.toml
  git commit -qam "ours"
  local before
  before=$(git rev-parse HEAD)
  err_cmd 5 sync
  [ "$(git rev-parse HEAD)" = "$before" ]
  assert_clean_repo
  validate_queue
}

@test "escalate --due lists what it escalated" {
  new_repo
  id=$(irctl -q --at -20m declare "Checkout API returns 503")
  json_cmd escalate_due 0 escalate --due
  [ "$(json_eval '[e["id"] for e in d["escalated"]]' <"${QUEUE[1]}")" = "[\"$id\"]" ]
  json_cmd escalate_due 0 escalate --due
  [ "$(json_eval 'd["escalated"]' <"${QUEUE[3]}")" = '[]' ]
  validate_queue
}

@test "every failure prints one error object on stderr, and error.exit is the exit status (1, 2, 3, 4, 5, 65, 75)" {
  new_repo
  id=$(declare_incident "Checkout API returns 503")
  other=$(declare_incident "Login errors")
  # 2: usage
  err_cmd 2 bogus
  err_cmd 2 declare
  err_cmd 2 declare "Disk full" --bogus
  err_cmd 2 severity "$id" SEV9
  err_cmd 2 --at yesterday note "$id" "x"
  err_cmd 2 --at +1h note "$id" "x"
  err_cmd 2 show INC-
  err_cmd 2 list --status nonsense
  err_cmd 2 action add "$id" "x" --type bogus
  err_cmd 2 action edit "$id" 1 --due soon
  err_cmd 2 stats --csv
  git config --unset user.email
  err_cmd 2 note "$id" "x"
  git config user.email alice@example.com
  # 3: not found
  err_cmd 3 show ZZZZZZ
  mkdir "$TEST_DIR/empty"
  err_cmd 3 -C "$TEST_DIR/empty" list
  err_cmd 3 action done "$id" 99
  err_cmd 3 action edit "$id" 99 --owner carol
  irctl use --clear
  err_cmd 3 use
  err_cmd 3 note @ "x"
  # 4: refused by the lifecycle
  err_cmd 4 reopen "$id" --reason "x"
  err_cmd 4 close "$id"
  irctl -q resolve "$id"
  err_cmd 4 ack "$id"
  err_cmd 4 contain "$id" "too late"
  err_cmd 4 close "$id"
  drill=$(declare_incident "Game day drill")
  irctl -q void "$drill" --reason "a drill"
  err_cmd 4 note "$drill" "x"                                                         # void: nothing more
  err_cmd 2 void "$id"                                                                # no --reason
  err_cmd 3 sync nowhere                                                              # no such remote
  # 5: conflict: uncommitted edits
  echo "# an edit" >>"$(incident_path "$other")"
  err_cmd 5 note "$other" "x"
  git checkout -q -- "$(incident_path "$other")"
  # 75: busy: another process holds the lock beyond IRCTL_LOCK_TIMEOUT
  local lock
  exec {lock}>"$(git rev-parse --git-common-dir)/irctl.lock"
  flock "$lock"
  IRCTL_LOCK_TIMEOUT=0.2 err_cmd 75 note "$other" "x"
  exec {lock}>&-
  # 65: bad data: an incident file, the configuration, an alert payload
  echo 'title = [' >>"$(incident_path "$other")"
  git commit -qam "break it"
  err_cmd 65 show "$other"
  git revert --no-edit HEAD >/dev/null
  printf 'not json' >"$TEST_DIR/alert.json"
  err_cmd 65 ingest "$TEST_DIR/alert.json"
  echo '[[severity]]' >>.irctl/config.toml
  git commit -qam "break the config"
  err_cmd 65 declare "Disk full"
  git revert --no-edit HEAD >/dev/null
  # 1: an unexpected failure (the lock cannot be opened)
  mkdir "$(git rev-parse --git-common-dir)/irctl.lock.d"
  rm -f "$(git rev-parse --git-common-dir)/irctl.lock"
  mv "$(git rev-parse --git-common-dir)/irctl.lock.d" "$(git rev-parse --git-common-dir)/irctl.lock"
  err_cmd 1 note "$other" "x"
  validate_queue
  # every status and every code came up
  [ "$(for f in "$DOCS"/*.error.json; do json_eval 'd["error"]["code"]' <"$f"; done | sort -u | tr '\n' ' ')" = \
    "busy conflict data failure not_found refused usage " ]
}

@test "commands that read every incident print their document with the problems, then the error (exit 65)" {
  new_repo
  id=$(declare_incident "Checkout API returns 503")
  declare_incident "Login errors" >/dev/null
  echo 'title = [' >>"$(incident_path "$id")"
  git commit -qam "break it"
  local c
  for c in list stats gate "action list" "escalate --due" fsck; do
    local def=${c// /_}
    [ "$c" = "escalate --due" ] && def=escalate_due
    # shellcheck disable=SC2086
    run --separate-stderr irctl --json $c
    assert_status 65
    printf '%s\n' "$output" >"$DOCS/$def.json"
    printf '%s\n' "$stderr" >"$DOCS/$def.error.json"
    [ "$(json_eval '[p["path"] for p in d["problems"]]' <<<"$output")" = "[\"$(incident_path "$id")\"]" ]
    QUEUE+=("$def" "$DOCS/$def.json" "error:65" "$DOCS/$def.error.json")
  done
  validate_queue
}

@test "the hook's input matches the schema" {
  new_repo
  mkdir -p .irctl/hooks
  printf '#!/bin/sh\ncat >>"%s/hook.$$.json"\n' "$TEST_DIR" >.irctl/hooks/on-event
  chmod +x .irctl/hooks/on-event
  git add .irctl/hooks/on-event && git commit -qm "hook"
  id=$(declare_incident "Checkout API returns 503")
  irctl -q note "$id" "Rolled back"
  irctl -q resolve "$id" --root-cause "A leak"
  local f
  for f in "$TEST_DIR"/hook.*.json; do QUEUE+=(hook_input "$f"); done
  [ "${#QUEUE[@]}" -eq 6 ]
  validate_queue
}

@test "off a terminal no command prints an escape character or waits for input" {
  open_silent_stdin
  scenario text_cmd
  exec {SILENT}>&-
  assert_ran_every_command
  # with the --json error too
  run --separate-stderr irctl --json show ZZZZZZ
  assert_status 3
  refute_raw_controls
}

@test "commands that read stdin (-) take an empty stdin as no text, without waiting; with text, their JSON matches" {
  new_repo
  id=$(declare_incident "Checkout API returns 503")
  printf 'kubectl says:\n  pod/db-3 OOMKilled\n' | irctl --json note "$id" - >"$DOCS/note.json"
  printf 'Disk full on db-3\n' | irctl --json declare - --severity SEV3 >"$DOCS/declare.json"
  printf '{"key": "k1", "title": "Disk full"}' | irctl --json ingest >"$DOCS/ingest.json"
  printf '{"key": "k1", "status": "resolved"}' | irctl --json ingest - >"$DOCS/ingest2.json"
  validate event_result "$DOCS/note.json" declare "$DOCS/declare.json" ingest "$DOCS/ingest.json" ingest "$DOCS/ingest2.json"
  [ "$(json_eval 'd["event"]["text"]' <"$DOCS/note.json")" = $'kubectl says:\n  pod/db-3 OOMKilled' ]
  run --separate-stderr timeout 20 irctl note "$id" - </dev/null
  assert_status 2
  run --separate-stderr timeout 20 irctl declare - </dev/null
  assert_status 2
  run --separate-stderr timeout 20 irctl ingest </dev/null
  assert_status 65
  run --separate-stderr timeout 20 irctl ingest - </dev/null
  assert_status 65
}

@test "on a terminal irctl uses colour, but never with NO_COLOR, --no-color or TERM=dumb" {
  command -v script >/dev/null || {
    echo "script(1) is missing: install bsdutils (util-linux)" >&2
    return 1
  }
  new_repo
  id=$(declare_incident "Checkout API returns 503" --severity SEV1)
  # script itself adds no escape sequence (sanity check for what follows)
  run on_tty printf 'plain\n'
  assert_status 0
  assert_output_contains plain
  if grep -q $'\e' <<<"$output"; then
    echo "script(1) printed an escape character of its own" >&2
    return 1
  fi
  # with a terminal: a bold ID, a dim table header, a red "error:"
  local args how expected code
  for args in "show $id" "list" "show ZZZZZZ"; do
    expected="Checkout API returns 503"
    code=0
    [ "$args" != "show ZZZZZZ" ] || { expected="no incident matches"; code=3; }
    # shellcheck disable=SC2086
    run on_tty env TERM=xterm irctl $args
    assert_status "$code"
    assert_output_contains "$expected"
    grep -q $'\e\[' <<<"$output" || {
      echo "no colour on a terminal from: irctl $args" >&2
      echo "$output" >&2
      return 1
    }
    # NO_COLOR set (even to 0), --no-color, TERM=dumb: the same text, no colour
    for how in "env TERM=xterm NO_COLOR=1 irctl $args" "env TERM=xterm NO_COLOR=0 irctl $args" \
      "env TERM=xterm irctl --no-color $args" "env TERM=xterm irctl $args --no-color" "env TERM=dumb irctl $args"; do
      # shellcheck disable=SC2086
      run on_tty $how
      assert_status "$code"
      assert_output_contains "$expected"
      if grep -q $'\e' <<<"$output"; then
        echo "colour from: $how" >&2
        cat -v <<<"$output" >&2
        return 1
      fi
    done
  done
  # NO_COLOR set but empty does not count (no-color.org)
  run on_tty env TERM=xterm NO_COLOR= irctl list
  assert_status 0
  grep -q $'\e\[' <<<"$output"
}

@test "cmake --install puts the schema in share/irctl and irctl-json(5) with the man pages" {
  local build
  build=$(dirname "$IRCTL_BIN")
  [ -f "$build/cmake_install.cmake" ] || skip "IRCTL_BIN is not in a CMake build directory"
  run cmake --install "$build" --prefix "$TEST_DIR/prefix"
  assert_status 0
  cmp "$SCHEMA" "$TEST_DIR/prefix/share/irctl/irctl-output.v1.schema.json"
  gzip -dc "$TEST_DIR/prefix/share/man/man5/irctl-json.5.gz" | cmp "$IRCTL_SOURCE_DIR/man/irctl-json.5" -
  [ -x "$TEST_DIR/prefix/bin/irctl" ]
}

@test "irctl-json(5) documents every output, and irctl(1) and the README point to it" {
  local page="$IRCTL_SOURCE_DIR/man/irctl-json.5" missing=() d
  [ -f "$page" ]
  for d in "${OUTPUT_DEFS[@]}"; do
    grep -Eq "\\\$defs/${d}([^a-z_]|\$)" "$page" || missing+=("$d")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "irctl-json(5) does not name the schema entries: ${missing[*]}" >&2
    return 1
  fi
  grep -q 'irctl-output\.v1\.schema\.json' "$page"
  grep -q '^\.BR irctl-json (5)' "$IRCTL_SOURCE_DIR/man/irctl.1"
  grep -q 'man 5 irctl-json' "$IRCTL_SOURCE_DIR/README.md"
  grep -q 'irctl-output\.v1\.schema\.json' "$IRCTL_SOURCE_DIR/README.md"
  groff -man -ww -z "$page" 2>"$TEST_DIR/man.err" || true
  if grep -q . "$TEST_DIR/man.err"; then
    cat "$TEST_DIR/man.err" >&2
    return 1
  fi
}
