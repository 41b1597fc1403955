#!/usr/bin/env python3
"""Validates the status page's machine-readable files against their formats.

Usage: validate_feeds.py SITE_DIR [--url URL]
       validate_feeds.py atom|rss|ics|json FILE [--url URL]

With a folder, checks every feed it holds: feed.atom, feed.rss,
maintenance.ics (when there), api/v2/summary.json, status.json and
incidents.json. Prints one line per file ("ok: feed.atom" or
"invalid: feed.atom: WHY", a line per problem) and exits 1 if any is invalid.
--url is the page's configured [status_page] url: with it, the RSS links must
be absolute URLs under it.

What validates what:
- Atom: RFC 4287's RELAX NG schema (tests/schemas/atom.rnc, its Appendix B),
  turned into RELAX NG's XML syntax by rnc2rng (Debian python3-rnc2rng) and
  checked by xmllint --relaxng (Debian libxml2-utils); then the schema's
  Schematron rules, which a RELAX NG validator skips, here in Python.
- RSS 2.0: the rules of the RSS 2.0 specification, version 2.0.11
  (https://www.rssboard.org/rss-specification) and of the RSS Advisory
  Board's profile (https://www.rssboard.org/rss-profile), each named where it
  is checked. RSS has no normative schema.
- iCalendar: RFC 5545, read by python3-icalendar, plus the octet-level rules
  that a parser forgives (CRLF, 75-octet lines).
- JSON: a JSON Schema (Draft 2020-12, python3-jsonschema) of Atlassian
  Statuspage's public API v2 documents, tests/schemas/statuspage-api-v2.json.
"""

import argparse
import datetime
import email.utils
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ATOM = "{http://www.w3.org/2005/Atom}"


# --- Atom -------------------------------------------------------------------

def atom_rng(tmp):
    """The RFC's compact schema in XML syntax, which xmllint reads."""
    rng = subprocess.run(["rnc2rng", os.path.join(HERE, "atom.rnc")], capture_output=True, text=True, check=True).stdout
    # rnc2rng declares the schema's `namespace local = ""` as xmlns:local="",
    # which XML namespaces 1.0 forbid; the grammar names that namespace by
    # ns="" wherever it uses it, so the declaration can go.
    rng = rng.replace(' xmlns:local=""', "")
    path = os.path.join(tmp, "atom.rng")
    with open(path, "w", encoding="utf-8") as f:
        f.write(rng)
    return path


def atom_schematron(root):
    """RFC 4287 Appendix B's s:rule annotations (sections 4.1.1 and 4.1.2)."""
    problems = []
    feed_has_author = root.find(ATOM + "author") is not None
    entries = root.findall(ATOM + "entry") if root.tag == ATOM + "feed" else [root]
    for n, entry in enumerate(entries, 1):
        alternate = any(l.get("rel", "alternate") == "alternate" for l in entry.findall(ATOM + "link"))
        if not alternate and entry.find(ATOM + "content") is None:
            problems.append("entry %d: an atom:entry must have at least one atom:link element with a rel attribute "
                            "of 'alternate' or an atom:content" % n)
        if not (feed_has_author or entry.find(ATOM + "author") is not None
                or entry.find(ATOM + "source/" + ATOM + "author") is not None):
            problems.append("entry %d: an atom:entry must have an atom:author if its feed does not" % n)
    return problems


def check_atom(path, url):
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["xmllint", "--noout", "--relaxng", atom_rng(tmp), path], capture_output=True, text=True)
    if run.returncode != 0:
        return [line for line in run.stderr.splitlines() if "validity error" in line or "parser error" in line] or \
            [run.stderr.strip()]
    return atom_schematron(ET.parse(path).getroot())


# --- RSS 2.0 ----------------------------------------------------------------

SPEC = "RSS 2.0 specification"
PROFILE = "RSS Advisory Board's RSS profile"
# The elements the specification defines, for a channel and for an item
# ("Required channel elements", "Optional channel elements", "Elements of <item>").
CHANNEL_ELEMENTS = {"title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
                    "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
                    "rating", "textInput", "skipHours", "skipDays", "item"}
ITEM_ELEMENTS = {"title", "link", "description", "author", "category", "comments", "enclosure", "guid",
                 "pubDate", "source"}
# RFC 822 section 5, with the four-digit year that the RSS profile ("pubDate")
# asks for; RFC 822's own two-digit year is what the profile warns against.
RFC822 = re.compile(r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? "
                    r"([+-]\d{4}|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z])$")


def rss_date_problems(where, text):
    m = RFC822.match(text or "")
    if not m:
        return ["%s: %r is not an RFC 822 date with a four-digit year (%s, \"pubDate\"; %s, \"pubDate\")"
                % (where, text, SPEC, PROFILE)]
    parsed = email.utils.parsedate_tz(text)
    if parsed is None:
        return ["%s: %r is not a date (%s)" % (where, text, SPEC)]
    if m.group(1):
        weekday = datetime.date(parsed[0], parsed[1], parsed[2]).strftime("%a")
        if weekday != m.group(1):
            return ["%s: %r names the wrong day of the week (%s)" % (where, text, weekday)]
    return []


def absolute_problems(where, link, url):
    """With a configured url, a link is an absolute URL (the specification's
    examples and the profile's "link": "the URL of ..."), under the page's url."""
    if not url:
        return []
    parts = urllib.parse.urlsplit(link or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ["%s: %r is not an absolute URL (%s, \"link\")" % (where, link, PROFILE)]
    if not link.startswith(url.rstrip("/") + "/") and link != url:
        return ["%s: %r is not under the page's url %s" % (where, link, url)]
    return []


def unknown_problems(where, element, known):
    return ["%s: <%s> is not an element of RSS 2.0 (%s: elements in no namespace are the specification's; "
            "extensions live in a namespace)" % (where, child.tag, SPEC)
            for child in element if not child.tag.startswith("{") and child.tag not in known]


def check_rss(path, url):
    root = ET.parse(path).getroot()
    problems = []
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["the root is not <rss version=\"2.0\"> (%s, \"What is RSS?\")" % SPEC]
    channels = root.findall("channel")
    if len(channels) != 1 or len(root) != 1:
        return ["<rss> holds %d <channel> and %d elements: it holds exactly one <channel> (%s)"
                % (len(channels), len(root), SPEC)]
    channel = channels[0]
    for name in ("title", "link", "description"):  # "Required channel elements"
        if len(channel.findall(name)) != 1:
            problems.append("channel: <%s> is required, once (%s, \"Required channel elements\")" % (name, SPEC))
    problems += absolute_problems("channel <link>", channel.findtext("link"), url)
    problems += unknown_problems("channel", channel, CHANNEL_ELEMENTS)
    for name in ("pubDate", "lastBuildDate"):
        for date in channel.findall(name):
            problems += rss_date_problems("channel <%s>" % name, date.text)
    for n, item in enumerate(channel.findall("item"), 1):
        where = "item %d" % n
        problems += unknown_problems(where, item, ITEM_ELEMENTS)
        # "Elements of <item>": "at least one of title or description must be present"
        if item.find("title") is None and item.find("description") is None:
            problems.append("%s: has neither <title> nor <description> (%s, \"Elements of <item>\")" % (where, SPEC))
        for date in item.findall("pubDate"):
            problems += rss_date_problems(where + " <pubDate>", date.text)
        for link in item.findall("link"):
            problems += absolute_problems(where + " <link>", link.text, url)
        for guid in item.findall("guid"):
            # "<guid> sub-element of <item>": isPermaLink is true unless it
            # says false, and then the guid is a URL that a browser opens.
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append("%s <guid>: isPermaLink=%r is neither true nor false (%s)" % (where, permalink, SPEC))
            elif permalink == "true":
                parts = urllib.parse.urlsplit(guid.text or "")
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    problems.append("%s <guid>: %r is a permalink (isPermaLink is true unless it says false) but "
                                    "not a URL (%s, \"<guid> sub-element of <item>\")" % (where, guid.text, SPEC))
            if not (guid.text or "").strip():
                problems.append("%s <guid>: empty (%s)" % (where, SPEC))
    guids = [g.text for g in channel.iter("guid")]
    if len(guids) != len(set(guids)):
        problems.append("two items share a guid (%s, \"guid\": a string that uniquely identifies the item)" % SPEC)
    return problems


# --- iCalendar --------------------------------------------------------------

def check_ics(path, url):
    import icalendar
    data = open(path, "rb").read()
    problems = []
    if not data.endswith(b"\r\n") or re.search(rb"(?<!\r)\n", data) or re.search(rb"\r(?!\n)", data):
        problems.append("lines do not all end in CRLF (RFC 5545, 3.1)")
    for n, line in enumerate(data.split(b"\n"), 1):
        line = line.removesuffix(b"\r")
        if len(line) > 75:
            problems.append("line %d is %d octets long: at most 75 before the CRLF (RFC 5545, 3.1)" % (n, len(line)))
    try:
        cal = icalendar.Calendar.from_ical(data)
    except ValueError as e:
        return problems + ["icalendar cannot read it: %s" % e]
    for prop in ("VERSION", "PRODID"):  # RFC 5545, 3.6: calprops
        if prop not in cal:
            problems.append("VCALENDAR: no %s (RFC 5545, 3.6)" % prop)
    for n, event in enumerate(cal.walk("VEVENT"), 1):
        for prop in ("UID", "DTSTAMP", "DTSTART"):  # RFC 5545, 3.6.1: eventprop
            if prop not in event:
                problems.append("VEVENT %d: no %s (RFC 5545, 3.6.1)" % (n, prop))
        if "DTEND" in event and "DTSTART" in event and event["DTEND"].dt < event["DTSTART"].dt:
            problems.append("VEVENT %d: DTEND before DTSTART (RFC 5545, 3.8.2.2)" % n)
        if event.get("STATUS") not in (None, "TENTATIVE", "CONFIRMED", "CANCELLED"):
            problems.append("VEVENT %d: STATUS %s is not an event's (RFC 5545, 3.8.1.11)" % (n, event.get("STATUS")))
    return problems


# --- JSON -------------------------------------------------------------------

def check_json(path, url):
    import jsonschema
    with open(os.path.join(HERE, "statuspage-api-v2.json"), encoding="utf-8") as f:
        schema = json.load(f)
    # The file's $defs hold a schema per document, named by its file name.
    schema["$ref"] = "#/$defs/" + os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    errors = jsonschema.Draft202012Validator(schema).iter_errors(document)
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])]


CHECKS = {"atom": check_atom, "rss": check_rss, "ics": check_ics, "json": check_json}
SITE_FILES = [("feed.atom", "atom"), ("feed.rss", "rss"), ("maintenance.ics", "ics"),
              ("api/v2/summary.json", "json"), ("api/v2/status.json", "json"), ("api/v2/incidents.json", "json")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", help="a site folder, or atom, rss, ics or json")
    parser.add_argument("file", nargs="?")
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    if args.what in CHECKS:
        todo = [(args.file, args.file, args.what)]
    else:
        todo = [(name, os.path.join(args.what, name), kind) for name, kind in SITE_FILES
                if kind != "ics" or os.path.exists(os.path.join(args.what, name))]
    failed = False
    for name, path, kind in todo:
        try:
            problems = CHECKS[kind](path, args.url)
        except (ET.ParseError, json.JSONDecodeError, OSError) as e:
            problems = ["cannot be read: %s" % e]
        if problems:
            failed = True
            print("\n".join("invalid: %s: %s" % (name, p) for p in problems))
        else:
            print("ok: %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
