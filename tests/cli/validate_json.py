#!/usr/bin/env python3
"""Validates irctl's --json documents against schema/irctl-output.v1.schema.json.

Usage: validate_json.py [--schema FILE] DEF FILE [DEF FILE ...]

Each FILE (- for standard input) must hold exactly one JSON document, which is
validated against the schema's $defs entry DEF (show, list, event_result,
error, ...). Duplicate keys, NaN and Infinity are refused, as a strict JSON
reader would. An "error" document must be one line, as irctl(1) promises; DEF
error:N also requires its error.exit to be N, the exit status of the command
that printed it.

Exit status: 0 when every document is valid, 1 when one is not (each problem
is printed on standard error with the document's path to it), 2 on a usage
error or when the jsonschema module is missing.
"""

import argparse
import json
import os
import sys


def die(message):
    print("validate_json.py: " + message, file=sys.stderr)
    sys.exit(2)


try:
    import jsonschema
except ImportError:
    die("the Python module jsonschema is missing; install python3-jsonschema (scripts/install-deps does)")

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schema",
                              "irctl-output.v1.schema.json")


def strict_object(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError("duplicate key %r" % key)
        seen[key] = value
    return seen


def refuse_constant(name):
    raise ValueError("%s is not JSON" % name)


def load_document(text):
    return json.loads(text, object_pairs_hook=strict_object, parse_constant=refuse_constant)


def where(error):
    path = "".join("[%s]" % json.dumps(p) for p in error.absolute_path)
    return "document" + path


def problems_of(schema, name, text, exit_status):
    """The problems of one document, as lines of text; none when it is valid."""
    try:
        doc = load_document(text)
    except ValueError as e:
        return ["not one JSON document: %s" % e]
    out = []
    if name == "error":
        if text.count("\n") != 1 or not text.endswith("\n"):
            out.append("an error must be one line of JSON ending in a newline")
        if exit_status is not None:
            e = doc.get("error") if isinstance(doc, dict) else None
            if not isinstance(e, dict) or e.get("exit") != exit_status:
                out.append("error.exit is %r but the exit status was %d"
                           % (e.get("exit") if isinstance(e, dict) else None, exit_status))
    wrapper = dict(schema)
    wrapper.pop("anyOf", None)
    wrapper["$ref"] = "#/$defs/" + name
    validator = jsonschema.Draft202012Validator(wrapper)
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        out.append("%s: %s" % (where(error), error.message))
        # The branch that came closest, for anyOf/oneOf and if/then failures.
        for sub in sorted(error.context or [], key=lambda e: -len(e.absolute_path))[:3]:
            out.append("  %s: %s" % (where(sub), sub.message))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    parser.add_argument("pairs", nargs="+", metavar="DEF FILE")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("give DEF FILE pairs")
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        die("%s is not a valid JSON Schema: %s" % (args.schema, e.message))
    defs = schema.get("$defs", {})
    failed = False
    stdin_text = None
    for name, path in zip(args.pairs[0::2], args.pairs[1::2]):
        exit_status = None
        if name.startswith("error:"):
            name, status = name.split(":", 1)
            if not status.isdigit():
                parser.error("error:N needs a number, not %r" % status)
            exit_status = int(status)
        if name not in defs:
            parser.error("the schema has no $defs entry %r" % name)
        if path == "-":
            if stdin_text is None:
                stdin_text = sys.stdin.read()
            text = stdin_text
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        problems = problems_of(schema, name, text, exit_status)
        if problems:
            failed = True
            print("%s does not match $defs/%s:" % ("standard input" if path == "-" else path, name), file=sys.stderr)
            for p in problems:
                print("  " + p, file=sys.stderr)
            print("  the document was: %s" % (text if len(text) < 4000 else text[:4000] + "..."), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
