#!/usr/bin/env bats
# The documentation matches the binary: every command that `irctl __complete ""`
# lists has --help, a man page man/irctl-CMD.1 whose SYNOPSIS shows exactly
# the command's own long options, and the shell completion files exist.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# The commands, one per line, as the binary lists them.
commands() {
  irctl __complete "" | cut -f1
}

# The long options `irctl __complete CMD --` offers, one per line, sorted.
binary_options() {
  irctl __complete "$1" -- | cut -f1 | grep -- '^--' | sort -u
}

# The same without the global options.
own_options() {
  local globals
  globals=$(printf '%s\n' "${GLOBAL_LONG_OPTIONS[@]}")
  binary_options "$1" | grep -vxF -- "$globals" || true
}

# The --options in the SYNOPSIS section of man page $1, one per line, sorted:
# the text between `.SH SYNOPSIS` and the next `.SH`, with \- turned into -.
synopsis_options() {
  awk '
    /^\.SH/ { insec = ($0 ~ /^\.SH[ \t]+"?SYNOPSIS"?[ \t]*$/); next }
    insec { print }
  ' "$1" | sed 's/\\-/-/g' | grep -o -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u || true
}

@test "the binary lists its commands (sanity check for the tests below)" {
  run commands
  assert_status 0
  [ "$(wc -l <<<"$output")" -ge 9 ]
  grep -qx declare <<<"$output"
}

@test "every command's --help exits 0" {
  local failed=()
  for c in $(commands); do
    irctl "$c" --help >/dev/null 2>&1 || failed+=("$c")
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "--help failed for: ${failed[*]}" >&2
    return 1
  fi
}

@test "the main man page man/irctl.1 exists" {
  [ -f "$IRCTL_SOURCE_DIR/man/irctl.1" ]
}

@test "every command has a man page man/irctl-CMD.1" {
  local missing=()
  for c in $(commands); do
    [ -f "$IRCTL_SOURCE_DIR/man/irctl-$c.1" ] || missing+=("man/irctl-$c.1")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "missing man pages: ${missing[*]}" >&2
    return 1
  fi
}

@test "every man page has a SYNOPSIS section" {
  local bad=()
  for c in $(commands); do
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { bad+=("irctl-$c.1 (missing)"); continue; }
    grep -Eq '^\.SH[ 	]+"?SYNOPSIS"?[ 	]*$' "$page" || bad+=("irctl-$c.1")
  done
  if [ "${#bad[@]}" -gt 0 ]; then
    echo "no SYNOPSIS in: ${bad[*]}" >&2
    return 1
  fi
}

@test "every option of a command appears in its man page's SYNOPSIS" {
  local problems=() page o
  for c in $(commands); do
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { problems+=("irctl-$c.1 is missing"); continue; }
    syn=$(synopsis_options "$page")
    for o in $(own_options "$c"); do
      grep -qxF -- "$o" <<<"$syn" || problems+=("irctl-$c.1: SYNOPSIS lacks $o")
    done
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "every option in a man page's SYNOPSIS exists in the binary" {
  local problems=() page o
  for c in $(commands); do
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { problems+=("irctl-$c.1 is missing"); continue; }
    known=$(binary_options "$c")
    for o in $(synopsis_options "$page"); do
      grep -qxF -- "$o" <<<"$known" || problems+=("irctl-$c.1: SYNOPSIS shows $o, which irctl $c does not have")
    done
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "the SYNOPSIS parser finds options written in roff (self-test)" {
  cat >"$TEST_DIR/t.1" <<'EOF'
.TH IRCTL-DEMO 1
.SH NAME
irctl\-demo \- demo
.SH SYNOPSIS
.B irctl demo
[\fB\-\-severity\fR \fILEVEL\fR] [\fB\-k\fR|\fB\-\-kind\fR \fIKIND\fR]
.SH OPTIONS
.TP
\fB\-\-not\-in\-synopsis\fR
EOF
  [ "$(synopsis_options "$TEST_DIR/t.1" | tr '\n' ' ')" = "--kind --severity " ]
}

@test "the bash, zsh and fish completion files exist" {
  for f in completions/irctl.bash completions/_irctl completions/irctl.fish; do
    [ -s "$IRCTL_SOURCE_DIR/$f" ] || { echo "missing: $f" >&2; return 1; }
  done
  bash -n "$IRCTL_SOURCE_DIR/completions/irctl.bash"
}
