# What bench/run and bench/instructions share (sourced, not run).

# An open incident with a typical timeline, to write to and show: of those
# with 10 to 25 events, the one closest to 15 (the first in path order among
# equals), so that every size writes to a file of about the same length and
# the scaling ratios compare repositories, not incidents.
pick_target() {
  local repo=$1 f n best="" best_distance=99 distance
  for f in $(cd "$repo" && grep -rlE '^status = "(identification|containment|eradication|recovery)"' incidents | sort); do
    n=$(grep -c '^\[\[timeline\]\]' "$repo/$f")
    [ "$n" -ge 10 ] && [ "$n" -le 25 ] || continue
    distance=$((n > 15 ? n - 15 : 15 - n))
    if [ "$distance" -lt "$best_distance" ]; then best=$f best_distance=$distance; fi
    [ "$distance" -eq 0 ] && break
  done
  if [ -n "$best" ]; then echo "$best"; return; fi
  (cd "$repo" && grep -rlE '^status = "(identification|containment|eradication|recovery)"' incidents | sort | head -1)
}
