#!/usr/bin/env bats
# The branch layout (the storage issue): incidents kept inside a code
# repository on a branch that is never checked out (irctl init --branch
# incidents). The code's current branch, HEAD, index and work tree are never
# touched; every command works as in the checkout layout, each write one
# commit on refs/heads/incidents only; hooks come from the branch; a clone of
# the code repository reads the incidents after a `git fetch`; sync pushes
# and pulls just that branch.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  git config --global init.defaultBranch main
  CODE="$TEST_DIR/code"
  git init -q -b main "$CODE"
  set_identity "$CODE" "Alice Example" alice@example.com
  cd "$CODE"
  printf 'print("hello")\n' >app.py
  printf 'def helper(): pass\n' >lib.py
  git add app.py lib.py
  git commit -qm "the code"
  MAIN=$(git rev-parse HEAD)
  # work in progress of every kind: an unstaged edit, a staged new file, a
  # staged edit, an untracked file
  printf 'print("work in progress")\n' >>app.py
  printf 'staged\n' >staged.py
  printf 'def helper(): return 1\n' >lib.py
  git add staged.py lib.py
  printf 'scratch\n' >untracked.txt
}
teardown() { common_teardown; }

# Everything of the code repository that irctl must not touch: the current
# branch, HEAD, the index, the work tree (tracked, staged, untracked), and
# every reference except refs/heads/incidents (and its remote-tracking
# copies, which sync updates). Usage: code_state [DIR].
code_state() {
  (
    cd "${1:-$CODE}" || exit 1
    git symbolic-ref HEAD
    git rev-parse HEAD
    git ls-files -s
    git diff --cached
    git diff
    git status --porcelain --untracked-files=all
    find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    git for-each-ref --format='%(refname) %(objectname)' |
      grep -v -e '^refs/heads/incidents ' -e '^refs/remotes/[^/]*/incidents ' || true
  )
}

# Usage: snapshot [DIR] / assert_untouched [DIR] — remember, then compare, code_state.
snapshot() { code_state "$@" >"$TEST_DIR/state.before"; }
assert_untouched() {
  code_state "$@" >"$TEST_DIR/state.after"
  if ! diff -u "$TEST_DIR/state.before" "$TEST_DIR/state.after" >&2; then
    echo "the code repository's HEAD, index, work tree or other references changed" >&2
    return 1
  fi
}

# Usage: write_step ARGS... — runs irctl ARGS, which must succeed with exactly
# one new commit on refs/heads/incidents and nothing else touched.
write_step() {
  local before n
  before=$(git -C "$CODE" rev-parse refs/heads/incidents)
  run --separate-stderr irctl "$@"
  if [ "$status" -ne 0 ]; then
    echo "irctl $* failed" >&2
    assert_status 0
  fi
  n=$(git -C "$CODE" rev-list --count "$before..refs/heads/incidents")
  if [ "$n" -ne 1 ]; then
    echo "irctl $*: expected one commit on incidents, got $n" >&2
    return 1
  fi
  [ "$(git -C "$CODE" rev-parse refs/heads/incidents^)" = "$before" ]
  assert_untouched
}

# Usage: read_step STATUS ARGS... — runs irctl ARGS, which must exit STATUS
# and change nothing at all (not even the incidents branch).
read_step() {
  local want=$1 before
  shift
  before=$(git -C "$CODE" rev-parse refs/heads/incidents)
  run --separate-stderr irctl "$@"
  assert_status "$want"
  [ "$(git -C "$CODE" rev-parse refs/heads/incidents)" = "$before" ]
  assert_untouched
}

@test "init --branch incidents: HEAD, branch, index and work tree untouched; the incidents on their own branch; irctl.branch set" {
  snapshot
  run --separate-stderr irctl --json init --branch incidents
  assert_status 0
  assert_untouched
  [ "$(json_eval '[d["branch"], d["initialised"], d["created_git"]]' <<<"$output")" = '["incidents", true, false]' ]
  [ "$(json_eval 'd["root"]' <<<"$output")" = "$CODE" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse refs/heads/incidents)" ]
  # still on main, at the same commit; no incident file in the work tree
  [ "$(git symbolic-ref --short HEAD)" = main ]
  [ "$(git rev-parse HEAD)" = "$MAIN" ]
  [ ! -e .irctl ]
  [ ! -e .gitattributes ]
  [ ! -e incidents ]
  [ "$(git config irctl.branch)" = incidents ]
  [ "$(git config --local merge.irctl.driver)" = "'$(readlink -f "$IRCTL_BIN")' merge-driver %O %A %B %P" ]
  # the branch: one root commit with irctl's files and none of the code
  [ "$(git rev-list --count refs/heads/incidents)" -eq 1 ]
  [ "$(git ls-tree -r --name-only refs/heads/incidents)" = "$(printf '%s\n' .gitattributes .irctl/config.toml .irctl/playbooks/outage.toml .irctl/playbooks/security.toml)" ]
  # again: nothing changes
  before=$(git rev-parse refs/heads/incidents)
  run --separate-stderr irctl init --branch incidents
  assert_status 0
  [[ "$stderr" == *"already an incident repository on branch incidents"* ]]
  [ "$(git rev-parse refs/heads/incidents)" = "$before" ]
  assert_untouched
  # found from a subdirectory too
  mkdir -p src && cd src
  run --separate-stderr irctl list
  assert_status 0
}

@test "branch layout: a whole lifecycle, each write one commit on incidents only, reads change nothing" {
  irctl -q init --branch incidents
  snapshot
  write_step declare "Checkout API returns 503" --severity SEV2 --service checkout --started-at -30m
  id=$output
  [[ "$id" =~ $ID_RE ]]
  read_step 6 gate
  [[ "$stderr" == *"$id"* ]]
  write_step ack "$id"
  write_step assign "$id" commander alice
  write_step severity "$id" SEV1 --reason "all regions"
  write_step note "$id" "Error rate at 38%"
  write_step note @ "the current incident works too"
  write_step contain "$id" "Rolled back deploy 4711"
  write_step resolve "$id" --summary "Deploy 4711 leaked connections" --root-cause "Retry path"
  write_step postmortem "$id"
  [ -n "$(git ls-tree --name-only refs/heads/incidents "postmortems/$id.md")" ]
  [ ! -e postmortems ]
  write_step close "$id"
  write_step action add "$id" "Add a canary stage" --owner bob --due 14d --type prevent
  # edit, with an EDITOR script
  printf '#!/bin/sh\nsed -i "s/^title = .*/title = \\"Checkout and payments fail\\"/" "$1"\n' >"$TEST_DIR/editor"
  chmod +x "$TEST_DIR/editor"
  EDITOR="$TEST_DIR/editor" write_step edit "$id"
  # reads
  read_step 0 list
  assert_output_contains "$id"
  assert_output_contains "closed"
  read_step 0 --json show "$id"
  [ "$(json_eval '[d["title"], d["status"], d["severity"], d["roles"]["commander"]]' <<<"$output")" = \
    '["Checkout and payments fail", "closed", "SEV1", "alice"]' ]
  read_step 0 timeline "$id"
  assert_output_contains "Error rate at 38%"
  assert_output_contains "Rolled back deploy 4711"
  read_step 0 log "$id"
  assert_output_contains "declare $id"
  assert_output_contains "close $id"
  read_step 0 --json stats
  [ "$(json_eval '[d["total"]["incidents"], d["total"]["open"], d["total"]["acknowledge"]["count"]]' <<<"$output")" = "[1, 0, 1]" ]
  read_step 0 action list
  assert_output_contains "Add a canary stage"
  read_step 0 fsck
  read_step 0 gate
  # the file on the branch is the one irctl shows, and every write was one commit
  git show "refs/heads/incidents:$(git ls-tree -r --name-only refs/heads/incidents | grep "$id.toml")" >"$TEST_DIR/inc.toml"
  FILE="$TEST_DIR/inc.toml"
  [ "$(field 'd["title"]')" = "Checkout and payments fail" ]
  # init and the 12 writes above
  [ "$(git rev-list --count refs/heads/incidents)" -eq 13 ]
  # main never moved
  [ "$(git rev-parse main)" = "$MAIN" ]
}

@test "branch layout: a long incident is written from its cached text, checked against git's blob; a damaged cache changes only the speed" {
  irctl -q init --branch incidents
  run --separate-stderr irctl -q declare "Long one" --severity SEV3
  assert_status 0
  id=$output
  long=$(printf 'z%.0s' $(seq 1 1000))
  for i in $(seq 1 40); do irctl -q note "$id" "$i $long"; done
  path=$(git ls-tree -r --name-only refs/heads/incidents | grep "$id.toml")
  [ "$(git cat-file -s "refs/heads/incidents:$path")" -gt 40000 ]
  ls .git/irctl/timeline."$id".text
  # the same length, other bytes: the hash against git's blob notices
  sed -i 's/zzzz/qqqq/' ".git/irctl/timeline.$id.text"
  grep -q qqqq ".git/irctl/timeline.$id.text"
  run --separate-stderr irctl -q note "$id" "after the damage"
  assert_status 0
  run --separate-stderr irctl -q note "$id" "and after"
  assert_status 0
  git show "refs/heads/incidents:$path" >"$TEST_DIR/inc.toml"
  run python3 -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], "rb")); print(len(d["timeline"]), d["timeline"][1]["text"][:3], d["timeline"][-2]["text"], d["timeline"][-1]["text"])' "$TEST_DIR/inc.toml"
  assert_status 0
  [ "$output" = "43 1 z after the damage and after" ]
  [ "$(git diff --numstat "refs/heads/incidents~1" refs/heads/incidents -- "$path" | cut -f2)" = 0 ]  # appended, nothing else changed
  run git fsck --strict --full --no-dangling
  assert_status 0
  run --separate-stderr irctl fsck
  assert_status 0
  [ "$(git rev-parse main)" = "$MAIN" ]
}

@test "branch layout: a hook committed on the branch (through a git worktree) runs, in the code's root, and touches nothing" {
  irctl -q init --branch incidents
  git worktree add -q "$TEST_DIR/wt" incidents
  mkdir -p "$TEST_DIR/wt/.irctl/hooks"
  cat >"$TEST_DIR/wt/.irctl/hooks/on-event" <<EOF
#!/bin/sh
printf '%s\n' "\$(pwd)" "\$(cat)" >>"$TEST_DIR/hook.log"
EOF
  chmod +x "$TEST_DIR/wt/.irctl/hooks/on-event"
  git -C "$TEST_DIR/wt" add .irctl/hooks/on-event
  git -C "$TEST_DIR/wt" commit -qm "the on-event hook"
  git worktree remove "$TEST_DIR/wt"
  snapshot
  write_step declare "Checkout API returns 503" --severity SEV3
  id=$output
  write_step note "$id" "hooked"
  [ "$(sed -n 1p "$TEST_DIR/hook.log")" = "$CODE" ]
  [ "$(sed -n 2p "$TEST_DIR/hook.log" | json_eval '[d["event"]["type"], d["incident"]["id"]]')" = "[\"declare\", \"$id\"]" ]
  [ "$(sed -n 3p "$TEST_DIR/hook.log")" = "$CODE" ]
  [ "$(wc -l <"$TEST_DIR/hook.log")" -eq 4 ]
  [ "$(sed -n 4p "$TEST_DIR/hook.log" | json_eval '[d["event"]["type"], d["event"]["text"]]')" = '["note", "hooked"]' ]
}

@test "branch layout: a clone of the code repository reads the incidents after 'git fetch' without a local branch; a write creates it" {
  irctl -q init --branch incidents
  id=$(irctl -q declare "Checkout API returns 503" --severity SEV2)
  git init -q --bare "$TEST_DIR/remote.git"
  git remote add origin "$TEST_DIR/remote.git"
  git push -q origin main
  # a CI job's clone, made before the incidents were pushed
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/ci"
  set_identity "$TEST_DIR/ci" "CI Bot" ci@example.com
  run --separate-stderr irctl -C "$TEST_DIR/ci" list
  assert_status 3
  git push -q origin incidents
  cd "$TEST_DIR/ci"
  git fetch -q origin incidents
  snapshot "$TEST_DIR/ci"
  run --separate-stderr irctl list
  assert_status 0
  assert_output_contains "$id"
  run --separate-stderr irctl gate
  assert_status 6
  [[ "$stderr" == *"$id"* ]]
  run --separate-stderr irctl fsck
  assert_status 0
  [ -z "$(git branch --list incidents)" ]
  assert_untouched "$TEST_DIR/ci"
  # more recorded upstream: the next plain fetch brings it
  irctl -C "$CODE" -q resolve "$id"
  git -C "$CODE" push -q origin incidents
  git fetch -q
  run --separate-stderr irctl gate
  assert_status 0
  # a write creates the local branch on top of origin/incidents, and nothing else
  run --separate-stderr irctl note "$id" "from the clone"
  assert_status 0
  [ "$(git rev-parse refs/heads/incidents^)" = "$(git rev-parse refs/remotes/origin/incidents)" ]
  [ "$(git symbolic-ref --short HEAD)" = main ]
  [ ! -e .irctl ]
  [ ! -e incidents ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  assert_output_contains "from the clone"
}

@test "branch layout: sync pushes and pulls just the incidents branch; main and the work tree are left alone" {
  irctl -q init --branch incidents
  id=$(irctl -q declare "Checkout API returns 503" --severity SEV3 --started-at -1h)
  git init -q --bare "$TEST_DIR/remote.git"
  git remote add origin "$TEST_DIR/remote.git"
  git push -q origin main incidents
  git clone -q "$TEST_DIR/remote.git" "$TEST_DIR/other"
  set_identity "$TEST_DIR/other" "Bob Example" bob@example.com
  # code work not pushed: a commit on main
  git stash -q
  printf 'more\n' >more.py
  git add more.py
  git commit -qm "unpushed code"
  git stash pop -q
  local_main=$(git rev-parse main)
  remote_main=$(git --git-dir="$TEST_DIR/remote.git" rev-parse main)
  snapshot
  irctl -q --at -5m note "$id" "from the code repository"
  irctl -q --at -5m severity "$id" SEV2
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval '[d["branch"], d["outcome"], d["pushed"]]' <<<"$output")" = '["incidents", "pushed-only", true]' ]
  [ "$(git --git-dir="$TEST_DIR/remote.git" rev-parse incidents)" = "$(git rev-parse incidents)" ]
  [ "$(git --git-dir="$TEST_DIR/remote.git" rev-parse main)" = "$remote_main" ]
  assert_untouched
  # the other clone records concurrently (from origin/incidents, no local branch yet), then syncs
  other_snapshot=$(code_state "$TEST_DIR/other")
  irctl -C "$TEST_DIR/other" -q --at -2m severity "$id" SEV1
  irctl -C "$TEST_DIR/other" -q --at -2m note "$id" "from the other clone"
  run --separate-stderr irctl -C "$TEST_DIR/other" --json sync
  assert_status 0
  [ "$(json_eval '[d["branch"], d["outcome"], d["pushed"], len(d["conflicts"])]' <<<"$output")" = '["incidents", "merged", true, 1]' ]
  [ "$(code_state "$TEST_DIR/other")" = "$other_snapshot" ]
  # the code repository pulls it: a fast-forward of the branch alone
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <<<"$output")" = '["fast-forward", false]' ]
  assert_untouched
  [ "$(git rev-parse main)" = "$local_main" ]
  [ "$(git --git-dir="$TEST_DIR/remote.git" rev-parse main)" = "$remote_main" ]
  [ "$(tree_of "$CODE" incidents)" = "$(tree_of "$TEST_DIR/other" incidents)" ]
  run --separate-stderr irctl --json show "$id"
  assert_status 0
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV1 ]
  run --separate-stderr irctl timeline "$id"
  assert_status 0
  assert_output_contains "from the other clone"
  assert_output_contains "from the code repository"
  run --separate-stderr irctl fsck
  assert_status 0
}

@test "init --branch where the incidents are already checked out: refused (exit 2), nothing changed" {
  new_repo
  id=$(declare_incident "Checkout API returns 503")
  run_unchanged --separate-stderr irctl init --branch incidents
  assert_status 2
  assert_text_error
  [[ "$stderr" == *".irctl/config.toml"* ]]
  [[ "$stderr" == *"without --branch"* ]]
  run git show-ref --verify --quiet refs/heads/incidents
  assert_status 1
  run git config irctl.branch
  assert_status 1
  run_unchanged --separate-stderr irctl --json init --branch incidents
  assert_status 2
  assert_json_error usage
  # still the checkout layout
  run irctl show "$id"
  assert_status 0
}

@test "init --branch with an invalid branch name: refused (exit 2), nothing changed" {
  snapshot
  for name in "bad..name" "with space" "ends.lock" "a:b" "trailing/" ""; do
    run --separate-stderr irctl init --branch "$name"
    assert_status 2
    assert_text_error
    [[ "$stderr" == *"'$name' is not a valid branch name"* ]]
    assert_untouched
    run git config irctl.branch
    assert_status 1
    [ "$(git for-each-ref refs/heads | wc -l)" -eq 1 ]
  done
  run --separate-stderr irctl --json init --branch "bad..name"
  assert_status 2
  assert_json_error usage
}

@test "init --branch naming the checked-out branch is refused (exit 2), nothing changed" {
  snapshot
  run --separate-stderr irctl init --branch main
  assert_status 2
  assert_untouched
  [ "$(git rev-parse main)" = "$MAIN" ]
  run git config irctl.branch
  assert_status 1
}

@test "init --branch refuses names git refuses for a branch (HEAD, -dash), nothing changed" {
  snapshot
  for name in HEAD -dash; do
    run git check-ref-format --branch "$name"
    assert_status 128
    run --separate-stderr irctl init --branch "$name"
    assert_status 2
    [[ "$stderr" == *"'$name' is not a valid branch name"* ]]
    assert_untouched
    run git config irctl.branch
    assert_status 1
    [ "$(git for-each-ref refs/heads | wc -l)" -eq 1 ]
  done
}
