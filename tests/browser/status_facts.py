#!/usr/bin/env python3
"""Prints what a reader of the status page sees, from the DOM Chromium rendered.

Usage: status_facts.py DOM_FILE

One fact a line, in the page's order:
  overall: TEXT
  incident: NAME | STATE — TEXT
  maintenance: TITLE | META
  component: GROUP / TITLE | STATE-LABEL (label-CLASS) | bars: N, last: CLASS, others: CLASS=COUNT...
where the bars are the classes of the component's days (day-CLASS), oldest first.
"""

import collections
import html.parser
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children).strip()

    def all(self, tag=None, cls=None, prefix=None):
        for child in self.children:
            if isinstance(child, str):
                continue
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes) and (
                    prefix is None or any(c.startswith(prefix) for c in child.classes)):
                yield child
            yield from child.all(tag, cls, prefix)

    def first(self, tag=None, cls=None, prefix=None):
        return next(self.all(tag, cls, prefix), None)


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Element("#document", [], None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def facts(root):
    yield "overall: " + root.first("p", "overall").text()
    for incident in root.first("main").all("article", "incident"):
        yield "incident: %s | %s — %s" % (incident.first("h3").text(), incident.first(cls="state").text(),
                                          incident.first(cls="text").text())
    for window in root.all("article", "maintenance"):
        yield "maintenance: %s | %s" % (window.first("h3").text(), " ".join(window.first("p", "meta").text().split()))
    section = next(s for s in root.all("section") if s.attrs.get("aria-labelledby") == "components")
    previous = None
    for node in (c for c in section.children if not isinstance(c, str)):
        if node.tag == "ul" and "components" in node.classes:
            # a group's name is the heading just before its list; the
            # components of no group have none
            group = previous.text() if previous is not None and previous.tag == "h3" else "(no group)"
            for component in (c for c in node.children if not isinstance(c, str) and c.tag == "li"):
                yield "component: %s" % component_fact(group, component)
        previous = node


def component_fact(group, component):
    label = component.first(prefix="label-")
    days = [next(c[4:] for c in day.classes if c.startswith("day-")) for day in component.first("ol", "bars").all("li")]
    others = collections.Counter(days[:-1])
    return "%s / %s | %s (%s) | bars: %d, last: %s, others: %s" % (
        group, component.first(cls="name").text(), label.text(), " ".join(label.classes), len(days), days[-1],
        " ".join("%s=%d" % kv for kv in sorted(others.items())))


def main(path):
    builder = TreeBuilder()
    with open(path, encoding="utf-8") as f:
        builder.feed(f.read())
    print("\n".join(facts(builder.root)))


if __name__ == "__main__":
    main(sys.argv[1])
