#!/usr/bin/env python3
"""Fails when a bats `run` is not followed by a check of its exit status.

Usage: lint_runs.py FILE.bats [FILE.bats ...]

bats' `run` swallows the exit status, so a test that runs a command and then
only checks that some text is absent passes when the command crashes (git's
t/ keeps the same discipline with test_must_fail). Every `run`, and every
call of a wrapper of it (a function named run_*, such as helpers.bash's
run_unchanged, whose caller checks the status), must be followed, before the
next `run` and before its test or function ends, by one of:

  assert_status N                     helpers.bash; prints the output on failure
  [ "$status" -eq N ] || { ...; }     the same, where a loop names the case
  if [ "$status" -ne N ]; then ...    (any comparison of $status that fails)
  run -N ...                          bats' own form checks the status itself

A line that only says what the status is not, `[ "$status" -ne 0 ]`, does
not count and is reported: a crash (status 134 or 139) passes it. Name the
exit status the command documents instead.

Exit status: 0 when every run is checked, 1 otherwise (each problem printed as
FILE:LINE: message), 2 on a usage error.
"""

import re
import sys

# A command line that starts with run, or with a wrapper of run (a function
# named run_*, such as helpers.bash's run_unchanged): the caller of a wrapper
# checks the status of the run the wrapper ends with.
RUN = re.compile(r"^\s*(run|run_[A-Za-z0-9_]+)(?:\s|$)")
RUN_WITH_STATUS = re.compile(r"^\s*run\s+(?:--\S+\s+)*-\d+\s")
FUNCTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*\{")
ASSERT_STATUS = re.compile(r"(?:^|[\s;&|{(!])assert_status\s+\S")
STATUS_VAR = r'"?\$\{?status\}?"?'
STATUS_COMPARED = re.compile(STATUS_VAR + r"\s+(?:-eq|-ne|==?|!=)\s+\S")
# A line that only asserts what the status is not: [ "$status" -ne 0 ],
# possibly several joined by &&. Inside `if` or before `|| fail` a -ne is fine.
NOT_STATUS = r"\[\[?\s*" + STATUS_VAR + r"\s+(?:-ne|!=)\s+\S+\s*\]\]?"
STATUS_IS_NOT = re.compile(r"^\s*" + NOT_STATUS + r"(?:\s*&&\s*" + NOT_STATUS + r")*\s*$")
# The end of a test or of a function defined at the top level of a suite.
BLOCK_END = re.compile(r"^}\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z_0-9]*)\1")


def logical_lines(text):
    """Yields (line number, text) with continuation lines joined and heredoc
    bodies and comments left out, so that text inside them is never taken
    for a command."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i]
        i += 1
        heredoc = HEREDOC.search(line)
        if heredoc:
            end = heredoc.group(2)
            while i < len(lines) and lines[i].strip() != end:
                i += 1
            i += 1
        if line.lstrip().startswith("#"):
            continue
        yield start + 1, line


def is_status_check(line):
    return bool(ASSERT_STATUS.search(line) or STATUS_COMPARED.search(line)) and not STATUS_IS_NOT.search(line)


def problems(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = []
    pending = None  # the line number of a run whose status is not checked yet

    def unchecked(where):
        found.append(
            f"{path}:{pending}: the exit status of this run is never checked "
            f"(before {where}); add `assert_status N` after it (N: the status "
            f"the command must exit with, 0 for success)"
        )

    in_wrapper = False  # inside the body of a function named run_*
    for number, line in logical_lines(text):
        function = FUNCTION.match(line)
        if function:
            in_wrapper = function.group(1).startswith("run_")
            continue
        if STATUS_IS_NOT.search(line):
            found.append(
                f"{path}:{number}: a check of what the status is not passes a crash; "
                f"replace it with `assert_status N` naming the expected exit status"
            )
        if RUN.match(line):
            if pending is not None:
                unchecked(f"the next run at line {number}")
            pending = None if RUN_WITH_STATUS.match(line) else number
            continue
        if pending is not None and is_status_check(line):
            pending = None
        if BLOCK_END.match(line):
            if pending is not None and not in_wrapper:
                unchecked(f"the end of the block at line {number}")
            pending = None
            in_wrapper = False
    if pending is not None:
        unchecked("the end of the file")
    return sorted(found, key=lambda p: int(p[len(path) + 1 :].split(":", 1)[0]))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    found = [p for path in argv[1:] for p in problems(path)]
    for p in found:
        print(p, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
