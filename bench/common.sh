# What bench/run, bench/instructions and bench/peers share (sourced, not run).

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

# clean_environment WORK: your own git configuration (commit signing, hooks,
# fsmonitor) would skew one side or the other: every command runs with an
# empty HOME under WORK and only this identity.
clean_environment() {
  mkdir -p "$1/home"
  export HOME=$1/home XDG_CONFIG_HOME=$1/home/.config GIT_CONFIG_NOSYSTEM=1
  unset IRCTL_DIR GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE EDITOR VISUAL || true
  export IRCTL_ACTOR="Bench <bench@example.com>" NO_COLOR=1 TZ=UTC LC_ALL=C
  export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
  export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
  git config --global user.name Bench
  git config --global user.email bench@example.com
  git config --global init.defaultBranch master
  git config --global gc.auto 0   # no auto-gc in the middle of a measurement, for either side
}

# repos_key IRCTL SEED END: the cache folder of the generated repositories.
# The generated files depend on the generator, the seed and the end date; the
# config files on `irctl init` (hence its version).
repos_key() {
  (cat "$here/generate.py"; echo "seed=$2 end=$3"; "$1" --version 2>/dev/null | head -1;
   [ -n "$3" ] || date -u +%Y-%m) | sha256sum | cut -c1-12
}
