#!/usr/bin/env bats
# The documentation matches the binary: every command that `irctl __complete ""`
# lists has --help, a man page man/irctl-CMD.1 whose SYNOPSIS shows exactly
# the command's own long options, and the shell completion files exist. A
# command with subcommands (irctl action add|done|reopen|list) has a form in
# its SYNOPSIS for each, showing exactly that subcommand's long options.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# The commands, one per line, as the binary lists them.
commands() {
  irctl __complete "" | cut -f1
}

# The long options `irctl __complete CMD [SUBCOMMAND] --` offers, one per
# line, sorted.
binary_options() {
  irctl __complete "$@" -- | cut -f1 | grep -- '^--' | sort -u
}

# The same without the global options.
own_options() {
  local globals
  globals=$(printf '%s\n' "${GLOBAL_LONG_OPTIONS[@]}")
  binary_options "$@" | grep -vxF -- "$globals" || true
}

# The subcommands of command $1, one per line, as the completion offers them
# (`irctl __complete action ""`); nothing for a command without subcommands,
# which is one whose --help shows no "Subcommands:" section (the completion
# offers other things there, such as incident IDs or shell names).
subcommands() {
  irctl "$1" --help 2>/dev/null | grep -qx 'Subcommands:' || return 0
  irctl __complete "$1" "" | cut -f1
}

# The subcommands that `irctl CMD --help` lists under "Subcommands:".
help_subcommands() {
  irctl "$1" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# The --options in the SYNOPSIS section of man page $1, one per line, sorted:
# the text between `.SH SYNOPSIS` and the next `.SH`, with \- turned into -.
synopsis_options() {
  awk '
    /^\.SH/ { insec = ($0 ~ /^\.SH[ \t]+"?SYNOPSIS"?[ \t]*$/); next }
    insec { print }
  ' "$1" | sed 's/\\-/-/g' | grep -o -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u || true
}

# The forms of the SYNOPSIS of man page $1, one per line, as plain text:
# font escapes and macro names dropped, \- turned into -, and a line that does
# not start with "irctl" joined to the form before it.
synopsis_forms() {
  awk '
    /^\.SH/ { insec = ($0 ~ /^\.SH[ \t]+"?SYNOPSIS"?[ \t]*$/); next }
    !insec { next }
    {
      line = $0
      gsub(/\\f(\(..|\[[^]]*\]|.)/, "", line)
      gsub(/\\-/, "-", line)
      gsub(/\\[%&]/, "", line)
      sub(/^\.[A-Za-z]+[ \t]*/, "", line)
      gsub(/"/, "", line)
      if (line ~ /^[ \t]*$/) next
      if (line ~ /^irctl([ \t]|$)/) { if (form != "") print form; form = line }
      else if (form != "") form = form " " line
    }
    END { if (form != "") print form }
  ' "$1"
}

# The --options of one SYNOPSIS form ($1), one per line, sorted.
form_options() {
  grep -o -- '--[A-Za-z0-9][A-Za-z0-9-]*' <<<"$1" | sort -u || true
}

# The subcommand that a SYNOPSIS form ($2) of command $1 is about: its third
# word when that is one of the subcommands ($3, one per line), else nothing.
form_subcommand() {
  local third
  third=$(awk -v cmd="$1" '$1 == "irctl" && $2 == cmd { print $3 }' <<<"$2")
  if [ -n "$third" ] && grep -qxF -- "$third" <<<"$3"; then echo "$third"; fi
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
  local problems=() page o s
  for c in $(commands); do
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { problems+=("irctl-$c.1 is missing"); continue; }
    # the command's options, and those of its subcommands when it has any
    # (which subcommand has which is checked form by form below)
    known=$(binary_options "$c")
    for s in $(subcommands "$c"); do
      known+=$'\n'$(binary_options "$c" "$s")
    done
    for o in $(synopsis_options "$page"); do
      grep -qxF -- "$o" <<<"$known" || problems+=("irctl-$c.1: SYNOPSIS shows $o, which irctl $c does not have")
    done
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "commands with subcommands: --help and the completion list the same ones (sanity check)" {
  local problems=() c
  # action is one of them; commands whose completion offers other words are not
  [ "$(subcommands action | tr '\n' ' ')" = "add done reopen edit list " ]
  [ -z "$(subcommands declare)" ]
  [ -z "$(subcommands completion)" ]
  for c in $(commands); do
    [ "$(subcommands "$c" | sort)" = "$(help_subcommands "$c" | sort)" ] ||
      problems+=("irctl $c: --help lists '$(help_subcommands "$c" | tr '\n' ' ')', the completion '$(subcommands "$c" | tr '\n' ' ')'")
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "every subcommand's --help exits 0" {
  local failed=() c s
  for c in $(commands); do
    for s in $(subcommands "$c"); do
      irctl "$c" "$s" --help >/dev/null 2>&1 || failed+=("$c $s")
    done
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "--help failed for: ${failed[*]}" >&2
    return 1
  fi
}

@test "every subcommand has a SYNOPSIS form that shows each of its options" {
  local problems=() page c s o form forms syn subs
  for c in $(commands); do
    subs=$(subcommands "$c")
    [ -n "$subs" ] || continue
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { problems+=("irctl-$c.1 is missing"); continue; }
    forms=$(synopsis_forms "$page")
    for s in $subs; do
      syn=""
      while IFS= read -r form; do
        if [ "$(form_subcommand "$c" "$form" "$subs")" = "$s" ]; then syn+=$(form_options "$form")$'\n'; fi
      done <<<"$forms"
      if ! grep -q "^irctl $c $s\b" <<<"$forms"; then
        problems+=("irctl-$c.1: SYNOPSIS has no form 'irctl $c $s ...'")
        continue
      fi
      for o in $(own_options "$c" "$s"); do
        grep -qxF -- "$o" <<<"$syn" || problems+=("irctl-$c.1: SYNOPSIS of 'irctl $c $s' lacks $o")
      done
    done
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "every option in a subcommand's SYNOPSIS form exists in that subcommand" {
  local problems=() page c s o form subs known
  for c in $(commands); do
    subs=$(subcommands "$c")
    [ -n "$subs" ] || continue
    page="$IRCTL_SOURCE_DIR/man/irctl-$c.1"
    [ -f "$page" ] || { problems+=("irctl-$c.1 is missing"); continue; }
    while IFS= read -r form; do
      [ -n "$form" ] || continue
      s=$(form_subcommand "$c" "$form" "$subs")
      if [ -n "$s" ]; then known=$(binary_options "$c" "$s"); else known=$(binary_options "$c"); fi
      for o in $(form_options "$form"); do
        grep -qxF -- "$o" <<<"$known" ||
          problems+=("irctl-$c.1: SYNOPSIS form '$form' shows $o, which irctl $c${s:+ $s} does not have")
      done
    done < <(synopsis_forms "$page")
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    printf '%s\n' "${problems[@]}" >&2
    return 1
  fi
}

@test "the SYNOPSIS form parser splits forms and finds their subcommands (self-test)" {
  cat >"$TEST_DIR/t.1" <<'EOF'
.TH IRCTL-DEMO 1
.SH SYNOPSIS
irctl demo add [\fB\-\-owner\fR \fIPERSON\fR] ID
.br
.B irctl demo list
[\-\-open]
\%[\-\-no-color]
.br
irctl demo \-\-help
.SH OPTIONS
irctl demo add \-\-not\-in\-synopsis
EOF
  run synopsis_forms "$TEST_DIR/t.1"
  assert_status 0
  [ "${#lines[@]}" -eq 3 ]
  [ "${lines[0]}" = "irctl demo add [--owner PERSON] ID" ]
  [ "${lines[1]}" = "irctl demo list [--open] [--no-color]" ]
  [ "${lines[2]}" = "irctl demo --help" ]
  subs=$'add\nlist'
  [ "$(form_subcommand demo "${lines[0]}" "$subs")" = add ]
  [ "$(form_subcommand demo "${lines[1]}" "$subs")" = list ]
  [ -z "$(form_subcommand demo "${lines[2]}" "$subs")" ]
  [ -z "$(form_subcommand other "${lines[0]}" "$subs")" ]
  [ "$(form_options "${lines[1]}" | tr '\n' ' ')" = "--no-color --open " ]
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
