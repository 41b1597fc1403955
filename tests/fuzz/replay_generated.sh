#!/usr/bin/env bash
# Replays a fuzz target over the incident files of a repository that
# bench/generate.py writes (the bench's data, which no corpus holds):
#
#   replay_generated.sh REPLAY_BINARY IRCTL_BINARY SOURCE_DIR [N]
#
# The same files every run (fixed seed and end date). CTest runs it as
# fuzz/toml_differential/generated: toml++ and toml11 must agree on each.
set -euo pipefail
replay=$1 irctl=$2 source_dir=$3 n=${4:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work GIT_CONFIG_NOSYSTEM=1 IRCTL_ACTOR="Bench <bench@example.com>"
{
  "$irctl" init "$work/repo" &&
    python3 "$source_dir/bench/generate.py" "$work/repo" "$n" --seed 1 --end 2026-01-01
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; exit 1; }
mapfile -t files < <(find "$work/repo/incidents" -name '*.toml' | sort)
[ "${#files[@]}" -eq "$n" ] || { echo "replay_generated.sh: expected $n incident files, found ${#files[@]}" >&2; exit 1; }
"$replay" "${files[@]}" 2>"$work/replay.log" || { cat "$work/replay.log" >&2; exit 1; }
# And each is read as an incident (agreeing by both refusing would pass too).
listed=$("$irctl" -C "$work/repo" list --status open,resolved,closed,void --format ids | wc -l)
[ "$listed" -eq "$n" ] || { echo "replay_generated.sh: irctl list shows $listed incidents of $n" >&2; exit 1; }
