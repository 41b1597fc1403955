#!/usr/bin/env bats
# irctl stats against a repository whose figures are worked out by hand.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

at() {
  local when=$1
  shift
  irctl -q --at "$when" "$@"
}

# Four incidents (all times UTC):
#   A SEV1 api       started 03-01 09:50, detected 09:55, declared 10:00,
#                    ack 10:04, contained 10:20, recovered 10:40, resolved 11:00
#                    detect 300, ack 240, contain 1200, resolve 3600,
#                    impact 09:50 -> 10:40 = 3000; one action without a due date
#   B SEV2 api, web  declared 03-05 08:00, ack 08:10, contained 08:30,
#                    resolved 09:30 (no start, no recovery)
#                    ack 600, contain 1800, resolve 5400, impact 08:00 -> 09:30 = 5400
#   C SEV2 web       declared 04-02 12:00, ack 12:01:01, resolved 12:31
#                    ack 61, resolve 1860, impact 1860
#   D SEV3 (none)    declared 04-10 00:00, still open, nothing else;
#                    one action due 2026-04-20: overdue
make_incidents() {
  A=$(at 2026-03-01T10:00:00Z declare "A" --severity SEV1 --service api \
    --started-at 2026-03-01T09:50:00Z --detected-at 2026-03-01T09:55:00Z)
  at 2026-03-01T10:04:00Z ack "$A"
  at 2026-03-01T10:20:00Z contain "$A" "rolled back"
  at 2026-03-01T10:40:00Z recover "$A" "healthy"
  at 2026-03-01T11:00:00Z resolve "$A"
  at 2026-03-02T09:00:00Z action add "$A" "Add a canary" --owner alice
  B=$(at 2026-03-05T08:00:00Z declare "B" --severity SEV2 --service api --service web)
  at 2026-03-05T08:10:00Z ack "$B"
  at 2026-03-05T08:30:00Z contain "$B" "failed over"
  at 2026-03-05T09:30:00Z resolve "$B"
  C=$(at 2026-04-02T12:00:00Z declare "C" --severity SEV2 --service web)
  at 2026-04-02T12:01:01Z ack "$C"
  at 2026-04-02T12:31:00Z resolve "$C"
  D=$(at 2026-04-10T00:00:00Z declare "D" --severity SEV3)
  at 2026-04-11T00:00:00Z action add "$D" "Write the runbook" --owner bob --due 2026-04-20
}

# Usage: figure JSON-PATH — a value from the last --json output.
figure() { json_eval "$1" <<<"$output"; }

@test "the totals: counts, means (rounded) and medians, stages not reached left out" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 4 ]
  [ "$(figure 'd["total"]["open"]')" = 1 ]
  # detect: A only
  [ "$(figure 'd["total"]["detect"]')" = '{"count": 1, "mean_seconds": 300, "median_seconds": 300}' ]
  # ack: 240, 600, 61 -> mean 901/3 = 300.3 -> 300; median 240; D not acknowledged
  [ "$(figure 'd["total"]["acknowledge"]')" = '{"count": 3, "mean_seconds": 300, "median_seconds": 240}' ]
  # contain: 1200, 1800 -> 1500 and 1500 (the mean of the middle two)
  [ "$(figure 'd["total"]["contain"]')" = '{"count": 2, "mean_seconds": 1500, "median_seconds": 1500}' ]
  # resolve: 3600, 5400, 1860 -> mean 3620, median 3600
  [ "$(figure 'd["total"]["resolve"]')" = '{"count": 3, "mean_seconds": 3620, "median_seconds": 3600}' ]
  # impact: 3000, 5400, 1860 -> mean 3420, median 3000; D has neither recovery nor resolution
  [ "$(figure 'd["total"]["impact"]')" = '{"count": 3, "mean_seconds": 3420, "median_seconds": 3000}' ]
  [ "$(figure 'd["total"]["actions"]')" = '{"open": 2, "overdue": 1}' ]
  [ "$(figure 'd["groups"]')" = '[]' ]
  [ "$(figure 'd["by"]')" = null ]
}

@test "--by severity as CSV: exact rows, halves rounded up, empty cells for stages not measured" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --by severity --csv
  assert_status 0
  # SEV2 ack: 600 and 61 -> 330.5 -> 331; resolve and impact 5400, 1860 -> 3630
  expected=$(printf '%s\r\n' \
    "severity,incidents,open,detect_count,detect_mean_seconds,detect_median_seconds,acknowledge_count,acknowledge_mean_seconds,acknowledge_median_seconds,contain_count,contain_mean_seconds,contain_median_seconds,resolve_count,resolve_mean_seconds,resolve_median_seconds,impact_count,impact_mean_seconds,impact_median_seconds,actions_open,actions_overdue" \
    "SEV1,1,0,1,300,300,1,240,240,1,1200,1200,1,3600,3600,1,3000,3000,1,0" \
    "SEV2,2,0,0,,,2,331,331,1,1800,1800,2,3630,3630,2,3630,3630,0,0" \
    "SEV3,1,1,0,,,0,,,0,,,0,,,0,,,1,1" \
    "all,4,1,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1")
  [ "$output" = "$expected" ]
}

@test "--by service counts an incident in each of its services, and '(none)'; the total once" {
  make_incidents
  run --separate-stderr irctl stats --by service --json
  assert_status 0
  [ "$(figure '[g["key"] for g in d["groups"]]')" = '["(none)", "api", "web"]' ]
  [ "$(figure '[g["incidents"] for g in d["groups"]]')" = '[1, 2, 2]' ]
  # api: A and B: ack 240, 600 -> 420; resolve 3600, 5400 -> 4500; impact 3000, 5400 -> 4200
  [ "$(figure 'd["groups"][1]["acknowledge"]["mean_seconds"]')" = 420 ]
  [ "$(figure 'd["groups"][1]["resolve"]["median_seconds"]')" = 4500 ]
  [ "$(figure 'd["groups"][1]["impact"]["mean_seconds"]')" = 4200 ]
  # web: B and C: ack 600, 61 -> 331
  [ "$(figure 'd["groups"][2]["acknowledge"]["mean_seconds"]')" = 331 ]
  [ "$(figure 'd["groups"][0]["actions"]')" = '{"open": 1, "overdue": 1}' ]
  [ "$(figure 'd["total"]["incidents"]')" = 4 ]
}

@test "--by month and --by kind" {
  make_incidents
  run --separate-stderr irctl stats --by month --json
  assert_status 0
  [ "$(figure '[(g["key"], g["incidents"]) for g in d["groups"]]')" = '[["2026-03", 2], ["2026-04", 2]]' ]
  run --separate-stderr irctl stats --by kind --json
  [ "$(figure '[(g["key"], g["incidents"]) for g in d["groups"]]')" = '[["outage", 4]]' ]
}

@test "--since is inclusive, --until exclusive; a bare date is the start of that day in UTC" {
  make_incidents
  run --separate-stderr irctl stats --since 2026-03-05T08:00:00Z --json
  [ "$(figure 'd["total"]["incidents"]')" = 3 ]
  run --separate-stderr irctl stats --until 2026-04-02T12:00:00Z --json
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
  [ "$(figure 'd["until"]')" = 2026-04-02T12:00:00Z ]
  run --separate-stderr irctl stats --since 2026-04-01 --json
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
  [ "$(figure 'd["since"]')" = 2026-04-01T00:00:00Z ]
  run --separate-stderr irctl stats --since 2026-03-02 --until 2026-04-03 --json
  [ "$(figure 'd["total"]["resolve"]')" = '{"count": 2, "mean_seconds": 3630, "median_seconds": 3630}' ]
}

@test "the table shows one row per group and the total" {
  make_incidents
  run --separate-stderr irctl stats --by severity
  assert_status 0
  [ "$(wc -l <<<"$output")" -eq 5 ]
  [[ "${lines[0]}" == SEVERITY*INCIDENTS*OPEN* ]]
  [[ "${lines[4]}" == all* ]]
  [[ "${lines[1]}" == *"4m 00s / 4m 00s (1)"* ]]
}

@test "bad input exits 2 and changes nothing" {
  make_incidents
  run_unchanged irctl stats --by colour
  assert_status 2
  run_unchanged irctl stats --since 2026-04-01 --until 2026-03-01
  assert_status 2
  [[ "$output" == *"is not after --since"* ]]
  run_unchanged irctl stats --since 2026-13-01
  assert_status 2
  run_unchanged irctl stats --csv --json
  assert_status 2
}

@test "an empty repository: zero incidents, null durations" {
  run --separate-stderr irctl stats --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 0 ]
  [ "$(figure 'd["total"]["resolve"]')" = '{"count": 0, "mean_seconds": null, "median_seconds": null}' ]
  run --separate-stderr irctl stats
  assert_status 0
  [ -z "$output" ]
}
