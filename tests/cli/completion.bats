#!/usr/bin/env bats
# Shell completion: `irctl __complete WORDS...` and the scripts from
# `irctl completion bash|zsh|fish`.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

COMMANDS=(init declare note show timeline list log use completion)

# The first column (the candidates) of the last run's output.
words() { cut -f1 <<<"$output"; }

@test "__complete '' lists every command as word<TAB>description" {
  run --separate-stderr irctl __complete ""
  assert_status 0
  for c in "${COMMANDS[@]}"; do
    grep -qx "$c	.\+" <<<"$output" || { echo "no '$c<TAB>description' line" >&2; return 1; }
  done
  # every line has exactly one tab and a description, and hidden commands stay hidden
  run py -S -c '
import sys
for line in sys.argv[1].splitlines():
    w, sep, desc = line.partition("\t")
    assert sep and w and desc.strip() and "\t" not in desc, repr(line)
    assert not w.startswith("__"), line' "$output"
  assert_status 0
}

@test "__complete filters commands by the typed prefix" {
  run --separate-stderr irctl __complete de
  assert_status 0
  [ "$(words)" = "declare" ]
}

@test "__complete declare --sev offers --severity" {
  run --separate-stderr irctl __complete declare --sev
  assert_status 0
  [ "$(words)" = "--severity" ]
}

@test "__complete declare -- offers declare's own options and the global ones" {
  run --separate-stderr irctl __complete declare --
  assert_status 0
  for o in --severity --kind --service --commander --summary --started-at --detected-at --channel --json --as --at; do
    words | grep -qx -- "$o" || { echo "missing $o" >&2; return 1; }
  done
  # and not another command's
  [ "$(words | grep -cx -- --status)" -eq 0 ]
}

@test "__complete offers each candidate once" {
  for c in "${COMMANDS[@]}"; do
    run --separate-stderr irctl __complete "$c" --
    assert_status 0
    dups=$(words | sort | uniq -d)
    if [ -n "$dups" ]; then
      echo "irctl __complete $c -- repeats: $dups" >&2
      return 1
    fi
  done
}

@test "__complete declare --severity '' offers SEV1..SEV4 from the repository's config" {
  new_repo
  run --separate-stderr irctl __complete declare --severity ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "SEV1 SEV2 SEV3 SEV4 " ]
  run --separate-stderr irctl __complete declare --kind ""
  assert_status 0
  words | grep -qx outage
  words | grep -qx data-breach
}

@test "__complete offers the configured severities, not a hard-coded list" {
  new_repo
  py -S -c '
p = ".irctl/config.toml"
s = open(p).read()
s = s.replace("name = \"SEV4\"", "name = \"SEV5\"", 1)
open(p, "w").write(s)'
  git commit -qam "rename SEV4"
  run --separate-stderr irctl __complete declare --severity ""
  assert_status 0
  words | grep -qx SEV5
  [ "$(words | grep -cx SEV4)" -eq 0 ]
}

@test "__complete show '' offers @ and the incident IDs" {
  new_repo
  a=$(declare_incident "first incident")
  b=$(declare_incident "second incident")
  run --separate-stderr irctl __complete show ""
  assert_status 0
  words | grep -qx @
  words | grep -qx "$a"
  words | grep -qx "$b"
  grep -q "^$a	first incident" <<<"$output"
  # a typed part narrows the list
  run --separate-stderr irctl __complete note "${a: -6}"
  assert_status 0
  words | grep -qx "$a"
  [ "$(words | grep -cx "$b")" -eq 0 ]
}

@test "__complete stats --by '' offers what stats groups by, with descriptions" {
  run --separate-stderr irctl __complete stats --by ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "severity service kind month " ]
  grep -qx "month	one row per month of declaration (YYYY-MM)" <<<"$output"
  run --separate-stderr irctl __complete stats --by m
  assert_status 0
  [ "$(words)" = "month" ]
}

@test "__complete ingest --format '' offers ingest's formats, not list's" {
  run --separate-stderr irctl __complete ingest --format ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "auto alertmanager grafana pagerduty opsgenie github generic " ]
  run --separate-stderr irctl __complete list --format ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "table ids " ]
}

@test "__complete postmortem --template '' offers the template names, the repository's own included" {
  new_repo
  mkdir -p .irctl/templates
  printf '# {{incident.title}}\n' >.irctl/templates/short.md.mustache
  run --separate-stderr irctl __complete postmortem @ --template ""
  assert_status 0
  [ "$(words | LC_ALL=C sort | tr '\n' ' ')" = "postmortem postmortem-security short update " ]
  run --separate-stderr irctl __complete postmortem -t postmortem-
  assert_status 0
  [ "$(words)" = "postmortem-security" ]
}

@test "__complete action done ID '' offers the open actions' numbers; reopen the done ones'" {
  new_repo
  id=$(declare_incident "with actions")
  irctl -q action add "$id" "Add a canary stage"
  irctl -q action add "$id" "Write the runbook"
  irctl -q action done "$id" 1
  run --separate-stderr irctl __complete action done "$id" ""
  assert_status 0
  [ "$output" = "2	Write the runbook" ]
  run --separate-stderr irctl __complete action reopen @ ""
  assert_status 0
  [ "$output" = "1	Add a canary stage" ]
  # an incident that does not resolve offers nothing, and is no error
  run --separate-stderr irctl __complete action done NOSUCH ""
  assert_status 0
  [ -z "$output" ]
}

@test "__complete task ID done '' offers the open tasks' numbers, each number after the first too; undo the done ones'" {
  new_repo
  id=$(declare_incident "with tasks")
  irctl -q task "$id" done 2 3
  run --separate-stderr irctl __complete task "$id" done ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "1 4 5 6 7 8 " ]
  [ "$(sed -n 1p <<<"$output")" = "1	Confirm the impact and set the severity (irctl severity)" ]
  # the numbers already typed are not offered again
  run --separate-stderr irctl __complete task @ done 1 5 ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "4 6 7 8 " ]
  run --separate-stderr irctl __complete task @ undo ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "2 3 " ]
  run --separate-stderr irctl __complete task NOSUCH done ""
  assert_status 0
  [ -z "$output" ]
}

@test "__complete after -C DIR offers the IDs of the repository in DIR" {
  new_repo
  id=$(declare_incident "elsewhere")
  cd "$TEST_DIR"
  run --separate-stderr irctl __complete -C repo show ""
  assert_status 0
  words | grep -qx "$id"
  # several -C stack, as git's do (from /, so that only both together reach it)
  cd /
  run --separate-stderr irctl __complete -C "$TEST_DIR" -C repo show "${id: -6}"
  assert_status 0
  [ "$(words)" = "$id" ]
}

@test "__complete outside a repository still offers commands and options, without errors" {
  run --separate-stderr irctl __complete ""
  assert_status 0
  words | grep -qx declare
  run --separate-stderr irctl __complete show ""
  assert_status 0
}

@test "completion bash prints a script that bash -n accepts and that completes" {
  run --separate-stderr irctl completion bash
  assert_status 0
  [ -n "$output" ]
  bash -n <<<"$output"
  script=$output
  new_repo
  id=$(declare_incident "for completion")
  run bash -c '
eval "$1"
COMP_WORDS=(irctl decl); COMP_CWORD=1; _irctl; printf "%s\n" "${COMPREPLY[@]}"; echo ---
COMP_WORDS=(irctl declare --severity ""); COMP_CWORD=3; _irctl; printf "%s\n" "${COMPREPLY[@]}"; echo ---
COMP_WORDS=(irctl show ""); COMP_CWORD=2; _irctl; printf "%s\n" "${COMPREPLY[@]}"
' _ "$script"
  assert_status 0
  [ "$(sed -n '1,/^---$/p' <<<"$output" | head -n -1)" = "declare" ]
  [ "$(sed -n '/^---$/,/^---$/p' <<<"$output" | sed 1d | head -n -1 | tr '\n' ' ')" = "SEV1 SEV2 SEV3 SEV4 " ]
  assert_output_contains "$id"
}

@test "completion bash completes the IDs of the repository named by -C DIR, ~ included" {
  run --separate-stderr irctl completion bash
  assert_status 0
  script=$output
  new_repo
  id=$(declare_incident "for completion")
  mv "$TEST_DIR/repo" "$HOME/incidents"
  cd "$TEST_DIR"
  run bash -c '
eval "$1"
COMP_WORDS=(irctl -C "$2" show ""); COMP_CWORD=4; _irctl; printf "%s\n" "${COMPREPLY[@]}"; echo ---
COMP_WORDS=(irctl -C "~/incidents" show ""); COMP_CWORD=4; _irctl; printf "%s\n" "${COMPREPLY[@]}"
' _ "$script" "$HOME/incidents"
  assert_status 0
  [ "$output" = "$(printf '@\n%s\n---\n@\n%s' "$id" "$id")" ]
}

@test "completion zsh prints a script zsh accepts, the same as completions/_irctl" {
  run --separate-stderr irctl completion zsh
  assert_status 0
  assert_output_contains "#compdef irctl"
  zsh -n <<<"$output"
  # the copy that is installed is the script the binary generates
  diff -u "$IRCTL_SOURCE_DIR/completions/_irctl" <(printf '%s\n' "$output")
}

@test "completions/_irctl names every command, subcommand and long option" {
  local script="$IRCTL_SOURCE_DIR/completions/_irctl" missing=() c sub o
  for c in $(irctl __complete "" | cut -f1); do
    grep -q "^        '$c:" "$script" || missing+=("command $c")
    local scopes=("$c")
    for sub in $(irctl __complete "$c" "" | cut -f1); do
      grep -q "^_irctl_${c}_${sub}() {" "$script" && scopes+=("$c $sub")
    done
    for scope in "${scopes[@]}"; do
      fn="_irctl_${scope// /_}"
      fn="${fn//-/_}"  # the generator makes names zsh accepts
      body=$(sed -n "/^$fn() {/,/^}/p" "$script")
      [ -n "$body" ] || { missing+=("function $fn"); continue; }
      # shellcheck disable=SC2086
      for o in $(irctl __complete $scope -- | cut -f1 | grep -- '^--'); do
        grep -qF -- "$o" <<<"$body" || missing+=("$scope $o")
      done
    done
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'not in completions/_irctl: %s\n' "${missing[@]}" >&2
    return 1
  fi
}

# Usage: zsh_offers LINE — what zsh's completion offers after LINE and a Tab,
# with completions/_irctl loaded, sorted, on one line.
zsh_offers() {
  zsh "$IRCTL_SOURCE_DIR/tests/cli/zsh_complete.zsh" "$IRCTL_SOURCE_DIR/completions" "$1" | LC_ALL=C sort -u | tr '\n' ' '
}

@test "zsh completes commands, options, subcommands, option values and incident IDs" {
  new_repo
  id=$(irctl -q declare "Checkout API returns 503")
  offers=$(zsh_offers "irctl ")
  for c in $(irctl __complete "" | cut -f1); do
    [[ " $offers " == *" $c "* ]] || { echo "zsh does not offer the command $c: $offers" >&2; return 1; }
  done
  [ "$(zsh_offers "irctl decl")" = "declare " ]
  offers=$(zsh_offers "irctl declare --")
  for o in --severity --service --kind --commander --started-at --json --as; do
    [[ " $offers " == *" $o "* ]] || { echo "no $o in: $offers" >&2; return 1; }
  done
  [[ " $offers " != *" --version "* ]]
  [ "$(zsh_offers "irctl declare --severity ")" = "SEV1 SEV2 SEV3 SEV4 " ]
  [ "$(zsh_offers "irctl action ")" = "add done edit list reopen " ]
  [ "$(zsh_offers "irctl action add @ --type ")" = "detect mitigate prevent process " ]
  [ "$(zsh_offers "irctl show ")" = "@ $id " ]
  [ "$(zsh_offers "irctl show --json ")" = "@ $id " ]
  # any part of an ID, as irctl show takes it
  [ "$(zsh_offers "irctl show ${id: -4}")" = "$id " ]
  [ "$(zsh_offers "irctl stats --by ")" = "kind month service severity " ]
}

@test "completion fish prints a script fish accepts" {
  run --separate-stderr irctl completion fish
  assert_status 0
  assert_output_contains "complete"
  assert_output_contains "irctl"
  fish --no-execute <<<"$output"
}

@test "a value typed after '=' (--by=se) completes in __complete, bash, zsh and fish" {
  new_repo
  run --separate-stderr irctl __complete stats --by=se
  assert_status 0
  [ "$output" = $'--by=severity\tone row per severity\n--by=service\tone row per affected service' ]
  run --separate-stderr irctl __complete declare --severity=
  assert_status 0
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "--severity=SEV1 --severity=SEV2 --severity=SEV3 --severity=SEV4 " ]
  # bash splits the word at '=' and completes after it
  run bash -c '
source "$1"
COMP_WORDS=(irctl stats --by = se); COMP_CWORD=4; _irctl; printf "%s\n" "${COMPREPLY[@]}"; echo ---
COMP_WORDS=(irctl stats --by =); COMP_CWORD=3; _irctl; printf "%s\n" "${COMPREPLY[@]}"; echo ---
COMP_WORDS=(irctl stats --by = month --since = -30d --by ""); COMP_CWORD=9; _irctl; printf "%s\n" "${COMPREPLY[@]}"
' _ "$IRCTL_SOURCE_DIR/completions/irctl.bash"
  assert_status 0
  [ "$output" = "$(printf '%s\n' severity service --- severity service kind month --- severity service kind month)" ]
  [ "$(zsh_offers "irctl stats --by=se")" = "--by=service --by=severity " ]
  run fish -c 'source "$argv[1]"; complete -C "irctl stats --by=mo"' "$IRCTL_SOURCE_DIR/completions/irctl.fish"
  assert_status 0
  [ "$output" = $'--by=month\tone row per month of declaration (YYYY-MM)' ]
}

@test "completion with an unknown or missing shell exits 2" {
  run --separate-stderr irctl completion tcsh
  assert_status 2
  assert_text_error
  run --separate-stderr irctl completion
  assert_status 2
}

@test "__complete reads the repository and writes nothing to it: no merge driver configured by a Tab press" {
  new_repo
  id=$(declare_incident "tab")
  git config --local --unset merge.irctl.driver
  run_unchanged --separate-stderr irctl __complete show ""
  assert_status 0
  [ "$(words | tr '\n' ' ')" = "@ $id " ]
  run git config --local merge.irctl.driver
  assert_status 1
}
