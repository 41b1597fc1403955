#!/usr/bin/env bats
# irctl sync end to end (the storage issue): a real git server (git daemon)
# on 127.0.0.1, three clones recording concurrent events, some offline,
# synced in different orders; every clone ends with the same tree, every
# event recorded anywhere, one merge event per field both sides changed, and
# no commit lost. Also: nothing to do, --no-push, an unknown remote, --json,
# a file that cannot be merged (exit 5, nothing lost), the file transport,
# and that the merge is the same whichever clone makes it.

load helpers
bats_require_minimum_version 1.5.0

# git daemon, run directly (not through the git wrapper) so that $! is its pid.
GIT_DAEMON="$(git --exec-path)/git-daemon"

setup_file() {
  common_setup_file
  : >"$BATS_FILE_TMPDIR/daemon-pids"
}

setup() {
  common_setup
  git config --global init.defaultBranch main
  SRV="$TEST_DIR/srv"
  mkdir -p "$SRV"
  seed_remote "$SRV/incidents.git"
  start_git_daemon "$SRV" incidents.git
  URL="git://127.0.0.1:$DAEMON_PORT/incidents.git"
}

teardown() {
  stop_git_daemon
  if [ -n "${SILENT_PID:-}" ]; then kill "$SILENT_PID" 2>/dev/null || true; fi
  common_teardown
}

# Whatever happened in a test, no daemon outlives the file: one still running
# is stopped, and reported as a failure.
teardown_file() {
  local pid left=""
  while read -r pid; do
    [ -n "$pid" ] || continue
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = git-daemon ]; then
      kill -9 "$pid" 2>/dev/null
      left="$left $pid"
    fi
  done <"$BATS_FILE_TMPDIR/daemon-pids"
  if [ -n "$left" ]; then
    echo "git daemon still running after its test (pid$left); stopped now" >&2
    return 1
  fi
}

# --- the git server -----------------------------------------------------------

# Usage: start_git_daemon BASE REPO — serves the bare repositories under BASE
# on 127.0.0.1 at a free port (DAEMON_PORT), pushes allowed; ready once
# `git ls-remote` of REPO answers. A port taken meanwhile: another one.
start_git_daemon() {
  local base=$1 probe=$2 attempt i port
  DAEMON_PID_FILE="$TEST_DIR/git-daemon.pid"
  for attempt in 1 2 3 4 5; do
    port=$(py -S -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    rm -f "$DAEMON_PID_FILE"
    "$GIT_DAEMON" --listen=127.0.0.1 --port="$port" --export-all --enable=receive-pack \
      --base-path="$base" --reuseaddr --pid-file="$DAEMON_PID_FILE" --informative-errors "$base" \
      </dev/null >"$TEST_DIR/git-daemon.log" 2>&1 3>&- &
    DAEMON_PID=$!
    echo "$DAEMON_PID" >>"$BATS_FILE_TMPDIR/daemon-pids"
    for i in $(seq 1 50); do
      if git ls-remote "git://127.0.0.1:$port/$probe" >/dev/null 2>&1; then
        DAEMON_PORT=$port
        [ "$(cat "$DAEMON_PID_FILE")" = "$DAEMON_PID" ] || { echo "pid file disagrees with \$!" >&2; return 1; }
        return 0
      fi
      grep -q "unable to allocate" "$TEST_DIR/git-daemon.log" && break
      sleep 0.1
    done
    stop_git_daemon
  done
  echo "could not start git daemon; its log:" >&2
  cat "$TEST_DIR/git-daemon.log" >&2
  return 1
}

# Stops the daemon of this test (by its pid; SIGKILL if SIGTERM is not enough).
stop_git_daemon() {
  local pid i
  for pid in ${DAEMON_PID:-} $(cat "${DAEMON_PID_FILE:-/nonexistent}" 2>/dev/null); do
    kill "$pid" 2>/dev/null || continue
    for i in $(seq 1 20); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = git-daemon ] || break
      [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
      sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  DAEMON_PID=
  return 0
}

# --- clones -------------------------------------------------------------------

# Usage: clone NAME "FULL NAME" EMAIL [URL] — a clone in $TEST_DIR/NAME.
clone() {
  git clone -q "${4:-$URL}" "$TEST_DIR/$1"
  set_identity "$TEST_DIR/$1" "$2" "$3"
}

# Usage: on NAME ARGS... — irctl ARGS in clone NAME, quietly.
on() { irctl -C "$TEST_DIR/$1" -q "${@:2}"; }

# The file of incident $2 in clone $1.
file_in() { echo "$TEST_DIR/$1/$(git -C "$TEST_DIR/$1" ls-files "incidents/*/*/$2.toml")"; }

# Usage: merge_events NAME ID — the merge events of incident ID in clone NAME, as JSON.
merge_events() {
  toml_eval "$(file_in "$1" "$2")" '[e for e in d["timeline"] if e["type"] == "merge"]'
}

# Usage: sync_step NAME — `irctl --json sync` in clone NAME, which must succeed;
# remembers the HEAD before it (to check that no commit is lost) and the
# JSON result in $TEST_DIR/NAME.sync.N.json.
SYNC_N=0
sync_step() {
  local dir="$TEST_DIR/$1"
  SYNC_N=$((SYNC_N + 1))
  git -C "$dir" rev-parse HEAD >>"$TEST_DIR/$1.heads"
  run --separate-stderr irctl -C "$dir" --json sync
  assert_status 0
  printf '%s\n' "$output" >"$TEST_DIR/$1.sync.$SYNC_N.json"
  [ "$(json_eval 'd["tip"]' <<<"$output")" = "$(git -C "$dir" rev-parse HEAD)" ]
  # the work tree and the index follow the branch
  [ -z "$(git -C "$dir" status --porcelain --untracked-files=all)" ]
}

# The concurrent events of the three responders, before any of them syncs
# (offline). The seed has declared X and Y (Y acknowledged) before the clones
# were made. Field conflicts, on purpose: X's severity (a: SEV1 at -30m,
# b: SEV2 at -20m: the later is b's) and Y's commander (b: bob at -25m,
# c: carol at -15m: the later is c's). Everything else changes different
# fields or adds events only.
record_offline_events() {
  on a --at -40m ack "$X"
  on a --at -35m note "$X" "a: error rate 38%"
  on a --at -30m severity "$X" SEV1 --reason "a: all regions"
  on a --at -29m note "$X" "a: rolled back deploy 4711"
  A_NEW=$(on a --at -28m declare "a: login errors" --severity SEV3)

  on b --at -33m note "$X" "b: paged the database team"
  on b --at -25m assign "$Y" commander bob
  on b --at -20m severity "$X" SEV2 --reason "b: one region only"
  on b --at -19m note "$Y" "b: restarting the queue"
  B_NEW=$(on b --at -18m declare "b: slow search" --severity SEV4)

  on c --at -34m assign "$X" comms-internal dave
  on c --at -15m assign "$Y" commander carol
  on c --at -14m note "$Y" "c: queue drained"
  C_NEW=$(on c --at -13m declare "c: TLS certificate expires" --severity SEV3 --kind outage)
  on c --at -12m note "$C_NEW" "c: renewing"
}

# Seeds X and Y, clones a, b and c over git://, and records the events.
three_clones() {
  X=$(irctl -C "$TEST_DIR/seed" -q --at -2h declare "Checkout API returns 503" --severity SEV3 --service checkout)
  Y=$(irctl -C "$TEST_DIR/seed" -q --at -2h declare "Queue backlog" --severity SEV3)
  irctl -C "$TEST_DIR/seed" -q --at -100m ack "$Y"
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  clone c "Carol Example" carol@example.com
  [ "$(git -C "$TEST_DIR/a" remote get-url origin)" = "$URL" ]
  record_offline_events
  # every event recorded anywhere, before any sync
  for n in a b c; do event_ids "$TEST_DIR/$n"; done | sort -u >"$TEST_DIR/all-events"
  [ "$(wc -l <"$TEST_DIR/all-events")" -ge 18 ]
}

# The end state every order must reach.
assert_converged() {
  local n tree remote_tree
  remote_tree=$(git --git-dir="$SRV/incidents.git" rev-parse 'main^{tree}')
  for n in a b c; do
    tree=$(tree_of "$TEST_DIR/$n")
    if [ "$tree" != "$remote_tree" ]; then
      echo "clone $n has tree $tree, the remote $remote_tree" >&2
      git -C "$TEST_DIR/$n" diff --stat "$remote_tree" "$tree" >&2
      return 1
    fi
    [ "$(git -C "$TEST_DIR/$n" rev-parse HEAD)" = "$(git --git-dir="$SRV/incidents.git" rev-parse main)" ]
    # every event recorded anywhere is here, and none twice
    event_ids "$TEST_DIR/$n" >"$TEST_DIR/$n.events"
    if [ -n "$(uniq -d "$TEST_DIR/$n.events")" ]; then
      echo "clone $n has a timeline entry twice:" >&2
      uniq -d "$TEST_DIR/$n.events" >&2
      return 1
    fi
    if [ -n "$(comm -23 "$TEST_DIR/all-events" "$TEST_DIR/$n.events")" ]; then
      echo "clone $n lost events:" >&2
      comm -23 "$TEST_DIR/all-events" "$TEST_DIR/$n.events" >&2
      return 1
    fi
    # the incident files agree with their timelines
    run --separate-stderr irctl -C "$TEST_DIR/$n" fsck
    assert_status 0
    # no commit lost: every HEAD the clone had before a sync is in its history
    while read -r old; do assert_ancestor "$TEST_DIR/$n" "$old"; done <"$TEST_DIR/$n.heads"
  done
  # the incidents declared on different clones are all there, once each
  run irctl -C "$TEST_DIR/a" list --format ids
  assert_status 0
  [ "${#lines[@]}" -eq 5 ]
  for id in "$X" "$Y" "$A_NEW" "$B_NEW" "$C_NEW"; do assert_output_contains "$id"; done
  [ "$(printf '%s\n' "$X" "$Y" "$A_NEW" "$B_NEW" "$C_NEW" | sort -u | wc -l)" -eq 5 ]

  # X: severity changed on a and b; the later event (b's SEV2) wins, and one
  # merge event records it, naming both values
  FILE=$(file_in a "$X")
  [ "$(field 'd["severity"]')" = SEV2 ]
  [ "$(field 'd["roles"]["comms-internal"]')" = dave ]
  [ -n "$(field 'd.get("acknowledged_at", "")')" ]
  merges=$(merge_events a "$X")
  [ "$(json_eval 'len(d)' <<<"$merges")" -eq 1 ]
  [ "$(json_eval 'len(d[0]["conflicts"])' <<<"$merges")" -eq 1 ]
  conflict=$(json_eval 'd[0]["conflicts"][0]' <<<"$merges")
  [[ "$conflict" == severity:* ]]
  [[ "$conflict" == *'"SEV1"'* ]]
  [[ "$conflict" == *'"SEV2"'* ]]
  [[ "$conflict" == *'-> "SEV2"' ]]
  [ "$(json_eval 'd[0]["set"]["severity"]' <<<"$merges")" = SEV2 ]
  # the timeline is in time order
  [ "$(field '[e["at"] for e in d["timeline"]] == sorted(e["at"] for e in d["timeline"])')" = true ]
  run irctl -C "$TEST_DIR/b" --json show "$X"
  assert_status 0
  [ "$(json_eval 'd["severity"]' <<<"$output")" = SEV2 ]

  # Y: commander assigned on b (bob) and c (carol, later): carol, one merge event
  FILE=$(file_in a "$Y")
  [ "$(field 'd["roles"]["commander"]')" = carol ]
  merges=$(merge_events a "$Y")
  [ "$(json_eval 'len(d)' <<<"$merges")" -eq 1 ]
  [ "$(json_eval 'len(d[0]["conflicts"])' <<<"$merges")" -eq 1 ]
  conflict=$(json_eval 'd[0]["conflicts"][0]' <<<"$merges")
  [[ "$conflict" == roles.commander:* ]]
  [[ "$conflict" == *'"bob"'* ]]
  [[ "$conflict" == *'"carol"'* ]]
  [[ "$conflict" == *'-> "carol"' ]]

  # no other incident needed a merge event
  for id in "$A_NEW" "$B_NEW" "$C_NEW"; do
    [ "$(merge_events a "$id")" = "[]" ]
  done
  # both notes of each side are there
  FILE=$(file_in c "$X")
  [ "$(field '[e["text"] for e in d["timeline"] if e["type"] == "note" and e["text"] != "a: still offline"]')" = \
    '["a: error rate 38%", "b: paged the database team", "a: rolled back deploy 4711"]' ]
}

# --- three clones over git:// -------------------------------------------------

@test "git daemon: three clones, concurrent and offline events, synced a,b,c,a,b: identical trees, every event, one merge event per conflict" {
  three_clones
  sync_step a
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/a.sync.1.json")" = pushed-only ]
  [ "$(json_eval 'd["pushed"]' <"$TEST_DIR/a.sync.1.json")" = true ]
  sync_step b
  # b merged X (severity changed on both sides) and pushed
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/b.sync.2.json")" = merged ]
  [ "$(json_eval 'd["pushed"]' <"$TEST_DIR/b.sync.2.json")" = true ]
  [ "$(json_eval 'len(d["conflicts"])' <"$TEST_DIR/b.sync.2.json")" -eq 1 ]
  [[ "$(json_eval 'd["conflicts"][0]' <"$TEST_DIR/b.sync.2.json")" == *"$X.toml: severity: "* ]]
  # c keeps recording offline while the others sync
  on c --at -11m note "$Y" "c: still offline"
  event_ids "$TEST_DIR/c" >>"$TEST_DIR/all-events"
  sort -u -o "$TEST_DIR/all-events" "$TEST_DIR/all-events"
  sync_step c
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/c.sync.3.json")" = merged ]
  [ "$(json_eval 'len(d["conflicts"])' <"$TEST_DIR/c.sync.3.json")" -eq 1 ]
  [[ "$(json_eval 'd["conflicts"][0]' <"$TEST_DIR/c.sync.3.json")" == *"$Y.toml: roles.commander: "* ]]
  sync_step a
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/a.sync.4.json")" = fast-forward ]
  sync_step b
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/b.sync.5.json")" = fast-forward ]
  [ "$(json_eval 'd["pushed"]' <"$TEST_DIR/b.sync.5.json")" = false ]
  assert_converged
}

@test "git daemon: the same events synced c,b,a,c,b converge too (the merges happen on the other clones)" {
  three_clones
  sync_step c
  sync_step b
  # b merged Y (commander on both sides): the later is the remote's (carol)
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/b.sync.2.json")" = merged ]
  [[ "$(json_eval 'd["conflicts"]' <"$TEST_DIR/b.sync.2.json")" == *"roles.commander"* ]]
  # a records more offline before its first sync
  on a --at -10m note "$X" "a: still offline"
  on a --at -9m action add "$A_NEW" "a: alert on login errors" --owner alice --due 14d
  event_ids "$TEST_DIR/a" >>"$TEST_DIR/all-events"
  sort -u -o "$TEST_DIR/all-events" "$TEST_DIR/all-events"
  sync_step a
  # a merged X: its SEV1 is older than b's SEV2, so SEV2 is taken from the remote
  [ "$(json_eval 'd["outcome"]' <"$TEST_DIR/a.sync.3.json")" = merged ]
  [[ "$(json_eval 'd["conflicts"]' <"$TEST_DIR/a.sync.3.json")" == *'severity: \"SEV1\" | \"SEV2\" -> \"SEV2\"'* ]]
  sync_step c
  sync_step b
  assert_converged
}

# --- the simple outcomes ------------------------------------------------------

@test "sync with nothing new: says so, exits 0, changes nothing; --json says up-to-date" {
  clone a "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  head=$(git rev-parse HEAD)
  run_unchanged --separate-stderr irctl sync
  assert_status 0
  [ -z "$output" ]
  # the first irctl command in a plain clone sets up the merge driver, and says so
  [[ "$stderr" == "Configured git's merge driver for incident files in this clone (merge.irctl.driver in .git/config): 'git pull' now merges them as 'irctl sync' does
Synced main with origin: nothing new from origin" ]]
  run_unchanged --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = up-to-date ]
  [ "$(json_eval 'd["pushed"]' <<<"$output")" = false ]
  [ "$(git rev-parse HEAD)" = "$head" ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$head" ]
}

@test "sync --json: every field of the outcome, for a push, a fast-forward and a merge" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  id=$(on a declare "Checkout API returns 503" --severity SEV2)
  run --separate-stderr irctl -C "$TEST_DIR/a" --json sync
  assert_status 0
  [ -z "$stderr" ]
  [ "$(json_eval 'sorted(d)' <<<"$output")" = \
    '["attempts", "branch", "conflicts", "merged_files", "outcome", "pushed", "remote", "tip"]' ]
  [ "$(json_eval '[d["remote"], d["branch"], d["outcome"], d["pushed"], d["attempts"], d["merged_files"], d["conflicts"]]' <<<"$output")" = \
    '["origin", "main", "pushed-only", true, 1, [], []]' ]
  [ "$(json_eval 'd["tip"]' <<<"$output")" = "$(git -C "$TEST_DIR/a" rev-parse HEAD)" ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$(git -C "$TEST_DIR/a" rev-parse HEAD)" ]
  # b takes it
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"], d["tip"]]' <<<"$output")" = \
    "[\"fast-forward\", false, \"$(git -C "$TEST_DIR/a" rev-parse HEAD)\"]" ]
  # notes on both sides: merged, no field conflict, one file
  on a note "$id" "from a"
  on b note "$id" "from b"
  irctl -C "$TEST_DIR/a" -q sync
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync
  assert_status 0
  file=$(git -C "$TEST_DIR/b" ls-files "incidents/*/*/$id.toml")
  [ "$(json_eval '[d["outcome"], d["pushed"], d["merged_files"], d["conflicts"]]' <<<"$output")" = \
    "[\"merged\", true, [\"$file\"], []]" ]
  # a merge commit with both sides as parents, by b
  [ "$(git -C "$TEST_DIR/b" rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ]
  [ "$(git -C "$TEST_DIR/b" log -1 --format=%ae)" = bob@example.com ]
  [ "$(merge_events b "$id")" = "[]" ]
  # the text form says what happened
  on a note "$id" "again from a"
  on b note "$id" "again from b"
  irctl -C "$TEST_DIR/a" -q sync
  run --separate-stderr irctl -C "$TEST_DIR/b" sync
  assert_status 0
  [ "$stderr" = "Synced main with origin: merged 1 file(s) changed on both sides; pushed" ]
}

@test "sync --no-push merges locally and leaves the remote alone; a later sync pushes" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  id=$(on a declare "Checkout API returns 503" --severity SEV3 --started-at -1h)
  irctl -C "$TEST_DIR/a" -q sync
  irctl -C "$TEST_DIR/b" -q sync
  on a --at -5m severity "$id" SEV2
  irctl -C "$TEST_DIR/a" -q sync
  remote_before=$(git --git-dir="$SRV/incidents.git" rev-parse main)
  on b --at -2m severity "$id" SEV1
  b_before=$(git -C "$TEST_DIR/b" rev-parse HEAD)
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync --no-push
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <<<"$output")" = '["merged", false]' ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$remote_before" ]
  assert_ancestor "$TEST_DIR/b" "$b_before"
  assert_ancestor "$TEST_DIR/b" "$remote_before"
  FILE=$(file_in b "$id")
  [ "$(field 'd["severity"]')" = SEV1 ]
  # nothing new to fetch, but something to push: --no-push still does not push
  run --separate-stderr irctl -C "$TEST_DIR/b" sync --no-push
  assert_status 0
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$remote_before" ]
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <<<"$output")" = '["pushed-only", true]' ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$(git -C "$TEST_DIR/b" rev-parse HEAD)" ]
}

@test "sync with an unknown remote: exit 3 naming it, nothing changed (--json: not_found)" {
  clone a "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  on a note "$(on a declare "Checkout API returns 503")" "recorded"
  run_unchanged --separate-stderr irctl sync nosuchremote
  assert_status 3
  assert_text_error
  [[ "$stderr" == *"'nosuchremote'"* ]]
  [[ "$stderr" == *"git remote add nosuchremote"* ]]
  run_unchanged --separate-stderr irctl --json sync nosuchremote
  assert_status 3
  assert_json_error not_found
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$(git -C "$TEST_DIR/seed" rev-parse HEAD)" ]
}

# --- what cannot be merged ----------------------------------------------------

@test "a hand-edited file that no longer parses stops the sync: exit 5, the file named, how to finish, both sides kept" {
  id=$(irctl -C "$TEST_DIR/seed" -q declare "Checkout API returns 503" --severity SEV2)
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  path=$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$id.toml")
  # a breaks the file by hand, commits and pushes it with plain git
  printf 'title = \n' >>"$TEST_DIR/a/$path"
  git -C "$TEST_DIR/a" commit -qam "a hand edit that does not parse"
  git -C "$TEST_DIR/a" push -q origin main
  theirs=$(git -C "$TEST_DIR/a" rev-parse HEAD)
  # b records an event on the same incident
  on b note "$id" "b: recorded meanwhile"
  cd "$TEST_DIR/b"
  ours=$(git rev-parse HEAD)
  ours_file=$(cat "$path")
  run_unchanged --separate-stderr irctl sync
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$path"* ]]
  [[ "$stderr" == *"cannot merge automatically"* ]]
  [[ "$stderr" == *"git merge origin/main"* ]]
  [[ "$stderr" == *"irctl sync"* ]]
  # nothing lost: our HEAD and file as they were, theirs fetched, the remote untouched
  [ "$(git rev-parse HEAD)" = "$ours" ]
  [ "$(cat "$path")" = "$ours_file" ]
  [ "$(git rev-parse refs/remotes/origin/main)" = "$theirs" ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$theirs" ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  # --json: the same error as one document
  run --separate-stderr irctl --json sync
  assert_status 5
  assert_json_error conflict
  [[ "$(json_eval 'd["error"]["message"]' <<<"$stderr")" == *"$path"* ]]
  # finishing as the hint says: merge by hand, fix the file, commit, sync
  git config pull.rebase false
  run git merge origin/main
  assert_status 1
  git show "$ours:$path" >"$path"
  git commit -qam "merge origin/main: keep the file that parses"
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <<<"$output")" = '["pushed-only", true]' ]
  assert_ancestor "$TEST_DIR/b" "$theirs"
  assert_ancestor "$TEST_DIR/b" "$ours"
  run irctl fsck
  assert_status 0
}

# --- other transports, and who merges ----------------------------------------

@test "sync over the file transport (a plain path remote) merges and pushes like over git://" {
  git clone -q "$SRV/incidents.git" "$TEST_DIR/a"
  set_identity "$TEST_DIR/a" "Alice Example" alice@example.com
  git clone -q "$SRV/incidents.git" "$TEST_DIR/b"
  set_identity "$TEST_DIR/b" "Bob Example" bob@example.com
  [ "$(git -C "$TEST_DIR/a" remote get-url origin)" = "$SRV/incidents.git" ]
  id=$(on a declare "Checkout API returns 503" --severity SEV3 --started-at -1h)
  run --separate-stderr irctl -C "$TEST_DIR/a" --json sync
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = pushed-only ]
  irctl -C "$TEST_DIR/b" -q sync
  on a --at -3m severity "$id" SEV1
  on a note "$id" "from a"
  on b --at -1m severity "$id" SEV2
  on b note "$id" "from b"
  event_ids "$TEST_DIR/a" >"$TEST_DIR/all-events"
  event_ids "$TEST_DIR/b" >>"$TEST_DIR/all-events"
  sort -u -o "$TEST_DIR/all-events" "$TEST_DIR/all-events"
  a_before=$(git -C "$TEST_DIR/a" rev-parse HEAD)
  b_before=$(git -C "$TEST_DIR/b" rev-parse HEAD)
  irctl -C "$TEST_DIR/a" -q sync
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"], len(d["conflicts"])]' <<<"$output")" = '["merged", true, 1]' ]
  irctl -C "$TEST_DIR/a" -q sync
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
  [ "$(tree_of "$TEST_DIR/a")" = "$(git --git-dir="$SRV/incidents.git" rev-parse 'main^{tree}')" ]
  assert_ancestor "$TEST_DIR/a" "$a_before"
  assert_ancestor "$TEST_DIR/a" "$b_before"
  event_ids "$TEST_DIR/a" >"$TEST_DIR/a.events"
  [ -z "$(comm -23 "$TEST_DIR/all-events" "$TEST_DIR/a.events")" ]
  FILE=$(file_in a "$id")
  [ "$(field 'd["severity"]')" = SEV2 ]
  [ "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] == "merge"])')" -eq 1 ]
  run irctl -C "$TEST_DIR/a" fsck
  assert_status 0
}

@test "the merge is the same whichever clone makes it: a merging b and b merging a give one tree" {
  id=$(irctl -C "$TEST_DIR/seed" -q --at -1h declare "Checkout API returns 503" --severity SEV3)
  # acknowledged before the clones: the commanders below do not set acknowledged_at
  irctl -C "$TEST_DIR/seed" -q --at -50m ack "$id"
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  on a --at -30m severity "$id" SEV1
  on a --at -29m assign "$id" commander alice
  on a --at -10m note "$id" "a: rolled back"
  a_new=$(on a declare "a: login errors")
  on b --at -20m severity "$id" SEV2
  on b --at -19m assign "$id" commander bob
  on b --at -28m note "$id" "b: paged the database team"
  b_new=$(on b declare "b: slow search")
  # each fetches the other's commits directly (file transport: b from a copy
  # of a as it is before a merges) and merges without pushing
  cp -a "$TEST_DIR/a" "$TEST_DIR/a-copy"
  git -C "$TEST_DIR/a" remote add peer "$TEST_DIR/b"
  git -C "$TEST_DIR/b" remote add peer "$TEST_DIR/a-copy"
  run --separate-stderr irctl -C "$TEST_DIR/a" --json sync peer --no-push
  assert_status 0
  [ "$(json_eval '[d["remote"], d["outcome"], d["pushed"], len(d["conflicts"])]' <<<"$output")" = '["peer", "merged", false, 2]' ]
  run --separate-stderr irctl -C "$TEST_DIR/b" --json sync peer --no-push
  assert_status 0
  [ "$(json_eval '[d["outcome"], len(d["conflicts"])]' <<<"$output")" = '["merged", 2]' ]
  # two different merge commits (different authors and parents' order), one tree
  [ "$(git -C "$TEST_DIR/a" rev-parse HEAD)" != "$(git -C "$TEST_DIR/b" rev-parse HEAD)" ]
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
  FILE=$(file_in a "$id")
  [ "$(field '[d["severity"], d["roles"]["commander"]]')" = '["SEV2", "bob"]' ]
  [ "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] == "merge"])')" -eq 1 ]
  [ "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] == "merge"][0]["conflicts"])')" -eq 2 ]
  [ -f "$TEST_DIR/a/$(git -C "$TEST_DIR/b" ls-files "incidents/*/*/$b_new.toml")" ]
  [ -f "$TEST_DIR/b/$(git -C "$TEST_DIR/a" ls-files "incidents/*/*/$a_new.toml")" ]
  # and once both are on the remote, they agree without another merge event
  irctl -C "$TEST_DIR/a" -q sync
  irctl -C "$TEST_DIR/b" -q sync
  irctl -C "$TEST_DIR/a" -q sync
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
  FILE=$(file_in a "$id")
  [ "$(toml_eval "$FILE" 'len([e for e in d["timeline"] if e["type"] == "merge"])')" -eq 1 ]
  run irctl -C "$TEST_DIR/a" fsck
  assert_status 0
}

@test "acks recorded on two clones: after sync acknowledged_at is the first ack, and MTTA is measured to it" {
  id=$(irctl -C "$TEST_DIR/seed" -q --at 2026-11-01T10:00:00Z declare "Checkout API returns 503" --severity SEV3)
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  on a --at 2026-11-01T10:30:00Z ack "$id"
  on b --at 2026-11-01T10:40:00Z ack "$id"
  irctl -C "$TEST_DIR/a" -q sync
  irctl -C "$TEST_DIR/b" -q sync
  irctl -C "$TEST_DIR/a" -q sync
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
  FILE=$(file_in b "$id")
  # both acks are on the timeline
  [ "$(field '[e["by"] for e in d["timeline"] if e["type"] == "ack"]')" = \
    '["Alice Example <alice@example.com>", "Bob Example <bob@example.com>"]' ]
  run irctl -C "$TEST_DIR/b" --json show "$id"
  assert_status 0
  [ "$(json_eval 'd["acknowledged_at"]' <<<"$output")" = 2026-11-01T10:30:00Z ]
  run irctl -C "$TEST_DIR/b" --json stats
  assert_status 0
  [ "$(json_eval 'd["total"]["acknowledge"]["mean_seconds"]' <<<"$output")" -eq 1800 ]
}

@test "sync to an empty remote (as in 'git remote add origin URL && irctl sync') pushes the branch" {
  git init -q --bare "$SRV/empty.git"
  git clone -q "$SRV/incidents.git" "$TEST_DIR/a"
  set_identity "$TEST_DIR/a" "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  on a declare "Checkout API returns 503" >/dev/null
  git remote add backup "git://127.0.0.1:$DAEMON_PORT/empty.git"
  run --separate-stderr irctl --json sync backup
  assert_status 0
  [ "$(json_eval '[d["remote"], d["outcome"], d["pushed"]]' <<<"$output")" = '["backup", "pushed-only", true]' ]
  [ "$(git --git-dir="$SRV/empty.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
  [ "$(git rev-parse refs/remotes/backup/main)" = "$(git rev-parse HEAD)" ]
  # origin was not involved
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$(git -C "$TEST_DIR/seed" rev-parse HEAD)" ]
}

@test "uncommitted edits to a file the remote changed: sync refuses (exit 5) and keeps them" {
  id=$(irctl -C "$TEST_DIR/seed" -q declare "Checkout API returns 503" --severity SEV2)
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  on a note "$id" "from a"
  irctl -C "$TEST_DIR/a" -q sync
  cd "$TEST_DIR/b"
  path=$(git ls-files "incidents/*/*/$id.toml")
  echo "# my edit, not committed" >>"$path"
  run_unchanged --separate-stderr irctl sync
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"$path"* ]]
  tail -n 1 "$path" | grep -qx "# my edit, not committed"
  [ "$(git rev-parse HEAD)" = "$(git -C "$TEST_DIR/seed" rev-parse HEAD)" ]
}

# --- file modes ---------------------------------------------------------------

@test "sync keeps git's file modes: an executable hook stays executable and runs, a symbolic link stays a link, git status stays clean" {
  clone a "Alice Example" alice@example.com
  clone b "Bob Example" bob@example.com
  cd "$TEST_DIR/a"
  mkdir -p .irctl/hooks
  printf '#!/bin/sh\necho ran >>"%s/hook-ran"\n' "$TEST_DIR" >.irctl/hooks/on-event
  chmod +x .irctl/hooks/on-event
  ln -s .irctl/config.toml config-link
  git add .irctl/hooks/on-event config-link
  git commit -qm "an on-event hook, and a link to the configuration"
  irctl -q sync
  cd "$TEST_DIR/b"
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = fast-forward ]
  [ -x .irctl/hooks/on-event ]
  [ -L config-link ]
  [ "$(readlink config-link)" = .irctl/config.toml ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  # the hook runs on b's next event
  id=$(on b declare "Checkout API returns 503")
  [ "$(cat "$TEST_DIR/hook-ran")" = ran ]
  # a link a changes while b records an event: merged, and the link is still one
  cd "$TEST_DIR/a"
  ln -sfn .irctl/hooks/on-event config-link
  git commit -qam "the link now points at the hook"
  irctl -q sync
  cd "$TEST_DIR/b"
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval 'd["outcome"]' <<<"$output")" = merged ]
  [ "$(readlink config-link)" = .irctl/hooks/on-event ]
  [ -x .irctl/hooks/on-event ]
  [ -z "$(git status --porcelain --untracked-files=all)" ]
  [ "$(git ls-tree HEAD config-link .irctl/hooks/on-event | cut -d' ' -f1)" = "$(printf '100755\n120000')" ]
  # and the other way: a fast-forward onto a clone with a real link
  irctl -C "$TEST_DIR/a" -q sync
  [ "$(readlink "$TEST_DIR/a/config-link")" = .irctl/hooks/on-event ]
  [ -z "$(git -C "$TEST_DIR/a" status --porcelain --untracked-files=all)" ]
  [ "$(tree_of "$TEST_DIR/a")" = "$(tree_of "$TEST_DIR/b")" ]
}

# --- what is never pushed -----------------------------------------------------

@test "an incident file broken by hand and committed with git is not pushed: exit 65 naming file:line:col, nothing pushed, to an empty remote either" {
  id=$(irctl -C "$TEST_DIR/seed" -q declare "Checkout API returns 503" --severity SEV2)
  git -C "$TEST_DIR/seed" push -q "$SRV/incidents.git" HEAD:main
  remote_before=$(git --git-dir="$SRV/incidents.git" rev-parse main)
  clone a "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  path=$(git ls-files "incidents/*/*/$id.toml")
  printf 'title = \n' >>"$path"
  git commit -qam "a hand edit that does not parse"
  before=$(repo_state)
  run --separate-stderr irctl sync
  assert_status 65
  assert_text_error
  [[ "$stderr" == *"not pushing to 'origin', an incident file is not valid: $path:"[0-9]*:[0-9]*": invalid TOML"* ]]
  [[ "$stderr" == *"nothing was pushed"* ]]
  [ "$(repo_state)" = "$before" ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$remote_before" ]
  # a remote with nothing yet: every incident file is checked
  git init -q --bare "$SRV/empty.git"
  git remote add backup "$SRV/empty.git"
  run --separate-stderr irctl sync backup
  assert_status 65
  [[ "$stderr" == *"not pushing to 'backup', an incident file is not valid: $path:"* ]]
  [ -z "$(git --git-dir="$SRV/empty.git" for-each-ref)" ]
  # once fixed and committed, it goes
  git checkout -q HEAD~ -- "$path"
  git commit -qm "bring back the file that parses"
  run --separate-stderr irctl --json sync
  assert_status 0
  [ "$(json_eval '[d["outcome"], d["pushed"]]' <<<"$output")" = '["pushed-only", true]' ]
  [ "$(git --git-dir="$SRV/incidents.git" rev-parse main)" = "$(git rev-parse HEAD)" ]
}

# --- a remote that never answers ----------------------------------------------

# Usage: start_silent_listener — a server on 127.0.0.1 (SILENT_PORT) that
# accepts connections and never says a word; SILENT_PID is its pid (stopped
# by teardown). Listening before this returns: no wait needed.
start_silent_listener() {
  read -r SILENT_PORT SILENT_PID < <(py -S -c '
import os, socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
pid = os.fork()
if pid:
    print(s.getsockname()[1], pid, flush=True)
    os._exit(0)
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
held = []
while True:
    held.append(s.accept()[0])' 3>&-)
}

@test "a remote that accepts the connection and never answers: sync gives up after the timeout, exit 1 naming the URL, nothing changed" {
  clone a "Alice Example" alice@example.com
  cd "$TEST_DIR/a"
  on a declare "Checkout API returns 503" >/dev/null
  start_silent_listener
  git remote add silent "git://127.0.0.1:$SILENT_PORT/incidents.git"
  before=$(repo_state)
  SECONDS=0
  run --separate-stderr timeout 20 env IRCTL_SYNC_TIMEOUT=1 irctl sync silent
  assert_status 1
  assert_text_error
  [[ "$stderr" == "irctl: error: gave up on the remote 'silent' (git://127.0.0.1:$SILENT_PORT/incidents.git): nothing came from it for 1 second"* ]]
  [[ "$stderr" == *"IRCTL_SYNC_TIMEOUT"* ]]
  [ "$SECONDS" -lt 10 ]
  [ "$(repo_state)" = "$before" ]
  # from git's configuration, in the JSON form
  git config irctl.syncTimeout 0.5
  run --separate-stderr timeout 20 irctl --json sync silent
  assert_status 1
  assert_json_error failure
  [[ "$(json_eval 'd["error"]["message"]' <<<"$stderr")" == *"(git://127.0.0.1:$SILENT_PORT/incidents.git)"*"0.5 seconds" ]]
  # a value that is not a number of seconds is named
  run --separate-stderr env IRCTL_SYNC_TIMEOUT=soon irctl sync silent
  assert_status 2
  [[ "$stderr" == "irctl: error: IRCTL_SYNC_TIMEOUT is 'soon', not a number of seconds"* ]]
  [ "$(repo_state)" = "$before" ]
}
