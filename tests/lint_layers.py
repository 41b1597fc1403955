#!/usr/bin/env python3
"""Keeps docs/architecture.md's layers true: a file of core/ includes only
core/ headers of its own layer or below (util < model < store < core/ itself;
core/error.hpp under all of them), cmd/ is included by no file of core/, and
the headers of core/ include each other without a cycle.

Usage: lint_layers.py SOURCE_DIR. Prints FILE: what is wrong, and exits 1.
"""
import re
import sys
from pathlib import Path

LAYERS = {"util": 0, "model": 1, "store": 2}
INCLUDE = re.compile(r'^#include "((?:core|cmd)/[^"]+)"', re.M)


def layer(path: str) -> int:
    """-1 for core/error.hpp, 0-2 for the sub-folders, 3 for core/ itself."""
    parts = path.split("/")
    if parts[0] == "cmd":
        return 4
    if path == "core/error.hpp":
        return -1
    return LAYERS.get(parts[1], 3) if len(parts) == 3 else 3


def includes(root: Path, path: str) -> list:
    return INCLUDE.findall((root / path).read_text(encoding="utf-8"))


def upward_includes(root: Path, files: list) -> list:
    return [f"{f}: includes {inc}, a layer above it (see docs/architecture.md)"
            for f in files for inc in includes(root, f) if layer(inc) > layer(f)]


def header_cycle(root: Path, headers: list) -> list:
    graph = {h: [i for i in includes(root, h) if i.endswith(".hpp")] for h in headers}
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                return path + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for h in headers:
        if h not in state:
            found = visit(h, [h])
            if found:
                return [f"{found[0]}: its includes make a cycle: " + " -> ".join(found)]
    return []


def main() -> int:
    root = Path(sys.argv[1])
    files = sorted(str(p.relative_to(root)) for p in (root / "core").rglob("*.[ch]pp"))
    if not files:
        print(f"{root}: no sources in core/; give the source directory")
        return 2
    problems = upward_includes(root, files) + header_cycle(root, [f for f in files if f.endswith(".hpp")])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
