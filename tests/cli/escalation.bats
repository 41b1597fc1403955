#!/usr/bin/env bats
# Escalation (issue 3): declare pages level 1 of the policy; escalate ID goes
# to the next level (or --to a target); escalate --due escalates every open,
# unacknowledged incident whose current level timed out. The default policy:
# level 1 primary-oncall (15m), level 2 secondary-oncall and team-lead (30m),
# level 3 engineering-manager (1h). --at makes incidents old.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

commits() { git rev-list --count HEAD; }
level_of() { toml_eval "$(incident_path "$1")" 'd["escalation_level"]'; }

@test "declare pages level 1 of the default policy" {
  id=$(declare_incident "Checkout API returns 503" --at 2025-03-04T05:06:07Z)
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" '[d["escalation_policy"], d["escalation_level"], d["escalated_at"]]')" = '["default", 1, "2025-03-04T05:06:07+00:00"]' ]
  [ "$(toml_eval "$f" 'd["timeline"][0]["targets"]')" = '["primary-oncall"]' ]
  run irctl show "$id"
  assert_status 0
  assert_output_contains "level 1 of default, since 2025-03-04 05:06 UTC"
}

@test "escalate goes to the next level with its targets and the reason: one commit" {
  id=$(declare_incident "Checkout API returns 503")
  f=$(incident_path "$id")
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl escalate "$id" --reason "primary not answering"
  assert_status 0
  [ -z "$output" ]
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(toml_eval "$f" 'd["escalation_level"]')" = "2" ]
  [ "$(toml_eval "$f" 'd["escalated_at"] == d["timeline"][-1]["at"]')" = "true" ]
  ev='d["timeline"][-1]'
  [ "$(toml_eval "$f" "[${ev}[\"type\"], ${ev}[\"level\"], ${ev}[\"targets\"], ${ev}[\"reason\"]]")" = '["escalate", 2, ["secondary-oncall", "team-lead"], "primary not answering"]' ]
  text="level 2 of default: secondary-oncall, team-lead (primary not answering)"
  [ "$(toml_eval "$f" "${ev}[\"text\"]")" = "$text" ]
  [ "$(git log -1 --format=%s)" = "escalate $id: $text" ]
  irctl -q escalate "$id"
  [ "$(toml_eval "$f" '[d["escalation_level"], d["timeline"][-1]["targets"]]')" = '[3, ["engineering-manager"]]' ]
  run irctl show "$id"
  assert_status 0
  assert_output_contains "level 3 of default"
}

@test "escalate at the last level exits 4, hints at --to and changes nothing" {
  id=$(declare_incident "Checkout API returns 503")
  irctl -q escalate "$id"
  irctl -q escalate "$id"
  run_unchanged --separate-stderr irctl escalate "$id"
  assert_status 4
  assert_text_error
  [[ "$stderr" == *"--to"* ]]
}

@test "escalate --to TARGET pages that target and keeps the policy level" {
  id=$(declare_incident "Checkout API returns 503")
  f=$(incident_path "$id")
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl escalate "$id" --to database-team --reason "replication lag"
  assert_status 0
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  [ "$(toml_eval "$f" '[d["escalation_level"], d["timeline"][-1]["targets"], d["timeline"][-1]["text"]]')" = '[1, ["database-team"], "to database-team (replication lag)"]' ]
  [ "$(toml_eval "$f" 'd["escalated_at"] == d["timeline"][-1]["at"]')" = "true" ]
  # --to works at the last level too
  irctl -q escalate "$id"
  irctl -q escalate "$id"
  irctl -q escalate "$id" --to cto
  [ "$(toml_eval "$f" '[d["escalation_level"], d["timeline"][-1]["targets"]]')" = '[3, ["cto"]]' ]
}

@test "escalate --due escalates an unacknowledged incident whose level timed out, once" {
  id=$(declare_incident "Checkout API returns 503" --at -20m)
  f=$(incident_path "$id")
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ "$output" = "$id: escalated to level 2 of default: secondary-oncall, team-lead (not acknowledged within 15m 00s)" ]
  [ "$(commits)" -eq $((n + 1)) ]
  assert_clean_repo
  [ "$(level_of "$id")" = "2" ]
  [ "$(toml_eval "$f" '[d["timeline"][-1]["type"], d["timeline"][-1]["due"], d["timeline"][-1]["level"]]')" = '["escalate", true, 2]' ]
  [[ "$(git log -1 --format=%s)" == "escalate $id: level 2 of default"* ]]
  # right after, level 2 has not timed out: nothing to do, no commit
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"No incident is due"* ]]
  [ "$(commits)" -eq "$n" ]
  [ "$(level_of "$id")" = "2" ]
}

@test "escalate --due leaves an incident whose level has not timed out yet" {
  id=$(declare_incident "Checkout API returns 503" --at -10m)
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ -z "$output" ]
  [ "$(commits)" -eq "$n" ]
  [ "$(level_of "$id")" = "1" ]
}

@test "escalate --due times each level by its own timeout, from the last escalation" {
  # level 2 reached 20 minutes ago: its 30m timeout has not passed
  a=$(declare_incident "a" --at -50m)
  irctl -q --at -20m escalate "$a"
  # level 2 reached 35 minutes ago: it has
  b=$(declare_incident "b" --at -50m)
  irctl -q --at -35m escalate "$b"
  # at the last level nothing further happens, however old
  c=$(declare_incident "c" --at -5h)
  irctl -q --at -4h escalate "$c"
  irctl -q --at -3h escalate "$c"
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ "$output" = "$b: escalated to level 3 of default: engineering-manager (not acknowledged within 30m 00s)" ]
  [ "$(commits)" -eq $((n + 1)) ]
  [ "$(level_of "$a") $(level_of "$b") $(level_of "$c")" = "2 3 3" ]
}

@test "acknowledged incidents are never escalated by --due" {
  a=$(declare_incident "acked" --at -3h)
  irctl -q --at -2h ack "$a"
  b=$(declare_incident "commander at declare" --at -3h --commander alice)
  c=$(declare_incident "commander later" --at -3h)
  irctl -q --at -170m assign "$c" commander bob
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ -z "$output" ]
  [ "$(commits)" -eq "$n" ]
  [ "$(level_of "$a") $(level_of "$b") $(level_of "$c")" = "1 1 1" ]
  # an explicit escalation of an acknowledged incident is still possible
  irctl -q escalate "$a"
  [ "$(level_of "$a")" = "2" ]
}

@test "resolved and closed incidents are not escalated by --due" {
  a=$(declare_incident "resolved" --at -3h)
  irctl -q --at -2h resolve "$a"
  b=$(declare_incident "closed" --at -3h)
  irctl -q --at -2h resolve "$b"
  irctl -q close "$b" --force
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [ "$(commits)" -eq "$n" ]
  [ "$(level_of "$a") $(level_of "$b")" = "1 1" ]
}

@test "escalate --due escalates every incident that is due, one commit each; --json lists them" {
  a=$(declare_incident "a" --at -20m)
  b=$(declare_incident "b" --at -25m)
  c=$(declare_incident "c" --at -40m)
  fresh=$(declare_incident "fresh")
  acked=$(declare_incident "acked" --at -20m --commander alice)
  n=$(commits)
  run --separate-stderr irctl escalate --due --json
  assert_status 0
  [ "$(commits)" -eq $((n + 3)) ]
  assert_clean_repo
  [ "$(json_eval 'sorted(e["id"] for e in d["escalated"])' <<<"$output")" = "$(printf '%s\n' "$a" "$b" "$c" | sort | py -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')" ]
  [ "$(json_eval '[(e["event"]["type"], e["event"]["level"], e["event"]["due"]) for e in d["escalated"]]' <<<"$output")" = '[["escalate", 2, true], ["escalate", 2, true], ["escalate", 2, true]]' ]
  # each commit is the one reported
  for sha in $(json_eval '" ".join(e["commit"] for e in d["escalated"])' <<<"$output"); do
    git cat-file -e "$sha^{commit}"
  done
  [ "$(level_of "$fresh") $(level_of "$acked")" = "1 1" ]
  run --separate-stderr irctl escalate --due --json
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = '{"escalated": [], "problems": []}' ]
}

@test "escalate --due takes no ID and no --to; escalate without an ID exits 2" {
  id=$(declare_incident "a" --at -20m)
  run_unchanged --separate-stderr irctl escalate "$id" --due
  assert_status 2
  assert_text_error
  run_unchanged irctl escalate --due --to someone
  assert_status 2
  run_unchanged irctl escalate
  assert_status 2
  run_unchanged irctl escalate INC-20000101-ZZZZZZ
  assert_status 3
}

@test "a SEV1 needs escalation level 2: missing until escalated" {
  id=$(declare_incident "Everything is down" --severity SEV1 --commander alice)
  irctl -q assign "$id" comms-external dave
  [ "$(irctl show "$id" --json | json_eval 'd["missing"]')" = '[{"escalation_level": 2}]' ]
  run irctl list
  assert_status 0
  assert_output_contains "escalation-2"
  irctl -q escalate "$id" --reason "SEV1"
  [ "$(irctl show "$id" --json | json_eval 'd["missing"]')" = '[]' ]
  # --to does not count as a level of the policy
  id2=$(declare_incident "Everything is down again" --severity SEV1 --commander alice)
  irctl -q escalate "$id2" --to cto
  [ "$(irctl show "$id2" --json | json_eval '[m for m in d["missing"] if "escalation_level" in m]')" = '[{"escalation_level": 2}]' ]
}

@test "a service's own escalation policy is used, with its own timeouts" {
  cat >>.irctl/config.toml <<'EOF'

[[escalation_policy]]
name = "payments"

[[escalation_policy.level]]
targets = ["payments-oncall"]
timeout = "5m"

[[escalation_policy.level]]
targets = ["payments-lead"]
timeout = "10m"

[[service]]
name = "checkout"
team = "payments"
escalation_policy = "payments"
EOF
  git commit -q -am "payments escalation policy"
  id=$(declare_incident "Checkout fails" --service checkout --at -6m)
  f=$(incident_path "$id")
  [ "$(toml_eval "$f" '[d["escalation_policy"], d["timeline"][0]["targets"]]')" = '["payments", ["payments-oncall"]]' ]
  other=$(declare_incident "Search is slow" --service search --at -6m)
  run --separate-stderr irctl escalate --due
  assert_status 0
  [[ "$output" == "$id: escalated to level 2 of payments: payments-lead"* ]]
  [ "$(level_of "$id") $(level_of "$other")" = "2 1" ]
  run_unchanged --separate-stderr irctl escalate "$id"
  assert_status 4
}

@test "escalate --due with --at judges the timeouts at that time, not at the wall clock" {
  # Declared 20 minutes ago: at -10m it was 10 minutes old, inside the 15m of
  # level 1, so a run recorded at -10m has nothing to escalate. Escalating
  # would record "not acknowledged within 15m" at a time when that was false.
  id=$(declare_incident "Checkout API returns 503" --at -20m)
  n=$(commits)
  run --separate-stderr irctl --at -10m escalate --due
  assert_status 0
  [ "$(commits)" -eq "$n" ]
  [ "$(level_of "$id")" = "1" ]
}

@test "escalate --due escalates the others and reports an incident file it cannot read" {
  # A cron job must not skip a broken incident in silence: it may be the one
  # that needs escalating.
  good=$(declare_incident "good" --at -20m)
  bad=$(declare_incident "bad" --at -20m)
  bad_file=$(incident_path "$bad")
  echo 'status = [' >>"$bad_file"
  git commit -q -am "a broken incident file"
  n=$(commits)
  run --separate-stderr irctl escalate --due
  assert_status 65
  [ "$(commits)" -eq $((n + 1)) ]
  [ "$(level_of "$good")" = "2" ]
  [[ "$output" == "$good: escalated to level 2"* ]]
  [[ "$stderr" == *"$bad_file"* ]] || { echo "stderr does not name $bad_file: $stderr" >&2; false; }
}
