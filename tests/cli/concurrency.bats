#!/usr/bin/env bats
# Many writers on one repository: irctl processes in parallel (the lock and
# the compare-and-swap keep every write, one commit each, history linear),
# plain git committing at the same time (the compare-and-swap retries), a lock
# held too long (exit 75, 'busy'), and irctl processes SIGKILLed at random
# moments (the next command finishes or abandons the interrupted write from
# its journal: nothing reported as recorded is lost, and the repository, its
# index and its work tree stay in step).

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  # The writers here assert that nothing is lost, not how long one waits: six
  # of them on two cores, each a few tenths of a second under the sanitizers,
  # and a waiter may be passed over (flock is not first come, first served)
  # for longer than the default 10 seconds. The busy tests set their own.
  export IRCTL_LOCK_TIMEOUT=300
  new_repo
  ID=$(declare_incident "Checkout API returns 503" --severity SEV2 --service checkout)
  FILE=$(incident_path "$ID")
  BASE=$(git rev-parse HEAD)
  GIT_DIR_ABS="$TEST_DIR/repo/.git"
}
teardown() {
  if [ -n "${GIT_PID:-}" ]; then kill "$GIT_PID" 2>/dev/null || true; wait "$GIT_PID" 2>/dev/null || true; fi
  if [ -n "${HOLDER_PID:-}" ]; then kill "$HOLDER_PID" 2>/dev/null || true; wait "$HOLDER_PID" 2>/dev/null || true; fi
  common_teardown
}

# The texts of the incident's note events, one a line, as the work tree has them.
note_texts() { toml_eval "$FILE" '"\n".join(e["text"] for e in d["timeline"] if e["type"] == "note")'; }

# Fails unless nothing of an interrupted or running write is left behind.
assert_no_leftovers() {
  local f
  for f in "$GIT_DIR_ABS/index.lock" "$GIT_DIR_ABS/HEAD.lock"; do
    if [ -e "$f" ]; then
      echo "left behind: $f" >&2
      return 1
    fi
  done
  if [ -s "$GIT_DIR_ABS/irctl/journal" ]; then
    echo "left behind: a journal that names a write ($GIT_DIR_ABS/irctl/journal)" >&2
    return 1
  fi
  if compgen -G "$GIT_DIR_ABS/refs/heads/*.lock" >/dev/null; then
    echo "left behind: $(echo "$GIT_DIR_ABS"/refs/heads/*.lock)" >&2
    return 1
  fi
  if find . -path ./.git -prune -o -name '*.irctl-tmp-*' -print | grep -q .; then
    echo "temporary files left in the work tree:" >&2
    find . -path ./.git -prune -o -name '*.irctl-tmp-*' -print >&2
    return 1
  fi
}

# Every check that the repository is whole: git fsck --strict, irctl fsck,
# work tree and index equal to HEAD, linear history, nothing left behind.
assert_whole_repo() {
  local out
  if ! out=$(git fsck --strict --no-progress 2>&1); then
    echo "git fsck --strict failed:" >&2
    echo "$out" >&2
    return 1
  fi
  if grep -v '^dangling ' <<<"$out" | grep -q .; then
    echo "git fsck --strict reported problems:" >&2
    echo "$out" >&2
    return 1
  fi
  run --separate-stderr irctl fsck
  if [ "$status" -ne 0 ]; then
    echo "irctl fsck exited $status:" >&2
    echo "$output" >&2
    echo "$stderr" >&2
    return 1
  fi
  out=$(git status --porcelain --untracked-files=all)
  if [ -n "$out" ]; then
    echo "git status is not clean:" >&2
    echo "$out" >&2
    return 1
  fi
  if [ -n "$(git rev-list --merges HEAD)" ]; then
    echo "history has merge commits" >&2
    return 1
  fi
  assert_no_leftovers
}

# ---------------------------------------------------------------------------
# (a) many irctl processes at once

N=6
M=15

# Usage: parallel_notes — N background jobs, each M notes "p-P-M" on $ID; the
# exit status of every note is written to $TEST_DIR/status/P-M.
parallel_notes() {
  mkdir -p "$TEST_DIR/status"
  local p pids=()
  for p in $(seq 1 "$N"); do
    (
      for m in $(seq 1 "$M"); do
        rc=0
        irctl -q note "$ID" "p-$p-$m" 2>>"$TEST_DIR/status/stderr-$p" || rc=$?
        echo "$rc" >"$TEST_DIR/status/$p-$m"
      done
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
}

# Fails unless every note of parallel_notes exited 0 and is in the file once.
assert_all_notes_recorded() {
  local p m bad=0 texts
  for p in $(seq 1 "$N"); do
    for m in $(seq 1 "$M"); do
      if [ "$(cat "$TEST_DIR/status/$p-$m" 2>/dev/null)" != 0 ]; then
        [ "$bad" -ge 10 ] || echo "note p-$p-$m exited $(cat "$TEST_DIR/status/$p-$m" 2>/dev/null || echo '(never ran)')" >&2
        bad=$((bad + 1))
      fi
    done
  done
  if [ "$bad" -ne 0 ]; then
    echo "$bad of $((N * M)) notes failed; their errors:" >&2
    cat "$TEST_DIR"/status/stderr-* | sort | uniq -c | sort -rn | head -n 6 >&2
    git status --short >&2
    return 1
  fi
  texts=$(note_texts)
  for p in $(seq 1 "$N"); do
    for m in $(seq 1 "$M"); do
      if [ "$(grep -cxF "p-$p-$m" <<<"$texts")" -ne 1 ]; then
        echo "note p-$p-$m is in the timeline $(grep -cxF "p-$p-$m" <<<"$texts") times" >&2
        bad=1
      fi
    done
  done
  [ "$bad" -eq 0 ]
  # 1 declare + N*M notes, nothing else, and every event id once
  [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq $((1 + N * M)) ]
  [ "$(toml_eval "$FILE" 'len(set(e["id"] for e in d["timeline"]))')" -eq $((1 + N * M)) ]
  # what HEAD holds, not just the work tree
  git show "HEAD:$FILE" | cmp - "$FILE"
}

@test "stress: $N processes x $M notes on one incident in parallel: every note once, one commit each, linear history" {
  commits_before=$(git rev-list --count HEAD)
  parallel_notes
  assert_all_notes_recorded
  [ "$(git rev-list --count HEAD)" -eq $((commits_before + N * M)) ]
  # one commit per note, each changing only the incident file
  [ "$(git rev-list --count "$BASE"..HEAD -- "$FILE")" -eq $((N * M)) ]
  [ -z "$(git diff --name-only "$BASE" HEAD | grep -vxF "$FILE")" ]
  # every commit's subject is one of the notes
  [ "$(git log --format=%s "$BASE"..HEAD | grep -c "^note $ID: p-[0-9]*-[0-9]*$")" -eq $((N * M)) ]
  assert_whole_repo
}

# Usage: git_committer COUNT — commits COUNT changes of other.txt with plain
# git, the way $2 says ("only": git commit -- other.txt; "index": git add, then
# git commit), retrying a commit git refuses (the index or HEAD locked by
# irctl); writes how many it made to $TEST_DIR/git-commits.
git_committer() {
  local g t made=0
  for g in $(seq 1 "$1"); do
    echo "g-$g" >>other.txt
    for t in $(seq 1 1000); do  # git does not wait for index.lock; people retry
      if [ "$2" = only ]; then
        git commit -q -m "other g-$g" -- other.txt 2>/dev/null && { made=$((made + 1)); break; }
      else
        { git add other.txt && git commit -q -m "other g-$g"; } 2>/dev/null && { made=$((made + 1)); break; }
      fi
      sleep 0.005
    done
    sleep 0.01
  done
  echo "$made" >"$TEST_DIR/git-commits"
}

mixed_with_git() {
  echo "g-0" >other.txt
  git add other.txt
  git commit -q -m "other: start"
  BASE=$(git rev-parse HEAD)
  git_committer 40 "$1" &
  GIT_PID=$!
  parallel_notes
  wait "$GIT_PID" || true
  GIT_PID=
  [ "$(cat "$TEST_DIR/git-commits")" -eq 40 ]
  assert_all_notes_recorded
  # every git commit is there too, and other.txt as committed has every line
  [ "$(git rev-list --count "$BASE"..HEAD)" -eq $((N * M + 40)) ]
  [ "$(git rev-list --count "$BASE"..HEAD -- other.txt)" -eq 40 ]
  [ "$(git show HEAD:other.txt | wc -l)" -eq 41 ]
  # no plain git commit undid an irctl one: every note commit's file is in HEAD's
  [ "$(git rev-list --count "$BASE"..HEAD -- "$FILE")" -eq $((N * M)) ]
  for c in $(git rev-list "$BASE"..HEAD -- "$FILE"); do
    subject=$(git log -1 --format=%s "$c")
    case "$subject" in
      "note $ID: "*) ;;
      *)
        echo "commit $c ($subject) changed $FILE but is not irctl's" >&2
        git show --stat "$c" >&2
        return 1
        ;;
    esac
  done
  assert_whole_repo
}

@test "stress with plain git committing another file at the same time (git commit -- FILE): nothing lost" {
  mixed_with_git only
}

@test "stress with plain git committing another file at the same time (git add, then git commit): nothing lost" {
  # The everyday way to commit: git add stages into the index irctl also
  # writes, and git commit commits the index as it is.
  mixed_with_git index
}

# ---------------------------------------------------------------------------
# (b) a lock held too long

# Holds .git/irctl.lock for $1 seconds in the background (as
# 'flock .git/irctl.lock sleep $1 &' would); returns once it is held.
hold_lock() {
  # the process that holds the lock is the sleep itself, so that killing it frees the lock
  (
    exec 9>"$GIT_DIR_ABS/irctl.lock"
    flock 9
    exec sleep "$1"
  ) &
  HOLDER_PID=$!
  local i
  for i in $(seq 1 200); do
    flock -n "$GIT_DIR_ABS/irctl.lock" true || return 0
    sleep 0.01
  done
  echo "the lock was never taken" >&2
  return 1
}

@test "busy: a lock held longer than IRCTL_LOCK_TIMEOUT: exit 75, says busy, nothing changes" {
  hold_lock 3
  start=$(date +%s%N)
  IRCTL_LOCK_TIMEOUT=0.3 run_unchanged --separate-stderr irctl note "$ID" "must wait"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  assert_status 75
  assert_text_error
  [[ "$stderr" == *busy* ]]
  [[ "$stderr" == *IRCTL_LOCK_TIMEOUT* ]]
  # it gave up after about the timeout, not after the holder let go
  [ "$elapsed_ms" -ge 250 ]
  [ "$elapsed_ms" -lt 2500 ]
  assert_no_commit_since "$BASE"
  ! note_texts | grep -qxF "must wait"
  # --json: one error document with the code 'busy'
  IRCTL_LOCK_TIMEOUT=0.2 run_unchanged --separate-stderr irctl --json note "$ID" "must wait"
  assert_status 75
  assert_json_error busy
  # once the lock is free the same command works
  kill "$HOLDER_PID"
  wait "$HOLDER_PID" || true
  HOLDER_PID=
  run --separate-stderr irctl note "$ID" "must wait"
  assert_status 0
  assert_one_commit_since "$BASE"
}

@test "busy: a lock released within the timeout is waited for" {
  hold_lock 0.5
  IRCTL_LOCK_TIMEOUT=10 run --separate-stderr irctl note "$ID" "waited"
  assert_status 0
  assert_one_commit_since "$BASE"
  note_texts | grep -qxF waited
}

# ---------------------------------------------------------------------------
# (c) irctl killed at random moments

@test "kill: irctl SIGKILLed at random moments: what reported success is kept, the repository stays whole" {
  local i delay rc cmd deadline=$((SECONDS + 40)) ok_notes=() ok_decls=() killed=0 succeeded=0
  sev=SEV1
  # The delays spread over the time one write takes with this build (the
  # sanitizer build is several times slower than the plain one).
  local t0 write_ms
  t0=$(date +%s%N)
  irctl -q note "$ID" "timing run" >/dev/null
  write_ms=$((($(date +%s%N) - t0) / 1000000))
  [ "$write_ms" -ge 10 ] || write_ms=10
  for i in $(seq 1 120); do
    [ "$SECONDS" -lt "$deadline" ] || break
    # more often inside the time a write takes, sometimes up to twice it
    if ((i % 2)); then delay=$((1 + RANDOM % write_ms)); else delay=$((1 + RANDOM % (2 * write_ms))); fi
    delay=$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))
    if ((i % 9 == 0)); then
      cmd=(declare "k-decl-$i" --severity SEV3)
    elif ((i % 5 == 0)); then
      cmd=(severity "$ID" "$sev" --reason "k-sev-$i")
      if [ "$sev" = SEV1 ]; then sev=SEV2; else sev=SEV1; fi
    else
      cmd=(note "$ID" "k-$i")
    fi
    rc=0
    timeout -s KILL "$delay" irctl "${cmd[@]}" >"$TEST_DIR/out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      succeeded=$((succeeded + 1))
      case "${cmd[0]}" in
        note)
          grep -q "^Noted on $ID" "$TEST_DIR/out" || { echo "note k-$i exited 0 without saying so:" >&2; cat "$TEST_DIR/out" >&2; return 1; }
          ok_notes+=("k-$i")
          ;;
        declare) ok_decls+=("k-decl-$i") ;;
      esac
    elif [ "$rc" -eq 137 ]; then
      killed=$((killed + 1))
    else
      echo "irctl ${cmd[*]} exited $rc (neither success nor SIGKILL):" >&2
      cat "$TEST_DIR/out" >&2
      return 1
    fi
  done
  echo "# $succeeded succeeded, $killed killed" >&3
  # both outcomes must have happened for the test to mean anything
  [ "$killed" -gt 0 ]
  [ "$succeeded" -gt 0 ]

  # one more command, run normally, finishes whatever was interrupted
  run --separate-stderr irctl note "$ID" "after the kills"
  assert_status 0
  assert_whole_repo
  texts=$(note_texts)
  grep -qxF "after the kills" <<<"$texts"
  for n in "${ok_notes[@]}"; do
    grep -qxF "$n" <<<"$texts" || { echo "note $n reported success but is not in the timeline" >&2; return 1; }
  done
  for t in "${ok_decls[@]}"; do
    run --separate-stderr irctl list --json
    assert_status 0
    [[ "$output" == *"\"$t\""* ]] || { echo "declared '$t' reported success but is not listed" >&2; return 1; }
  done
  # every note is there at most once, and each event of the file is one commit
  [ -z "$(grep -v '^$' <<<"$texts" | sort | uniq -d)" ]
  [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq "$(git rev-list --count HEAD -- "$FILE")" ]
  [ "$(toml_eval "$FILE" 'len(set(e["id"] for e in d["timeline"]))')" -eq "$(toml_eval "$FILE" 'len(d["timeline"])')" ]
  git show "HEAD:$FILE" | cmp - "$FILE"
}

# ---------------------------------------------------------------------------
# The same, deterministically: the state a write killed right after its
# compare-and-swap leaves, made by hand as core/store/transaction.cpp's advance()
# leaves it (objects, journal, the branch moved, index.lock taken, the work
# tree and the index not yet in step).

# Usage: commit_with_note TEXT — prints a new commit on top of HEAD whose
# incident file has one more note (written by hand), without touching the
# branch, the index or the work tree.
commit_with_note() {
  local blob tree
  {
    cat "$FILE"
    printf '\n[[timeline]]\nid = "HAND%08d"\nat = 2026-01-01T00:00:00Z\nby = "Bob <bob@example.com>"\ntype = "note"\ntext = "%s"\n' "$RANDOM" "$1"
  } >"$TEST_DIR/next.toml"
  blob=$(git hash-object -w "$TEST_DIR/next.toml")
  rm -f "$TEST_DIR/tmp-index"
  GIT_INDEX_FILE="$TEST_DIR/tmp-index" git read-tree HEAD
  GIT_INDEX_FILE="$TEST_DIR/tmp-index" git update-index --cacheinfo "100644,$blob,$FILE"
  tree=$(GIT_INDEX_FILE="$TEST_DIR/tmp-index" git write-tree)
  git commit-tree "$tree" -p HEAD -m "note $ID: $1"
}

# Usage: write_journal FROM TO — the journal of a write of $FILE on the current branch.
write_journal() {
  mkdir -p "$GIT_DIR_ABS/irctl"
  printf 'ref %s\nfrom %s\nto %s\npath %s\n' "$(git symbolic-ref HEAD)" "$1" "$2" "$FILE" >"$GIT_DIR_ABS/irctl/journal"
}

# Fails unless HEAD, the index and the work tree all hold commit $1's file.
assert_in_step_with() {
  [ "$(git rev-parse HEAD)" = "$1" ]
  [ "$(git rev-parse "$1:$FILE")" = "$(git ls-files -s -- "$FILE" | awk '{print $2}')" ]
  [ "$(git rev-parse "$1:$FILE")" = "$(git hash-object "$FILE")" ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
}

@test "a write killed after the compare-and-swap is finished by the next command (list): work tree and index follow, locks and journal go" {
  irctl -q note "$ID" "before"
  from=$(git rev-parse HEAD)
  to=$(commit_with_note "reached the branch")
  write_journal "$from" "$to"
  git update-ref "$(git symbolic-ref HEAD)" "$to" "$from"
  touch "$GIT_DIR_ABS/index.lock"
  # the half-written file of the killed process (gone now: the pid of a process that has exited)
  : >"$TEST_DIR/repo/$FILE.irctl-tmp-$(sh -c 'echo $$')"
  # the state as the killed process left it: git sees the file as changed
  [ -n "$(git status --porcelain)" ]

  run --separate-stderr irctl list --format ids
  assert_status 0
  [[ "$output" == *"$ID"* ]]
  assert_in_step_with "$to"
  note_texts | grep -qxF "reached the branch"
  note_texts | grep -qxF before
  assert_no_leftovers
  assert_whole_repo
  # and the repository goes on working
  run --separate-stderr irctl note "$ID" "after recovery"
  assert_status 0
  assert_one_commit_since "$to"
  assert_whole_repo
}

@test "a killed evidence write is finished with the permission bits its journal records for the copy" {
  from=$(git rev-parse HEAD)
  printf 'root:$y$j9T$secret:19000::::::\n' >"$TEST_DIR/shadow"
  sha=$(sha256sum "$TEST_DIR/shadow" | cut -d' ' -f1)
  stored="evidence/${sha:0:2}/$sha"
  rm -f "$TEST_DIR/tmp-index"
  GIT_INDEX_FILE="$TEST_DIR/tmp-index" git read-tree HEAD
  GIT_INDEX_FILE="$TEST_DIR/tmp-index" git update-index --add \
    --cacheinfo "100644,$(git hash-object -w "$TEST_DIR/shadow"),$stored"
  to=$(git commit-tree "$(GIT_INDEX_FILE="$TEST_DIR/tmp-index" git write-tree)" -p HEAD -m "contain $ID: evidence")
  mkdir -p "$GIT_DIR_ABS/irctl"
  printf 'ref %s\nfrom %s\nto %s\npath %s\nperms 600 %s\n' "$(git symbolic-ref HEAD)" "$from" "$to" "$stored" "$stored" \
    >"$GIT_DIR_ABS/irctl/journal"
  git update-ref "$(git symbolic-ref HEAD)" "$to" "$from"
  umask 022
  run --separate-stderr irctl list --format ids
  assert_status 0
  [ "$(stat -c %a "$stored")" = 600 ]
  cmp "$stored" "$TEST_DIR/shadow"
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  [ ! -s "$GIT_DIR_ABS/irctl/journal" ]
}

@test "a write killed after the compare-and-swap is finished by the next write (note), which then commits on top" {
  from=$(git rev-parse HEAD)
  to=$(commit_with_note "reached the branch")
  write_journal "$from" "$to"
  git update-ref "$(git symbolic-ref HEAD)" "$to" "$from"
  touch "$GIT_DIR_ABS/index.lock"

  run --separate-stderr irctl note "$ID" "next"
  assert_status 0
  assert_one_commit_since "$to"
  [ "$(git rev-parse HEAD~1)" = "$to" ]
  texts=$(note_texts)
  grep -qxF "reached the branch" <<<"$texts"
  grep -qxF next <<<"$texts"
  assert_no_leftovers
  assert_whole_repo
}

@test "a write killed while its process is not yet reaped (a zombie): its temporary file is removed all the same" {
  # A process killed with SIGKILL whose parent died too (timeout -s KILL
  # kills its whole group) can stay a zombie for a while: it holds no lock
  # and writes nothing, but kill(pid, 0) still finds it.
  perl -e 'my $p = fork() // die "fork"; if (!$p) { exit 0 }
           open(my $f, ">", $ARGV[0]) or die; print $f "$p\n"; close $f; sleep 5' "$TEST_DIR/zombie" &
  HOLDER_PID=$!
  for i in $(seq 1 200); do [ -s "$TEST_DIR/zombie" ] && break; sleep 0.01; done
  zombie=$(cat "$TEST_DIR/zombie")
  for i in $(seq 1 200); do [[ "$(ps -o stat= -p "$zombie")" == Z* ]] && break; sleep 0.01; done
  [[ "$(ps -o stat= -p "$zombie")" == Z* ]]

  from=$(git rev-parse HEAD)
  to=$(commit_with_note "reached the branch")
  write_journal "$from" "$to"
  git update-ref "$(git symbolic-ref HEAD)" "$to" "$from"
  printf 'half a file' >"$TEST_DIR/repo/$FILE.irctl-tmp-$zombie"

  run --separate-stderr irctl list --format ids
  assert_status 0
  [ ! -s "$GIT_DIR_ABS/irctl/journal" ]
  if [ -e "$TEST_DIR/repo/$FILE.irctl-tmp-$zombie" ]; then
    echo "the temporary file of the killed (zombie) process $zombie was left in the work tree, and the journal that" >&2
    echo "would let a later command remove it is gone" >&2
    return 1
  fi
  assert_in_step_with "$to"
  assert_whole_repo
}

@test "a write that never reached the branch (its 'to' is not where the branch points): the journal goes, nothing else changes" {
  irctl -q note "$ID" "before"
  from=$(git rev-parse HEAD)
  to=$(commit_with_note "never committed")
  write_journal "$from" "$to"
  # the compare-and-swap was cut short: libgit2's lock of the branch is left
  ref=$(git symbolic-ref HEAD)
  touch "$GIT_DIR_ABS/$ref.lock"
  before=$(repo_state)
  index_before=$(sha256sum <"$GIT_DIR_ABS/index")

  run --separate-stderr irctl list --format ids
  assert_status 0
  [ "$(repo_state)" = "$before" ]
  [ "$(sha256sum <"$GIT_DIR_ABS/index")" = "$index_before" ]
  [ "$(git rev-parse HEAD)" = "$from" ]
  ! note_texts | grep -qxF "never committed"
  [ ! -s "$GIT_DIR_ABS/irctl/journal" ]
  assert_no_leftovers
  assert_whole_repo
  # the branch can move again
  run --separate-stderr irctl note "$ID" "after"
  assert_status 0
  assert_one_commit_since "$from"
  ! note_texts | grep -qxF "never committed"
}

@test "the command that finishes an interrupted write says so on stderr, once, before its own message" {
  from=$(git rev-parse HEAD)
  to=$(commit_with_note "reached the branch")
  write_journal "$from" "$to"
  git update-ref "$(git symbolic-ref HEAD)" "$to" "$from"

  run --separate-stderr irctl action add "$ID" "Add a canary stage"
  assert_status 0
  [ "$stderr" = "irctl: warning: finished an interrupted write: the work tree now matches ${to:0:12}
$ID: action 1 added: Add a canary stage" ]
  assert_one_commit_since "$to"
  assert_no_leftovers
}

@test "the command that drops an interrupted write that never reached the branch says so on stderr" {
  from=$(git rev-parse HEAD)
  to=$(commit_with_note "never committed")
  write_journal "$from" "$to"

  run --separate-stderr irctl action add "$ID" "Add a canary stage"
  assert_status 0
  [ "$stderr" = "irctl: warning: dropped an interrupted write that never reached $(git symbolic-ref HEAD)
$ID: action 1 added: Add a canary stage" ]
  assert_one_commit_since "$from"
  assert_no_leftovers
}

@test "the journal stays between writes, emptied: an empty one names no write, and the next command says nothing of it" {
  run --separate-stderr irctl note "$ID" "first"
  assert_status 0
  [ -f "$GIT_DIR_ABS/irctl/journal" ]
  [ ! -s "$GIT_DIR_ABS/irctl/journal" ]
  from=$(git rev-parse HEAD)

  run --separate-stderr irctl action add "$ID" "Add a canary stage"
  assert_status 0
  [ "$stderr" = "$ID: action 1 added: Add a canary stage" ]
  assert_one_commit_since "$from"
  assert_no_leftovers
}
