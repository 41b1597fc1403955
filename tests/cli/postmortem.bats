#!/usr/bin/env bats
# Postmortems (issue 4): `irctl postmortem ID` renders a Markdown postmortem
# from a Mustache template over the recorded incident and commits it as
# postmortems/ID.md with a "postmortem" event, in one commit. Rendering again
# merges the new rendering into the committed document (edits anywhere are
# kept; an edit and a generated change of the same lines is exit 5, decided
# by --theirs or --ours); nothing new to write is exit 0 without a commit;
# --output - previews; templates can be overridden or added in
# .irctl/templates/; a template error is exit 65 naming file:line:column and
# the tag, with nothing written.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
  common_setup_file
  record_outage
}
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

# --- helpers of this file ----------------------------------------------------

SRE="Sam SRE <sam@example.com>"
IC="Carol IC <carol@example.com>"
DB="Bob Ops <bob@example.com>"
COMMS="Dave Comms <dave@example.com>"

# A checkout outage, replayed with --at and --as. The times, and what the
# durations must be:
#   14:00 impact began (--started-at)      to detect   14:00 -> 14:06   6m 00s
#   14:06 detected (--detected-at)         to declare  14:06 -> 14:10   4m 00s
#   14:10 declared (SEV2)                  to ack      14:10 -> 14:13   3m 00s
#   14:13 acknowledged                     to contain  14:10 -> 14:30  20m 00s
#   14:30 first containment                to recover  14:10 -> 14:45  35m 00s
#   14:45 first recovery                   to resolve  14:10 -> 15:10   1h 00m
#   15:10 resolved                         impact      14:00 -> 14:45  45m 00s
# The note at 14:25 is recorded after the recovery (out of order in the file);
# a second containment at 14:50 must not move the first one.
replay_steps() {
  ID=$(as "$SRE" 2024-11-20T14:10:00Z declare "Checkout API returns 503" --severity SEV2 --service checkout \
    --service payments --started-at 2024-11-20T14:00:00Z --detected-at 2024-11-20T14:06:00Z \
    --summary "Checkout returned 503 for a third of requests")
  as "$DB" 2024-11-20T14:13:00Z ack "$ID"
  as "$IC" 2024-11-20T14:15:00Z assign "$ID" commander "Carol IC"
  as "$IC" 2024-11-20T14:16:00Z assign "$ID" tech-lead "Bob Ops" --workstream db
  as "$IC" 2024-11-20T14:18:00Z severity "$ID" SEV1 --reason "all regions affected"
  as "$IC" 2024-11-20T14:19:00Z escalate "$ID" --reason "SEV1 needs level 2"
  as "$COMMS" 2024-11-20T14:20:00Z update "$ID" --audience external "We are investigating failed checkouts"
  as "$DB" 2024-11-20T14:30:00Z contain "$ID" "Rolled back deploy 4711"
  as "$DB" 2024-11-20T14:45:00Z recover "$ID" "Error rate back to normal"
  as "$DB" 2024-11-20T14:50:00Z contain "$ID" "Pinned the pool size"
  as "$SRE" 2024-11-20T14:25:00Z note "$ID" "Deploy 4711 lines up with the first errors"
  as "$IC" 2024-11-20T15:10:00Z resolve "$ID" --root-cause "A connection pool limit of 10 in deploy 4711"
  as "$COMMS" 2024-11-20T15:40:00Z update "$ID" --audience internal "Checkout is working again"
}

# The replay takes a second, so setup_file records it once, in a repository of
# its own (with a HOME of its own, as common_setup gives every test) ...
record_outage() {
  (
    TEST_DIR="$BATS_FILE_TMPDIR"
    export HOME="$BATS_FILE_TMPDIR/home"
    mkdir -p "$HOME"
    export XDG_CONFIG_HOME="$HOME/.config" GIT_CONFIG_NOSYSTEM=1
    unset IRCTL_DIR IRCTL_ACTOR NO_COLOR
    PATH="$(dirname "$IRCTL_BIN"):$PATH"
    new_repo
    replay_steps
  )
}

# ... and each test that needs it gets a copy as its repository; sets ID, FILE
# and PM.
replay_outage() {
  cd "$TEST_DIR" || return 1
  rm -rf repo
  cp -a "$BATS_FILE_TMPDIR/repo" repo
  cd repo || return 1
  ID=$(git ls-files incidents | sed -n 's|.*/\(INC-[^/]*\)\.toml$|\1|p')
  [[ "$ID" =~ $ID_RE ]]
  FILE=$(incident_path "$ID")
  PM="postmortems/$ID.md"
}

# Usage: refute_file_contains FILE TEXT — FILE does not contain TEXT.
refute_file_contains() {
  if grep -qF -- "$2" "$1"; then
    echo "expected $1 not to contain: $2" >&2
    grep -nF -- "$2" "$1" >&2
    return 1
  fi
}

# The rows of the Markdown table after the line "$2" in file $1 (up to the
# first line that is not a table row), header and separator left out.
table_after() {
  awk -v head="$2" '
    $0 == head { on = 1; n = 0; next }
    on && /^\|/ { if (++n > 1) print; next }
    on && n > 0 { exit }
  ' "$1"
}

# Commits a template into .irctl/templates/: commit_template NAME <<<TEXT
commit_template() {
  mkdir -p .irctl/templates
  cat >".irctl/templates/$1.md.mustache"
  git add ".irctl/templates/$1.md.mustache"
  git commit -q -m "template $1"
}

# --- the postmortem of a replayed incident ----------------------------------

@test "a replayed incident gives postmortems/ID.md in one commit, with the postmortem field and event" {
  replay_outage
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "$IC" postmortem "$ID"
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"$ID: postmortem written: $PM"* ]]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem written: $PM" ]
  [ "$(git log -1 --format='%an <%ae>')" = "$IC" ]
  git log -1 --format='%(trailers:only,unfold)' | grep -qx "Incident: $ID"
  # the commit holds the incident file and the postmortem, nothing else
  [ "$(git show --format= --name-only HEAD | sort | tr '\n' ' ')" = "$FILE $PM " ]
  [ "$(toml_eval "$FILE" 'd["postmortem"]')" = "$PM" ]
  [ "$(last_event '["type"]')" = "postmortem" ]
  [ "$(last_event '["path"]')" = "$PM" ]
  [ "$(last_event '["text"]')" = "postmortem written: $PM" ]
  [ "$(last_event '["template"]')" = "postmortem.md.mustache (built-in)" ]
  [ "$(last_event '["set"]')" = "{\"postmortem\": \"$PM\"}" ]
  git cat-file -e "HEAD:$PM"
  head -n 1 "$PM" | grep -qxF "# Postmortem: Checkout API returns 503"
}

@test "the postmortem has the key timeline entries in time order with time and actor, roles and updates" {
  replay_outage
  irctl -q postmortem "$ID"
  [ "$(table_after "$PM" "| Time | Who | Event | What |")" = "$(cat <<'EOF'
| 2024-11-20 14:10 | Sam SRE | declare | Checkout API returns 503 |
| 2024-11-20 14:13 | Bob Ops | ack | acknowledged |
| 2024-11-20 14:18 | Carol IC | severity | SEV2 -> SEV1: all regions affected |
| 2024-11-20 14:19 | Carol IC | escalate | level 2 of default: secondary-oncall, team-lead (SEV1 needs level 2) |
| 2024-11-20 14:20 | Dave Comms | update | We are investigating failed checkouts |
| 2024-11-20 14:30 | Bob Ops | contain | Rolled back deploy 4711 |
| 2024-11-20 14:45 | Bob Ops | recover | Error rate back to normal |
| 2024-11-20 14:50 | Bob Ops | contain | Pinned the pool size |
| 2024-11-20 15:10 | Carol IC | resolve | resolved |
| 2024-11-20 15:40 | Dave Comms | update | Checkout is working again |
EOF
)" ]
  # the bookkeeping (the two assignments) and the note are left out: 13 events, 10 rows
  [ "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] != "postmortem"])')" -eq 13 ]
  # the header
  assert_file_has "$PM" "| Incident | $ID |"
  assert_file_has "$PM" "| Severity | SEV1 (Critical) |"
  assert_file_has "$PM" "| Kind | outage (Service outage) |"
  assert_file_has "$PM" "| Services | checkout, payments |"
  assert_file_has "$PM" "| Status | resolved |"
  assert_file_has "$PM" "| Impact began | 2024-11-20 14:00 UTC |"
  assert_file_has "$PM" "| Detected | 2024-11-20 14:06 UTC |"
  assert_file_has "$PM" "| Declared | 2024-11-20 14:10 UTC |"
  assert_file_has "$PM" "| Resolved | 2024-11-20 15:10 UTC |"
  assert_file_has "$PM" "Checkout returned 503 for a third of requests"
  assert_file_has "$PM" "A connection pool limit of 10 in deploy 4711"
  assert_file_has "$PM" "Resolved 2024-11-20 15:10 UTC."
  # severity history, roles, escalations
  assert_file_has "$PM" "- 2024-11-20 14:10 UTC, Sam SRE: declared as SEV2"
  assert_file_has "$PM" "- 2024-11-20 14:18 UTC, Carol IC: SEV2 -> SEV1: all regions affected"
  assert_file_has "$PM" "- Incident commander: Carol IC"
  assert_file_has "$PM" "- Technical lead: Bob Ops (workstream db)"
  assert_file_has "$PM" "- Escalated 2024-11-20 14:19 UTC by Carol IC: level 2 of default: secondary-oncall, team-lead (SEV1 needs level 2)"
  # the actions, each with its time and actor
  assert_file_has "$PM" "- Contained, 2024-11-20 14:30 UTC (Bob Ops): Rolled back deploy 4711"
  assert_file_has "$PM" "- Contained, 2024-11-20 14:50 UTC (Bob Ops): Pinned the pool size"
  assert_file_has "$PM" "- Recovered, 2024-11-20 14:45 UTC (Bob Ops): Error rate back to normal"
  # the updates, with their audience
  assert_file_has "$PM" "- 2024-11-20 14:20 UTC, external update by Dave Comms: We are investigating failed checkouts"
  assert_file_has "$PM" "- 2024-11-20 15:40 UTC, internal update by Dave Comms: Checkout is working again"
  refute_file_contains "$PM" "No stakeholder or customer updates were recorded"
  refute_file_contains "$PM" "No roles were recorded"
}

@test "the durations are computed from the timeline (hand-computed from the --at times)" {
  replay_outage
  irctl -q postmortem "$ID"
  [ "$(table_after "$PM" "| Measure | Duration |")" = "$(cat <<'EOF'
| Time to detect (impact began → detected) | 6m 00s |
| Time to declare (detected → declared) | 4m 00s |
| Time to acknowledge (declared → acknowledged) | 3m 00s |
| Time to contain (declared → first containment) | 20m 00s |
| Time to recover (declared → first recovery) | 35m 00s |
| Time to resolve (declared → resolved) | 1h 00m |
EOF
)" ]
  assert_file_has "$PM" "- Impact duration: 45m 00s"
  # the same numbers, in seconds, for templates
  printf '%s\n' '{{#durations_seconds}}{{to_detect}} {{to_declare}} {{to_acknowledge}} {{to_contain}} {{to_recover}} {{to_resolve}} {{impact}}{{/durations_seconds}}' \
    '{{times.contained}}|{{times.eradicated}}|{{times.recovered}}' >"$TEST_DIR/s.md.mustache"
  run --separate-stderr irctl postmortem "$ID" --template "$TEST_DIR/s.md.mustache" --output -
  assert_status 0
  [ "$(head -n 2 <<<"$output")" = "$(printf '%s\n' "360 240 180 1200 2100 3600 2700" \
    "2024-11-20 14:30 UTC|not recorded|2024-11-20 14:45 UTC")" ]
}

@test "missing stages say 'not recorded', not zero; impact falls back to the declaration" {
  # no --started-at or --detected-at, no ack, no commander, no action
  id=$(as "$SRE" 2024-11-20T10:00:00Z declare "Slow search" --kind degradation)
  as "$SRE" 2024-11-20T10:45:00Z resolve "$id"
  run --separate-stderr irctl postmortem "$id" --output -
  assert_status 0
  pm="$TEST_DIR/pm.md"
  printf '%s\n' "$output" >"$pm"
  [ "$(table_after "$pm" "| Measure | Duration |")" = "$(cat <<'EOF'
| Time to detect (impact began → detected) | not recorded |
| Time to declare (detected → declared) | not recorded |
| Time to acknowledge (declared → acknowledged) | not recorded |
| Time to contain (declared → first containment) | not recorded |
| Time to recover (declared → first recovery) | not recorded |
| Time to resolve (declared → resolved) | 45m 00s |
EOF
)" ]
  assert_file_has "$pm" "| Impact began | not recorded |"
  assert_file_has "$pm" "| Detected | not recorded |"
  assert_file_has "$pm" "| Services | none recorded |"
  assert_file_has "$pm" "- Impact duration: 45m 00s"
  assert_file_has "$pm" "_No roles were recorded._"
  assert_file_has "$pm" "_No stakeholder or customer updates were recorded (irctl update)._"
  assert_file_has "$pm" "_No root cause was recorded (irctl resolve ID --root-cause)._"
  refute_file_contains "$pm" "| 0s |"
}

@test "the Summary section shows the summary and the Resolution section the resolution, each its own text" {
  id=$(as "$SRE" 2024-11-20T10:00:00Z declare "Slow search" --summary "Search took 20 s for a third of queries")
  as "$SRE" 2024-11-20T10:45:00Z resolve "$id"
  run --separate-stderr irctl postmortem "$id" --output -
  assert_status 0
  [ "$(sed -n '/^## Resolution$/,/^## Communication$/p' <<<"$output")" = "## Resolution

Resolved 2024-11-20 10:45 UTC.

_How the impact was ended was not recorded (irctl resolve ID --resolution, or irctl set ID --resolution)._

## Communication" ]
  as "$SRE" 2024-11-20T10:50:00Z set "$id" --resolution "Dropped the new ranking index; latency back to 200 ms"
  for template in postmortem postmortem-security; do
    run --separate-stderr irctl postmortem "$id" --template "$template" --output -
    assert_status 0
    [ "$(sed -n '/^## Summary$/,/^## Impact$/p' <<<"$output")" = "## Summary

Search took 20 s for a third of queries

_Add context for readers who were not there: what happened, why, and how long it lasted._

## Impact" ]
    [ "$(sed -n '/^## Resolution$/,/^## Communication$/p' <<<"$output")" = "## Resolution

Resolved 2024-11-20 10:45 UTC.

Dropped the new ranking index; latency back to 200 ms

## Communication" ]
  done
  # resolve --summary (its older name) sets the resolution, never the summary
  id=$(as "$SRE" 2024-11-20T11:00:00Z declare "Login errors" --summary "Logins failed for SSO users")
  as "$SRE" 2024-11-20T11:30:00Z resolve "$id" --summary "Restored the IdP certificate"
  run --separate-stderr irctl postmortem "$id" --output -
  assert_status 0
  assert_output_contains $'## Summary\n\nLogins failed for SSO users\n'
  assert_output_contains $'Resolved 2024-11-20 11:30 UTC.\n\nRestored the IdP certificate\n'
}

# --- rendering again ----------------------------------------------------------

@test "rendering again with no new event changes nothing: exit 0, no commit, recorded false" {
  replay_outage
  irctl -q postmortem "$ID"
  before=$(git rev-parse HEAD)
  cp "$PM" "$TEST_DIR/first.md"
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  [[ "$stderr" == *"$PM is up to date; nothing changed"* ]]
  assert_no_commit_since "$before"
  cmp "$PM" "$TEST_DIR/first.md"
  run --separate-stderr irctl postmortem "$ID" --json
  assert_status 0
  [ "$(json_eval '[d["id"], d["recorded"], "commit" in d]' <<<"$output")" = "[\"$ID\", false, false]" ]
  assert_no_commit_since "$before"
  # and at another time, as someone else: still nothing to change
  run --separate-stderr irctl --as "$DB" --at 2024-11-21T09:00:00Z postmortem "$ID"
  assert_status 0
  assert_no_commit_since "$before"
}

@test "a line typed under '### What went well' and a corrected line in Impact survive a new update and a re-render" {
  replay_outage
  irctl -q postmortem "$ID"
  # write under a heading, correct a generated line, by hand, and commit with git
  py -S - "$PM" <<'EOF'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
def once(old, new):
    global t
    assert t.count(old) == 1, old
    t = t.replace(old, new)
once("### What went well\n\n_Write here._\n",
     "### What went well\n\nThe rollback took ten minutes.\n\n- The alert fired early.\n")
once("### Where we got lucky\n\n_Write here._\n", "### Where we got lucky\n\n_Write here._\nIt was not Black Friday.\n")
once("## Impact\n\n_No customer impact was recorded (irctl set ID --impact)._\n",
     "## Impact\n\nA third of checkouts failed for 35 minutes.\n")
open(p, "w", encoding="utf-8").write(t)
EOF
  git commit -q -am "postmortem: impact, what went well, where we got lucky"
  cp "$PM" "$TEST_DIR/edited.md"
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "Pool limits are now checked in CI"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  [[ "$stderr" == *"postmortem updated: $PM"* ]]
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem updated: $PM" ]
  # the document is the edited one with the new timeline row, and nothing else changed
  run diff "$TEST_DIR/edited.md" "$PM"
  assert_status 1
  [ "$(grep '^[<>]' <<<"$output")" = "> | 2024-11-20 16:00 | Sam SRE | update | Pool limits are now checked in CI |
> - 2024-11-20 16:00 UTC, internal update by Sam SRE: Pool limits are now checked in CI" ]
  [ "$(sed -n '/^### What went well$/,/^### What went wrong$/p' "$PM")" = "$(printf '%s\n' \
    "### What went well" "" "The rollback took ten minutes." "" "- The alert fired early." "" "### What went wrong")" ]
  [ "$(sed -n '/^## Impact$/,/^- Impact duration/p' "$PM")" = "$(printf '%s\n' \
    "## Impact" "" "A third of checkouts failed for 35 minutes." "" "- Impact duration: 45m 00s")" ]
  [ "$(toml_eval "$FILE" '[e["type"] for e in d["timeline"]].count("postmortem")')" = "2" ]
}

@test "uncommitted edits to the postmortem: exit 5, nothing changed; committed, they are kept" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/We paged the right team at once./' "$PM"
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "Follow-up filed"
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$PM"* ]]
  [[ "$stderr" == *"git commit"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --json
  assert_status 5
  assert_json_error conflict
  git commit -q -am "postmortem prose"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(grep -c '^We paged the right team at once.$' "$PM")" -eq 3 ]
  assert_file_has "$PM" "| 2024-11-20 16:00 | Sam SRE | update | Follow-up filed |"
}

@test "a new template that lacks the sections written in conflicts there: exit 5, nothing changed; --ours keeps the writing" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/Written by hand./' "$PM"
  git commit -q -am "prose"
  commit_template short <<'EOF'
# {{title}}

_Where were we lucky?_
EOF
  run_unchanged --separate-stderr irctl postmortem "$ID" --template short
  assert_status 5
  assert_text_error
  last=$(wc -l <"$PM")
  [[ "$stderr" == "irctl: error: the new rendering and an edit of $PM change the same lines: in 'Postmortem: Checkout API returns 503', lines 3-$last"$'\n'* ]]
  # what was written is kept where it conflicts, the rest follows the new template
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --template short --ours
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"kept the committed text where both changed the same lines: in 'Postmortem: Checkout API returns 503', lines 3-$last"* ]]
  [ "$(head -n 1 "$PM")" = "# Checkout API returns 503" ]
  [ "$(grep -c '^Written by hand.$' "$PM")" -eq 3 ]
  assert_clean_repo
}

# --- output ---------------------------------------------------------------------

@test "--output - prints the postmortem and commits nothing; --json gives id and text" {
  replay_outage
  run_unchanged --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [[ "$output" == "# Postmortem: Checkout API returns 503"* ]]
  assert_output_contains "| Time to contain (declared → first containment) | 20m 00s |"
  [ ! -e "$PM" ]
  [ "$(toml_eval "$FILE" '"postmortem" in d')" = "false" ]
  printf '%s\n' "$output" >"$TEST_DIR/preview.md"
  run_unchanged --separate-stderr irctl postmortem "$ID" -o - --json
  assert_status 0
  [ "$(json_eval 'sorted(d)' <<<"$output")" = '["id", "text"]' ]
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  # the preview is what gets committed
  irctl -q postmortem "$ID"
  cmp "$PM" "$TEST_DIR/preview.md"
}

@test "--output outside the repository or into irctl's own folders exits 2 and changes nothing" {
  replay_outage
  for o in ../x.md "$TEST_DIR/x.md" .git/x.md .irctl/x.md incidents/x.md evidence/x.md docs/../../x.md; do
    run_unchanged --separate-stderr irctl postmortem "$ID" --output "$o"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"is not a path inside the repository"* ]]
  done
  [ ! -e "$TEST_DIR/x.md" ]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output ../x.md --json
  assert_status 2
  assert_json_error usage
}

@test "--output PATH writes and commits there, and the postmortem field follows it" {
  replay_outage
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --output docs/postmortems/checkout.md
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem written: docs/postmortems/checkout.md" ]
  git cat-file -e HEAD:docs/postmortems/checkout.md
  [ ! -e "$PM" ]
  [ "$(toml_eval "$FILE" 'd["postmortem"]')" = "docs/postmortems/checkout.md" ]
  # without --output, it is that document that is rendered again, edits kept:
  # never a fresh one at the default path
  sed -i 's/^_Write here._$/Hand-written./' docs/postmortems/checkout.md
  git commit -q -am "postmortem prose"
  as "$IC" 2024-11-20T17:00:00Z close "$ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem updated: docs/postmortems/checkout.md" ]
  [ "$(grep -c '^Hand-written.$' docs/postmortems/checkout.md)" -eq 3 ]
  assert_file_has docs/postmortems/checkout.md "| Status | closed |"
  [ ! -e "$PM" ]
  [ "$(toml_eval "$FILE" 'd["postmortem"]')" = "docs/postmortems/checkout.md" ]
}

# --- templates --------------------------------------------------------------------

@test "--list-templates lists the built-in templates, and those of .irctl/templates/" {
  run --separate-stderr irctl postmortem --list-templates
  assert_status 0
  grep -Eq '^postmortem +built-in$' <<<"$output"
  grep -Eq '^postmortem-security +built-in$' <<<"$output"
  commit_template brief <<<'Brief: {{id}} ({{severity}})'
  commit_template postmortem <<<'# Our postmortem: {{title}}'
  run --separate-stderr irctl postmortem --list-templates
  assert_status 0
  grep -Eq '^brief +\.irctl/templates/brief\.md\.mustache$' <<<"$output"
  grep -Eq '^postmortem +\.irctl/templates/postmortem\.md\.mustache \(overrides the built-in one\)$' <<<"$output"
  grep -Eq '^postmortem-security +built-in$' <<<"$output"
  run --separate-stderr irctl postmortem --list-templates --json
  assert_status 0
  [ "$(json_eval '{t["name"]: t["source"] for t in d["templates"]}["brief"]' <<<"$output")" = ".irctl/templates/brief.md.mustache" ]
  [ "$(json_eval '{t["name"]: t["source"] for t in d["templates"]}["postmortem-security"]' <<<"$output")" = "built-in" ]
  # it takes no incident, and an incident needs it left out
  id=$(declare_incident "Thing")
  run_unchanged --separate-stderr irctl postmortem --list-templates "$id"
  assert_status 2
  run_unchanged --separate-stderr irctl postmortem
  assert_status 2
}

@test "a committed template in .irctl/templates/ overrides the built-in one or adds one" {
  replay_outage
  commit_template postmortem <<'EOF'
# Our postmortem: {{title}}

Declared {{times.declared}}; contained after {{durations.to_contain}}.
{{#timeline_all}}
* {{time}} {{actor}}: {{text}}
{{/timeline_all}}
EOF
  commit_template brief <<<'Brief: {{id}} is {{status}} ({{severity_title}})'
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_clean_repo
  [ "$(head -n 3 "$PM")" = "$(printf '%s\n' "# Our postmortem: Checkout API returns 503" "" \
    "Declared 2024-11-20 14:10 UTC; contained after 20m 00s.")" ]
  # timeline_all: the note too, which the timeline leaves out
  assert_file_has "$PM" "* 2024-11-20 14:25 Sam SRE: Deploy 4711 lines up with the first errors"
  [ "$(last_event '["template"]')" = ".irctl/templates/postmortem.md.mustache" ]
  run --separate-stderr irctl postmortem "$ID" --template brief --output -
  assert_status 0
  [ "$output" = "Brief: $ID is resolved (Critical)" ]
  # the built-in security template by name, and a template from a file
  run --separate-stderr irctl postmortem "$ID" -t postmortem-security -o -
  assert_status 0
  assert_output_contains "## Evidence log"
  printf 'From a file: {{kind_title}}\n' >"$TEST_DIR/mine.md.mustache"
  run --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/mine.md.mustache" -o -
  assert_status 0
  [ "$output" = "From a file: Service outage" ]
  # an unknown name: exit 3, naming the templates there are
  run_unchanged --separate-stderr irctl postmortem "$ID" --template nosuch
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"brief, postmortem, postmortem-security"* ]]
}

@test "a template with an unknown tag exits 65 naming file:line:column and the tag; nothing is written" {
  replay_outage
  commit_template bad <<'EOF'
# {{title}}

Severity: {{severity}}, owner {{owner}}
EOF
  run_unchanged --separate-stderr irctl postmortem "$ID" --template bad
  assert_status 65
  assert_text_error
  [[ "$stderr" == *".irctl/templates/bad.md.mustache:3:"*"unknown tag 'owner'"* ]]
  [[ "$stderr" == *"irctl-templates(5)"* ]]
  [ ! -e "$PM" ]
  # the column too, for a misspelt key inside a section, and with --output -
  printf 'x\n{{#timeline}}\n  {{actr}}\n{{/timeline}}\n' >"$TEST_DIR/t.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/t.md.mustache" -o -
  assert_status 65
  [[ "$stderr" == *"t.md.mustache:3:3: unknown tag 'actr'"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --template bad --json
  assert_status 65
  assert_json_error data
}

@test "an unclosed section, a stray closing tag or a partial exits 65 naming the place; nothing is written" {
  replay_outage
  commit_template unclosed <<'EOF'
# {{title}}

{{#timeline}}
- {{text}}
EOF
  run_unchanged --separate-stderr irctl postmortem "$ID" --template unclosed
  assert_status 65
  assert_text_error
  [[ "$stderr" == *".irctl/templates/unclosed.md.mustache:3:1:"* ]]
  [[ "$stderr" == *"timeline"* ]]
  [ ! -e "$PM" ]
  printf 'a\n{{/roles_list}}\n' >"$TEST_DIR/stray.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/stray.md.mustache"
  assert_status 65
  [[ "$stderr" == *"stray.md.mustache:2:1:"*"roles_list"* ]]
  printf 'a {{> header}}\n' >"$TEST_DIR/partial.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/partial.md.mustache"
  assert_status 65
  [[ "$stderr" == *"partial.md.mustache:1:3: partials"* ]]
  printf 'a\n  {{title\n' >"$TEST_DIR/tag.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/tag.md.mustache"
  assert_status 65
  [[ "$stderr" == *"tag.md.mustache:2:3: unclosed tag"* ]]
}

@test "a template of 80,000 lines renders whole; set-delimiter tags are read as the renderer reads them" {
  replay_outage
  # a section on every line: sections one after the other are not nested
  seq 80000 | sed 's|$| {{#severity_title}}{{severity}} {{severity_title}}{{/severity_title}} {{title}}|' \
    >"$TEST_DIR/big.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/big.md.mustache" -o -
  assert_status 0
  [ "$output" = "$(seq 80000 | sed 's|$| SEV1 Critical Checkout API returns 503|')" ]
  # after a set-delimiter tag, a partial is refused, not rendered empty ...
  cat >"$TEST_DIR/partial.md.mustache" <<'EOF'
{{=<% %>=}}
# <%title%>
<%> header %>
EOF
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/partial.md.mustache"
  assert_status 65
  assert_text_error
  [[ "$stderr" == *"partial.md.mustache:3:1: partials (<%>header%>) are not supported"* ]]
  # ... a misspelt name is still an error ...
  printf '{{=<%% %%>=}}\n<%%#timeline%%>\n  <%%actr%%>\n<%%/timeline%%>\n' >"$TEST_DIR/misspelt.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/misspelt.md.mustache" -o -
  assert_status 65
  [[ "$stderr" == *"misspelt.md.mustache:3:3: unknown tag 'actr'"* ]]
  # ... and the old delimiters are text until they are set again
  printf '{{=<%% %%>=}}<%%id%%> {{status}} <%%={{ }}=%%>{{severity}}\n' >"$TEST_DIR/switch.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$ID" -t "$TEST_DIR/switch.md.mustache" -o -
  assert_status 0
  [ "$output" = "$ID {{status}} SEV1" ]
}

# --- security incidents -------------------------------------------------------------

@test "a security incident gets the security template, with the evidence log and its SHA-256" {
  mkdir -p "$TEST_DIR/ev"
  printf '10.0.0.7 - - "GET /admin HTTP/1.1" 200\n' >"$TEST_DIR/ev/access.log"
  head -c 3000 /dev/urandom >"$TEST_DIR/ev/disk.img"
  sha=$(sha256sum "$TEST_DIR/ev/access.log" | cut -d' ' -f1)
  sha_img=$(sha256sum "$TEST_DIR/ev/disk.img" | cut -d' ' -f1)
  size=$(wc -c <"$TEST_DIR/ev/access.log" | tr -d ' ')
  id=$(as "$SRE" 2024-11-20T09:00:00Z declare "Stolen API key used" --kind unauthorized-access --severity SEV2)
  as "$DB" 2024-11-20T09:20:00Z contain "$id" "Revoked the key" --evidence "$TEST_DIR/ev/access.log"
  as "$DB" 2024-11-20T09:25:00Z contain "$id" "Isolated the host" --evidence "$TEST_DIR/ev/disk.img" --hash-only
  as "$DB" 2024-11-20T10:00:00Z eradicate "$id" "Removed the backdoor account"
  as "$IC" 2024-11-20T11:00:00Z resolve "$id"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$id"
  assert_status 0
  assert_one_commit_since "$before"
  pm="postmortems/$id.md"
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" 'd["timeline"][-1]["template"]')" = "postmortem-security.md.mustache (built-in)" ]
  assert_file_has "$pm" "| Kind | unauthorized-access (Unauthorised access) |"
  [ "$(table_after "$pm" "| Collected (UTC) | By | SHA-256 | Size (bytes) | Source | Kept in | Action |")" = "$(printf '%s\n' \
    "| 2024-11-20T09:20:00Z | Bob Ops &lt;bob@example.com> | \`$sha\` | $size | $TEST_DIR/ev/access.log | evidence/${sha:0:2}/$sha | Revoked the key |" \
    "| 2024-11-20T09:25:00Z | Bob Ops &lt;bob@example.com> | \`$sha_img\` | 3000 | $TEST_DIR/ev/disk.img | hash only | Isolated the host |")" ]
  assert_file_has "$pm" "- 2024-11-20 10:00 UTC (Bob Ops): Removed the backdoor account"
  assert_file_has "$pm" "_Regulators, customers and partners notified, when, and under which obligation._"
  refute_file_contains "$pm" "irctl:"
  # the kept evidence is the file that was hashed
  git cat-file blob "HEAD:evidence/${sha:0:2}/$sha" | sha256sum | grep -q "^$sha "
  # an outage gets the general template, without the evidence log
  other=$(as "$SRE" 2024-11-20T12:00:00Z declare "Slow search" --kind degradation)
  run --separate-stderr irctl postmortem "$other" -o -
  assert_status 0
  assert_output_contains "Slow search"
  refute_output_contains "## Evidence log"
}

# --- close --------------------------------------------------------------------------

@test "close is refused before the postmortem is committed and works after it" {
  replay_outage
  run_unchanged --separate-stderr irctl close "$ID"
  assert_status 4
  [[ "$stderr" == *"$PM"* ]]
  irctl -q postmortem "$ID"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl close "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(toml_eval "$FILE" 'd["status"]')" = "closed" ]
}

@test "a closed incident's postmortem is rendered again: a follow-up action done after the close appears, with an event" {
  replay_outage
  as "$IC" 2024-11-20T16:00:00Z action add "$ID" "Check pool limits in CI" --owner bob
  irctl -q postmortem "$ID"
  as "$IC" 2024-11-20T17:00:00Z close "$ID"
  # the lessons-learned phase goes on after the close
  as "$DB" 2024-11-21T09:00:00Z action done "$ID" 1
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem updated: $PM" ]
  assert_file_has "$PM" "| Status | closed |"
  assert_file_has "$PM" "| 1 | Check pool limits in CI | bob | - | - | done 2024-11-21 |"
  [ "$(toml_eval "$FILE" '[d["status"], d["timeline"][-1]["type"]]')" = '["closed", "postmortem"]' ]
  # one closed without a postmortem gets its first
  id=$(as "$SRE" 2024-11-20T10:00:00Z declare "Near miss")
  as "$SRE" 2024-11-20T10:05:00Z resolve "$id"
  irctl -q close "$id" --force
  run --separate-stderr irctl postmortem "$id"
  assert_status 0
  assert_file_has "postmortems/$id.md" "| Status | closed |"
}

# --- where it may write, line endings, what is committed, identity (regressions) ----

@test "--output through a committed symbolic link exits 2 and writes nothing, in the repository or outside" {
  replay_outage
  mkdir -p "$TEST_DIR/elsewhere"
  ln -s "$TEST_DIR/elsewhere" docs
  ln -s "$TEST_DIR/elsewhere/linked.md" linked.md
  git add docs linked.md
  git commit -q -m "links"
  for o in docs/x.md docs/sub/x.md linked.md; do
    run_unchanged --separate-stderr irctl postmortem "$ID" --output "$o"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"cannot write the postmortem to '$o': '${o%%/*}' is a symbolic link"* ]]
  done
  run_unchanged --separate-stderr irctl postmortem "$ID" -o docs/x.md --json
  assert_status 2
  assert_json_error usage
  [ -z "$(ls -A "$TEST_DIR/elsewhere")" ]
  [ "$(toml_eval "$FILE" '"postmortem" in d')" = "false" ]
}

@test "the default path exits 2 when postmortems/ is a symbolic link; nothing is written" {
  replay_outage
  mkdir -p "$TEST_DIR/elsewhere"
  ln -s "$TEST_DIR/elsewhere" postmortems
  git add postmortems
  git commit -q -m "postmortems elsewhere"
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"cannot write the postmortem to '$PM': 'postmortems' is a symbolic link"* ]]
  [[ "$stderr" == *"hint: "*"--output FILE"* ]]
  [ -z "$(ls -A "$TEST_DIR/elsewhere")" ]
  [ "$(toml_eval "$FILE" '"postmortem" in d')" = "false" ]
}

@test "--output naming a folder, ending with a slash, or under a file exits 2 and changes nothing" {
  replay_outage
  irctl -q postmortem "$ID"  # postmortems/ is a folder now
  for o in postmortems postmortems/ x.md/ "$PM/x.md"; do
    run_unchanged --separate-stderr irctl postmortem "$ID" --output "$o"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"cannot write the postmortem to '$o'"* ]]
    refute_output_contains "git:"
    [[ "$stderr" != *"git:"* ]]
  done
  run_unchanged --separate-stderr irctl postmortem "$ID" --output postmortems
  [[ "$stderr" == *"'postmortems' is a folder, not a file"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output x.md/
  [[ "$stderr" == *"it ends with '/'"* ]]
  [ ! -e x.md ]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output "$PM/x.md"
  [[ "$stderr" == *"'$PM' is a file, not a folder"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --output postmortems --json
  assert_status 2
  assert_json_error usage
}

@test "--output refuses git's settings, an existing file, another incident's postmortem and 'postmortems': exit 2, nothing changed" {
  replay_outage
  other=$(declare_incident "Disk full on db-2")
  printf '# Runbooks\n' >README.md
  git add README.md
  git commit -q -m "readme"
  printf 'draft\n' >notes.md  # untracked
  # Usage: refused PATH REASON
  refused() {
    run_unchanged --separate-stderr irctl postmortem "$ID" --output "$1"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"irctl: error: cannot write the postmortem to '$1': $2"$'\n'* ]]
    [[ "$stderr" == *"hint: give a file that does not exist yet, such as docs/$ID.md, or the incident's own postmortem ($PM), or - for standard output"* ]]
  }
  hidden="is hidden: names that start with '.' hold the settings of git and other tools"
  refused .gitattributes "'.gitattributes' $hidden"
  refused .gitmodules "'.gitmodules' $hidden"
  refused docs/.gitignore "'.gitignore' $hidden"
  refused README.md "'README.md' exists, and is not the postmortem of $ID"
  refused notes.md "'notes.md' exists, and is not the postmortem of $ID"
  # a file 'postmortems' would block every later postmortem
  refused postmortems "'postmortems' is the folder of every incident's postmortem"
  # the other incident's default path is its own, written or not
  refused "postmortems/$other.md" "'postmortems/$other.md' is the postmortem of $other"
  irctl -q postmortem "$other"
  refused "postmortems/$other.md" "'postmortems/$other.md' is the postmortem of $other"
  run_unchanged --separate-stderr irctl postmortem "$ID" --output .gitmodules --json
  assert_status 2
  assert_json_error usage
  [ "$(toml_eval "$FILE" '"postmortem" in d')" = "false" ]
}

@test "--output naming the incident's own earlier postmortem renders it again there, keeping the prose" {
  replay_outage
  irctl -q postmortem "$ID" --output docs/checkout.md
  sed -i 's/^_Write here._$/Kept prose./' docs/checkout.md
  git commit -q -am "postmortem prose"
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "Follow-up filed"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --output docs/checkout.md
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git log -1 --format=%s)" = "postmortem $ID: postmortem updated: docs/checkout.md" ]
  [ "$(grep -c '^Kept prose.$' docs/checkout.md)" -eq 3 ]
  assert_file_has docs/checkout.md "| 2024-11-20 16:00 | Sam SRE | update | Follow-up filed |"
  assert_clean_repo
}

@test "a postmortem with CRLF line endings keeps its prose, byte for byte, when rendered again" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/Written on Windows./; s/$/\r/' "$PM"
  git commit -q -am "postmortem prose, edited on Windows"
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "Follow-up filed"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(grep -c $'^Written on Windows.\r$' "$PM")" -eq 3 ]
  refute_file_contains "$PM" "_Write here._"
  # the new row, in the document's line endings: every line still ends in CR LF
  assert_file_has "$PM" "| 2024-11-20 16:00 | Sam SRE | update | Follow-up filed |"$'\r'
  [ "$(grep -c $'\r$' "$PM")" -eq "$(wc -l <"$PM")" ]
  # and once more: nothing to change
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  [[ "$stderr" == *"$PM is up to date; nothing changed"* ]]
  assert_no_commit_since "$before"
}

@test "an uncommitted edit of the postmortem exits 5 even when nothing new would be rendered" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/Not committed yet./' "$PM"
  # no new event: the rendering matches HEAD, but the edit is neither overwritten nor passed over
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$PM has changes that are not committed"* ]]
  [[ "$stderr" == *"git commit $PM"* ]]
  [ "$(grep -c '^Not committed yet.$' "$PM")" -eq 3 ]
  run_unchanged --separate-stderr irctl postmortem "$ID" --json
  assert_status 5
  assert_json_error conflict
  # the preview shows the work tree's prose
  run_unchanged --separate-stderr irctl postmortem "$ID" -o -
  assert_status 0
  [ "$(grep -c '^Not committed yet.$' <<<"$output")" -eq 3 ]
  # committed, it is HEAD's version: nothing to change
  git commit -q -am "postmortem prose"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  [[ "$stderr" == *"$PM is up to date; nothing changed"* ]]
  assert_no_commit_since "$before"
}

@test "an untracked document at the path exits 5 with a hint to commit or remove it, even if it is the rendering" {
  replay_outage
  mkdir -p postmortems
  irctl postmortem "$ID" -o - >"$PM"  # exactly what would be written, but never committed
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"irctl: error: $PM is untracked: it exists but was never committed"* ]]
  [[ "$stderr" == *"hint: commit it ('git add $PM' and 'git commit') or remove it"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --json
  assert_status 5
  assert_json_error conflict
  [ "$(toml_eval "$FILE" '"postmortem" in d')" = "false" ]
  # committed by hand, it is the postmortem: the event records it without changing it
  git add "$PM"
  git commit -q -m "postmortem by hand"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(git show --format= --name-only HEAD)" = "$FILE" ]
  [ "$(toml_eval "$FILE" 'd["postmortem"]')" = "$PM" ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_no_commit_since "$before"
}

@test "an edit of a line the new rendering changes: exit 5 naming the section and line, nothing changed; --ours and --theirs each decide" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^| Status | resolved |$/| Status | resolved (customers told at 15:40) |/; s/^_Write here._$/Hand-written./' "$PM"
  git commit -q -am "postmortem: status, prose"
  as "$IC" 2024-11-20T17:00:00Z close "$ID"
  line=$(grep -n '^| Status |' "$PM" | cut -d: -f1)
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 5
  assert_text_error
  [ "$stderr" = "irctl: error: the new rendering and an edit of $PM change the same lines: in 'Postmortem: Checkout API returns 503', line $line
hint: take the new rendering there with 'irctl postmortem $ID --theirs', keep the committed text there with '--ours', or edit $PM and commit it ('--output -' shows both, marked)" ]
  run_unchanged --separate-stderr irctl postmortem "$ID" --json
  assert_status 5
  assert_json_error conflict
  # the preview shows the merge with git's markers, and fails the same way
  run_unchanged --separate-stderr irctl postmortem "$ID" -o -
  assert_status 5
  [ "$(grep -A4 -xF "<<<<<<< $PM" <<<"$output")" = "$(printf '%s\n' "<<<<<<< $PM" \
    "| Status | resolved (customers told at 15:40) |" "=======" "| Status | closed |" ">>>>>>> new rendering")" ]
  [ "$(grep -c '^Hand-written.$' <<<"$output")" -eq 3 ]
  [[ "$stderr" == "irctl: error: the new rendering and an edit of $PM change the same lines: "* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --ours --theirs
  assert_status 2
  # the HTML page is not printed with git's markers in it: the same refusal,
  # and nothing on standard output; --theirs or --ours decide for it too
  run_unchanged --separate-stderr irctl postmortem "$ID" --format html
  assert_status 5
  [ -z "$output" ]
  [[ "$stderr" == "irctl: error: the new rendering and an edit of $PM change the same lines: "* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --format html --theirs
  assert_status 0
  [[ "$output" == *"<td>closed</td>"* ]]
  [[ "$output" != *"&lt;&lt;&lt;&lt;&lt;&lt;&lt;"* && "$output" != *"<<<<<<<"* ]]
  # --ours keeps the edit there, --theirs takes the new rendering; the rest merges either way
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID" --ours
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"kept the committed text where both changed the same lines: in 'Postmortem: Checkout API returns 503', line $line"* ]]
  assert_file_has "$PM" "| Status | resolved (customers told at 15:40) |"
  assert_file_has "$PM" "| 2024-11-20 17:00 | Carol IC | close | closed |"
  [ "$(grep -c '^Hand-written.$' "$PM")" -eq 3 ]
  git reset -q --hard "$before"
  run --separate-stderr irctl postmortem "$ID" --theirs
  assert_status 0
  assert_one_commit_since "$before"
  [[ "$stderr" == *"took the new rendering where both changed the same lines: in 'Postmortem: Checkout API returns 503', line $line"* ]]
  assert_file_has "$PM" "| Status | closed |"
  refute_file_contains "$PM" "customers told"
  [ "$(grep -c '^Hand-written.$' "$PM")" -eq 3 ]
  assert_clean_repo
}

@test "a document of an earlier irctl, prose markers and prose committed with its event, renders again without the markers, the prose kept" {
  replay_outage
  irctl -q postmortem "$ID"
  # as an earlier irctl committed it, rendering again after prose was written:
  # marker lines around the prose, and an event that records no rendered id
  py -S - "$PM" <<'EOF'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
for heading, name in (("What went well", "went-well"), ("What went wrong", "went-wrong"), ("Where we got lucky", "lucky")):
    old = "### %s\n\n_Write here._\n" % heading
    assert t.count(old) == 1
    t = t.replace(old, "### %s\n\n<!-- irctl:prose %s -->\nWritten before.\n<!-- irctl:end -->\n" % (heading, name))
open(p, "w", encoding="utf-8").write(t)
EOF
  sed -i '/^rendered = /d' "$FILE"
  git commit -q --amend -a --no-edit
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "Follow-up filed"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
  refute_file_contains "$PM" "irctl:"
  [ "$(grep -A2 -x '### What went well' "$PM")" = "$(printf '%s\n' '### What went well' '' 'Written before.')" ]
  [ "$(grep -c '^Written before.$' "$PM")" -eq 3 ]
  assert_file_has "$PM" "| 2024-11-20 16:00 | Sam SRE | update | Follow-up filed |"
  # the new event records the id of what it rendered: the next merge has its base
  [ "$(toml_eval "$FILE" 'len(d["timeline"][-1]["rendered"])')" = "40" ]
}

@test "an update holding prose markers stays text, whole: rendering again keeps the hand-written prose" {
  replay_outage
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/Hand-written./' "$PM"
  git commit -q -am "postmortem prose"
  as "$SRE" 2024-11-20T16:00:00Z update "$ID" "$(printf 'Pasted:\n<!-- irctl:prose went-well -->\nForged.\n<!-- irctl:end -->')"
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  # the real regions keep what was written there, and nothing is orphaned
  [ "$(grep -c '^Hand-written.$' "$PM")" -eq 3 ]
  [ "$(grep -A2 -x '### What went well' "$PM")" = "$(printf '%s\n' '### What went well' '' 'Hand-written.')" ]
  # the update is there, one row of the table, its markers shown as text ('&lt;'
  # is Markdown's '<'), none of its lines left out as a marker of earlier versions
  assert_file_has "$PM" "| 2024-11-20 16:00 | Sam SRE | update | Pasted:<br>&lt;!-- irctl:prose went-well --><br>Forged.<br>&lt;!-- irctl:end --> |"
  # and once more: nothing to change
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem "$ID"
  assert_status 0
  [[ "$stderr" == *"$PM is up to date; nothing changed"* ]]
  assert_no_commit_since "$before"
}

@test "20,000 lines typed under a heading are kept whole when the postmortem is rendered again" {
  replay_outage
  irctl -q postmortem "$ID"
  seq 20000 | sed 's/$/: what we learned/' >"$TEST_DIR/prose"
  sed -i "/^_Write here._\$/{r $TEST_DIR/prose
d;}" "$PM"
  git commit -q -am "postmortem prose"
  run_unchanged --separate-stderr irctl postmortem "$ID" -o -
  assert_status 0
  [ "$output" = "$(cat "$PM")" ]
  [ "$(grep -c ': what we learned$' <<<"$output")" -eq 60000 ]
}

@test "--output - previews without any identity; writing still needs one" {
  replay_outage
  git config --unset user.name
  git config --unset user.email
  run_unchanged --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [[ "$output" == "# Postmortem: Checkout API returns 503"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" -o - --json
  assert_status 0
  [ "$(json_eval 'd["id"]' <<<"$output")" = "$ID" ]
  run_unchanged --separate-stderr irctl postmortem "$ID"
  assert_status 2
  [[ "$stderr" == *"no identity"* ]]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "$IC" postmortem "$ID"
  assert_status 0
  assert_one_commit_since "$before"
}

# Notes, updates and actions whose texts hold what breaks Markdown: several
# lines, pipes, backticks, a leading '#', '- ', '1. ', '> ', HTML, a trailing
# backslash, CRLF, tabs and Unicode.
record_awkward_texts() {
  as "$SRE" 2024-11-20T16:00:00Z note "$ID" "$(printf 'Two lines | and a pipe\n# not a heading')"
  as "$SRE" 2024-11-20T16:01:00Z note "$ID" "$(printf -- '- not a list\n1. nor this\n> nor a quote\n\n```\nnor a fence')"
  as "$SRE" 2024-11-20T16:02:00Z note "$ID" "$(printf '<script>alert(1)</script> **not bold** `x` \\')"
  as "$SRE" 2024-11-20T16:03:00Z note "$ID" "$(printf 'CRLF\r\nline\ttab café 日本 🔥')"
  as "$COMMS" 2024-11-20T16:04:00Z update "$ID" "$(printf 'We are back.\n\n- all regions\n# done |')"
  as "$IC" 2024-11-20T16:05:00Z action add "$ID" "Fix | the *pool* \`size\` #1" --owner bob \
    --link 'https://tickets.example.com/OPS_(1)?a=1&b=2'
  # notes are not key events: pinned, they are in the postmortem's timeline
  for event in $(toml_eval "$FILE" '" ".join(e["id"] for e in d["timeline"] if e["type"] == "note")'); do
    irctl -q timeline "$ID" --pin "$event"
  done
}

@test "cmark-gfm reads every timeline event as one table row and every update as one list item, whatever the texts hold" {
  replay_outage
  record_awkward_texts
  run --separate-stderr bash -c 'irctl postmortem "$1" --output - | cmark-gfm --extension table' _ "$ID"
  assert_status 0
  html=$output
  n=$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] in ("declare", "severity", "escalate", "ack", "contain", "eradicate", "recover", "resolve", "reopen", "close", "update", "void", "note")])')
  # the table after the Timeline heading: its body rows, one per event
  rows=$(awk '/<h2>Timeline<\/h2>/ { on = 1 } on && /<tbody>/ { body = 1 } body && /<tr>/ { n++ } body && /<\/tbody>/ { print n; exit }' <<<"$html")
  [ "$rows" -eq "$n" ]
  # (cmark-gfm leaves raw HTML out, the <br> of the cell too: irctl's --format html keeps it)
  [[ "$html" == *"<td>Two lines | and a pipe<!-- raw HTML omitted --># not a heading</td>"* ]]
  [[ "$html" == *'<td>&lt;script&gt;alert(1)&lt;/script&gt; **not bold** `x` \</td>'* ]]
  [[ "$html" != *"<script>"* ]]
  [[ "$html" != *"<h1>not a heading"* ]]
  # the Communication list: one item per update, the last one with all its lines
  items=$(awk '/<h2>Communication<\/h2>/ { on = 1 } on && /<li>/ { n++ } on && /<\/ul>/ { print n; exit }' <<<"$html")
  [ "$items" -eq "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] == "update"])')" ]
  # the follow-up's row and link
  [[ "$html" == *'<td>Fix | the *pool* `size` #1 (<a href="https://tickets.example.com/OPS_%281%29?a=1&amp;b=2">link</a>)</td>'* ]]
}

@test "--format html prints the document as a standalone page, safe to open, and writes nothing" {
  replay_outage
  record_awkward_texts
  irctl -q postmortem "$ID"
  sed -i 's/^_Write here._$/Hand-written./' "$PM"
  git commit -q -am "postmortem prose"
  run_unchanged --separate-stderr irctl postmortem "$ID" --format html
  assert_status 0
  [ -z "$stderr" ]
  page=$output
  [[ "$page" == '<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">'* ]]
  [[ "$page" == *"<title>Postmortem: Checkout API returns 503</title>"* ]]
  [[ "$page" == *"<style>"*"@media print"*"</style>"* ]]
  [[ "$page" == *"<h1>Postmortem: Checkout API returns 503</h1>"* ]]
  [[ "$page" == *"<p>Hand-written.</p>"* ]]
  [[ "$page" == *"<td>Two lines | and a pipe<br /># not a heading</td>"* ]]
  [[ "$page" != *"<script>"* ]]
  [[ "$page" == *"</body>
</html>" ]]
  # the same page with --output -, and in --json's text
  run_unchanged --separate-stderr irctl postmortem "$ID" --format html --output -
  assert_status 0
  [ "$output" = "$page" ]
  run_unchanged --separate-stderr irctl --json postmortem "$ID" --format html
  assert_status 0
  [ "$(json_eval 'd["text"]' <<<"$output")" = "$page" ]
  # a file is refused: the page is for standard output
  run_unchanged --separate-stderr irctl postmortem "$ID" --format html --output docs/pm.html
  assert_status 2
  [[ "$stderr" == *"--format html prints the page on standard output and writes no file"* ]]
  [[ "$stderr" == *"irctl postmortem $ID --format html > $ID.html"* ]]
  run_unchanged --separate-stderr irctl postmortem "$ID" --format pdf
  assert_status 2
}
