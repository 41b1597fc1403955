#!/usr/bin/env bats
# Hostile and careless input (issue 13): text that is not UTF-8, identities
# git would write badly, writes in the middle of a git merge, severities off
# the scale, escape sequences and forged trailers in commit subjects, input
# without end, symbolic links out of the repository, times before the
# incident, stale locks and messages that mislead. Each refused command
# exits non-zero and changes nothing.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
# The full-disk test mounts a small file system in the test's directory.
teardown() {
  cd / && umount "$TEST_DIR/small" 2>/dev/null || true
  common_teardown
}

# --- text that is not UTF-8 (item 1) -------------------------------------------

@test "a title, a note or --as that is not UTF-8 is refused with exit 2, nothing written" {
  new_repo
  id=$(declare_incident "good")
  run_unchanged --separate-stderr irctl declare "bad $(printf '\xff\xfe') title"
  assert_status 2
  [[ "$stderr" == *"is not valid UTF-8 (byte 0xFF at offset 4)"* ]]
  [[ "$stderr" == *"\\xFF\\xFE"* ]]
  run_unchanged --separate-stderr irctl note "$id" "$(printf 'caf\xe9')"
  assert_status 2
  [[ "$stderr" == *"not valid UTF-8"* ]]
  run_unchanged --separate-stderr irctl note "$id" - < <(printf 'piped \xc3\x28 text\n')
  assert_status 2
  [[ "$stderr" == *"not valid UTF-8 (byte 0xC3 at offset 6)"* ]]
  run_unchanged --separate-stderr irctl note "$id" "ok" --as "$(printf 'B\xffb <b@example.com>')"
  assert_status 2
  # Every reader still reads the repository.
  run --separate-stderr irctl list
  assert_status 0
}

@test "IRCTL_ACTOR or git's user.name that is not UTF-8 is refused, nothing written" {
  new_repo
  id=$(declare_incident "good")
  IRCTL_ACTOR="$(printf 'Ev\xe9 <eve@example.com>')" run_unchanged --separate-stderr irctl note "$id" "x"
  assert_status 2
  [[ "$stderr" == *"invalid identity"*"IRCTL_ACTOR"* ]]
  git config user.name "$(printf 'Ev\xe9')"
  run_unchanged --separate-stderr irctl note "$id" "x"
  assert_status 2
  [[ "$stderr" == *"invalid identity 'Ev\\xE9 <alice@example.com>' in git's user.name and user.email"* ]]
}

@test "a git user.name with a line break is refused rather than written into a malformed commit (item 15)" {
  new_repo
  id=$(declare_incident "good")
  git config user.name "$(printf 'Mallory\nparent 0000000000000000000000000000000000000000')"
  run_unchanged --separate-stderr irctl note "$id" "x"
  assert_status 2
  [[ "$stderr" == *"invalid identity"*"git config user.name"* ]]
  git config user.email $'m@example.com\nx'
  git config user.name "Mallory"
  run_unchanged --separate-stderr irctl note "$id" "x"
  assert_status 2
  git config user.email "m@example.com"
  run --separate-stderr irctl note "$id" "x"
  assert_status 0
  assert_clean_repo
}

# --- writes in the middle of a git operation (item 2) ---------------------------

# Two branches that change README.md differently, merged: a conflict.
# $base is the branch merged into.
start_conflicted_merge() {
  base=$(git symbolic-ref --short HEAD)
  printf 'base\n' >README.md
  git add README.md && git commit -qm readme
  git checkout -qb other
  printf 'other\n' >README.md && git commit -qam other
  git checkout -q -
  printf 'ours\n' >README.md && git commit -qam ours
  run git merge other
  assert_status 1
}

@test "every write is refused during a merge with conflicts; 'git merge --abort' still works" {
  new_repo
  id=$(declare_incident "during a merge")
  start_conflicted_merge
  run_unchanged --separate-stderr irctl note "$id" "mid-merge"
  assert_status 5
  [[ "$stderr" == "irctl: error: git is in the middle of a merge in $TEST_DIR/repo"* ]]
  [[ "$stderr" == *"git merge --abort"* ]]
  run_unchanged --separate-stderr irctl declare "another"
  assert_status 5
  # Conflicts staged without MERGE_HEAD (a 'git stash pop' that conflicted, say).
  rm .git/MERGE_HEAD .git/MERGE_MSG .git/MERGE_MODE
  run_unchanged --separate-stderr irctl severity "$id" SEV1
  assert_status 5
  [[ "$stderr" == "irctl: error: git's index has unresolved conflicts in $TEST_DIR/repo"* ]]
  git reset -q --merge
  run --separate-stderr irctl note "$id" "after the merge"
  assert_status 0
  assert_clean_repo
}

@test "a write during a rebase that stopped is refused, naming the way out" {
  new_repo
  id=$(declare_incident "during a rebase")
  start_conflicted_merge
  git merge --abort
  git checkout -q other
  run git rebase "$base"
  assert_status 1
  run_unchanged --separate-stderr irctl note "$id" "mid-rebase"
  assert_status 5
  [[ "$stderr" == *"in the middle of a rebase"*"git rebase --abort"* ]]
  git rebase --abort
}

# --- severities off the scale (item 10) -------------------------------------------

@test "a severity off the scale: edit refuses it, fsck and show report it, gate fails closed" {
  new_repo
  id=$(declare_incident "off the scale" --severity SEV3)
  file=$(incident_path "$id")
  # irctl edit refuses to commit it, and keeps the draft.
  printf '#!/bin/sh\nsed -i "s/^severity = \\"SEV3\\"/severity = \\"SEV9\\"/" "$1"\n' >"$TEST_DIR/editor"
  chmod +x "$TEST_DIR/editor"
  export EDITOR="$TEST_DIR/editor"
  run_unchanged --separate-stderr irctl edit "$id"
  assert_status 65
  [[ "$stderr" == *"$file:"*"severity 'SEV9' is not on the configured scale (SEV1, SEV2, SEV3, SEV4)"* ]]
  # Committed with git anyway: every reader says so, none guesses.
  irctl edit "$id" --discard >/dev/null 2>&1 || true
  sed -i 's/^severity = "SEV3"/severity = "SEV9"/' "$file"
  git commit -qam "by hand"
  run --separate-stderr irctl fsck
  assert_status 65
  [[ "$output$stderr" == *"severity 'SEV9' is not on the configured scale"* ]]
  run --separate-stderr irctl show "$id"
  assert_status 65
  run --separate-stderr irctl gate --severity SEV2
  assert_status 65
  [[ "$stderr" == *"severity 'SEV9' is not on the configured scale"* ]]
  [[ "$stderr" != *"go ahead"* ]]
  # A note would commit a file no reader accepts; irctl severity mends it.
  run_unchanged --separate-stderr irctl note "$id" "still broken"
  assert_status 65
  run --separate-stderr irctl severity "$id" SEV2
  assert_status 0
  run --separate-stderr irctl gate --severity SEV2
  assert_status 6
}

# --- commit subjects (item 11) ---------------------------------------------------

@test "commit subjects carry printable text only and never irctl's trailers" {
  new_repo
  id=$(declare_incident "subjects")
  other=$(declare_incident "the other one")
  run --separate-stderr irctl note "$id" "$(printf 'copy \e]52;c;ZWNobyBoaQ==\a \e[2Jdone')"
  assert_status 0
  [ "$(git log -1 --format=%s)" = "note $id: copy \\x1B]52;c;ZWNobyBoaQ==\\x07 \\x1B[2Jdone" ]
  run --separate-stderr irctl note "$id" "Incident: $other"
  assert_status 0
  [ "$(git log -1 --format=%s)" = "note $id: Incident - $other" ]
  # The README's recipe finds the other incident's commits and nothing else.
  [ "$(git log --format=%s --grep "Incident: $other")" = "declare $other: the other one" ]
  # The timeline keeps the text as it was typed.
  [ "$(toml_eval "$(incident_path "$id")" "d['timeline'][-1]['text']")" = "Incident: $other" ]
}

# --- input without end (item 8) ----------------------------------------------------

@test "note - reads at most 64 KiB of standard input, then exits 2 with nothing written" {
  new_repo
  id=$(declare_incident "endless input")
  run_unchanged --separate-stderr irctl note "$id" - </dev/zero
  assert_status 2
  [ "$stderr" = "irctl: error: standard input is longer than 65536 bytes
hint: keep long material in a file in the repository and refer to it" ]
  run_unchanged --separate-stderr irctl update "$id" - </dev/zero
  assert_status 2
  head -c 65536 /dev/zero | tr '\0' x >exact
  run --separate-stderr irctl note "$id" - <exact
  assert_status 0
}

# --- symbolic links out of the repository (items 9 and 14) ----------------------------

@test "a template, the configuration or the hook committed as a link outside the repository is not read or run" {
  new_repo
  id=$(declare_incident "links")
  printf 'secret from outside\n' >"$TEST_DIR/secret.txt"
  mkdir -p .irctl/templates
  ln -s "$TEST_DIR/secret.txt" .irctl/templates/leak.md.mustache
  git add .irctl/templates && git commit -qm "a template"
  run_unchanged --separate-stderr irctl postmortem "$id" --template leak --output -
  assert_status 65
  [[ "$stderr" == "irctl: error: irctl will not read .irctl/templates/leak.md.mustache: it is a symbolic link to $TEST_DIR/secret.txt, outside the repository"* ]]
  [[ "$output" != *"secret from outside"* ]]
  # A hook that is a link to a shell would run the event's JSON as a script.
  mkdir -p .irctl/hooks
  ln -s /bin/sh .irctl/hooks/on-event
  git add .irctl/hooks && git commit -qm "a hook"
  run --separate-stderr irctl note "$id" "hooked"
  assert_status 0
  [[ "$stderr" == *".irctl/hooks/on-event was not run: it is a symbolic link to "*", outside the repository"* ]]
  # The configuration.
  cp .irctl/config.toml "$TEST_DIR/config.toml"
  git rm -q .irctl/config.toml && ln -s "$TEST_DIR/config.toml" .irctl/config.toml
  git add .irctl/config.toml && git commit -qm "config as a link"
  run_unchanged --separate-stderr irctl list
  assert_status 65
  [[ "$stderr" == *"irctl will not read .irctl/config.toml: it is a symbolic link"* ]]
}

@test "incidents/ committed as a link to a folder outside git is refused by list, show and fsck" {
  new_repo
  id=$(declare_incident "real")
  mkdir -p "$TEST_DIR/elsewhere"
  cp -r incidents/* "$TEST_DIR/elsewhere/"
  git rm -rq incidents && ln -s "$TEST_DIR/elsewhere" incidents
  git add incidents && git commit -qm "incidents as a link"
  for cmd in list fsck "show $id"; do
    run_unchanged --separate-stderr irctl $cmd
    assert_status 65
    [[ "$stderr" == *"incidents is a symbolic link: irctl reads incident files only where git keeps them"* ]] ||
      [[ "$stderr" == *"irctl will not read incidents/"*"outside the repository"* ]]
  done
}

# --- times before the incident (item 18) ------------------------------------------------

@test "events before the incident began, or before 1970, are refused with exit 2" {
  new_repo
  id=$(irctl -q --at -1h declare "early" --started-at -2h)
  run_unchanged --separate-stderr irctl --at -20000d ack "$id"
  assert_status 2
  [[ "$stderr" == "irctl: error: the time "*" is before $id began ("*")"* ]]
  [[ "$stderr" == *"hint: give a time after it began"* ]]
  run_unchanged --separate-stderr irctl --at -20800d ack "$id"
  assert_status 2
  [[ "$stderr" == "irctl: error: invalid time '-20800d': it is before 1970, the earliest time irctl records"* ]]
  run_unchanged --separate-stderr irctl --at 1969-12-31T23:59:59Z declare "old"
  assert_status 2
  # Between the start of impact and the declaration is allowed.
  run --separate-stderr irctl --at -90m note "$id" "the deploy that began it"
  assert_status 0
  run --separate-stderr irctl --at -30m ack "$id"
  assert_status 0
  run --separate-stderr irctl stats --json
  assert_status 0
  [ "$(json_eval 'd["total"]["acknowledge"]["count"]' <<<"$output")" = 1 ]
}

# --- stale locks (item 19) ---------------------------------------------------------------

@test "a stale index.lock fails within IRCTL_LOCK_TIMEOUT and says what to remove" {
  new_repo
  id=$(declare_incident "locked")
  touch -d '-10 minutes' .git/index.lock
  start=$(date +%s%N)
  IRCTL_LOCK_TIMEOUT=1 run_unchanged --separate-stderr irctl note "$id" "x"
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  assert_status 75
  [[ "$stderr" == "irctl: error: git's index is locked: $TEST_DIR/repo/.git/index.lock exists, made 10m "* ]]
  [[ "$stderr" == *"hint: if no git command is running (see 'ps'), it was left by one that died: remove $TEST_DIR/repo/.git/index.lock"* ]]
  # Not the 25 seconds of eight retries.
  [ "$elapsed_ms" -lt 5000 ]
  rm .git/index.lock
}

@test "a stale branch lock says what to remove instead of 'run again'" {
  new_repo
  id=$(declare_incident "locked branch")
  ref=$(git symbolic-ref HEAD)
  touch ".git/$ref.lock"
  IRCTL_LOCK_TIMEOUT=1 run_unchanged --separate-stderr irctl note "$id" "x"
  assert_status 75
  [[ "$stderr" == "irctl: error: git's lock on $ref is held ($TEST_DIR/repo/.git/$ref.lock exists, made "* ]]
  [[ "$stderr" == *"remove $TEST_DIR/repo/.git/$ref.lock"* ]]
  rm ".git/$ref.lock"
  assert_clean_repo
}

@test "the index temporaries of a killed write are removed by the next write" {
  new_repo
  id=$(declare_incident "temporaries")
  mkdir -p .git/irctl
  touch .git/irctl/index.next.irctl-tmp-999999 .git/irctl/index.next.irctl-tmp-999998
  run --separate-stderr irctl note "$id" "x"
  assert_status 0
  [ -z "$(find .git/irctl -name '*.irctl-tmp-*')" ]
}

# --- messages that mislead (item 20) -------------------------------------------------------

@test "an integer out of range in the configuration says its range" {
  new_repo
  sed -i 's/^min_escalation = 2$/min_escalation = 99999999999/' .irctl/config.toml
  git commit -qam "a big number"
  run_unchanged --separate-stderr irctl list
  assert_status 65
  [[ "$stderr" == *"'min_escalation' must be from 0 to 1000"* ]]
}

@test "a due date before 1970 says so" {
  new_repo
  id=$(declare_incident "due")
  run_unchanged --separate-stderr irctl action add "$id" "fix it" --due 1969-01-01
  assert_status 2
  [[ "$stderr" == "irctl: error: the due date '1969-01-01' is before 1970"* ]]
}

@test "a damaged or odd .git/irctl/current gets a message, not a raw exception or a hang" {
  new_repo
  id=$(declare_incident "current")
  printf 'INC-\n' >.git/irctl/current
  run --separate-stderr irctl show @
  assert_status 65
  [ "$stderr" = "irctl: error: $TEST_DIR/repo/.git/irctl/current holds 'INC-', which is not an incident ID
hint: choose the current incident again with 'irctl use ID'" ]
  rm .git/irctl/current && mkfifo .git/irctl/current
  run timeout 5 irctl use
  [ "$status" -eq 65 ]
  [[ "$output" == *"it is not a regular file"* ]]
  rm .git/irctl/current
  run --separate-stderr irctl use "$id"
  assert_status 0
}

@test "a repository owned by another user names safe.directory" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to give the repository away"
  new_repo
  chown nobody .
  run --separate-stderr irctl list
  chown root .
  assert_status 1
  [ "$stderr" = "irctl: error: the repository $TEST_DIR/repo belongs to another user, so git will not use it
hint: if you trust it, say so as git does: 'git config --global --add safe.directory $TEST_DIR/repo'" ]
}

@test "an edit that changes who recorded an event names the entry and the field" {
  new_repo
  id=$(declare_incident "whose")
  file=$(incident_path "$id")
  event=$(toml_eval "$file" "d['timeline'][0]['id']")
  printf '#!/bin/sh\nsed -i "s/^by = \\"Alice Example <alice@example.com>\\"/by = \\"Bob <bob@example.com>\\"/" "$1"\n' >"$TEST_DIR/editor"
  chmod +x "$TEST_DIR/editor"
  EDITOR="$TEST_DIR/editor" run --separate-stderr irctl edit "$id"
  assert_status 0
  [ "$(git log -1 --format=%s)" = "edit $id: Edited by hand: event $event by" ]
  [ "$(toml_eval "$file" "d['timeline'][0]['by']")" = "Bob <bob@example.com>" ]
}

@test "sync to a local remote path that does not exist names the folder, not a URL protocol" {
  new_repo
  declare_incident "to share" >/dev/null
  git remote add origin "$TEST_DIR/no-such-remote.git"
  run_unchanged --separate-stderr irctl sync
  assert_status 3
  [ "$stderr" = "irctl: error: the remote 'origin' is the folder '$TEST_DIR/no-such-remote.git', which does not exist
hint: check the path with 'git remote -v'; correct it with 'git remote set-url origin URL'" ]
}

@test "a template with the prose markers of earlier versions renders without their lines, closed or not, repeated or not" {
  new_repo
  id=$(declare_incident "markers" --service api --service db)
  printf '# {{title}}\n<!-- irctl:prose a -->' >"$TEST_DIR/unclosed.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$id" --template "$TEST_DIR/unclosed.md.mustache" -o -
  assert_status 0
  [ "$output" = "# markers" ]
  printf '# {{title}}\n{{#services}}\n<!-- irctl:prose notes -->\n_notes_\n<!-- irctl:end -->\n{{/services}}\n' >"$TEST_DIR/twice.md.mustache"
  run_unchanged --separate-stderr irctl postmortem "$id" --template "$TEST_DIR/twice.md.mustache" -o -
  assert_status 0
  [ "$output" = "$(printf '# markers\n_notes_\n_notes_')" ]
}

@test "a full disk during a write is named as such, and nothing is committed" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to mount a small file system"
  mkdir "$TEST_DIR/small"
  mount -t tmpfs -o size=4m,nr_inodes=64 tmpfs "$TEST_DIR/small" || skip "cannot mount a tmpfs here"
  # git's objects elsewhere, so that the commit is made and the work tree's write fails.
  git init -q --separate-git-dir "$TEST_DIR/git" "$TEST_DIR/small/repo"
  printf '[user]\n\tname = Alice Example\n\temail = alice@example.com\n' >>"$TEST_DIR/git/config"
  cd "$TEST_DIR/small/repo"
  irctl -q init >/dev/null
  id=$(declare_incident "disk full")
  mkdir "$TEST_DIR/small/fill"
  i=0
  while touch "$TEST_DIR/small/fill/$i" 2>/dev/null; do i=$((i + 1)); done
  run_unchanged --separate-stderr irctl postmortem "$id"
  assert_status 1
  [[ "$stderr" == "irctl: error: cannot write $TEST_DIR/small/repo/"*": No space left on device"* ]]
}

@test "a write on a detached HEAD is refused: its commit would be left behind" {
  new_repo
  id=$(declare_incident "detached")
  git checkout -q --detach HEAD
  run_unchanged --separate-stderr irctl note "$id" "important"
  assert_status 5
  [[ "$stderr" == "irctl: error: HEAD is detached in $TEST_DIR/repo: a commit made there would be left behind"* ]]
  git checkout -q -
  run --separate-stderr irctl note "$id" "important"
  assert_status 0
}

@test "escape sequences in an update are shown escaped in the committed postmortem; --output with a control character is refused" {
  new_repo
  id=$(declare_incident "escapes")
  run --separate-stderr irctl update "$id" "$(printf 'esc \e]0;TITLE\a \e[31mred')"
  assert_status 0
  run --separate-stderr irctl postmortem "$id"
  assert_status 0
  ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "postmortems/$id.md"
  # (its backslashes and brackets escaped for Markdown, which shows them as written)
  grep -qF 'esc \\x1B\]0;TITLE\\x07 \\x1B\[31mred' "postmortems/$id.md"
  run_unchanged --separate-stderr irctl postmortem "$id" --output "p$(printf '\e]0;PWN\a')/x.md"
  assert_status 2
}

@test "an incident moved into a subfolder (or renamed) does not vanish: list and gate fail closed, naming it" {
  new_repo
  id=$(declare_incident "Big outage" --severity SEV1)
  file=$(incident_path "$id")
  mkdir -p "${file%/*}/old"
  git mv "$file" "${file%/*}/old/" && git commit -qm archive
  run --separate-stderr irctl gate
  assert_status 65
  [[ "$stderr" == *"${file%/*}/old: not an incident file, in the folders irctl reads incidents from"* ]]
  [[ "$stderr" != *"go ahead"* ]]
  git mv "${file%/*}/old/$id.toml" "${file%.toml}.TOML" && git commit -qm rename
  run --separate-stderr irctl list
  assert_status 65
  [[ "$stderr" == *"${file%.toml}.TOML: not an incident file"* ]]
  # A file above the month folders too.
  git mv "${file%.toml}.TOML" "incidents/$id.toml" && git commit -qm "to the top"
  run --separate-stderr irctl gate
  assert_status 65
}

@test "fsck says how to mend an incident file that is a link out of the repository" {
  new_repo
  id=$(declare_incident "linked")
  file=$(incident_path "$id")
  mv "$file" "$TEST_DIR/outside.toml" && ln -s "$TEST_DIR/outside.toml" "$file"
  git add "$file" && git commit -qm "a link"
  run_unchanged --separate-stderr irctl fsck
  assert_status 65
  [[ "$output$stderr" == *"irctl will not read $file: it is a symbolic link to $TEST_DIR/outside.toml, outside the repository"* ]]
  [[ "$output$stderr" == *"replace the link with the file itself"* ]]
  [[ "$output$stderr" != *"permissions"* ]]
}

@test "an edit larger than 1 MiB is refused and kept, like a note larger than 64 KiB" {
  new_repo
  id=$(declare_incident "big edit")
  printf '#!/bin/sh\nhead -c 2000000 /dev/zero | tr "\\\\0" x | sed "s/^/# /" >>"$1"\n' >"$TEST_DIR/editor"
  chmod +x "$TEST_DIR/editor"
  EDITOR="$TEST_DIR/editor" run_unchanged --separate-stderr irctl edit "$id"
  assert_status 2
  [[ "$stderr" == "irctl: error: the edited file is larger than 1048576 bytes"* ]]
  [[ "$stderr" == *"your edit is kept in"* ]]
}
