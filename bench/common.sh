# What bench/run and bench/instructions share (sourced, not run).

# An open incident with a typical timeline (10 to 25 events), to write to and show.
pick_target() {
  local repo=$1 f n
  for f in $(cd "$repo" && grep -rlE '^status = "(identification|containment|eradication|recovery)"' incidents | sort); do
    n=$(grep -c '^\[\[timeline\]\]' "$repo/$f")
    if [ "$n" -ge 10 ] && [ "$n" -le 25 ]; then echo "$f"; return; fi
  done
  (cd "$repo" && grep -rlE '^status = "(identification|containment|eradication|recovery)"' incidents | sort | head -1)
}
