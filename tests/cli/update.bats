#!/usr/bin/env bats
# irctl update --render: the update written from the update template (the
# postmortem's data plus message, audience and external), printed on stdout
# and recorded as one update event in one commit; --dry-run only prints.
# Typed updates are covered in lifecycle.bats.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(at 2026-11-28T14:10:00Z declare "Checkout API returns 503" --severity SEV2 --service checkout \
    --commander "Carol IC" --started-at 2026-11-28T14:00:00Z)
  at 2026-11-28T14:12:00Z assign "$ID" comms-external "Dave Comms"
  at 2026-11-28T14:15:00Z set "$ID" --summary "Checkout returns 503 for a third of requests" \
    --impact "Customers cannot pay"
  at 2026-11-28T14:30:00Z contain "$ID" "Rolled back deploy 4711"
  FILE=$(incident_path "$ID")
}
teardown() { common_teardown; }

at() {
  local when=$1
  shift
  irctl -q --at "$when" "$@"
}

events_of_type() { toml_eval "$FILE" "len([e for e in d['timeline'] if e['type'] == '$1'])"; }

# The built-in template's rendering for the incident of setup(), for
# stakeholders, with the message $1 (none when empty).
internal_update() {
  printf '**Checkout API returns 503** (%s, SEV2 Major)\n' "$ID"
  printf 'Status: containment. Declared 2026-11-28 14:10 UTC; impact since 2026-11-28 14:00 UTC.\n\n'
  [ -z "${1:-}" ] || printf '%s\n\n' "$1"
  printf 'Checkout returns 503 for a third of requests\n\nImpact: Customers cannot pay\n\n'
  printf -- '- Incident commander: Carol IC\n- External communications manager: Dave Comms\n'
}

# The same for customers: no ID, no severity name, no people.
external_update() {
  printf '**Checkout API returns 503** (Major)\n'
  printf 'Status: containment. Declared 2026-11-28 14:10 UTC; impact since 2026-11-28 14:00 UTC.\n\n'
  [ -z "${1:-}" ] || printf '%s\n\n' "$1"
  printf 'Checkout returns 503 for a third of requests\n\nImpact: Customers cannot pay\n\n'
}

# Usage: assert_stdout_is FILE — the last run's stdout, byte for byte
# (including its final line breaks, which $output drops).
assert_stdout_is() {
  if ! cmp -s "$1" "$TEST_DIR/stdout"; then
    echo "stdout differs from the expected rendering:" >&2
    diff "$1" "$TEST_DIR/stdout" >&2 || true
    return 1
  fi
}

@test "--render prints the rendering and records it as one internal update event" {
  internal_update "Rollback under way." >"$TEST_DIR/expected"
  before=$(git rev-parse HEAD)
  run --separate-stderr bash -c 'irctl --at 2026-11-28T14:40:00Z update "$1" --render "Rollback under way." >"$2"' \
    _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
  [[ "$stderr" == *"$ID: internal update recorded (above)"* ]]
  # one commit, a clean tree
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(git log -1 --format=%s)" = "update $ID: **Checkout API returns 503** ($ID, SEV2 Major)" ]
  [ "$(git log -1 --format=%aI)" = "2026-11-28T14:40:00+00:00" ]
  # the event's text is the rendering without its final line break
  [ "$(last_event '["type"]')" = update ]
  [ "$(last_event '["audience"]')" = internal ]
  [ "$(last_event '["at"]')" = "2026-11-28T14:40:00+00:00" ]
  [ "$(last_event '["text"]')" = "$(cat "$TEST_DIR/expected")" ]
  toml_eval "$FILE" "d['timeline'][-1]['text']" >"$TEST_DIR/recorded"
  cmp -s "$TEST_DIR/recorded" "$TEST_DIR/expected"
  # an update changes none of the incident's fields
  [ "$(toml_eval "$FILE" 'd["status"]')" = containment ]
}

@test "a role with workstreams keeps them in its lines: 'Technical lead (replication): YP'" {
  at 2026-11-28T14:20:00Z assign "$ID" tech-lead "YP" --workstream replication
  at 2026-11-28T14:21:00Z assign "$ID" tech-lead "Bob Ops" --workstream db
  {
    printf '**Checkout API returns 503** (%s, SEV2 Major)\n' "$ID"
    printf 'Status: containment. Declared 2026-11-28 14:10 UTC; impact since 2026-11-28 14:00 UTC.\n\n'
    printf 'Checkout returns 503 for a third of requests\n\nImpact: Customers cannot pay\n\n'
    printf -- '- Incident commander: Carol IC\n- External communications manager: Dave Comms\n'
    printf -- '- Technical lead (replication): YP\n- Technical lead (db): Bob Ops\n'
  } >"$TEST_DIR/expected"
  run --separate-stderr bash -c 'irctl update "$1" --render --dry-run >"$2"' _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
  # customers still see nobody
  run --separate-stderr bash -c 'irctl update "$1" --render --dry-run --audience external >"$2"' _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  external_update >"$TEST_DIR/expected"
  assert_stdout_is "$TEST_DIR/expected"
}

@test "without a message the message's paragraph is left out; -q still prints the update" {
  internal_update "" >"$TEST_DIR/expected"
  run --separate-stderr bash -c 'irctl -q update "$1" --render >"$2"' _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  [ -z "$stderr" ]
  assert_stdout_is "$TEST_DIR/expected"
  [ "$(last_event '["text"]')" = "$(cat "$TEST_DIR/expected")" ]
}

@test "the message can come from stdin (-); white space around it is removed" {
  internal_update "Next update at 17:00 UTC." >"$TEST_DIR/expected"
  run --separate-stderr bash -c 'printf "\n  Next update at 17:00 UTC.  \n\n" | irctl update "$1" --render --dry-run - >"$2"' \
    _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
}

@test "--dry-run prints the same rendering and records nothing; it needs no identity" {
  internal_update "Rollback under way." >"$TEST_DIR/expected"
  git config --unset user.name
  git config --unset user.email
  before=$(repo_state)
  run --separate-stderr bash -c 'irctl update "$1" --render --dry-run "Rollback under way." >"$2"' \
    _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  [ "$(repo_state)" = "$before" ]
  assert_stdout_is "$TEST_DIR/expected"
  [ "$(events_of_type update)" -eq 0 ]
  # without --dry-run the identity is needed, and nothing is printed when it is missing
  run_unchanged --separate-stderr irctl update "$ID" --render "Rollback under way."
  assert_status 2
  [ -z "$output" ]
}

@test "--json: the recorded event with the rendering as its text; --dry-run gives {id, recorded: false, text}" {
  internal_update "Rollback under way." >"$TEST_DIR/expected"
  run --separate-stderr irctl --json update "$ID" --render "Rollback under way."
  assert_status 0
  # only the JSON document on stdout: the rendering is in it, not printed before it
  [ "$(json_eval 'sorted(d)' <<<"$output")" = '["commit", "event", "id", "recorded"]' ]
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  [ "$(json_eval 'd["recorded"]' <<<"$output")" = true ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"]["type"], d["event"]["audience"]]' <<<"$output")" = '["update", "internal"]' ]
  [ "$(json_eval 'd["event"]["text"]' <<<"$output")" = "$(cat "$TEST_DIR/expected")" ]
  [ "$(json_eval 'd["event"]["id"]' <<<"$output")" = "$(last_event '["id"]')" ]

  run_unchanged --separate-stderr irctl --json update "$ID" --render --dry-run "Rollback under way." -a external
  assert_status 0
  [ "$(json_eval 'sorted(d)' <<<"$output")" = '["id", "recorded", "text"]' ]
  [ "$(json_eval '[d["id"], d["recorded"]]' <<<"$output")" = "[\"$ID\", false]" ]
  # the text is the rendering as printed, with its final line break
  external_update "Rollback under way." >"$TEST_DIR/expected"
  json_eval 'd["text"]' <<<"$output" >"$TEST_DIR/stdout"
  # json_eval prints one more line break after the string
  printf '\n' >>"$TEST_DIR/expected"
  assert_stdout_is "$TEST_DIR/expected"
}

@test "an external update names nobody and leaves out the incident's ID" {
  external_update "We are investigating failed payments." >"$TEST_DIR/expected"
  run --separate-stderr bash -c 'irctl update "$1" --render -a external "We are investigating failed payments." >"$2"' \
    _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
  run cat "$TEST_DIR/stdout"
  assert_status 0
  refute_output_contains "$ID"
  refute_output_contains "INC-"
  refute_output_contains "Carol"
  refute_output_contains "Dave"
  refute_output_contains "commander"
  refute_output_contains "SEV2"
  [ "$(last_event '["audience"]')" = external ]
  [ "$(last_event '["text"]')" = "$(cat "$TEST_DIR/expected")" ]
  # people's names stay out however the roles were given
  at 2026-11-28T14:45:00Z assign "$ID" tech-lead "Bob Ops <bob@example.com>" --workstream db
  run --separate-stderr irctl update "$ID" --render --dry-run --audience external
  assert_status 0
  [ "$output" = "$(external_update)" ]
  refute_output_contains "Bob"
  refute_output_contains "Carol"
  refute_output_contains "$ID"
}

@test "a severity without a title: no empty parentheses for customers" {
  # The scale may leave out titles (irctl-config(5)); SEV4 then has none.
  py -S -c '
import sys
p = ".irctl/config.toml"
s = open(p).read()
old = "name = \"SEV4\"\ntitle = \"Low\"\n"
assert old in s
open(p, "w").write(s.replace(old, "name = \"SEV4\"\n", 1))'
  git commit -qam "SEV4 without a title"
  low=$(at 2026-11-28T15:00:00Z declare "Search is slow" --severity SEV4)
  run --separate-stderr irctl update "$low" --render --dry-run -a external
  assert_status 0
  [ "${lines[0]}" = "**Search is slow**" ]
  run --separate-stderr irctl update "$low" --render --dry-run
  assert_status 0
  [ "${lines[0]}" = "**Search is slow** ($low, SEV4)" ]
  # nothing happened yet: no impact start, and no summary, impact or roles
  [ "${lines[1]}" = "Status: identification. Declared 2026-11-28 15:00 UTC." ]
  [ "${#lines[@]}" -eq 2 ]
}

@test "a resolved incident shows its resolution; a closed one refuses --render (exit 4) but drafts with --dry-run" {
  at 2026-11-28T15:10:00Z resolve "$ID"
  run --separate-stderr irctl update "$ID" --render --dry-run
  assert_status 0
  [ "${lines[1]}" = "Status: resolved. Declared 2026-11-28 14:10 UTC; impact since 2026-11-28 14:00 UTC. Resolved 2026-11-28 15:10 UTC." ]
  at 2026-11-28T15:20:00Z close "$ID" --force 2>/dev/null
  run_unchanged --separate-stderr irctl update "$ID" --render "All good."
  assert_status 4
  [ -z "$output" ]
  [[ "$stderr" == *"irctl reopen $ID"* ]]
  run_unchanged --separate-stderr irctl update "$ID" --render --dry-run "All good."
  assert_status 0
  [[ "${lines[1]}" == "Status: closed."* ]]
}

@test "a committed .irctl/templates/update.md.mustache replaces the built-in template" {
  mkdir -p .irctl/templates
  cat >.irctl/templates/update.md.mustache <<'EOF'
{{! our own wording }}
[{{audience}}] {{title}} is {{status}}{{^external}} ({{id}}, commander {{roles.commander}}){{/external}}.
{{#message}}> {{message}}{{/message}}{{^message}}> (no news){{/message}}
Contained after {{durations.to_contain}}.
EOF
  git add .irctl/templates && git commit -qm "Our own update"
  run --separate-stderr irctl update "$ID" --render "Rollback done"
  assert_status 0
  [ "${lines[0]}" = "[internal] Checkout API returns 503 is containment ($ID, commander Carol IC)." ]
  [ "${lines[1]}" = "> Rollback done" ]
  [ "${lines[2]}" = "Contained after 20m 00s." ]
  [ "${#lines[@]}" -eq 3 ]
  [ "$(last_event '["text"]')" = "$(printf '%s\n' "${lines[@]}")" ]
  run --separate-stderr irctl update "$ID" --render --dry-run -a external
  assert_status 0
  [ "${lines[0]}" = "[external] Checkout API returns 503 is containment." ]
  [ "${lines[1]}" = "> (no news)" ]
  # postmortem --list-templates says where update comes from
  run --separate-stderr irctl --json postmortem --list-templates
  assert_status 0
  [ "$(json_eval '[t["source"] for t in d["templates"] if t["name"] == "update"]' <<<"$output")" = \
    '[".irctl/templates/update.md.mustache (overrides the built-in one)"]' ]
}

@test "--template NAME renders another template of the repository, --template FILE a file" {
  mkdir -p .irctl/templates
  printf 'Brief: {{title}} ({{audience}}) {{message}}\n' >.irctl/templates/brief.md.mustache
  git add .irctl/templates && git commit -qm "A brief update"
  run --separate-stderr irctl update "$ID" --render --dry-run --template brief "short"
  assert_status 0
  [ "$output" = "Brief: Checkout API returns 503 (internal) short" ]
  # a file by its path, relative to the current directory
  mkdir "$TEST_DIR/mine"
  printf 'File: {{title}}{{#external}} for customers{{/external}}\n' >"$TEST_DIR/mine/file.md.mustache"
  run --separate-stderr irctl update "$ID" --render --dry-run --template ../mine/file.md.mustache -a external
  assert_status 0
  [ "$output" = "File: Checkout API returns 503 for customers" ]
  run --separate-stderr irctl update "$ID" --render --template "$TEST_DIR/mine/file.md.mustache"
  assert_status 0
  [ "$output" = "File: Checkout API returns 503" ]
  [ "$(last_event '["text"]')" = "File: Checkout API returns 503" ]
  assert_clean_repo
}

@test "--template FILE with -C DIR is read relative to DIR, as postmortem --template reads it" {
  printf 'Right: {{title}}\n' >"$TEST_DIR/right.md.mustache"
  mkdir -p "$TEST_DIR/a/b"
  printf 'Wrong: {{title}}\n' >"$TEST_DIR/a/right.md.mustache"
  printf 'In the repository: {{title}}\n' >plain.md.mustache
  git add plain.md.mustache && git commit -qm "a template file in the repository"
  cd "$TEST_DIR/a/b"
  # ../right.md.mustache from $TEST_DIR/repo is $TEST_DIR/right.md.mustache
  run --separate-stderr irctl -C ../../repo update "$ID" --render --dry-run --template ../right.md.mustache
  assert_status 0
  [ "$output" = "Right: Checkout API returns 503" ]
  run --separate-stderr irctl -C ../../repo postmortem "$ID" --template ../right.md.mustache --output -
  assert_status 0
  [ "$output" = "Right: Checkout API returns 503" ]
  # a name ending in .mustache is a file too
  run --separate-stderr irctl -C ../../repo update "$ID" --render --dry-run --template plain.md.mustache
  assert_status 0
  [ "$output" = "In the repository: Checkout API returns 503" ]
  run --separate-stderr irctl -C ../../repo postmortem "$ID" --template plain.md.mustache --output -
  assert_status 0
  [ "$output" = "In the repository: Checkout API returns 503" ]
}

@test "a broken template exits 65, names the template, line and tag, and changes nothing" {
  mkdir -p .irctl/templates
  printf 'Status: {{status}}\nOwner: {{owner}}\n' >.irctl/templates/update.md.mustache
  git add .irctl/templates && git commit -qm "A broken update template"
  run_unchanged --separate-stderr irctl update "$ID" --render "x"
  assert_status 65
  [ -z "$output" ]
  assert_text_error
  [[ "$stderr" == *".irctl/templates/update.md.mustache:2:8: unknown tag 'owner'"* ]]
  run_unchanged --separate-stderr irctl update "$ID" --render --dry-run
  assert_status 65
  [ -z "$output" ]
  run_unchanged --separate-stderr irctl --json update "$ID" --render
  assert_status 65
  assert_json_error data
  # a file: a section that is not closed
  printf 'A\n{{#summary}}\n{{summary}}\n' >"$TEST_DIR/open.md.mustache"
  run_unchanged --separate-stderr irctl update "$ID" --render --template "$TEST_DIR/open.md.mustache"
  assert_status 65
  [[ "$stderr" == *"$TEST_DIR/open.md.mustache:2:1: unclosed section \"summary\""* ]]
  [ "$(events_of_type update)" -eq 0 ]
}

@test "a template or file that does not exist exits 3 and changes nothing" {
  run_unchanged --separate-stderr irctl update "$ID" --render --template nosuch
  assert_status 3
  [[ "$stderr" == *"no template named 'nosuch'"* ]]
  [[ "$stderr" == *"update"* ]]
  run_unchanged --separate-stderr irctl update "$ID" --render --template ./nosuch.md.mustache
  assert_status 3
  [ -z "$output" ]
}

@test "--template or --dry-run without --render, and no text without --render, exit 2 and change nothing" {
  run_unchanged --separate-stderr irctl update "$ID" --template brief "text"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--template only goes with --render"* ]]
  run_unchanged --separate-stderr irctl update "$ID" --dry-run "text"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--dry-run only goes with --render"* ]]
  run_unchanged --separate-stderr irctl update "$ID"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--render"* ]]
  run_unchanged --separate-stderr irctl --json update "$ID" --dry-run
  assert_status 2
  assert_json_error usage
  run_unchanged --separate-stderr irctl update "$ID" --render --audience press
  assert_status 2
  [ "$(events_of_type update)" -eq 0 ]
}

@test "the update template renders for postmortem --template update too (internal, no message)" {
  internal_update "" >"$TEST_DIR/expected"
  run --separate-stderr bash -c 'irctl postmortem "$1" --template update --output - >"$2"' _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
}

@test "the update is in the postmortem's list of updates, with its audience" {
  at 2026-11-28T14:40:00Z update "$ID" --render -a external "We are investigating failed payments." >/dev/null
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  # as it was published, its Markdown shown as text, its lines kept in the one list item
  assert_output_contains "$(printf '%s\n' \
    '- 2026-11-28 14:40 UTC, external update by Alice Example: \*\*Checkout API returns 503\*\* (Major)\' \
    '  Status: containment. Declared 2026-11-28 14:10 UTC; impact since 2026-11-28 14:00 UTC.\' \
    '  \' \
    '  We are investigating failed payments.\')"
}

@test "the short options -r, -n, -t; --as records the update under another identity" {
  internal_update "Rollback under way." >"$TEST_DIR/expected"
  run_unchanged --separate-stderr bash -c 'irctl update "$1" -r -n "Rollback under way." >"$2"' _ "$ID" "$TEST_DIR/stdout"
  assert_status 0
  assert_stdout_is "$TEST_DIR/expected"
  mkdir -p .irctl/templates
  printf '{{title}}: {{message}}\n' >.irctl/templates/brief.md.mustache
  git add .irctl/templates && git commit -qm "A brief update"
  run --separate-stderr irctl --as "Dave Comms <dave@example.com>" update "$ID" -r -t brief -a external "Fixed."
  assert_status 0
  [ "$output" = "Checkout API returns 503: Fixed." ]
  [ "$(last_event '["by"]')" = "Dave Comms <dave@example.com>" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Dave Comms <dave@example.com>" ]
  [ "$(last_event '["audience"]')" = external ]
}

@test "a template that renders only white space is an empty update: exit 2, nothing recorded" {
  mkdir -p .irctl/templates
  printf '{{! nothing to say }}\n   \n' >.irctl/templates/blank.md.mustache
  git add .irctl/templates && git commit -qm "A blank template"
  run_unchanged --separate-stderr irctl update "$ID" --render --template blank
  assert_status 2
  [ -z "$output" ]
  assert_text_error
  [ "$(events_of_type update)" -eq 0 ]
}
