#!/usr/bin/env python3
"""Turns bench/run's results folder into the markdown report (on stdout).

    bench/report.py RESULTS_DIR

RESULTS_DIR holds hyperfine's JSON exports (LAYOUT-N-COMMAND.json),
memory.tsv (layout, N, command, peak RSS in KiB), failures.tsv and meta.txt.
Standard library only.
"""

import glob
import json
import os
import re
import statistics
import sys

COMMANDS = ["declare", "note", "severity", "show", "list", "list, no cache", "list --json", "stats",
            "fresh clone: gate", "fresh clone: list", "git write"]
WRITES = ["declare", "note", "severity"]
LAYOUTS = ["checkout", "branch"]
TARGET_N = 10000
BASE_N = 100
# The long-incident row (bench/run --long-events): "note, 1,000 events" and so on.
LONG_NOTE = re.compile(r"^note, ([0-9,]+) events$")


def long_events(cmd):
    """The number of events of a long-incident row's incident; None for any other command."""
    m = LONG_NOTE.match(cmd)
    return int(m.group(1).replace(",", "")) if m else None


def load(results):
    timing, memory, failed = {}, {}, {}
    for path in glob.glob(os.path.join(results, "*.json")):
        r = json.load(open(path))["results"][0]
        layout, n, _ = os.path.basename(path)[:-5].split("-", 2)
        times = sorted(r["times"])
        q = statistics.quantiles(times, n=4, method="inclusive") if len(times) >= 2 else [times[0]] * 3
        timing[(layout, int(n), r["command"])] = {
            "median": r["median"] * 1000, "q1": q[0] * 1000, "q3": q[2] * 1000,
            "min": r["min"] * 1000, "max": r["max"] * 1000, "runs": len(times),
        }
    for name, store in (("memory.tsv", memory), ("failures.tsv", failed)):
        path = os.path.join(results, name)
        if os.path.exists(path):
            for line in open(path):
                layout, n, cmd, value = line.rstrip("\n").split("\t")
                store[(layout, int(n), cmd)] = int(value) / 1024 if store is memory else value
    meta = {}
    if os.path.exists(os.path.join(results, "meta.txt")):
        for line in open(os.path.join(results, "meta.txt")):
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    return timing, memory, failed, meta


def ms(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    results = sys.argv[1]
    timing, memory, failed, meta = load(results)
    sizes = sorted({k[1] for k in list(timing) + list(memory) + list(failed) if long_events(k[2]) is None})
    long_rows = sorted({(k[0], k[1], k[2]) for k in list(timing) + list(memory) + list(failed)
                        if long_events(k[2]) is not None}, key=lambda k: (LAYOUTS.index(k[0]), long_events(k[2])))
    layouts = [l for l in LAYOUTS if any(k[0] == l for k in timing)]
    out = []
    p = out.append
    top = max(sizes) if sizes else None
    p("## Results")
    p("")
    p(f"irctl {meta.get('irctl', '?')}; {meta.get('git', '?')}; {meta.get('hyperfine', '?')}; "
      f"{meta.get('cpu', '?')}; {meta.get('date', '?')}; runs per benchmark {meta.get('runs', '?')}; "
      f"the whole run took {int(meta.get('elapsed', 0)) // 60} min {int(meta.get('elapsed', 0)) % 60} s.")
    p("")
    p("Wall-clock time of the whole command, in milliseconds: the median of the runs, the interquartile range "
      "(IQR, the middle half of the runs) and the fastest and slowest run; peak RSS is the command's "
      "maximum resident memory in MiB (one run, GNU time's %M). Every command ran once before it was measured, "
      "so the summaries that list, list --json and stats keep in the git directory were there; "
      "\"list, no cache\" is list with them removed before each run; \"fresh clone: gate\" and "
      "\"fresh clone: list\" are the first command in a new `git clone` of the repository (checked-out "
      "layout; the clone is made before each run and not timed), as CI runs irctl gate.")
    p("")
    p("| layout | command | N | median ms | IQR ms | min–max ms | runs | peak RSS MiB |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for layout in layouts:
        for cmd in COMMANDS:
            for n in sizes:
                t = timing.get((layout, n, cmd))
                m = memory.get((layout, n, cmd))
                if t is None and m is None:
                    if (layout, n, cmd) in failed:
                        p(f"| {layout} | {cmd} | {n:,} | failed | | | | |")
                    continue
                cells = [f"{ms(t['median'])}", f"{ms(t['q1'])}–{ms(t['q3'])}", f"{ms(t['min'])}–{ms(t['max'])}",
                         str(t["runs"])] if t else ["failed", "", "", ""]
                p(f"| {layout} | {cmd} | {n:,} | " + " | ".join(cells) + f" | {m:.1f} |" if m is not None
                  else f"| {layout} | {cmd} | {n:,} | " + " | ".join(cells) + " | |")
    skipped = sorted({k[1] for k, v in failed.items() if v == "skipped"})
    if skipped:
        p("")
        p(f"The branch layout was skipped at N = {', '.join(f'{n:,}' for n in skipped)}: `irctl list` failed in a code "
          "repository with `irctl.branch` set (this irctl has no branch layout yet).")

    def med(layout, n, cmd):
        t = timing.get((layout, n, cmd))
        return t["median"] if t else None

    # Ratios.
    p("")
    p("### irctl against plain git (checked-out layout)")
    p("")
    p("Median time of the irctl write over the median time of the same write done with plain git "
      "(append the event to the file, `git add`, `git commit`) in the same repository.")
    p("")
    p("| N | " + " | ".join(f"{w} / git" for w in WRITES) + " |")
    p("| ---: |" + " ---: |" * len(WRITES))
    for n in sizes:
        cells = []
        for w in WRITES:
            r = ratio(med("checkout", n, w), med("checkout", n, "git write"))
            cells.append(f"{r:.2f}" if r is not None else "–")
        p(f"| {n:,} | " + " | ".join(cells) + " |")
    if top is not None and BASE_N in sizes and top != BASE_N:
        p("")
        p(f"### Scaling: N = {top:,} against N = {BASE_N}")
        p("")
        p(f"Median time at {top:,} incidents over the median time at {BASE_N} (1.00: no growth).")
        p("")
        p("| command | " + " | ".join(layouts) + " |")
        p("| --- |" + " ---: |" * len(layouts))
        for cmd in COMMANDS:
            cells = []
            for layout in layouts:
                r = ratio(med(layout, top, cmd), med(layout, BASE_N, cmd))
                cells.append(f"{r:.2f}" if r is not None else "–")
            if any(c != "–" for c in cells):
                p(f"| {cmd} | " + " | ".join(cells) + " |")

    if long_rows:
        p("")
        p("### Long incidents")
        p("")
        p(f"`note` on open incidents with more and more events, in a repository of {long_rows[0][1]:,} incidents "
          "plus those.")
        p("")
        p("| layout | command | median ms | IQR ms | min–max ms | runs | peak RSS MiB |")
        p("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for layout, n, cmd in long_rows:
            t, m = timing.get((layout, n, cmd)), memory.get((layout, n, cmd))
            cells = [ms(t["median"]), f"{ms(t['q1'])}–{ms(t['q3'])}", f"{ms(t['min'])}–{ms(t['max'])}",
                     str(t["runs"])] if t else ["failed", "", "", ""]
            p(f"| {layout} | {cmd} | " + " | ".join(cells) + (f" | {m:.1f} |" if m is not None else " | |"))

    # Targets.
    p("")
    p("### Targets")
    p("")
    if top != TARGET_N:
        p(f"The targets are for N = {TARGET_N:,}; this run's largest N is {top:,}, so the verdicts below are "
          f"for N = {top:,} and only indicative.")
        p("")
    p("| target | layout | command | measured | limit | verdict |")
    p("| --- | --- | --- | ---: | ---: | --- |")

    def verdict(value, limit):
        if value is None:
            return "–", "not measured"
        return value, "PASS" if value <= limit else "FAIL"

    rows = []
    if "branch" in layouts and BASE_N in sizes and top != BASE_N:
        for w in WRITES:
            v, ok = verdict(ratio(med("branch", top, w), med("branch", BASE_N, w)), 1.2)
            rows.append((f"write at {top:,} ≤ 1.2 × at {BASE_N}", "branch", w, v, "1.2×", ok))
    elif "branch" not in layouts:
        rows.append((f"write at {top:,} ≤ 1.2 × at {BASE_N}", "branch", "declare, note, severity", "–", "1.2×",
                     "not measured (no branch layout)"))
    # Issue 16: at every size, not only the largest.
    for n in sizes:
        for w in WRITES:
            v, ok = verdict(ratio(med("checkout", n, w), med("checkout", n, "git write")), 0.6)
            rows.append((f"write ≤ 0.6 × plain git at {n:,}", "checkout", w, v, "0.6×", ok))
    if BASE_N in sizes and top != BASE_N:
        for layout in layouts:
            v, ok = verdict(ratio(med(layout, top, "show"), med(layout, BASE_N, "show")), 1.2)
            rows.append((f"show at {top:,} ≤ 1.2 × at {BASE_N}", layout, "show", v, "1.2×", ok))
    for layout in layouts:
        for cmd in ("list", "stats", "list --json"):  # list --json: issue 16
            m = med(layout, top, cmd)
            v, ok = verdict(m, 200)
            rows.append((f"{cmd} at {top:,} < 0.2 s", layout, cmd, v if m is None else f"{m:.0f} ms", "200 ms", ok))
    # Issue 16: the first command in a new clone (CI's git clone, then irctl gate).
    if "checkout" in layouts:
        for cmd, n, limit in (("fresh clone: gate", top, 1000), ("fresh clone: list", 2000, 250)):
            m = med("checkout", n, cmd)
            v, ok = verdict(m, limit)
            rows.append((f"{cmd} at {n:,} < {limit / 1000:g} s", "checkout", cmd, v if m is None else f"{m:.0f} ms",
                         f"{limit} ms", ok))
    # Issue 16: a write's cost independent of the incident's length.
    for layout in LAYOUTS:
        rows_here = [(long_events(c), n, c) for l, n, c in long_rows if l == layout]
        if not rows_here:
            continue
        longest, shortest = max(rows_here), min(rows_here)
        v, ok = verdict(ratio(med(layout, longest[1], longest[2]), med(layout, shortest[1], shortest[2])), 2.0)
        rows.append((f"note at {longest[0]:,} events ≤ 2 × note at {shortest[0]:,} events", layout, "note", v, "2×", ok))
    for layout in layouts:
        worst = max(((memory[(layout, top, c)], c) for c in COMMANDS if c != "git write" and (layout, top, c) in memory),
                    default=None)
        if worst:
            over = [c for c in COMMANDS if c != "git write" and memory.get((layout, top, c), 0) >= 50]
            rows.append((f"peak RSS at {top:,} < 50 MiB, every command", layout,
                         f"worst: {worst[1]}" + (f" (over: {', '.join(over)})" if over else ""),
                         f"{worst[0]:.1f} MiB", "50 MiB", "PASS" if not over else "FAIL"))
    for target, layout, cmd, v, limit, ok in rows:
        shown = f"{v:.2f}×" if isinstance(v, float) else v
        p(f"| {target} | {layout} | {cmd} | {shown} | {limit} | **{ok}** |" if ok == "FAIL"
          else f"| {target} | {layout} | {cmd} | {shown} | {limit} | {ok} |")
    fails = [(layout, n, cmd) for (layout, n, cmd), v in failed.items() if v == "fails"]
    if fails:
        p("")
        p("Commands that failed (not timed): " + ", ".join(f"{c} ({l}, N = {n:,})" for l, n, c in sorted(fails)) + ".")
    print("\n".join(out))


if __name__ == "__main__":
    main()
