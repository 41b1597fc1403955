#!/usr/bin/env bats
# Right numbers (issue 15): the impact's end is its own milestone
# (set --impact-ended), the start of impact and the detection can be
# corrected (set --started-at, --detected-at), every duration has one
# definition (irctl-stats(1)) that show, stats and the postmortem use, and
# times in sentences read "2018-10-22 23:03 UTC".
#
# The incident is shaped like GitHub's outage of 2018-10-21, whose service
# came back in stages:
#   22:52 impact began (--started-at)    detect       22:52 -> 22:54     2m 00s
#   22:54 detected (--detected-at)       declare      22:54 -> 23:09    15m 00s
#   23:09 declared                       acknowledge  23:09 -> 23:13     4m 00s
#   23:13 ack                            contain      23:09 -> 23:19    10m 00s
#   23:19 contain                        recover      23:09 -> 06:50     7h 41m
#   06:50 first recover (next day)       resolve      23:09 -> 23:10   1d 0h 01m (86460 s)
#   23:03 impact ended (next day)        impact       22:52 -> 23:03   1d 0h 11m (87060 s)
#   23:10 resolved (next day)            (to the first recovery it was 7h 58m, 28680 s)

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(irctl -q --at 2018-10-21T23:09:00Z declare "Degraded service: data storage" --service git \
    --started-at 2018-10-21T22:52:00Z --detected-at 2018-10-21T22:54:00Z)
  FILE=$(incident_path "$ID")
  irctl -q --at 2018-10-21T23:13:00Z ack "$ID"
  irctl -q --at 2018-10-21T23:19:00Z contain "$ID" "Paused webhook delivery and Pages builds"
  irctl -q --at 2018-10-22T06:50:00Z recover "$ID" "Restored from backups; replication catching up"
  irctl -q --at 2018-10-22T23:10:00Z resolve "$ID"
}
teardown() { common_teardown; }

# The Durations block of irctl show's text.
durations_block() { sed -n '/^Durations$/,/^$/p' <<<"$1"; }

# --- set --impact-ended / --started-at / --detected-at ---------------------------

@test "set --impact-ended records one set event and one commit, in people's words" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --impact-ended 2018-10-22T23:03:00Z
  assert_status 0
  assert_one_commit_since "$before"
  assert_clean_repo
  [ "$stderr" = "$ID: impact ended 2018-10-22 23:03 UTC" ]
  [ "$(field 'd["impact_ended_at"]')" = "2018-10-22T23:03:00+00:00" ]
  [ "$(last_event '["type"]')" = "set" ]
  [ "$(last_event '["text"]')" = "impact ended 2018-10-22 23:03 UTC" ]
  [ "$(last_event '["set"]')" = '{"impact_ended_at": "2018-10-22T23:03:00+00:00"}' ]
  [ "$(git log -1 --format=%s)" = "set $ID: impact ended 2018-10-22 23:03 UTC" ]
  # the same time again changes nothing
  after=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --impact-ended 2018-10-22T23:03:00Z
  assert_status 0
  assert_no_commit_since "$after"
}

@test "set --started-at and set --detected-at each record one event and one commit" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --started-at 2018-10-21T22:50:00Z
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field '[d["timeline"][-1][k] for k in ("type", "text", "set")]')" = '["set", "impact began 2018-10-21 22:50 UTC", {"started_at": "2018-10-21T22:50:00+00:00"}]' ]
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --detected-at 2018-10-21T22:53:00Z
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(field '[d["timeline"][-1][k] for k in ("type", "text", "set")]')" = '["set", "detected 2018-10-21 22:53 UTC", {"detected_at": "2018-10-21T22:53:00+00:00"}]' ]
  [ "$(field '[d["started_at"], d["detected_at"], d["declared_at"]]')" = '["2018-10-21T22:50:00+00:00", "2018-10-21T22:53:00+00:00", "2018-10-21T23:09:00+00:00"]' ]
  assert_clean_repo
}

@test "--impact-ended goes with other set options in one event" {
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl set "$ID" --summary "A 43-second partition split the database clusters" \
    --detected-at 2018-10-21T22:55:00Z --impact-ended 2018-10-22T23:03:00Z
  assert_status 0
  assert_one_commit_since "$before"
  [ "$(last_event '["text"]')" = "summary; detected 2018-10-21 22:55 UTC; impact ended 2018-10-22 23:03 UTC" ]
  [ "$(last_event '["set"]')" = '{"summary": "A 43-second partition split the database clusters", "detected_at": "2018-10-21T22:55:00+00:00", "impact_ended_at": "2018-10-22T23:03:00+00:00"}' ]
}

@test "times out of order, in the future or unreadable exit 2 with a hint and change nothing" {
  run_unchanged --separate-stderr irctl set "$ID" --impact-ended 2018-10-21T22:00:00Z
  assert_status 2
  assert_text_error
  [ "$stderr" = "irctl: error: started_at 2018-10-21 22:52 UTC is after --impact-ended 2018-10-21 22:00 UTC
hint: the impact ends after it begins" ]
  run_unchanged --separate-stderr irctl set "$ID" --started-at 2018-10-21T22:58:00Z
  assert_status 2
  [ "$stderr" = "irctl: error: --started-at 2018-10-21 22:58 UTC is after detected_at 2018-10-21 22:54 UTC
hint: impact begins before anyone can detect it" ]
  run_unchanged --separate-stderr irctl set "$ID" --detected-at 2018-10-21T23:30:00Z
  assert_status 2
  [ "$stderr" = "irctl: error: --detected-at 2018-10-21 23:30 UTC is after the declaration time 2018-10-21 23:09 UTC
hint: impact begins and is detected before the incident is declared" ]
  # both corrected at once, in order, is fine; out of order between them is not
  run_unchanged --separate-stderr irctl set "$ID" --started-at 2018-10-21T22:40:00Z --detected-at 2018-10-21T22:30:00Z
  assert_status 2
  [ "${stderr_lines[0]}" = "irctl: error: --started-at 2018-10-21 22:40 UTC is after --detected-at 2018-10-21 22:30 UTC" ]
  run_unchanged --separate-stderr irctl set "$ID" --impact-ended 2099-01-01T00:00:00Z
  assert_status 2
  [ "${stderr_lines[0]}" = "irctl: error: --impact-ended 2099-01-01 00:00 UTC is in the future" ]
  run_unchanged --separate-stderr irctl set "$ID" --detected-at +1h
  assert_status 2
  run_unchanged --separate-stderr irctl set "$ID" --started-at yesterday
  assert_status 2
  [ "${stderr_lines[0]}" = "irctl: error: invalid time 'yesterday': expected a date like 2026-11-28" ]
  run_unchanged --separate-stderr irctl set "$ID" --impact-ended ""
  assert_status 2
}

@test "the impact's end may come before the declaration (declared after the fact), not before the impact began" {
  run --separate-stderr irctl set "$ID" --impact-ended 2018-10-21T23:00:00Z
  assert_status 0
  run --separate-stderr irctl --json show "$ID"
  assert_status 0
  [ "$(json_eval 'd["durations"]["impact"]' <<<"$output")" = "480" ]
}

# --- show -----------------------------------------------------------------------

@test "show prints the durations reached, by the names of irctl-stats(1)" {
  before_impact="Durations
  detect       2m 00s
  declare      15m 00s
  acknowledge  4m 00s
  contain      10m 00s
  recover      7h 41m
  resolve      1d 0h 01m"
  run --separate-stderr irctl show "$ID"
  assert_status 0
  [ "$(durations_block "$output")" = "$before_impact
  impact       7h 58m" ]
  irctl -q set "$ID" --impact-ended 2018-10-22T23:03:00Z
  run --separate-stderr irctl show "$ID"
  assert_status 0
  [ "$(durations_block "$output")" = "$before_impact
  impact       1d 0h 11m" ]
  [ "$(grep '^  impact ended' <<<"$output")" = "  impact ended  2018-10-22 23:03 UTC" ]
}

@test "show --json has durations in seconds, a key only for each duration reached" {
  run --separate-stderr irctl --json show "$ID"
  assert_status 0
  [ "$(json_eval 'd["durations"]' <<<"$output")" = '{"detect": 120, "declare": 900, "acknowledge": 240, "contain": 600, "recover": 27660, "resolve": 86460, "impact": 28680}' ]
  irctl -q set "$ID" --impact-ended 2018-10-22T23:03:00Z
  run --separate-stderr irctl --json show "$ID"
  assert_status 0
  [ "$(json_eval 'd["durations"]' <<<"$output")" = '{"detect": 120, "declare": 900, "acknowledge": 240, "contain": 600, "recover": 27660, "resolve": 86460, "impact": 87060}' ]

  other=$(irctl -q --at -10m declare "Nothing recorded yet")
  run --separate-stderr irctl --json show "$other"
  assert_status 0
  [ "$(json_eval 'd["durations"]' <<<"$output")" = '{}' ]
  run --separate-stderr irctl show "$other"
  assert_status 0
  refute_output_contains "Durations"
}

# --- stats and the postmortem use the same definitions ------------------------------

@test "stats measures the impact to impact_ended_at" {
  run --separate-stderr irctl --json stats
  assert_status 0
  [ "$(json_eval 'd["total"]["impact"]' <<<"$output")" = '{"count": 1, "mean_seconds": 28680, "median_seconds": 28680}' ]
  irctl -q set "$ID" --impact-ended 2018-10-22T23:03:00Z
  run --separate-stderr irctl --json stats
  assert_status 0
  [ "$(json_eval 'd["total"]["impact"]' <<<"$output")" = '{"count": 1, "mean_seconds": 87060, "median_seconds": 87060}' ]
}

@test "the postmortem's impact is measured to the impact's end, shown in its header" {
  irctl -q set "$ID" --impact-ended 2018-10-22T23:03:00Z
  run --separate-stderr irctl postmortem "$ID" --output -
  assert_status 0
  [ "$(grep -F '| Impact ended |' <<<"$output")" = "| Impact ended | 2018-10-22 23:03 UTC |" ]
  [ "$(grep -F -- '- Impact duration:' <<<"$output")" = "- Impact duration: 1d 0h 11m" ]
  run --separate-stderr irctl postmortem "$ID" --template postmortem-security --output -
  assert_status 0
  [ "$(grep -F '| Impact ended |' <<<"$output")" = "| Impact ended | 2018-10-22 23:03 UTC |" ]
  # without it, the impact ends at the first recovery, and the header says so
  printf '{{times.impact_ended}} {{impact_ended_at}}|{{durations_seconds.impact}}\n' >"$TEST_DIR/t.mustache"
  other=$(irctl -q --at 2018-10-21T23:09:00Z declare "Second" --started-at 2018-10-21T22:52:00Z)
  irctl -q --at 2018-10-22T06:50:00Z recover "$other" "partly back"
  run --separate-stderr irctl postmortem "$other" --template "$TEST_DIR/t.mustache" --output -
  assert_status 0
  [ "$output" = "2018-10-22 06:50 UTC |28680" ]
}

# --- one time format in sentences ---------------------------------------------------

@test "messages name times as people read them: 2018-10-21 23:09 UTC, never RFC 3339" {
  run_unchanged --separate-stderr irctl --at 2018-10-21T23:09:00Z declare "late" --detected-at 2018-10-21T23:30:00Z
  assert_status 2
  [ "$stderr" = "irctl: error: --detected-at 2018-10-21 23:30 UTC is after the declaration time 2018-10-21 23:09 UTC
hint: use --at to record the declaration at its real time" ]
  run_unchanged --separate-stderr irctl --at 2018-10-21T22:00:00Z note "$ID" "too early"
  assert_status 2
  [ "$stderr" = "irctl: error: the time 2018-10-21 22:00 UTC is before $ID began (2018-10-21 22:52 UTC)
hint: give a time after it began, such as -15m or an RFC 3339 time; to say that it began earlier, correct it first: irctl set $ID --started-at TIME" ]
  run_unchanged --separate-stderr irctl --at 2099-01-01T00:00:00Z note "$ID" "too late"
  assert_status 2
  [ "${stderr_lines[0]}" = "irctl: error: the time 2099-01-01 00:00 UTC is in the future" ]
}
