#!/usr/bin/env python3
"""Writes a git-issue repository holding the incidents of an irctl repository.

    generate_git_issue.py IRCTL_REPO ISSUES_DIR MAP_FILE

ISSUES_DIR is a `git issue init` repository (its .issues folder); every
incident of IRCTL_REPO (as bench/generate.py wrote it) becomes one issue in
git-issue's on-disk format (its README, "Internals"):

- the issue: an empty commit "gi: Add issue" / "gi new mark", by whoever
  declared the incident, at that time; its SHA names the folder
  issues/xx/rest-of-sha; `description` is the title, a blank line and the
  summary and impact; `tags` the state ("open", or "closed" once resolved,
  closed or void), the severity and the services, one a line, sorted;
  `assignee` the email of everyone holding a role, sorted;
- each note and update: an empty commit "gi: Add comment" / "gi comment mark
  ISSUE-SHA" by its author, at its time, and the file comments/COMMIT-SHA
  with its text.

The mark commits are what git-issue's show reads (the issue's author and
date, its comments by `git log --grep`), so they are made, chained in the
order things happened; their objects are written here directly (a commit's
SHA is known before it is stored, which is what the file names need) rather
than by running `git issue new` and `git issue comment` 17,000 times. The
files are then committed once, by the caller. The mark commits keep the tree
of the init commit: git-issue never reads a mark commit's tree.

MAP_FILE receives one line per incident: its irctl ID and its issue's SHA.
"""
import hashlib
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path

COMMENTED = {"note", "update"}
CLOSED = {"resolved", "closed", "void"}


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def store_commit(objects, tree, parent, who, at, summary, message):
    stamp = int(at.timestamp())  # the generator writes UTC times ("Z")
    body = (f"tree {tree}\nparent {parent}\n"
            f"author {who} {stamp} +0000\ncommitter {who} {stamp} +0000\n\n"
            f"{summary}\n\n{message}\n").encode()
    raw = b"commit %d\0" % len(body) + body
    sha = hashlib.sha1(raw).hexdigest()
    path = objects / sha[:2] / sha[2:]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(zlib.compress(raw, 1))
    return sha


def email_of(handle):
    return handle.split(" ")[0].lower() + "@example.com"


def issue_files(incident):
    description = incident["title"] + "\n"
    prose = [incident[k] for k in ("summary", "impact") if incident.get(k)]
    if prose:
        description += "\n" + "\n\n".join(prose) + "\n"
    tags = {"closed" if incident["status"] in CLOSED else "open", incident["severity"].lower()}
    tags.update(incident.get("services", []))
    people = set()
    for holders in incident.get("roles", {}).values():
        for holder in holders if isinstance(holders, list) else [holders]:
            people.add(email_of(holder))
    files = {"description": description, "tags": "".join(t + "\n" for t in sorted(tags))}
    if people:
        files["assignee"] = "".join(p + "\n" for p in sorted(people))
    return files


def main():
    source, issues, map_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    incidents = [tomllib.loads(p.read_text()) for p in sorted(source.glob("incidents/*/*/*.toml"))]
    objects = Path(git(issues, "rev-parse", "--git-path", "objects"))
    if not objects.is_absolute():
        objects = issues / objects
    tree, parent = git(issues, "rev-parse", "HEAD^{tree}"), git(issues, "rev-parse", "HEAD")

    # Every mark commit, in the order things happened: (time, kind, incident, event).
    marks = []
    for n, incident in enumerate(incidents):
        for event in incident["timeline"]:
            if event["type"] == "declare":
                marks.append((event["at"], 0, n, event))
            elif event["type"] in COMMENTED:
                marks.append((event["at"], 1, n, event))
    marks.sort(key=lambda m: (m[0], m[1], m[2]))

    folders, mapping = {}, []
    for at, kind, n, event in marks:
        if kind == 0:
            parent = store_commit(objects, tree, parent, event["by"], at, "gi: Add issue", "gi new mark")
            folder = issues / "issues" / parent[:2] / parent[2:]
            folder.mkdir(parents=True)
            for name, text in issue_files(incidents[n]).items():
                (folder / name).write_text(text)
            folders[n] = (parent, folder)
            mapping.append(f"{incidents[n]['id']} {parent}\n")
        else:
            isha, folder = folders[n]
            parent = store_commit(objects, tree, parent, event["by"], at, "gi: Add comment",
                                  f"gi comment mark {isha}")
            (folder / "comments").mkdir(exist_ok=True)
            (folder / "comments" / parent).write_text(event["text"] + "\n")
    git(issues, "update-ref", "HEAD", parent)
    map_file.write_text("".join(mapping))
    print(f"wrote {len(folders)} issues and {len(marks) - len(folders)} comments into {issues}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
