#!/usr/bin/env python3
"""What a page of `irctl site` shows, as JSON, for the tests to compare whole.

    site_facts.py index FILE       the index's rows: data attributes and cells' text
    site_facts.py incident FILE    an incident page: title, facts, roles, milestones,
                                   durations, timeline rows, evidence, actions
    site_facts.py actions FILE     the actions page: the open actions' rows, the owners
    site_facts.py article FILE     the inner HTML of the postmortem page's <article>
    site_facts.py tables FILE      every table's rows (cells' text), in order

Standard library only (html.parser): the page is read as a browser reads
its markup, not searched with regular expressions.
"""
import json
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return " ".join("".join(c if isinstance(c, str) else c.text_raw() for c in self.children).split())

    def text_raw(self):
        if self.tag == "br":
            return " "
        return "".join(c if isinstance(c, str) else c.text_raw() for c in self.children)

    def find_all(self, tag, **attrs):
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and all(c.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                    yield c
                yield from c.find_all(tag, **attrs)

    def first(self, tag, **attrs):
        return next(self.find_all(tag, **attrs), None)


class Tree(HTMLParser):
    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = Node("#root", [], None)
        self.at = self.root
        self.article = None
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.at)
        self.at.children.append(node)
        if tag == "article" and self.article is None:
            self.article = self.getpos()
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag):
        n = self.at
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.at = n.parent

    def handle_data(self, data):
        self.at.children.append(data)


def rows_of(table):
    body = table.first("tbody") or table
    return [[td.text() for td in tr.children if isinstance(td, Node) and td.tag in ("td", "th")]
            for tr in body.find_all("tr")]


def index(tree):
    table = tree.root.first("table", id="incidents")
    out = []
    for tr in table.first("tbody").find_all("tr"):
        cells = [td for td in tr.children if isinstance(td, Node) and td.tag == "td"]
        link = cells[0].first("a")
        out.append({"data": {k[5:]: v for k, v in tr.attrs.items() if k.startswith("data-")},
                    "href": link.attrs["href"],
                    "cells": [c.text() for c in cells]})
    return out


def incident(tree):
    sections = {}
    for s in tree.root.find_all("section"):
        for h in s.find_all("h2"):
            sections[h.text().split(" (")[0]] = s
    timeline = []
    for tr in sections["Timeline"].first("tbody").find_all("tr"):
        cells = [td for td in tr.children if isinstance(td, Node) and td.tag == "td"]
        link = cells[4].first("a")
        code = cells[4].first("code")
        timeline.append({"id": tr.attrs["id"][len("event-"):], "time": cells[0].text(), "type": cells[1].text(),
                         "by": cells[2].text(), "text": cells[3].text(),
                         "commit": (code.attrs.get("title", "")[len("git show "):] if code and not link else ""),
                         "commit_url": link.attrs["href"] if link else ""})
    facts = {}
    dl = tree.root.first("dl")
    key = None
    for c in dl.children:
        if isinstance(c, Node) and c.tag == "dt":
            key = c.text()
        elif isinstance(c, Node) and c.tag == "dd":
            facts[key] = c.text()
    out = {"title": tree.root.first("h1").text(), "badges": tree.root.first("p", **{"class": "badges"}).text(),
           "facts": facts, "timeline": timeline,
           "milestones": [li.text() for li in sections["Milestones"].find_all("li")] if "Milestones" in sections else []}
    for name in ("Roles", "Durations", "Evidence", "Follow-up actions"):
        table = sections[name].first("table") if name in sections else None
        out[name.lower()] = rows_of(table) if table else []
    for name in ("Summary", "Customer impact", "Root cause", "Resolution"):
        if name in sections:
            out[name.lower()] = sections[name].first("p").text()
    return out


def actions(tree):
    table = tree.root.first("table")
    owners = [h.text() for h in tree.root.find_all("h3")]
    return {"meta": tree.root.first("p", **{"class": "meta"}).text(), "rows": rows_of(table) if table else [],
            "owners": owners}


def article(source):
    start = source.index("<article")
    start = source.index(">", start) + 1
    return source[start:source.index("</article>")].strip()


def main():
    what, path = sys.argv[1], sys.argv[2]
    source = open(path, encoding="utf-8").read()
    if what == "article":
        print(article(source))
        return
    tree = Tree(source)
    result = {"index": index, "incident": incident, "actions": actions,
              "tables": lambda t: [rows_of(x) for x in t.root.find_all("table")]}[what](tree)
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
