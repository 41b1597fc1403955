# Shared set-up for the end-to-end suites: every test runs the real irctl
# binary in its own temporary directory, with a HOME of its own so that no
# global git configuration (identity, init.defaultBranch) leaks in.

: "${IRCTL_BIN:?set IRCTL_BIN to the irctl binary (ctest does)}"
: "${IRCTL_SOURCE_DIR:?set IRCTL_SOURCE_DIR to the source tree (ctest does)}"

common_setup() {
  TEST_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/irctl-test.XXXXXX")
  export HOME="$TEST_DIR/home"
  mkdir -p "$HOME"
  export XDG_CONFIG_HOME="$HOME/.config"
  export GIT_CONFIG_NOSYSTEM=1
  unset IRCTL_DIR IRCTL_ACTOR NO_COLOR IRCTL_PAGER LESS
  # The suites read what irctl prints on script(1)'s terminal too, where a
  # pager would add its own; pager.bats chooses one where it tests them.
  export PAGER=cat
  PATH="${IRCTL_BIN%/*}:$PATH"
  export PATH
  cd "$TEST_DIR" || return 1
}

common_teardown() {
  cd / && rm -rf "$TEST_DIR"
}

# A fresh incident repository in $TEST_DIR/repo, as the current directory,
# with a git identity configured for it.
new_repo() {
  git init -q "$TEST_DIR/repo"
  # What 'git config user.name/user.email' would write, without two processes.
  printf '[user]\n\tname = Alice Example\n\temail = alice@example.com\n' >>"$TEST_DIR/repo/.git/config"
  cd "$TEST_DIR/repo" || return 1
  irctl -q init >/dev/null
}

# Everything a command could change, as text to compare: HEAD and every
# local branch (the branch layout's incidents live on one that is not
# checked out), the index, the work tree (tracked and untracked, by content)
# and the current incident. Status in format 2 with --branch carries HEAD's
# commit and the object ids of every path that differs from it. A fetch may
# move remote-tracking branches, so the ahead/behind line is left out.
#
# The suites call this thousands of times and a process costs a few
# milliseconds to start on CI's machine, so it starts two (git and
# sha256sum) and does the rest with bash's builtins. It sets shell options:
# call it as $(repo_state), in a subshell.
repo_state() {
  local git_dir=.git line top path status
  local -a lines files refs
  [ -d .git ] || git_dir=$(git rev-parse --git-dir)
  status=$(git status --porcelain=v2 --branch --untracked-files=all)
  mapfile -t lines <<<"$status"
  for line in "${lines[@]}"; do
    [[ $line == "# branch.ab "* ]] || printf '%s\n' "$line"
  done
  shopt -s globstar dotglob nullglob
  for top in *; do
    [ "$top" = .git ] && continue
    for path in "$top" "$top"/**; do
      if [[ -f $path && ! -L $path ]]; then files+=("$path"); fi
    done
  done
  if [ ${#files[@]} -gt 0 ]; then sha256sum -- "${files[@]}"; fi
  refs=("$git_dir"/refs/heads/** "$git_dir"/packed-refs "$git_dir"/irctl/current)
  for path in "${refs[@]}"; do
    # a lock left by a killed write is the recovery's to remove
    if [[ -f $path && $path != *.lock ]]; then
      mapfile -t lines <"$path"
      printf '%s: %s\n' "${path#"$git_dir"/}" "${lines[*]}"
    fi
  done
}

# Usage: run_unchanged irctl ARGS... — runs a command that must fail and
# asserts that it changed nothing.
run_unchanged() {
  local before after
  before=$(repo_state)
  run "$@"
  after=$(repo_state)
  if [ "$before" != "$after" ]; then
    echo "the repository changed although '$*' failed" >&2
    return 1
  fi
}

# Fails with the output when the last `run` did not exit with $1.
assert_status() {
  if [ "$status" -ne "$1" ]; then
    echo "expected exit status $1, got $status; output:" >&2
    echo "$output" >&2
    if [ -n "${stderr:-}" ]; then
      echo "stderr:" >&2
      echo "$stderr" >&2
    fi
    return 1
  fi
}

# Fails when the last `run`'s output does not contain $1.
assert_output_contains() {
  case "$output" in
    *"$1"*) ;;
    *)
      echo "expected the output to contain: $1" >&2
      echo "output was:" >&2
      echo "$output" >&2
      return 1
      ;;
  esac
}

# ---------------------------------------------------------------------------
# Helpers shared by the suites written against the foundation issue.

# Python reads the JSON and TOML documents (tomllib: TOML 1.0, a parser other
# than irctl's). Debian's interpreter is the one scripts/install-deps sets up
# (with python3-jsonschema) and the quickest to start: 0.04 s, where a pyenv
# interpreter takes 0.1 s and its shim on PATH 0.4 s. It is looked up once
# per file: call common_setup_file from setup_file, and py instead of python3.
common_setup_file() {
  if [ -z "${IRCTL_TEST_PYTHON:-}" ]; then
    local python=python3
    [ -x /usr/bin/python3 ] && python=/usr/bin/python3
    IRCTL_TEST_PYTHON=$("$python" -c 'import sys, tomllib; print(sys.executable)') || return 1
    export IRCTL_TEST_PYTHON
  fi
}
py() { "${IRCTL_TEST_PYTHON:-python3}" "$@"; }

# An incident ID: INC-, the UTC date, a dash and random Crockford base32
# characters (no I, L, O or U). Six of them since 699c540.
ID_RE='^INC-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{6}$'

# The global options that every command accepts; docs.bats leaves them out
# of the per-command man page comparison.
GLOBAL_LONG_OPTIONS=(--json --as --at --quiet --no-color --no-pager --help --version)

# Usage: json_eval EXPR <<<"$json" — evaluates the Python expression EXPR
# with the parsed document bound to d; strings are printed as they are,
# everything else as JSON. Fails when the input is not one JSON document.
json_eval() {
  py -S -c '
import json, sys
d = json.loads(sys.stdin.read())
r = eval(sys.argv[1])
print(r if isinstance(r, str) else json.dumps(r))' "$1"
}

# Usage: toml_eval FILE EXPR — parses FILE with Python's tomllib (TOML 1.0,
# another parser than irctl's) and evaluates EXPR with the table bound to d.
toml_eval() {
  py -S -c '
import json, sys, tomllib, datetime
with open(sys.argv[1], "rb") as f:
    d = tomllib.load(f)
r = eval(sys.argv[2])
def conv(o):
    if isinstance(o, (datetime.datetime, datetime.date, datetime.time)):
        return o.isoformat()
    raise TypeError(type(o))
if isinstance(r, (datetime.datetime, datetime.date, datetime.time)):
    r = r.isoformat()
print(r if isinstance(r, str) else json.dumps(r, default=conv))' "$1" "$2"
}

# The path (relative to the repository root) of an incident's file.
incident_path() {
  local p
  p=$(git ls-files -- "incidents/*/$1.toml" "incidents/*/*/$1.toml" | head -n 1)
  if [ -z "$p" ]; then
    echo "no committed file for incident $1" >&2
    return 1
  fi
  echo "$p"
}

# Declares an incident quietly and prints its ID: id=$(declare_incident TITLE ARGS...)
declare_incident() {
  irctl -q declare "$@"
}

# Fails unless the work tree and index match HEAD and git fsck finds nothing
# wrong (dangling objects are not damage).
assert_clean_repo() {
  local st fsck
  st=$(git status --porcelain --untracked-files=all)
  if [ -n "$st" ]; then
    echo "git status is not clean:" >&2
    echo "$st" >&2
    return 1
  fi
  if ! fsck=$(git fsck --no-progress 2>&1); then
    echo "git fsck failed:" >&2
    echo "$fsck" >&2
    return 1
  fi
  if grep -v '^dangling ' <<<"$fsck" | grep -q .; then
    echo "git fsck reported problems:" >&2
    echo "$fsck" >&2
    return 1
  fi
}

# Fails when the last `run`'s output contains $1.
refute_output_contains() {
  case "$output" in
    *"$1"*)
      echo "expected the output not to contain: $1" >&2
      echo "output was:" >&2
      echo "$output" >&2
      return 1
      ;;
  esac
}

# After `run --separate-stderr`: fails unless stderr holds one error in the
# text format — a first line 'irctl: error: ...', then at most 'hint: ...'
# lines (warnings may come before it) — and stdout is empty.
assert_text_error() {
  local errline
  if [ -n "$output" ]; then
    echo "expected nothing on stdout for an error, got:" >&2
    echo "$output" >&2
    return 1
  fi
  errline=$(grep -c '^irctl: error: ' <<<"$stderr" || true)
  if [ "$errline" -ne 1 ]; then
    echo "expected exactly one 'irctl: error:' line on stderr, got:" >&2
    echo "$stderr" >&2
    return 1
  fi
  if sed -n '/^irctl: error: /,$p' <<<"$stderr" | tail -n +2 | grep -qv '^hint: '; then
    echo "after the error line only 'hint:' lines may follow; stderr was:" >&2
    echo "$stderr" >&2
    return 1
  fi
}

# After `run --separate-stderr` of a command with --json that failed: fails
# unless stderr is exactly one JSON document {"error":{code,exit,message,hint}}
# whose exit equals the status and whose code is $1 (when given).
assert_json_error() {
  local expected_code=${1:-}
  py -S -c '
import json, sys
status, code, text = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    d = json.loads(text)
except ValueError as e:
    sys.exit("stderr is not one JSON document (%s): %r" % (e, text))
e = d.get("error")
if not isinstance(e, dict):
    sys.exit("no error object in %r" % text)
for k in ("code", "exit", "message", "hint"):
    if k not in e:
        sys.exit("error object lacks %r: %r" % (k, text))
if e["exit"] != status:
    sys.exit("error.exit is %r but the exit status was %d" % (e["exit"], status))
if not isinstance(e["message"], str) or not e["message"]:
    sys.exit("error.message is empty: %r" % text)
if code and e["code"] != code:
    sys.exit("error.code is %r, expected %r" % (e["code"], code))
' "$status" "$expected_code" "$stderr"
}

# Fails when the last `run`'s stdout+stderr contain a raw control character
# other than newline: C0 controls such as ESC and BEL, DEL, or a C1 control
# (U+0080..U+009F, such as U+009B CSI) encoded in UTF-8.
refute_raw_controls() {
  local all="${output}${stderr:-}"
  if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' <<<"$all"; then
    echo "raw control characters in the output:" >&2
    printf '%q\n' "$all" >&2
    return 1
  fi
}

# Usage: assert_one_commit_since REV — exactly one commit on top of REV, and
# the work tree and index match it.
assert_one_commit_since() {
  local n
  n=$(git rev-list --count "$1"..HEAD)
  if [ "$n" -ne 1 ]; then
    echo "expected exactly one new commit since $1, got $n" >&2
    git log --oneline "$1"..HEAD >&2
    return 1
  fi
  assert_clean_repo
}

# Usage: assert_no_commit_since REV — HEAD is still REV, and the work tree is clean.
assert_no_commit_since() {
  if [ "$(git rev-parse HEAD)" != "$(git rev-parse "$1")" ]; then
    echo "expected no new commit since $1, got:" >&2
    git log --oneline "$1"..HEAD >&2
    return 1
  fi
  assert_clean_repo
}

# Usage: as ACTOR AT irctl-args... — irctl, quietly, as ACTOR ("Name <email>")
# at the time AT: one step of a replayed incident.
as() {
  local who=$1 at=$2
  shift 2
  irctl -q --as "$who" --at "$at" "$@"
}

# Usage: field EXPR — evaluates EXPR over the incident file $FILE (d is the
# table), read by Python's tomllib; last_event KEY-PATH — the same over its
# newest timeline entry, e.g. last_event "['type']".
field() { toml_eval "$FILE" "$1"; }
last_event() { toml_eval "$FILE" "d['timeline'][-1]$1"; }


# Usage: assert_file_has FILE LINE — FILE has LINE as a whole line.
assert_file_has() {
  if ! grep -qxF -- "$2" "$1"; then
    echo "expected $1 to have the line: $2" >&2
    echo "it was:" >&2
    cat "$1" >&2
    return 1
  fi
}

# ---------------------------------------------------------------------------
# Helpers for the suites of the storage issue (sync.bats, merge_driver.bats,
# branch_layout.bats): remotes, clones and what they hold.

# Usage: set_identity DIR NAME EMAIL — the git identity of one clone.
set_identity() {
  git -C "$1" config user.name "$2"
  git -C "$1" config user.email "$3"
}

# Usage: seed_remote BARE — `irctl init` in $TEST_DIR/seed (as Alice), pushed
# as main to a new bare repository BARE whose HEAD is main.
seed_remote() {
  git init -q -b main "$TEST_DIR/seed"
  set_identity "$TEST_DIR/seed" "Alice Example" alice@example.com
  irctl -C "$TEST_DIR/seed" -q init >/dev/null || return 1
  git init -q --bare -b main "$1"
  git -C "$TEST_DIR/seed" push -q "$1" HEAD:refs/heads/main
}

# Usage: event_ids DIR — one line "INCIDENT EVENT-ID" per timeline entry of
# every incident file checked out under DIR/incidents, read with tomllib,
# sorted (duplicates kept, so that `uniq -d` finds an entry present twice).
event_ids() {
  local ids
  ids=$(py -S -c '
import pathlib, sys, tomllib
for p in sorted(pathlib.Path(sys.argv[1], "incidents").glob("*/*/*.toml")):
    d = tomllib.loads(p.read_text())
    for e in d.get("timeline", []):
        print(d["id"], e["id"])' "$1") || return 1
  [ -z "$ids" ] || sort <<<"$ids"
}

# Usage: tree_of DIR [REV] — the tree that REV (default HEAD) of DIR points at.
tree_of() { git -C "$1" rev-parse "${2:-HEAD}^{tree}"; }

# Usage: assert_ancestor DIR OLD [NEW] — OLD is an ancestor of NEW (default
# HEAD) in DIR: no commit was lost.
assert_ancestor() {
  if ! git -C "$1" merge-base --is-ancestor "$2" "${3:-HEAD}"; then
    echo "$2 is not an ancestor of ${3:-HEAD} in $1: a commit was lost" >&2
    git -C "$1" log --oneline --graph --all >&2
    return 1
  fi
}

# Usage: on_tty ARGS... — runs the command with a terminal (a pseudo-terminal
# from script(1)) as its stdin, stdout and stderr; prints what it printed.
on_tty() {
  script -qec "$(printf '%q ' "$@")" /dev/null </dev/null
}

# ---------------------------------------------------------------------------
# The status page's suites (status_page.bats, status_page_browser.bats).

# Usage: add_shop_services — appends to .irctl/config.toml the services
# checkout and payments, titled, in the group Shop; the caller adds its own
# services and [status_page] after them, and commits.
add_shop_services() {
  cat >>.irctl/config.toml <<'EOF'

[[service]]
name = "checkout"
title = "Checkout"
group = "Shop"

[[service]]
name = "payments"
title = "Payments"
group = "Shop"
EOF
}

# The browser suites without Chromium: skipped, except where CI is set
# (.ci/run sets it): there they fail. Usage, first in setup_file:
#   check_chromium || return 1
#   [ -z "${NO_BROWSER:-}" ] || return 0
# and in setup: skip_without_chromium.
check_chromium() {
  command -v chromium >/dev/null && return 0
  if [ -n "${CI:-}" ] && [ "$CI" != false ]; then
    echo "chromium is not installed, and CI must run the browser tests: run scripts/install-deps" >&2
    return 1
  fi
  # bats skips in setup, not in setup_file
  export NO_BROWSER="chromium is not installed (scripts/install-deps installs it)"
}
skip_without_chromium() {
  if [ -n "${NO_BROWSER:-}" ]; then skip "$NO_BROWSER"; fi
}

# Usage: browse_site [--screenshot PAGE]... — in setup_file, after SITE and
# BROWSED are set: tests/browser/browse.py over $SITE into $BROWSED, its
# output and status kept for assert_browsed_clean.
browse_site() {
  py "$IRCTL_SOURCE_DIR/tests/browser/browse.py" "$SITE" "$BROWSED" "$@" >"$TEST_DIR/browse.out" 2>&1 &&
    echo 0 >"$TEST_DIR/browse.status" || echo $? >"$TEST_DIR/browse.status"
}
# Usage: assert_browsed_clean — browse_site found no problem on any page, and
# reached every HTML file of $SITE by following links from the index.
assert_browsed_clean() {
  [ "$(cat "$TEST_DIR/browse.status")" = 0 ] || { cat "$TEST_DIR/browse.out" >&2; return 1; }
  run cat "$TEST_DIR/browse.out"
  assert_status 0
  [[ "$output" =~ ^[0-9]+\ pages,\ [0-9]+\ other\ files:\ no\ problem$ ]]
  run json_eval '"\n".join(sorted(d["pages"]))' <"$BROWSED/report.json"
  assert_status 0
  [ "$output" = "$(cd "$SITE" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort)" ]
}

# Usage: assert_links_resolve DIR — every href and src of the HTML pages
# under DIR (a built status page or site) that stays on the site names a file
# it has.
assert_links_resolve() {
  run py -c '
import os, re, sys
root = sys.argv[1]
missing = []
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".html"):
            continue
        path = os.path.join(folder, name)
        for link in re.findall(r"(?:href|src)=\"([^\"]+)\"", open(path, encoding="utf-8").read()):
            if re.match(r"^[a-z]+:", link) or link.startswith("#"):
                continue
            target = os.path.normpath(os.path.join(folder, link.split("#")[0]))
            if not os.path.isfile(target):
                missing.append("%s -> %s" % (os.path.relpath(path, root), link))
print("\n".join(missing))
sys.exit(1 if missing else 0)' "$1"
  assert_status 0
}
