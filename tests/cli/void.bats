#!/usr/bin/env bats
# Deleting an incident is not an incident event (issue 13, item 5). A clone
# that deletes an incident file with git cannot make it vanish elsewhere:
# irctl sync refuses to push such a deletion and refuses to take one from the
# remote (exit 5, naming the file and the commit, nothing changed); irctl
# fsck reports an incident whose history ends in a deletion, with the commit
# and how to restore it. Whoever means to withdraw an incident records it:
# irctl void ID --reason TEXT, an event that keeps the file; list, stats,
# gate and escalate --due leave void incidents out unless asked (list
# --status void), show says it is void and why, and later writes are refused.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# Usage: clone NAME "FULL NAME" EMAIL — a clone of $TEST_DIR/remote.git in $TEST_DIR/NAME.
clone() {
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/$1"
  set_identity "$TEST_DIR/$1" "$2" "$3"
}

# --- deletions through git ---------------------------------------------------

@test "sync refuses to push an incident file deleted with git, and the other clone refuses to take it: exit 5, file and commit named, nothing changed" {
  seed_remote "$TEST_DIR/remote.git"
  id=$(irctl -C "$TEST_DIR/seed" -q declare "Checkout API returns 503" --severity SEV2)
  git -C "$TEST_DIR/seed" push -q "$TEST_DIR/remote.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  path=$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$id.toml")
  git -C "$TEST_DIR/a" rm -q "$path"
  git -C "$TEST_DIR/a" commit -q -m "remove a drill"
  deleted=$(git -C "$TEST_DIR/a" rev-parse --short HEAD)
  remote_before=$(git --git-dir="$TEST_DIR/remote.git" rev-parse main)

  # a: irctl sync will not push the deletion
  cd "$TEST_DIR/a"
  before=$(repo_state)
  run --separate-stderr irctl sync
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"'$path'"* ]]
  [[ "$stderr" == *"$deleted"* ]]
  [[ "$stderr" == *"git checkout $deleted^ -- $path"* ]]
  [[ "$stderr" == *"irctl void $id --reason"* ]]
  [ "$(repo_state)" = "$before" ]
  [ "$(git --git-dir="$TEST_DIR/remote.git" rev-parse main)" = "$remote_before" ]

  # plain git pushes it anyway; b's irctl sync will not take it
  git push -q origin HEAD:main
  cd "$TEST_DIR/b"
  b_head=$(git rev-parse HEAD)
  before=$(repo_state)
  run --separate-stderr irctl --json sync
  assert_status 5
  assert_json_error conflict
  [[ "$(json_eval 'd["error"]["message"]' <<<"$stderr")" == *"'$path'"*"$deleted"* ]]
  [ "$(repo_state)" = "$before" ]
  [ "$(git rev-parse HEAD)" = "$b_head" ]
  [ -f "$path" ]
  run irctl show "$id"
  assert_status 0
}

@test "fsck reports an incident whose history ends in a deletion, with the commit and how to restore it; restored, it is clean" {
  new_repo
  kept=$(declare_incident "Queue backlog")
  id=$(declare_incident "Checkout API returns 503")
  path=$(incident_path "$id")
  git rm -q "$path"
  git commit -q -m "tidy up"
  deleted=$(git rev-parse --short HEAD)
  irctl -q note "$kept" "still draining"   # the deletion is not the newest commit
  before=$(repo_state)
  run --separate-stderr irctl fsck
  assert_status 65
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]}" = "$path: incident $id was deleted with git in commit $deleted (\"tidy up\"): its record is no longer in the branch" ]
  [ "${lines[1]}" = "  fix: restore it with 'git checkout $deleted^ -- $path', then commit it; to withdraw an incident, record 'irctl void $id --reason TEXT' instead of deleting its file" ]
  [ "$(repo_state)" = "$before" ]
  run --separate-stderr irctl --json fsck
  assert_status 65
  [ "$(json_eval '[p["path"] for p in d["problems"]]' <<<"$output")" = "[\"$path\"]" ]
  git checkout -q "$deleted^" -- "$path"
  git commit -q -m "restore $id"
  run --separate-stderr irctl fsck
  assert_status 0
  [ -z "$output" ]
}

# --- irctl void --------------------------------------------------------------

@test "void: refused without a reason, unknown ID exit 3; recorded, the file kept; list, stats, gate and escalate --due leave it out" {
  new_repo
  kept=$(declare_incident "Queue backlog" --severity SEV3)
  id=$(irctl -q --at -3h declare "Payments down (drill)" --severity SEV1 --service payments)
  FILE=$(incident_path "$id")
  before=$(repo_state)
  run --separate-stderr irctl void "$id"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--reason"* ]]
  run --separate-stderr irctl void "$id" --reason "   "
  assert_status 2
  assert_text_error
  run --separate-stderr irctl void INC-20200101-ZZZZZZ --reason "a drill"
  assert_status 3
  assert_text_error
  [ "$(repo_state)" = "$before" ]

  head=$(git rev-parse HEAD)
  run --separate-stderr irctl --json void "$id" --reason "A drill, declared by mistake"
  assert_status 0
  [ -z "$stderr" ]
  [ "$(json_eval '[d["id"], d["recorded"], d["event"]["type"], d["event"]["text"], d["commit"]]' <<<"$output")" = \
    "[\"$id\", true, \"void\", \"A drill, declared by mistake\", \"$(git rev-parse HEAD)\"]" ]
  assert_one_commit_since "$head"
  [ "$(git log -1 --format=%s)" = "void $id: A drill, declared by mistake" ]
  [ -f "$FILE" ]
  [ "$(field '[d["status"], d["void_reason"], d["voided_at"] == d["timeline"][-1]["at"]]')" = \
    '["identification", "A drill, declared by mistake", true]' ]
  [ "$(last_event '["set"]["void_reason"]')" = "A drill, declared by mistake" ]

  # left out of list, gate, stats and escalate --due; list --status void shows it
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ "$output" = "$kept" ]
  run --separate-stderr irctl list --status void --format ids
  assert_status 0
  [ "$output" = "$id" ]
  run --separate-stderr irctl list --status open,void --format ids
  assert_status 0
  [ "$output" = "$(printf '%s\n%s' "$kept" "$id")" ]
  run --separate-stderr irctl gate --severity SEV1
  assert_status 0
  run --separate-stderr irctl --json stats
  assert_status 0
  [ "$(json_eval '[d["total"]["incidents"], d["total"]["open"]]' <<<"$output")" = '[1, 1]' ]
  head=$(git rev-parse HEAD)
  run --separate-stderr irctl --json escalate --due
  assert_status 0
  [ "$(json_eval 'd["escalated"]' <<<"$output")" = "[]" ]   # it is 3 h past level 1's 15 min
  assert_no_commit_since "$head"

  # show says so; a second void changes nothing; other writes are refused
  run --separate-stderr irctl show "$id"
  assert_status 0
  assert_output_contains "void          $(date -u -d "$(field 'd["voided_at"]')" '+%Y-%m-%d %H:%M') UTC: A drill, declared by mistake"
  run --separate-stderr irctl --json show "$id"
  assert_status 0
  [ "$(json_eval 'd["void_reason"]' <<<"$output")" = "A drill, declared by mistake" ]
  head=$(git rev-parse HEAD)
  run --separate-stderr irctl void "$id" --reason "again"
  assert_status 0
  [[ "$stderr" == *"already void; nothing changed"* ]]
  assert_no_commit_since "$head"
  before=$(repo_state)
  run --separate-stderr irctl note "$id" "more"
  assert_status 4
  assert_text_error
  [[ "$stderr" == *"$id is void (A drill, declared by mistake)"* ]]
  [ "$(repo_state)" = "$before" ]
  run --separate-stderr irctl fsck
  assert_status 0
}
