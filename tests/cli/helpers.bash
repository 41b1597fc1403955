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
  unset IRCTL_DIR IRCTL_ACTOR NO_COLOR
  PATH="$(dirname "$IRCTL_BIN"):$PATH"
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
  git -C "$TEST_DIR/repo" config user.name "Alice Example"
  git -C "$TEST_DIR/repo" config user.email "alice@example.com"
  cd "$TEST_DIR/repo" || return 1
  irctl -q init >/dev/null
}

# A fingerprint of everything a command could change: HEAD, the index, the
# work tree (tracked and untracked), and the current incident.
repo_state() {
  {
    git rev-parse HEAD 2>/dev/null
    git status --porcelain --untracked-files=all
    git ls-files -s
    find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    cat "$(git rev-parse --git-dir)/irctl/current" 2>/dev/null
  } | sha256sum
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
