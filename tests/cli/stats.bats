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
#
# Totals (all): 4 incidents, 1 open (D)
#   detect       A 300                     -> count 1, mean 300, median 300
#   acknowledge  240, 600, 61              -> 901/3 = 300.33 -> 300; sorted 61 240 600 -> 240
#   contain      1200, 1800                -> 1500; median (1200+1800)/2 = 1500
#   resolve      3600, 5400, 1860          -> 10860/3 = 3620; median 3600
#   impact       3000, 5400, 1860          -> 10260/3 = 3420; median 3000
#   actions      open 2 (A's, D's), overdue 1 (D's)
# By service (sorted: "(none)" < "api" < "web"):
#   (none)  D     1 incident, 1 open, nothing measured, actions 1 open 1 overdue
#   api     A, B  detect 300; ack 240, 600 -> 420/420; contain 1200, 1800 -> 1500/1500;
#                 resolve 3600, 5400 -> 4500/4500; impact 3000, 5400 -> 4200/4200; actions 1, 0
#   web     B, C  no detect; ack 600, 61 -> 330.5 -> 331/331; contain 1800; resolve and
#                 impact 5400, 1860 -> 3630/3630; actions 0, 0
# By month: 2026-03 = A, B (the same figures as api, 0 open); 2026-04 = C, D: 1 open,
#   ack 61, no contain, resolve 1860, impact 1860, actions 1 open 1 overdue.
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
  assert_status 0
  [ "$(figure '[(g["key"], g["incidents"]) for g in d["groups"]]')" = '[["outage", 4]]' ]
}

@test "--since is inclusive, --until exclusive; a bare date is the start of that day in UTC" {
  make_incidents
  run --separate-stderr irctl stats --since 2026-03-05T08:00:00Z --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 3 ]
  run --separate-stderr irctl stats --until 2026-04-02T12:00:00Z --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
  [ "$(figure 'd["until"]')" = 2026-04-02T12:00:00Z ]
  run --separate-stderr irctl stats --since 2026-04-01 --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
  [ "$(figure 'd["since"]')" = 2026-04-01T00:00:00Z ]
  run --separate-stderr irctl stats --since 2026-03-02 --until 2026-04-03 --json
  assert_status 0
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
  run_unchanged --separate-stderr irctl stats --since 2026-04-01 --until 2026-03-01
  assert_status 2
  [ "${stderr_lines[0]}" = "irctl: error: --until 2026-03-01 00:00 UTC is not after --since 2026-04-01 00:00 UTC" ]
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

# The CSV header after its first column.
CSV_COLUMNS="incidents,open,detect_count,detect_mean_seconds,detect_median_seconds,acknowledge_count,acknowledge_mean_seconds,acknowledge_median_seconds,contain_count,contain_mean_seconds,contain_median_seconds,resolve_count,resolve_mean_seconds,resolve_median_seconds,impact_count,impact_mean_seconds,impact_median_seconds,actions_open,actions_overdue"

# Usage: csv LINE... — the lines, each ended by CR LF.
csv() { printf '%s\r\n' "$@"; }

@test "the plain table shows the total row 'all' (durations as mean / median (count)); the legend goes to stderr" {
  make_incidents
  run_unchanged --separate-stderr irctl stats
  assert_status 0
  [ "${#lines[@]}" -eq 2 ]
  # Without --by the first column has no title.
  [ "$(tr -s ' ' <<<"${lines[0]}")" = " INCIDENTS OPEN TO DETECT TO ACK (MTTA) TO CONTAIN TO RESOLVE IMPACT ACTIONS OPEN OVERDUE" ]
  # 3620 s is shown as 1h 00m (the seconds are cut off), 3420 s as 57m 00s.
  [ "$(tr -s ' ' <<<"${lines[1]}")" = "all 4 1 5m 00s / 5m 00s (1) 5m 00s / 4m 00s (3) 25m 00s / 25m 00s (2) 1h 00m / 1h 00m (3) 57m 00s / 50m 00s (3) 2 1" ]
  [[ "$stderr" == *"mean / median (incidents measured)"* ]]
  refute_raw_controls
  # -q leaves out the legend, not the table
  run --separate-stderr irctl -q stats
  assert_status 0
  [ -z "$stderr" ]
  [[ "${lines[1]}" == all* ]]
}

@test "--by service as CSV: the (none) row, an incident in each of its services, the total once" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --by service --csv
  assert_status 0
  [ "$output" = "$(csv "service,$CSV_COLUMNS" \
    "(none),1,1,0,,,0,,,0,,,0,,,0,,,1,1" \
    "api,2,0,1,300,300,2,420,420,2,1500,1500,2,4500,4500,2,4200,4200,1,0" \
    "web,2,0,0,,,2,331,331,1,1800,1800,2,3630,3630,2,3630,3630,0,0" \
    "all,4,1,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1")" ]
}

@test "--by month as CSV, and without --by the first column is 'group' and only the total" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --by month --csv
  assert_status 0
  [ "$output" = "$(csv "month,$CSV_COLUMNS" \
    "2026-03,2,0,1,300,300,2,420,420,2,1500,1500,2,4500,4500,2,4200,4200,1,0" \
    "2026-04,2,1,0,,,1,61,61,0,,,1,1860,1860,1,1860,1860,1,1" \
    "all,4,1,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1")" ]
  run_unchanged --separate-stderr irctl stats --csv
  assert_status 0
  [ "$output" = "$(csv "group,$CSV_COLUMNS" \
    "all,4,1,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1")" ]
  [ -z "$stderr" ]
}

@test "--json: every group has exactly the documented keys; groups sorted by key" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --by severity --json
  assert_status 0
  [ "$(figure 'sorted(d)')" = '["by", "groups", "problems", "since", "total", "until"]' ]
  [ "$(figure 'd["by"]')" = severity ]
  [ "$(figure '[d["since"], d["until"], d["problems"]]')" = '[null, null, []]' ]
  [ "$(figure '[g["key"] for g in d["groups"]]')" = '["SEV1", "SEV2", "SEV3"]' ]
  [ "$(figure 'sorted(set(tuple(sorted(g)) for g in d["groups"] + [d["total"]]))')" = \
    '[["acknowledge", "actions", "contain", "detect", "impact", "incidents", "key", "open", "resolve"]]' ]
  [ "$(figure 'd["total"]["key"]')" = all ]
  # SEV1 = A alone, as hand-computed above
  [ "$(figure 'd["groups"][0]')" = '{"key": "SEV1", "incidents": 1, "open": 0, "detect": {"count": 1, "mean_seconds": 300, "median_seconds": 300}, "acknowledge": {"count": 1, "mean_seconds": 240, "median_seconds": 240}, "contain": {"count": 1, "mean_seconds": 1200, "median_seconds": 1200}, "resolve": {"count": 1, "mean_seconds": 3600, "median_seconds": 3600}, "impact": {"count": 1, "mean_seconds": 3000, "median_seconds": 3000}, "actions": {"open": 1, "overdue": 0}}' ]
  # SEV3 = D: nothing measured is null, not 0
  [ "$(figure 'd["groups"][2]["detect"]')" = '{"count": 0, "mean_seconds": null, "median_seconds": null}' ]
  [ "$(figure 'd["groups"][2]["open"]')" = 1 ]
}

@test "--until excludes its exact second, --since includes it; a bare --until date ends the day before" {
  make_incidents
  # C was declared at 2026-04-02T12:00:00Z exactly.
  run --separate-stderr irctl stats --since 2026-04-02T12:00:00Z --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
  run --separate-stderr irctl stats --since 2026-04-02T12:00:01Z --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 1 ]
  run --separate-stderr irctl stats --until 2026-04-02T12:00:01Z --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 3 ]
  # D was declared at 2026-04-10T00:00:00Z: --until 2026-04-10 leaves it out, --until 2026-04-11 has it.
  run --separate-stderr irctl stats --until 2026-04-10 --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 3 ]
  [ "$(figure 'd["total"]["open"]')" = 0 ]
  [ "$(figure 'd["total"]["actions"]')" = '{"open": 1, "overdue": 0}' ]
  run --separate-stderr irctl stats --until 2026-04-11 --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 4 ]
  # A time with an offset is the same instant in UTC: 12:00+02:00 is 10:00Z, A's declaration.
  run --separate-stderr irctl stats --since 2026-03-01T12:00:00+02:00 --until 2026-03-05T08:00:00Z --json
  assert_status 0
  [ "$(figure '[d["since"], d["until"], d["total"]["incidents"]]')" = '["2026-03-01T10:00:00Z", "2026-03-05T08:00:00Z", 1]' ]
  # consecutive periods count every incident exactly once
  run --separate-stderr irctl stats --until 2026-04-01 --json
  assert_status 0
  first=$(figure 'd["total"]["incidents"]')
  run --separate-stderr irctl stats --since 2026-04-01 --json
  assert_status 0
  second=$(figure 'd["total"]["incidents"]')
  [ "$first" -eq 2 ] && [ "$second" -eq 2 ]
  # a relative time: nothing was declared in the last day (all of it is in spring 2026)
  run --separate-stderr irctl stats --since -1d --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 0 ]
}

@test "a period with no incident: the CSV has the header and an empty total, the JSON zeros and nulls" {
  make_incidents
  run_unchanged --separate-stderr irctl stats --since 2026-06-01 --by service --csv
  assert_status 0
  [ "$output" = "$(csv "service,$CSV_COLUMNS" "all,0,0,0,,,0,,,0,,,0,,,0,,,0,0")" ]
  run_unchanged --separate-stderr irctl stats --since 2026-06-01 --by service --json
  assert_status 0
  [ "$(figure 'd["groups"]')" = '[]' ]
  [ "$(figure '[d["total"][k] for k in ("incidents", "open", "actions")]')" = '[0, 0, {"open": 0, "overdue": 0}]' ]
  run_unchanged --separate-stderr irctl stats --since 2026-06-01
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"No incidents in this period."* ]]
}

# Two incidents for what the four above do not show (all times UTC):
#   E SEV3 -> SEV2  kind degradation, service db, declared 05-01 10:00 with
#                   --commander (acknowledged at the declaration: 0 s, measured),
#                   raised to SEV2 at 10:05, resolved 10:45, closed 12:00
#                   ack 0, resolve 2700, impact 10:00 -> 10:45 = 2700 (no start,
#                   no detection, no recovery: declaration -> resolution)
#                   actions: 1 due 2026-05-10 but done (neither open nor overdue),
#                   2 due 2090-01-01 (open), 3 due today (open, not overdue yet)
#   F SEV1          kind outage, service db, declared 05-02 09:00, detected 08:58:30
#                   (no start: no time to detect; the impact starts at detection),
#                   ack 09:02, recovered 09:20, resolved 09:30, reopened 09:40
#                   ack 120, resolve none (reopened), impact 08:58:30 -> 09:20 = 1290;
#                   open; one action due 2026-05-03: overdue
# Totals: 2 incidents, 1 open (F; E is closed); detect none; ack 0, 120 -> 60/60;
#   contain none; resolve 2700 (1); impact 2700, 1290 -> 3990/2 = 1995/1995;
#   actions open 3 (E's 2 and 3, F's), overdue 1 (F's)
# By severity (the current one): SEV1 = F, SEV2 = E; no SEV3 row.
make_more_incidents() {
  TODAY=$(date -u +%F)
  E=$(at 2026-05-01T10:00:00Z declare "E" --severity SEV3 --kind degradation --service db --commander carol)
  at 2026-05-01T10:05:00Z severity "$E" SEV2 --reason "more customers"
  at 2026-05-01T10:45:00Z resolve "$E"
  at 2026-05-01T11:00:00Z action add "$E" "one" --owner bob --due 2026-05-10
  at 2026-05-01T11:05:00Z action add "$E" "two" --owner bob --due 2090-01-01
  at 2026-05-01T11:10:00Z action add "$E" "three" --owner bob --due "$TODAY"
  at 2026-05-01T11:30:00Z action done "$E" 1
  at 2026-05-01T12:00:00Z close "$E" --force 2>/dev/null
  F=$(at 2026-05-02T09:00:00Z declare "F" --severity SEV1 --service db --detected-at 2026-05-02T08:58:30Z)
  at 2026-05-02T09:02:00Z ack "$F"
  at 2026-05-02T09:20:00Z recover "$F" "restarted"
  at 2026-05-02T09:30:00Z resolve "$F"
  at 2026-05-02T09:40:00Z reopen "$F" --reason "errors again"
  at 2026-05-02T10:00:00Z action add "$F" "four" --due 2026-05-03
}

@test "current severity, closed and reopened incidents, an ack at the declaration, done and future actions" {
  make_more_incidents
  run_unchanged --separate-stderr irctl stats --by severity --csv
  assert_status 0
  # "Due today" is not overdue: only meaningful if the day did not change meanwhile.
  [ "$(date -u +%F)" = "$TODAY" ] || skip "the UTC date changed during the test"
  [ "$output" = "$(csv "severity,$CSV_COLUMNS" \
    "SEV1,1,1,0,,,1,120,120,0,,,0,,,1,1290,1290,1,1" \
    "SEV2,1,0,0,,,1,0,0,0,,,1,2700,2700,1,2700,2700,2,0" \
    "all,2,1,0,,,2,60,60,0,,,1,2700,2700,2,1995,1995,3,1")" ]
  run_unchanged --separate-stderr irctl stats --by kind --csv
  assert_status 0
  [ "$output" = "$(csv "kind,$CSV_COLUMNS" \
    "degradation,1,0,0,,,1,0,0,0,,,1,2700,2700,1,2700,2700,2,0" \
    "outage,1,1,0,,,1,120,120,0,,,0,,,1,1290,1290,1,1" \
    "all,2,1,0,,,2,60,60,0,,,1,2700,2700,2,1995,1995,3,1")" ]
  # one service shared by both: a single row equal to the total
  run_unchanged --separate-stderr irctl stats --by service --csv
  assert_status 0
  [ "$output" = "$(csv "service,$CSV_COLUMNS" \
    "db,2,1,0,,,2,60,60,0,,,1,2700,2700,2,1995,1995,3,1" \
    "all,2,1,0,,,2,60,60,0,,,1,2700,2700,2,1995,1995,3,1")" ]
}

@test "a time edited by hand out of order is left out of its stage, never negative" {
  make_more_incidents
  file=$(incident_path "$E")
  # E acknowledged an hour before it was declared
  sed -i 's/^acknowledged_at = 2026-05-01T10:00:00Z$/acknowledged_at = 2026-05-01T09:00:00Z/' "$file"
  grep -qx 'acknowledged_at = 2026-05-01T09:00:00Z' "$file"
  git commit -qam "hand edit"
  run_unchanged --separate-stderr irctl stats --json
  assert_status 0
  # only F's 120 s remains
  [ "$(figure 'd["total"]["acknowledge"]')" = '{"count": 1, "mean_seconds": 120, "median_seconds": 120}' ]
  [ "$(figure 'd["total"]["incidents"]')" = 2 ]
}

@test "stats changes nothing and needs no identity" {
  make_incidents
  git config --unset user.name
  git config --unset user.email
  for args in "" "--by severity" "--by service --csv" "--by month --json" "--by kind" \
    "--since 2026-03-02 --until 2026-04-03" "--since -30d --csv"; do
    # shellcheck disable=SC2086
    run_unchanged --separate-stderr irctl stats $args
    assert_status 0
  done
  run_unchanged --separate-stderr irctl --json stats --by service
  assert_status 0
  assert_clean_repo
}

@test "an incident file that cannot be read: a warning, the others counted, exit 65" {
  make_incidents
  mkdir -p incidents/2026/05
  printf 'schema = 1\nid = "INC-20260501-ZZZZZZ"\ntitle = 3\n' >incidents/2026/05/INC-20260501-ZZZZZZ.toml
  git add incidents && git commit -qm "a broken file"
  run_unchanged --separate-stderr irctl stats --csv
  assert_status 65
  [ "$(sed -n '$p' <<<"$output")" = $'all,4,1,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1\r' ]
  [[ "$stderr" == *"warning: incidents/2026/05/INC-20260501-ZZZZZZ.toml"* ]]
  run_unchanged --separate-stderr irctl stats --json
  assert_status 65
  [ "$(figure '[p["path"] for p in d["problems"]]')" = '["incidents/2026/05/INC-20260501-ZZZZZZ.toml"]' ]
  [ "$(figure 'd["total"]["incidents"]')" = 4 ]
}

@test "more bad input: exit 2, nothing on stdout, nothing changed" {
  make_incidents
  for args in "--by foo" "--by Severity" "--by" "--since 2026-02-30" "--since 2026-3-01" "--until yesterday" \
    "--since 2026-04-01 --until 2026-04-01" "--since 2026-04-01T00:00:00Z --until 2026-03-31T23:59:59Z" \
    "--until 2026-04-01T25:00:00Z" "--since 2026-01-01Z" "--frobnicate"; do
    # shellcheck disable=SC2086
    run_unchanged --separate-stderr irctl stats $args
    assert_status 2
    [ -z "$output" ] || { echo "stdout for '$args': $output" >&2; return 1; }
    assert_text_error
  done
  # with --json the error is JSON on stderr, whichever order the options come in
  run_unchanged --separate-stderr irctl --json stats --csv
  assert_status 2
  [ -z "$output" ]
  assert_json_error usage
  run_unchanged --separate-stderr irctl stats --csv --json
  assert_status 2
  [ -z "$output" ]
  assert_json_error usage
  run_unchanged --separate-stderr irctl stats --json --by colour
  assert_status 2
  assert_json_error usage
  run_unchanged --separate-stderr irctl stats --json --since 2026-02-30
  assert_status 2
  assert_json_error usage
  run --separate-stderr irctl -C "$TEST_DIR" stats
  assert_status 3
}

# --- a few cases more over the four incidents ------------------------------------

@test "--csv quotes a key with a double quote (RFC 4180); keys sort by byte value" {
  make_incidents
  at 2026-04-12T00:00:00Z declare "E" --severity SEV4 --service 'status "page"' >/dev/null
  run_unchanged --separate-stderr irctl stats --by service --csv
  assert_status 0
  [ "${#lines[@]}" -eq 6 ]
  [ "${lines[1]}" = $'(none),1,1,0,,,0,,,0,,,0,,,0,,,1,1\r' ]
  [ "${lines[2]}" = $'api,2,0,1,300,300,2,420,420,2,1500,1500,2,4500,4500,2,4200,4200,1,0\r' ]
  # E: open, nothing measured, no actions
  [ "${lines[3]}" = $'"status ""page""",1,1,0,,,0,,,0,,,0,,,0,,,0,0\r' ]
  [ "${lines[4]}" = $'web,2,0,0,,,2,331,331,1,1800,1800,2,3630,3630,2,3630,3630,0,0\r' ]
  [ "${lines[5]}" = $'all,5,2,1,300,300,3,300,240,2,1500,1500,3,3620,3600,3,3420,3000,2,1\r' ]
}

@test "--csv keeps a key that a spreadsheet would run as a formula as text (OWASP): a quote first, the cell quoted" {
  at 2026-04-12T00:00:00Z declare "E" --severity SEV4 --service "=cmd|' /C calc'!A0" --service "@SUM(A1:A9)" \
    --service "+1" --service "-1" --service '=HYPERLINK("https://evil.example")' >/dev/null
  run_unchanged --separate-stderr irctl stats --by service --csv
  assert_status 0
  local cells="1,1,0,,,0,,,0,,,0,,,0,,,0,0"
  [ "$output" = "$(csv "service,$CSV_COLUMNS" \
    "\"'+1\",$cells" \
    "\"'-1\",$cells" \
    "\"'=HYPERLINK(\"\"https://evil.example\"\")\",$cells" \
    "\"'=cmd|' /C calc'!A0\",$cells" \
    "\"'@SUM(A1:A9)\",$cells" \
    "all,$cells")" ]
}

@test "an even count whose median is a half, rounded up: a commander at the declaration acknowledges in 0 s" {
  make_incidents
  at 2026-04-20T00:00:00Z declare "E" --severity SEV4 --commander carol >/dev/null
  run_unchanged --separate-stderr irctl stats --json
  assert_status 0
  # ack: 240, 600, 61, 0 -> mean 901 / 4 = 225.25 -> 225;
  # sorted 0, 61, 240, 600 -> median (61 + 240) / 2 = 150.5 -> 151
  [ "$(figure 'd["total"]["acknowledge"]')" = '{"count": 4, "mean_seconds": 225, "median_seconds": 151}' ]
  [ "$(figure '[d["total"]["incidents"], d["total"]["open"]]')" = '[5, 2]' ]
  # E reached no other stage: those figures are the four incidents' alone
  [ "$(figure 'd["total"]["resolve"]')" = '{"count": 3, "mean_seconds": 3620, "median_seconds": 3600}' ]
  [ "$(figure 'd["total"]["impact"]')" = '{"count": 3, "mean_seconds": 3420, "median_seconds": 3000}' ]
}

@test "a relative --since counts what was declared since then; a positional argument exits 2" {
  make_incidents
  E=$(at -1d declare "E" --severity SEV4)
  [ -n "$E" ]
  run_unchanged --separate-stderr irctl stats --since -30d --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 1 ]
  [[ "$(figure 'd["since"]')" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]{8}Z$ ]]
  run_unchanged --separate-stderr irctl stats --until -30d --json
  assert_status 0
  [ "$(figure 'd["total"]["incidents"]')" = 4 ]
  run_unchanged --separate-stderr irctl stats severity
  assert_status 2
  assert_text_error
}

@test "a service named twice by a hand edit counts the incident once in that service" {
  make_incidents
  file=$(incident_path "$B")
  sed -i 's/^services = \["api", "web"\]$/services = ["api", "web", "api"]/' "$file"
  grep -qx 'services = \["api", "web", "api"\]' "$file"
  git commit -qam "hand edit"
  run_unchanged --separate-stderr irctl stats --by service --json
  assert_status 0
  # as before the edit: api is A and B (ack 240, 600 -> 420)
  [ "$(figure '[(g["key"], g["incidents"]) for g in d["groups"]]')" = '[["(none)", 1], ["api", 2], ["web", 2]]' ]
  [ "$(figure 'd["groups"][1]["acknowledge"]')" = '{"count": 2, "mean_seconds": 420, "median_seconds": 420}' ]
}
