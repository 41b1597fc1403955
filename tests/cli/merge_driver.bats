#!/usr/bin/env bats
# The merge driver (the storage issue): plain `git pull` merges incident
# files as `irctl sync` does once `irctl install-merge-driver` has registered
# the driver in the clone's own git configuration (a clone does not inherit
# .git/config; `irctl init` commits .gitattributes routing the files to it).
# Without the driver the same pull conflicts.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  git config --global init.defaultBranch main
  REMOTE="$TEST_DIR/remote.git"
  seed_remote "$REMOTE"
  ID=$(irctl -C "$TEST_DIR/seed" -q --at -1h declare "Checkout API returns 503" --severity SEV3 --service checkout)
  git -C "$TEST_DIR/seed" push -q "$REMOTE" HEAD:main
  DRIVER="'$(readlink -f "$IRCTL_BIN")' merge-driver %O %A %B %P"
}
teardown() { common_teardown; }

# Usage: clone NAME "FULL NAME" EMAIL — a plain `git clone` in $TEST_DIR/NAME
# that merges when it pulls.
clone() {
  git clone -q "$REMOTE" "$TEST_DIR/$1"
  set_identity "$TEST_DIR/$1" "$2" "$3"
  git -C "$TEST_DIR/$1" config pull.rebase false
}

# Usage: concurrent_changes — a and b each note and change the severity of
# $ID (a: SEV1 at -30m, b: SEV2 at -20m: b's is the later); a pushes.
concurrent_changes() {
  irctl -C "$TEST_DIR/a" -q --at -35m note "$ID" "a: error rate 38%"
  irctl -C "$TEST_DIR/a" -q --at -30m severity "$ID" SEV1 --reason "a: all regions"
  irctl -C "$TEST_DIR/b" -q --at -25m note "$ID" "b: paged the database team"
  irctl -C "$TEST_DIR/b" -q --at -20m severity "$ID" SEV2 --reason "b: one region"
  git -C "$TEST_DIR/a" push -q origin main
  FILE="$TEST_DIR/b/$(git -C "$TEST_DIR/b" ls-files "incidents/*/*/$ID.toml")"
}

@test "the seed's .gitattributes routes incident files to the driver; a fresh clone has no driver configured" {
  clone a "Alice Example" alice@example.com
  [ "$(cat "$TEST_DIR/a/.gitattributes")" = "incidents/**/*.toml merge=irctl" ]
  [ "$(git -C "$TEST_DIR/a" check-attr merge -- "$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$ID.toml")")" = \
    "$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$ID.toml"): merge: irctl" ]
  # the seed (made by irctl init) has the driver in its own .git/config
  [ "$(git -C "$TEST_DIR/seed" config --local merge.irctl.driver)" = "$DRIVER" ]
  # a clone does not: that is what install-merge-driver is for
  run git -C "$TEST_DIR/a" config merge.irctl.driver
  assert_status 1
}

@test "install-merge-driver writes merge.irctl.name and merge.irctl.driver to the clone's .git/config only; again changes nothing" {
  clone a "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  head=$(git rev-parse HEAD)
  run --separate-stderr irctl install-merge-driver
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"git now merges incident files with: $DRIVER"* ]]
  [ "$(git config --local merge.irctl.driver)" = "$DRIVER" ]
  [ "$(git config --local merge.irctl.name)" = "irctl incident files (united timelines)" ]
  # nothing else: no commit, no file, nothing in the user's configuration
  [ "$(git rev-parse HEAD)" = "$head" ]
  assert_clean_repo
  [ "$(cat "$HOME/.gitconfig")" = "$(printf '[init]\n\tdefaultBranch = main')" ]
  [ ! -e "$XDG_CONFIG_HOME/git/config" ]
  [ "$(git config --local --get-regexp '^merge\.' | wc -l)" -eq 2 ]
  # twice: still one entry each
  before=$(sha256sum .git/config)
  run --separate-stderr irctl install-merge-driver
  assert_status 0
  [ "$(sha256sum .git/config)" = "$before" ]
  [ "$(git config --local --get-all merge.irctl.driver | wc -l)" -eq 1 ]
}

@test "install-merge-driver --json: the driver command and the attributes line" {
  clone a "Alice Example" alice@example.com
  run --separate-stderr irctl -C "$TEST_DIR/a" --json install-merge-driver
  assert_status 0
  [ -z "$stderr" ]
  [ "$(json_eval 'sorted(d)' <<<"$output")" = '["attributes", "driver", "scope"]' ]
  [ "$(json_eval 'd["scope"]' <<<"$output")" = local ]
  [ "$(json_eval 'd["driver"]' <<<"$output")" = "$DRIVER" ]
  [ "$(json_eval 'd["attributes"]' <<<"$output")" = "incidents/**/*.toml merge=irctl" ]
  [ "$(json_eval 'd["attributes"].endswith("\n")' <<<"$output")" = true ]
  # outside a repository: not found, nothing written
  cd "$TEST_DIR"
  mkdir plain
  run --separate-stderr irctl -C plain --json install-merge-driver
  assert_status 3
  assert_json_error not_found
}

@test "with the driver, plain 'git pull --no-rebase' unites both notes, takes the later severity and records the merge" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  irctl -C "$TEST_DIR/a" -q install-merge-driver
  irctl -C "$TEST_DIR/b" -q install-merge-driver
  concurrent_changes
  b_before=$(git -C "$TEST_DIR/b" rev-parse HEAD)
  # the same merge as irctl sync would make, from a copy of b
  cp -a "$TEST_DIR/b" "$TEST_DIR/b-sync"
  cd "$TEST_DIR/b"
  run git pull --no-edit
  assert_status 0
  refute_output_contains CONFLICT
  assert_output_contains "severity"
  [ "$(git rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ]
  assert_ancestor "$TEST_DIR/b" "$b_before"
  assert_ancestor "$TEST_DIR/b" origin/main
  assert_clean_repo
  [ "$(grep -c '^<<<<<<<' "$FILE")" -eq 0 ]
  # both notes, the later severity, one merge event naming both values
  [ "$(field '[e["text"] for e in d["timeline"] if e["type"] == "note"]')" = \
    '["a: error rate 38%", "b: paged the database team"]' ]
  [ "$(field 'd["severity"]')" = SEV2 ]
  [ "$(field 'len([e for e in d["timeline"] if e["type"] == "merge"])')" -eq 1 ]
  [ "$(field '[e for e in d["timeline"] if e["type"] == "merge"][0]["conflicts"]')" = \
    '["severity: \"SEV1\" | \"SEV2\" -> \"SEV2\""]' ]
  run --separate-stderr irctl fsck
  assert_status 0
  run irctl --json show "$ID"
  assert_status 0
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV2 ]
  # irctl sync merging the same two commits gives the same tree
  run --separate-stderr irctl -C "$TEST_DIR/b-sync" --json sync --no-push
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = merged ]
  [ "$(tree_of "$TEST_DIR/b-sync")" = "$(tree_of "$TEST_DIR/b")" ]
  # and a, pulling it back, fast-forwards to the same tree
  git push -q origin main
  git -C "$TEST_DIR/a" pull -q --no-edit
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
}

@test "with the driver, the later severity wins whichever side pulls (here the later is the remote's)" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  irctl -C "$TEST_DIR/a" -q install-merge-driver
  irctl -C "$TEST_DIR/b" -q install-merge-driver
  irctl -C "$TEST_DIR/b" -q --at -30m severity "$ID" SEV1
  irctl -C "$TEST_DIR/b" -q --at -29m note "$ID" "b: first"
  irctl -C "$TEST_DIR/a" -q --at -20m severity "$ID" SEV4
  irctl -C "$TEST_DIR/a" -q --at -19m note "$ID" "a: second"
  git -C "$TEST_DIR/a" push -q origin main
  cd "$TEST_DIR/b"
  run git pull --no-edit
  assert_status 0
  FILE="$TEST_DIR/b/$(git ls-files "incidents/*/*/$ID.toml")"
  [ "$(field 'd["severity"]')" = SEV4 ]
  [ "$(field '[e["text"] for e in d["timeline"] if e["type"] == "note"]')" = '["b: first", "a: second"]' ]
  run irctl fsck
  assert_status 0
}

@test "without the driver, the same pull conflicts (the driver is what makes it merge)" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  concurrent_changes
  # irctl configured the driver in b: taken out again, as a clone made by hand has none
  git -C "$TEST_DIR/b" config --remove-section merge.irctl
  b_before=$(git -C "$TEST_DIR/b" rev-parse HEAD)
  cd "$TEST_DIR/b"
  run git pull --no-edit
  assert_status 1
  assert_output_contains "CONFLICT"
  assert_output_contains "$ID.toml"
  grep -q '^<<<<<<<' "$FILE"
  [ "$(git rev-parse HEAD)" = "$b_before" ]
  git merge --abort
  # installed afterwards, the same pull merges
  irctl -q install-merge-driver
  run git pull --no-edit
  assert_status 0
  [ "$(field 'd["severity"]')" = SEV2 ]
  run irctl fsck
  assert_status 0
}

@test "the driver refuses a side that does not parse: git leaves a conflict, naming the file, and loses neither side" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  irctl -C "$TEST_DIR/b" -q install-merge-driver
  path=$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$ID.toml")
  printf 'title = \n' >>"$TEST_DIR/a/$path"
  git -C "$TEST_DIR/a" commit -qam "a hand edit that does not parse"
  git -C "$TEST_DIR/a" push -q origin main
  irctl -C "$TEST_DIR/b" -q note "$ID" "b: recorded meanwhile"
  cd "$TEST_DIR/b"
  ours=$(git rev-parse HEAD)
  run git pull --no-edit
  assert_status 1
  assert_output_contains "their version of $path cannot be merged"
  assert_output_contains "CONFLICT (content): Merge conflict in $path"
  [ "$(git rev-parse HEAD)" = "$ours" ]
  # both versions are still there to finish by hand
  git show ":2:$path" | grep -q "b: recorded meanwhile"
  git show ":3:$path" | grep -qx 'title = '
}

# --- a plain git clone --------------------------------------------------------

@test "a plain git clone, one irctl command, then git pull: concurrent notes merge cleanly (the command set up the driver and said so once)" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  cd "$TEST_DIR/b"
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ "$output" = "$ID" ]
  [ "$stderr" = "Configured git's merge driver for incident files in this clone (merge.irctl.driver in .git/config): 'git pull' now merges them as 'irctl sync' does" ]
  [ "$(git config --local merge.irctl.driver)" = "$DRIVER" ]
  [ "$(git config --local merge.irctl.name)" = "irctl incident files (united timelines)" ]
  assert_clean_repo
  # once only
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ -z "$stderr" ]
  irctl -C "$TEST_DIR/a" -q --at -30m note "$ID" "a: error rate 38%"
  git -C "$TEST_DIR/a" push -q origin main
  irctl -q --at -20m note "$ID" "b: paged the database team"
  run git pull --no-edit
  assert_status 0
  refute_output_contains CONFLICT
  FILE="$TEST_DIR/b/$(git ls-files "incidents/*/*/$ID.toml")"
  [ "$(field '[e["text"] for e in d["timeline"] if e["type"] == "note"]')" = \
    '["a: error rate 38%", "b: paged the database team"]' ]
  assert_clean_repo
  run --separate-stderr irctl fsck
  assert_status 0
}

@test "install-merge-driver --global: in the user's git configuration, outside any repository; clones then merge with no local setting" {
  cd "$TEST_DIR"
  run --separate-stderr irctl install-merge-driver --global
  assert_status 0
  [ -z "$output" ]
  [ "$stderr" = "git now merges incident files with: $DRIVER (set in $HOME/.gitconfig)" ]
  [ "$(git config --global merge.irctl.driver)" = "$DRIVER" ]
  [ "$(git config --global merge.irctl.name)" = "irctl incident files (united timelines)" ]
  [ "$(git config --global init.defaultBranch)" = main ]
  run --separate-stderr irctl --json install-merge-driver --global
  assert_status 0
  [ "$(json_eval '[d["driver"], d["scope"]]' <<<"$output")" = "[\"$(sed 's/"/\\"/g' <<<"$DRIVER")\", \"global\"]" ]
  [ "$(git config --global --get-all merge.irctl.driver | wc -l)" -eq 1 ]
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  concurrent_changes
  # nothing was needed in the clones themselves
  run git -C "$TEST_DIR/b" config --local --get-regexp '^merge\.'
  assert_status 1
  cd "$TEST_DIR/b"
  run git pull --no-edit
  assert_status 0
  refute_output_contains CONFLICT
  [ "$(field 'd["severity"]')" = SEV2 ]
}

@test "a pull that stopped on an incident file: fsck names the markers and the way out, resolve-conflicts merges from git's stages as the driver does, git commit finishes" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  concurrent_changes
  git -C "$TEST_DIR/b" config --remove-section merge.irctl
  cp -a "$TEST_DIR/b" "$TEST_DIR/b-sync"
  cd "$TEST_DIR/b"
  b_before=$(git rev-parse HEAD)
  run git pull --no-edit
  assert_status 1
  grep -q '^<<<<<<<' "$FILE"
  path=${FILE#"$TEST_DIR/b/"}
  run --separate-stderr irctl fsck
  assert_status 65
  [[ "$output" == "$path:"[0-9]*":1: git's conflict markers: a merge stopped on this file and is not finished"* ]]
  [[ "$output" == *"fix: run 'irctl resolve-conflicts $path' to merge it event by event from git's three versions, then 'git commit'"* ]]
  # a file that is not an incident file: exit 2, nothing changed
  before=$(repo_state)
  run --separate-stderr irctl resolve-conflicts .gitattributes
  assert_status 2
  [[ "$stderr" == "irctl: error: '.gitattributes' is not an incident file"* ]]
  [ "$(repo_state)" = "$before" ]
  run --separate-stderr irctl resolve-conflicts
  assert_status 0
  [ "$stderr" = "Resolved $path event by event, and staged it
  changed on both sides, recorded by a merge event: severity: \"SEV1\" | \"SEV2\" -> \"SEV2\"
Finish the merge with 'git commit'" ]
  [ -z "$(git diff --name-only --diff-filter=U)" ]
  run --separate-stderr irctl resolve-conflicts "$path"
  assert_status 3
  [[ "$stderr" == "irctl: error: '$path' is not in conflict"* ]]
  git commit -q --no-edit
  assert_clean_repo
  assert_ancestor "$TEST_DIR/b" "$b_before"
  assert_ancestor "$TEST_DIR/b" origin/main
  [ "$(field '[e["text"] for e in d["timeline"] if e["type"] == "note"]')" = \
    '["a: error rate 38%", "b: paged the database team"]' ]
  [ "$(field 'd["severity"]')" = SEV2 ]
  [ "$(field 'len([e for e in d["timeline"] if e["type"] == "merge"])')" -eq 1 ]
  run --separate-stderr irctl fsck
  assert_status 0
  # the same tree as irctl sync merging the same two commits
  run --separate-stderr irctl -C "$TEST_DIR/b-sync" --json sync --no-push
  assert_status 0
  [ "$(tree_of "$TEST_DIR/b-sync")" = "$(tree_of "$TEST_DIR/b")" ]
}
