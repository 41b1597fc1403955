#!/usr/bin/env bats
# irctl init [DIR]: git init when needed, write and commit .irctl/config.toml,
# and change nothing when run again.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

ACTOR="Alice Example <alice@example.com>"

@test "init in an empty directory creates the git repository and one commit" {
  mkdir fresh && cd fresh
  run --separate-stderr irctl --as "$ACTOR" init
  assert_status 0
  [ -d .git ]
  [ -f .irctl/config.toml ]
  [ "$(git rev-list --count HEAD)" -eq 1 ]
  [ "$(git log -1 --format=%s)" = "init: irctl incident repository" ]
  [ "$(git log -1 --format='%an <%ae>')" = "$ACTOR" ]
  # the commit holds the configuration and, outside .irctl/, only the
  # .gitattributes line that routes incident files to the merge driver
  git ls-tree -r --name-only HEAD | grep -qx .irctl/config.toml
  [ "$(git ls-tree -r --name-only HEAD | grep -v '^\.irctl/')" = ".gitattributes" ]
  [ "$(git show HEAD:.gitattributes)" = "incidents/**/*.toml merge=irctl" ]
  git config merge.irctl.driver | grep -q 'merge-driver %O %A %B %P'
  assert_clean_repo
}

@test "init DIR creates missing parent directories and works from elsewhere" {
  run irctl --as "$ACTOR" init deep/nested/incidents
  assert_status 0
  [ -f deep/nested/incidents/.irctl/config.toml ]
  [ "$(git -C deep/nested/incidents rev-list --count HEAD)" -eq 1 ]
  # nothing was created in the current directory
  [ ! -e .git ]
  [ ! -e .irctl ]
  cd deep/nested/incidents && assert_clean_repo
}

@test "init with -C DIR initialises DIR" {
  mkdir there
  run irctl -C there --as "$ACTOR" init
  assert_status 0
  [ -f there/.irctl/config.toml ]
  [ ! -e .irctl ]
}

@test "the configuration is valid TOML 1.0 with schema 1 and the default scale SEV1-SEV4" {
  new_repo
  run toml_eval .irctl/config.toml 'd["schema"]'
  assert_status 0
  [ "$output" = "1" ]
  run toml_eval .irctl/config.toml '",".join(s["name"] for s in d["severity"])'
  assert_status 0
  [ "$output" = "SEV1,SEV2,SEV3,SEV4" ]
  run toml_eval .irctl/config.toml '" ".join(k["name"] for k in d["kind"])'
  assert_status 0
  assert_output_contains "outage"
  assert_output_contains "data-breach"
  run toml_eval .irctl/config.toml '" ".join(r["name"] for r in d["role"])'
  assert_status 0
  assert_output_contains "commander"
  assert_output_contains "comms-external"
}

@test "a second init changes nothing and exits 0" {
  new_repo
  head=$(git rev-parse HEAD)
  run_unchanged irctl init
  assert_status 0
  [ "$(git rev-parse HEAD)" = "$head" ]
  [ "$(git rev-list --count HEAD)" -eq 1 ]
}

@test "a second init keeps a hand-edited, committed configuration" {
  new_repo
  printf '\n# tuned by hand\n' >> .irctl/config.toml
  git commit -qam "tune config"
  run_unchanged irctl init
  assert_status 0
  grep -q '^# tuned by hand$' .irctl/config.toml
}

@test "init --json reports root, created_git, initialised and commit" {
  mkdir fresh && cd fresh
  run --separate-stderr irctl --json --as "$ACTOR" init
  assert_status 0
  root=$(pwd -P)
  [ "$(json_eval 'd["root"]' <<<"$output")" = "$root" ]
  [ "$(json_eval 'd["created_git"]' <<<"$output")" = "true" ]
  [ "$(json_eval 'd["initialised"]' <<<"$output")" = "true" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]

  run --separate-stderr irctl --json --as "$ACTOR" init
  assert_status 0
  [ "$(json_eval 'd["created_git"]' <<<"$output")" = "false" ]
  [ "$(json_eval 'd["initialised"]' <<<"$output")" = "false" ]
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "null" ]
}

@test "init in an existing repository commits only the configuration and keeps the user's changes" {
  git init -q existing && cd existing
  git config user.name "Alice Example"
  git config user.email "alice@example.com"
  echo one > a.txt
  git add a.txt && git commit -qm "first"
  echo staged > b.txt && git add b.txt
  echo unstaged >> a.txt
  run irctl init
  assert_status 0
  [ "$(git rev-list --count HEAD)" -eq 2 ]
  git diff-tree --no-commit-id --name-only -r HEAD | grep -qx .irctl/config.toml
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD | grep -v '^\.irctl/')" = ".gitattributes" ]
  # the staged file is still staged (and not committed), the edit still there
  [ "$(git diff --cached --name-only)" = "b.txt" ]
  [ "$(git diff --name-only)" = "a.txt" ]
  grep -q unstaged a.txt
  git fsck --no-progress
}

@test "init without any identity fails with exit 2 and creates nothing" {
  # HOME is empty, no IRCTL_ACTOR, no --as: nobody to author the commit.
  run --separate-stderr irctl init newrepo
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"--as"* ]]
  # a failed init must not leave a half-made repository behind
  [ ! -e newrepo ]
}

@test "init without identity in an existing git repository changes nothing" {
  git init -q existing && cd existing
  run_unchanged irctl init
  assert_status 2
  [ ! -e .irctl ]
}
