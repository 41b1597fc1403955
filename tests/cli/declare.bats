#!/usr/bin/env bats
# irctl declare: one incident file, one commit, the ID on stdout, @ set.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

@test "declare prints only the ID on stdout, in the documented format" {
  new_repo
  run --separate-stderr irctl declare "Checkout API returns 503"
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 1 ]
  [[ "$output" =~ $ID_RE ]]
  # the date in the ID is today's UTC date (retry-safe around midnight)
  today=$(date -u +%Y%m%d)
  [[ "$output" == INC-"$today"-* ]] || [[ "$output" == INC-"$(date -u -d '-1 min' +%Y%m%d)"-* ]]
}

@test "declare writes incidents/YYYY/MM/ID.toml, valid TOML with schema 1 and the given fields" {
  new_repo
  id=$(declare_incident "Checkout API returns 503" --severity sev2 --kind degradation \
    --service checkout --service payments --commander alice --summary "Error rate at 38%" \
    --channel '#inc-checkout' --channel 'bridge 42' --at 2025-03-04T05:06:07Z)
  [[ "$id" =~ $ID_RE ]]
  [[ "$id" == INC-20250304-* ]]
  f="incidents/2025/03/$id.toml"
  [ -f "$f" ]
  [ "$(git ls-files -- "$f")" = "$f" ]
  run toml_eval "$f" '[d["schema"], d["id"], d["title"], d["status"], d["severity"], d["kind"], d["services"], d["summary"], d["channels"], d["roles"]["commander"], d["declared_at"]]'
  assert_status 0
  [ "$output" = '[1, "'"$id"'", "Checkout API returns 503", "identification", "SEV2", "degradation", ["checkout", "payments"], "Error rate at 38%", ["#inc-checkout", "bridge 42"], "alice", "2025-03-04T05:06:07+00:00"]' ]
  # one declare event on the timeline
  run toml_eval "$f" '[(e["type"], e["text"], e["at"], e["by"]) for e in d["timeline"]]'
  assert_status 0
  [ "$output" = '[["declare", "Checkout API returns 503", "2025-03-04T05:06:07+00:00", "Alice Example <alice@example.com>"]]' ]
}

@test "declare makes exactly one commit with the subject, trailers and the actor as author" {
  new_repo
  before=$(git rev-parse HEAD)
  id=$(declare_incident "Checkout API returns 503")
  [ "$(git rev-parse HEAD~1)" = "$before" ]
  [ "$(git log -1 --format=%s)" = "declare $id: Checkout API returns 503" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Alice Example <alice@example.com>" ]
  trailers=$(git log -1 --format='%(trailers:only,unfold)')
  grep -qx "Incident: $id" <<<"$trailers"
  event=$(sed -n 's/^Event: //p' <<<"$trailers")
  [ -n "$event" ]
  # the Event trailer names the declare event in the file
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" 'd["timeline"][0]["id"]')" = "$event" ]
  # the commit touches only the incident file
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$f" ]
  assert_clean_repo
}

@test "declare sets @ to the new incident" {
  new_repo
  a=$(declare_incident "first")
  [ "$(irctl use)" = "$a" ]
  b=$(declare_incident "second")
  [ "$(irctl use)" = "$b" ]
  run irctl -q show @
  assert_status 0
  assert_output_contains "$b"
  # @ is kept out of the committed tree
  [ -z "$(git status --porcelain --untracked-files=all)" ]
}

@test "declare defaults to SEV3 and outage" {
  new_repo
  id=$(declare_incident "defaults")
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" 'd["severity"] + " " + d["kind"]')" = "SEV3 outage" ]
}

@test "declare matches the severity case-insensitively (-s sev2 -> SEV2)" {
  new_repo
  id=$(declare_incident "short flag" -s sev2)
  [ "$(toml_eval "$(incident_path "$id")" 'd["severity"]')" = "SEV2" ]
  id=$(declare_incident "long flag" --severity Sev1 -k MALWARE)
  [ "$(toml_eval "$(incident_path "$id")" 'd["severity"] + " " + d["kind"]')" = "SEV1 malware" ]
}

@test "an invalid severity exits 2, lists the valid levels and changes nothing" {
  new_repo
  run_unchanged --separate-stderr irctl declare "x" --severity SEV9
  assert_status 2
  assert_text_error
  for s in SEV1 SEV2 SEV3 SEV4; do [[ "$stderr" == *"$s"* ]]; done
}

@test "an invalid kind exits 2, lists the valid kinds and changes nothing" {
  new_repo
  run_unchanged --separate-stderr irctl declare "x" --kind volcano
  assert_status 2
  assert_text_error
  [[ "$stderr" == *outage* ]]
  [[ "$stderr" == *phishing* ]]
}

@test "declare --json prints id, path, commit and event" {
  new_repo
  run --separate-stderr irctl declare "json please" --json
  assert_status 0
  id=$(json_eval 'd["id"]' <<<"$output")
  [[ "$id" =~ $ID_RE ]]
  [ "$(json_eval 'd["path"]' <<<"$output")" = "$(incident_path "$id")" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval 'd["event"]["type"]' <<<"$output")" = "declare" ]
  [ "$(json_eval 'd["event"]["id"]' <<<"$output")" = "$(git log -1 --format='%(trailers:key=Event,valueonly)' | head -n1)" ]
}

@test "-q leaves only the ID: nothing on stderr" {
  new_repo
  run --separate-stderr irctl -q declare "quiet one"
  assert_status 0
  [[ "$output" =~ $ID_RE ]]
  [ -z "$stderr" ]
}

@test "a title of several words is joined with spaces" {
  new_repo
  id=$(declare_incident Checkout API returns 503)
  [ "$(toml_eval "$(incident_path "$id")" 'd["title"]')" = "Checkout API returns 503" ]
}

@test "title - reads the title from stdin" {
  new_repo
  run --separate-stderr irctl declare - <<<"Title from a pipe"
  assert_status 0
  id=$output
  [[ "$id" =~ $ID_RE ]]
  [ "$(toml_eval "$(incident_path "$id")" 'd["title"]')" = "Title from a pipe" ]
}

@test "an empty title (argument or stdin) exits 2 and changes nothing" {
  new_repo
  run_unchanged irctl declare ""
  assert_status 2
  run_unchanged irctl declare - </dev/null
  assert_status 2
  run_unchanged irctl declare
  assert_status 2
}

@test "titles with quotes, backslashes and non-ASCII survive the TOML round trip" {
  new_repo
  title='He said "hi" \ C:\temp ü 😀 '"'"'x'"'"' """triple"""'
  id=$(declare_incident "$title" --service 'svc"x' --summary $'two\nlines\t"""'"'''")
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" 'd["title"]')" = "$title" ]
  [ "$(toml_eval "$f" 'd["services"][0]')" = 'svc"x' ]
  [ "$(toml_eval "$f" 'd["summary"]')" = $'two\nlines\t"""'"'''" ]
  run irctl show "$id" --json
  assert_status 0
  [ "$(json_eval 'd["title"]' <<<"$output")" = "$title" ]
}

@test "--started-at and --detected-at are recorded; started after detected is refused" {
  new_repo
  id=$(declare_incident "times" --started-at 2025-03-04T05:00:00Z --detected-at 2025-03-04T05:10:00Z --at 2025-03-04T05:20:00Z)
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" '[d["started_at"], d["detected_at"], d["declared_at"]]')" = '["2025-03-04T05:00:00+00:00", "2025-03-04T05:10:00+00:00", "2025-03-04T05:20:00+00:00"]' ]

  run_unchanged --separate-stderr irctl declare "backwards" --started-at -10m --detected-at -20m
  assert_status 2
  assert_text_error
}

@test "future --started-at / --detected-at are refused with exit 2" {
  new_repo
  run_unchanged irctl declare "future" --started-at 2099-01-01T00:00:00Z
  assert_status 2
  run_unchanged irctl declare "future" --detected-at +1h
  assert_status 2
}

@test "--at sets the declaration time, the commit's author date and the ID's date" {
  new_repo
  id=$(irctl -q --at "2025-03-04T23:30:00-02:00" declare "late report")
  # 23:30 at -02:00 is 01:30 UTC the next day
  [[ "$id" == INC-20250305-* ]]
  f="incidents/2025/03/$id.toml"
  [ "$(toml_eval "$f" 'd["declared_at"]')" = "2025-03-05T01:30:00+00:00" ]
  [ "$(git log -1 --format=%at)" = "$(date -u -d 2025-03-05T01:30:00Z +%s)" ]
}

@test "many declarations get distinct IDs and all stay committed" {
  new_repo
  for i in 1 2 3 4 5 6 7 8; do declare_incident "incident $i" >>"$TEST_DIR/ids"; done
  [ "$(sort -u "$TEST_DIR/ids" | wc -l)" -eq 8 ]
  [ "$(git ls-files incidents | wc -l)" -eq 8 ]
  [ "$(git rev-list --count HEAD)" -eq 9 ]
  assert_clean_repo
}
