#!/usr/bin/env bats
# Long output on a terminal goes through a pager, by git's rule: show,
# timeline and log page through $IRCTL_PAGER, else $PAGER, else less (with
# LESS=FRX when LESS is unset); never off a terminal, with --json or with
# --no-pager; an empty pager or cat is none. irctl waits for the pager.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  command -v script >/dev/null || {
    echo "script(1) is missing: install bsdutils (util-linux)" >&2
    return 1
  }
  unset PAGER
  mkdir -p "$TEST_DIR/bin"
  # A pager that says it ran, with what LESS it got, and marks each line.
  printf '#!/bin/sh\necho "paged by ${0##*/} LESS=${LESS-unset}"\nsed "s/^/| /"\n' >"$TEST_DIR/bin/fakepager"
  chmod +x "$TEST_DIR/bin/fakepager"
  new_repo
  ID=$(declare_incident "Checkout API returns 503")
}
teardown() { common_teardown; }

@test "show, timeline and log page through IRCTL_PAGER on a terminal, with LESS=FRX when LESS is unset" {
  local args
  for args in "show $ID" "timeline $ID" "log $ID"; do
    # shellcheck disable=SC2086
    run on_tty env IRCTL_PAGER="$TEST_DIR/bin/fakepager" irctl $args
    assert_status 0
    assert_output_contains "paged by fakepager LESS=FRX"
    assert_output_contains "| "
    # shellcheck disable=SC2086
    run on_tty env IRCTL_PAGER="$TEST_DIR/bin/fakepager" LESS=SR irctl $args
    assert_status 0
    assert_output_contains "paged by fakepager LESS=SR"
  done
}

@test "IRCTL_PAGER, else PAGER, else less; a pager with arguments runs through the shell" {
  run on_tty env IRCTL_PAGER="$TEST_DIR/bin/fakepager" PAGER=false irctl show "$ID"
  assert_status 0
  assert_output_contains "paged by fakepager"
  run on_tty env PAGER="$TEST_DIR/bin/fakepager --an-argument" irctl show "$ID"
  assert_status 0
  assert_output_contains "paged by fakepager"
  cp "$TEST_DIR/bin/fakepager" "$TEST_DIR/bin/less"
  run on_tty env PATH="$TEST_DIR/bin:$PATH" irctl show "$ID"
  assert_status 0
  assert_output_contains "paged by less LESS=FRX"
  assert_output_contains "Checkout API returns 503"
}

@test "never a pager off a terminal, with --json, with --no-pager, or when it is empty or cat" {
  run --separate-stderr env IRCTL_PAGER="$TEST_DIR/bin/fakepager" irctl show "$ID"
  assert_status 0
  [[ "$output" == "$ID  Checkout API returns 503"* ]]
  local how
  for how in "env IRCTL_PAGER=$TEST_DIR/bin/fakepager irctl show $ID --json" \
    "env IRCTL_PAGER=$TEST_DIR/bin/fakepager irctl --no-pager show $ID" \
    "env IRCTL_PAGER=$TEST_DIR/bin/fakepager irctl timeline $ID --no-pager" \
    "env IRCTL_PAGER= PAGER=$TEST_DIR/bin/fakepager irctl show $ID" \
    "env IRCTL_PAGER=cat PAGER=$TEST_DIR/bin/fakepager irctl log $ID" \
    "env PAGER=cat irctl show $ID" \
    "env IRCTL_PAGER=$TEST_DIR/bin/fakepager irctl list"; do
    # shellcheck disable=SC2086
    run on_tty $how
    assert_status 0
    assert_output_contains "Checkout API returns 503"
    if [[ "$output" == *"paged by"* ]]; then
      echo "paged: $how" >&2
      return 1
    fi
  done
}

@test "a pager that cannot be started leaves the output on the terminal" {
  run on_tty env IRCTL_PAGER=no-such-pager-anywhere irctl --no-color show "$ID"
  assert_status 0
  assert_output_contains "$ID  Checkout API returns 503"
}

@test "irctl exits after its pager does" {
  printf '#!/bin/sh\ncat >/dev/null\nsleep 1\necho finished >"%s"\n' "$TEST_DIR/pager.done" >"$TEST_DIR/bin/slowpager"
  chmod +x "$TEST_DIR/bin/slowpager"
  run on_tty env IRCTL_PAGER="$TEST_DIR/bin/slowpager" irctl show "$ID"
  assert_status 0
  [ "$(cat "$TEST_DIR/pager.done")" = finished ]
}

# Two notes of 60 KB: more than a pipe holds, so irctl is still writing when
# the pager leaves.
add_long_notes() {
  local i
  for i in 1 2; do
    head -c 60000 /dev/zero | tr '\0' 'x' | irctl -q note "$ID" -
  done
}

@test "quitting the pager before the end is no failure: irctl exits 0 and says nothing" {
  add_long_notes
  printf '#!/bin/sh\nhead -c 10 >/dev/null\necho "quit after one screen"\n' >"$TEST_DIR/bin/quitter"
  chmod +x "$TEST_DIR/bin/quitter"
  local args
  for args in "show $ID" "timeline $ID" "log $ID"; do
    # shellcheck disable=SC2086
    run on_tty env IRCTL_PAGER="$TEST_DIR/bin/quitter" irctl $args
    assert_status 0
    [ "${output//$'\r'/}" = "quit after one screen" ]
  done
}

@test "Ctrl-C while the pager shows the output: irctl waits for the pager before it stops, as git does" {
  add_long_notes
  # The pager interrupts irctl (as Ctrl-C at the terminal does), then is still
  # reading for a second: the shell must not get the terminal back before it ends.
  printf '#!/bin/sh\nkill -INT $PPID\nsleep 1\ncat >/dev/null\necho finished >"%s"\n' "$TEST_DIR/pager.done" \
    >"$TEST_DIR/bin/interrupter"
  chmod +x "$TEST_DIR/bin/interrupter"
  run on_tty env IRCTL_PAGER="$TEST_DIR/bin/interrupter" irctl timeline "$ID"
  assert_status 130
  [ "$(cat "$TEST_DIR/pager.done")" = finished ]
}
