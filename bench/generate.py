#!/usr/bin/env python3
"""Writes N incident files with realistic timelines into an irctl repository.

    bench/generate.py DIR N [--seed S] [--end YYYY-MM-DD] [--years Y] [--long N,N,...] [--commit]
    bench/generate.py --check DIR

DIR must already be an incident repository (`irctl init DIR`): the kinds and
the playbooks (whose steps become an incident's tasks) are read from its
.irctl/ folder. The files are written the way irctl writes them (see
irctl-format(5)): the state keys at the top are exactly what the `set` and
`unset` tables of the timeline produce, in irctl's key order. Closed incidents
that were not closed with --force get a short postmortems/ID.md.

The output depends only on N, --seed, --end and --years: the same arguments
give the same files, byte for byte. --end defaults to the first day of the
current month (UTC), so that no time is in the future and the files stay the
same for a month; pass it to pin the data set down for good.

--long 10,1000 adds, after the N incidents (which stay the same), one open
incident for each number, with that many events, titled "Long timeline: 10
events" and so on: what bench/run writes to for its long-incident row.

--commit stages and commits everything in one commit (`git add -A`).
--check replays every incident's timeline and compares the result with the
state keys at the top of the file (needs Python 3.11 for tomllib); it exits 1
when a file disagrees.

Standard library only; about 1 s per 10,000 incidents (plus the commit).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11: use the defaults of `irctl init`
    tomllib = None

UTC = dt.timezone.utc
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

STATE_KEYS = [
    "schema", "id", "title", "status", "severity", "kind", "services", "summary", "impact",
    "root_cause", "started_at", "detected_at", "declared_at", "acknowledged_at", "contained_at",
    "eradicated_at", "recovered_at", "resolved_at", "closed_at", "escalation_policy",
    "escalation_level", "escalated_at", "channels", "alerts", "alert_status", "tasks",
]
STATUSES = ["identification", "containment", "eradication", "recovery", "resolved", "closed"]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
LEVEL_TARGETS = {1: ["primary-oncall"], 2: ["secondary-oncall", "team-lead"], 3: ["engineering-manager"]}

# Used when .irctl/ cannot be read with tomllib: what `irctl init` writes.
DEFAULT_KINDS = {
    "outage": False, "degradation": False, "malware": True, "unauthorized-access": True,
    "data-breach": True, "denial-of-service": True, "phishing": True, "insider": True,
}
DEFAULT_PLAYBOOKS = {
    "outage": [
        "Confirm the impact and set the severity (irctl severity)",
        "Assign an incident commander and open a channel (irctl assign, irctl set --add-channel)",
        "Post the first internal update within 15 minutes (irctl update --audience internal)",
        "Check recent deploys, config changes and dependencies; roll back if one lines up",
        "Tell customers on the status page if they are affected (irctl update --audience external)",
        "Contain the impact and record what was done (irctl contain)",
        "Confirm recovery on the metrics before resolving (irctl recover, irctl resolve)",
        "Schedule the postmortem and file the follow-up actions",
    ],
    "security": [
        "Move the discussion to a private channel; keep responders to those who need to know",
        "Preserve evidence before changing anything: logs, memory, disk images (irctl contain --evidence FILE)",
        "Identify the affected systems, accounts and data",
        "Contain: isolate hosts, block indicators, disable compromised accounts",
        "Revoke and rotate exposed credentials, tokens and keys",
        "Assess legal, regulatory and customer notification duties with legal and privacy",
        "Eradicate: remove malware and persistence, fix the exploited weakness (irctl eradicate)",
        "Recover from a known-good state and watch for recurrence (irctl recover)",
        "Write the postmortem with the evidence log",
    ],
}

SERVICES = [
    "checkout", "payments", "search", "auth", "api-gateway", "inventory", "shipping", "notifications",
    "billing", "catalog", "recommendations", "db-primary", "cdn", "dns", "queue", "storage",
    "mobile-api", "web", "reporting", "ledger", "identity", "email", "sso", "vpn",
]
PEOPLE = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin",
]
RECORDERS = [
    "Alice Example <alice@example.com>", "Bob Ops <bob@example.com>", "Carol Chen <carol@example.com>",
    "Dave Singh <dave@example.com>", "Erin Okafor <erin@example.com>", "Frank Müller <frank@example.com>",
    "Grace Hopper <grace@example.com>", "Heidi Larsen <heidi@example.com>",
]
WORKSTREAMS = ["db", "network", "app", "infra", "frontend", "comms"]
OUTAGE_TITLES = [
    "{svc} returns 503 for {pct}% of requests", "{svc} latency p99 above {ms} ms",
    "{svc} unavailable in {region}", "Elevated error rate on {svc}", "{svc} queue backlog growing",
    "{svc} pods crash-looping after deploy {n}", "Certificate expired on {svc}",
    "{svc} database connections exhausted", "Partial outage of {svc} in {region}",
    "{svc} returns stale data", "Disk full on {svc} nodes",
]
SECURITY_TITLES = [
    "Suspicious logins on {svc}", "Malware detected on build agent {n}", "Credential leak in public repo",
    "Phishing campaign targeting staff", "Unusual data export from {svc}", "DDoS against {svc}",
    "Unauthorised access to {svc} admin panel", "Insider downloaded customer list",
]
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "eu-central-1"]
NOTES = [
    "Error rate at {pct}%; started with deploy {n}", "Rolled back deploy {n}", "Paged the {svc} team",
    "Dashboards show recovery in {region}", "Customer reports coming in through support",
    "Suspect the {svc} connection pool; collecting heap dumps", "Failover to {region} started",
    "Failover to {region} complete", "Traffic shifted away from {region}",
    "Vendor confirms a problem on their side (ticket {n})", "Load is back to normal levels",
    "Still seeing {pct}% errors on {svc}", "Scaled {svc} from {pct} to {ms} replicas",
    "Bridge call open; {pct} people on it", "Cache hit ratio dropped to {pct}%",
    "Blocked the offending IP range at the edge", "Rotated the {svc} credentials",
    "Next update in 30 minutes", "Root cause looks like a config change in {svc}",
]
UPDATES_INTERNAL = [
    "We are investigating elevated errors on {svc}.", "Mitigation in progress; next update in 30 minutes.",
    "{svc} is recovering; we are monitoring.", "Impact limited to {region}; other regions are fine.",
]
UPDATES_EXTERNAL = [
    "We are investigating reports of errors with {svc}.", "A fix has been applied and we are monitoring.",
    "Some customers may see delays with {svc}. We are working on it.", "The issue is resolved.",
]
CONTAIN = [
    "Disabled the new {svc} flow behind the feature flag", "Rate-limited {svc} at the gateway",
    "Isolated the affected hosts", "Blocked the indicator domains", "Failed over to {region}",
    "Disabled the compromised account", "Paused the {svc} consumers",
]
ERADICATE = [
    "Reverted deploy {n}", "Removed the malicious cron entry", "Patched {svc} to {n}",
    "Dropped the bad index on {svc}", "Revoked every session of the affected users",
]
RECOVER = [
    "Traffic back on all regions", "Re-enabled {svc}", "Replayed the queued {svc} messages",
    "Restored {svc} from the snapshot", "Caches warmed up; latency normal",
]
SUMMARIES = [
    "Deploy {n} leaked database connections in {svc}", "A config change dropped {svc} from the load balancer",
    "Upstream provider outage in {region}", "Expired certificate on {svc}", "Runaway batch job saturated {svc}",
]
ROOT_CAUSES = [
    "Retry path never closed its connections", "No alert on certificate expiry",
    "Missing limit on the batch job's concurrency", "Config change not covered by the canary",
    "Credentials committed to a public repository",
]
IMPACTS = [
    "{pct}% of checkouts failed for {ms} minutes", "Slow pages for customers in {region}",
    "No data lost; some requests retried", "Customers could not log in for {ms} minutes",
]
ACTIONS = [
    ("Add a canary stage to the {svc} deploy", "prevent"), ("Alert on {svc} error rate", "detect"),
    ("Document the {svc} failover runbook", "process"), ("Cap the connection pool of {svc}", "mitigate"),
    ("Rotate keys automatically", "prevent"), ("Add synthetic checks for {svc}", "detect"),
]
REASONS = ["all regions affected", "impact smaller than feared", "customers affected", "contained", ""]


def fmt_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Time:
    """A TOML offset date-time (written unquoted)."""

    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t

    def __eq__(self, other):
        return isinstance(other, Time) and other.t == self.t


def fmt_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Time):
        return fmt_time(v.t)
    if isinstance(v, list):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{fmt_key(k)} = {fmt_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def fmt_key(k):
    return k if BARE_KEY.match(k) else json.dumps(k)


def fmt_line(k, v):
    line = f"{fmt_key(k)} = {fmt_value(v)}"
    # irctl's rule (value_on_key_line): the value, not the line, longer than 100 characters.
    if isinstance(v, list) and len(v) >= 2 and len(fmt_value(v)) > 100 and not any(isinstance(x, (list, dict)) for x in v):
        return f"{fmt_key(k)} = [\n" + "".join(f"  {fmt_value(x)},\n" for x in v) + "]"
    return line


def read_repo_config(repo):
    """The kinds (name -> security) and the playbooks (kind -> steps) of the repository."""
    kinds, playbooks = dict(DEFAULT_KINDS), dict(DEFAULT_PLAYBOOKS)
    if tomllib is None:
        return kinds, playbooks
    with open(os.path.join(repo, ".irctl", "config.toml"), "rb") as f:
        config = tomllib.load(f)
    kinds = {k["name"]: bool(k.get("security", False)) for k in config.get("kind", [])}
    playbooks = {}
    folder = os.path.join(repo, ".irctl", "playbooks")
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".toml"):
                with open(os.path.join(folder, name), "rb") as f:
                    playbooks[name[:-5]] = [s["text"] for s in tomllib.load(f).get("step", [])]
    return kinds, playbooks


class Incident:
    def __init__(self, rng, iid, kind, tasks):
        self.rng = rng
        self.iid = iid
        self.state = {}  # top-level key -> value, in the order first set
        self.roles = {}  # role -> value, in the order first set
        self.timeline = []
        self.event_ids = set()
        self.kind = kind
        self.tasks = tasks
        self.actions = []  # (event id, text, done)
        self.tasks_done = set()

    def event_id(self):
        while True:
            e = "".join(self.rng.choice(CROCKFORD) for _ in range(12))
            if e not in self.event_ids:
                self.event_ids.add(e)
                return e

    def add(self, at, by, etype, text, details=None, sets=None, unsets=None):
        entry = {"id": self.event_id(), "at": Time(at), "by": by, "type": etype}
        if text is not None:
            entry["text"] = text
        entry.update(details or {})
        if sets:
            entry["set"] = sets
            for k, v in sets.items():
                if k.startswith("roles."):
                    self.roles[k[6:]] = v
                else:
                    self.state[k] = v
        if unsets:
            entry["unset"] = unsets
            for k in unsets:
                if k.startswith("roles."):
                    self.roles.pop(k[6:], None)
                else:
                    self.state.pop(k, None)
        self.timeline.append(entry)
        return entry

    def status_index(self):
        return STATUSES.index(self.state["status"])

    def render(self):
        out = [
            "# irctl incident file; its format is described in irctl-format(5).",
            "# Edits by hand are kept: commit them before running irctl again.",
            fmt_line("schema", 1),
            fmt_line("id", self.iid),
        ]
        for k in STATE_KEYS[2:]:
            if k in self.state:
                out.append(fmt_line(k, self.state[k]))
        if self.roles:
            out += ["", "[roles]"] + [fmt_line(k, v) for k, v in self.roles.items()]
        for e in self.timeline:
            out += ["", "[[timeline]]"] + [fmt_line(k, v) for k, v in e.items()]
        return "\n".join(out) + "\n"


def fill(rng, template, svc):
    return template.format(svc=svc, pct=rng.randint(2, 95), ms=rng.randint(20, 900),
                           region=rng.choice(REGIONS), n=rng.randint(1000, 9999))


def long_title(events):
    """The title of the incident --long adds with that many events (bench/run finds it by it)."""
    return f"Long timeline: {events} events"


def make_incident(rng, declared, end, kinds, playbooks, used_ids, events=None):
    """One incident declared at `declared`, whose events all happen before `end`.
    With `events`, it has that many events and is still open (in containment)."""
    while True:
        iid = "INC-" + declared.strftime("%Y%m%d") + "-" + "".join(rng.choice(CROCKFORD) for _ in range(6))
        if iid not in used_ids:
            used_ids.add(iid)
            break
    security_share = 0.15
    security_kinds = [k for k, s in kinds.items() if s]
    if security_kinds and rng.random() < security_share:
        kind = rng.choice(security_kinds)
    else:
        kind = rng.choice(["outage"] * 4 + ["degradation"])
        if kind not in kinds:
            kind = next(iter(kinds))
    steps = playbooks.get(kind) or (playbooks.get("security") if kinds.get(kind) else None) or []
    inc = Incident(rng, iid, kind, steps)
    services = rng.sample(SERVICES, rng.choice([1, 1, 1, 2, 2, 3]))
    svc = services[0]

    # How far it got: recent incidents are often still open, old ones rarely.
    age = end - declared
    open_share = 0.5 if age < dt.timedelta(days=14) else 0.03
    if rng.random() < open_share:
        final = rng.choice(["identification", "identification", "containment", "eradication", "recovery"])
    else:
        final = "closed" if rng.random() < 0.7 else "resolved"
    final_i = STATUSES.index(final)
    n_events = max(5, min(40, int(rng.triangular(5, 40, 10))))
    if events is not None:
        final, n_events = "containment", events
        final_i = STATUSES.index(final)

    # The declaration.
    by = rng.choice(RECORDERS)
    title = fill(rng, rng.choice(SECURITY_TITLES if kinds.get(kind) else OUTAGE_TITLES), svc)
    if events is not None:
        title = long_title(events)
    sets = {"title": title, "status": "identification", "severity": rng.choice(["SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV3", "SEV4"]),
            "kind": kind, "services": services}
    if rng.random() < 0.3:
        sets["summary"] = fill(rng, rng.choice(SUMMARIES), svc)
    if rng.random() < 0.7:
        started = declared - dt.timedelta(minutes=rng.randint(1, 180))
        sets["started_at"] = Time(started)
        if rng.random() < 0.8:
            sets["detected_at"] = Time(started + (declared - started) * rng.random())
    sets["declared_at"] = Time(declared)
    sets["channels"] = [f"#inc-{svc}"] if rng.random() < 0.6 else []
    acknowledged = False
    if rng.random() < 0.35:
        sets["roles.commander"] = rng.choice(PEOPLE)
        sets["acknowledged_at"] = Time(declared)
        acknowledged = True
    sets.update({"escalation_policy": "default", "escalation_level": 1, "escalated_at": Time(declared)})
    if steps:
        sets["tasks"] = list(steps)
    inc.add(declared, by, "declare", title, {"targets": LEVEL_TARGETS[1]}, sets)

    # The milestones, in order, then the other events in between.
    milestones = []
    if not acknowledged:
        milestones.append("ack" if rng.random() < 0.6 else "assign-commander")
    reached = STATUSES[final_i]
    if final_i >= STATUSES.index("resolved"):
        for phase, p in (("contain", 0.7), ("eradicate", 0.35), ("recover", 0.6)):
            if rng.random() < p:
                milestones.append(phase)
        milestones.append("resolve")
        if rng.random() < 0.04:
            milestones += ["reopen", "resolve"]
    else:
        for phase, status in (("contain", "containment"), ("eradicate", "eradication"), ("recover", "recovery")):
            if STATUSES.index(status) <= final_i and (status == reached or rng.random() < 0.6):
                milestones.append(phase)
    post = []
    if final_i >= STATUSES.index("resolved"):
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            post.append("action")
        if final == "closed":
            post.append("close")
    fillers = max(0, n_events - 1 - len(milestones) - len(post))
    # Fillers go before the resolution mostly; a few after it (late notes, action-done).
    before_resolve = milestones.index("resolve") if "resolve" in milestones else len(milestones)
    slots = [[] for _ in range(len(milestones) + 1)]
    for _ in range(fillers):
        slots[rng.randint(0, before_resolve)].append("filler")
    plan = []
    for i, m in enumerate(milestones):
        plan += slots[i] + [m]
    plan += slots[len(milestones)]
    # Post-resolution: actions, some done, late notes, then the close.
    closing = [p for p in post if p == "close"]
    late = [p for p in post if p != "close"]
    plan += late

    # Times: minutes apart while it burns, days apart afterwards.
    t = declared
    last = end - dt.timedelta(minutes=1)

    def step(lo, hi, unit="minutes"):
        nonlocal t
        t = min(last, t + dt.timedelta(**{unit: rng.uniform(lo, hi)}))
        t = t.replace(microsecond=0)
        return t

    def filler():
        roll = rng.random()
        who = rng.choice(RECORDERS)
        at = step(1, 25)
        if roll < 0.45:
            inc.add(at, who, "note", fill(rng, rng.choice(NOTES), svc))
        elif roll < 0.60:
            audience = "external" if rng.random() < 0.4 else "internal"
            pool = UPDATES_EXTERNAL if audience == "external" else UPDATES_INTERNAL
            inc.add(at, who, "update", fill(rng, rng.choice(pool), svc), {"audience": audience})
        elif roll < 0.68:
            cur = inc.state["severity"]
            to = rng.choice([s for s in SEVERITIES if s != cur])
            reason = rng.choice(REASONS)
            details = {"from": cur, "to": to}
            if reason:
                details["reason"] = reason
            inc.add(at, who, "severity", f"{cur} -> {to}" + (f": {reason}" if reason else ""), details, {"severity": to})
        elif roll < 0.82:
            assign(at, who)
        elif roll < 0.87 and inc.state.get("escalation_level", 0) < 3:
            level = inc.state["escalation_level"] + 1
            targets = LEVEL_TARGETS[level]
            reason = rng.choice(["", "", "no answer from the on-call", "need the database team lead"])
            details = {"level": level, "targets": targets}
            if reason:
                details["reason"] = reason
            inc.add(at, who, "escalate", f"level {level} of default: {', '.join(targets)}" + (f" ({reason})" if reason else ""),
                    details, {"escalation_policy": "default", "escalation_level": level, "escalated_at": Time(at)})
        elif roll < 0.95 and inc.tasks and len(inc.tasks_done) < len(inc.tasks):
            n = min(set(range(1, len(inc.tasks) + 1)) - inc.tasks_done)
            inc.tasks_done.add(n)
            inc.add(at, who, "task", f"done {n}: {inc.tasks[n - 1]}", {"task": n, "done": True})
        elif "impact" not in inc.state:
            inc.add(at, who, "set", "impact", None, {"impact": fill(rng, rng.choice(IMPACTS), svc)})
        else:
            inc.add(at, who, "note", fill(rng, rng.choice(NOTES), svc))

    def assign(at, who, role=None):
        role = role or rng.choice(["commander", "tech-lead", "tech-lead", "sme", "comms-internal", "comms-external",
                                   "support-lead"])
        if role == "sme" and len(inc.roles.get(role, [])) == len(PEOPLE):  # only in a long timeline
            role = "commander"
        person = rng.choice(PEOPLE)
        details = {"role": role, "person": person}
        sets = {}
        if role == "tech-lead":
            ws = rng.choice(WORKSTREAMS)
            current = [x for x in inc.roles.get(role, []) if not x.endswith(f"({ws})")]
            previous = [x for x in inc.roles.get(role, []) if x.endswith(f"({ws})")]
            details["workstream"] = ws
            if previous:
                details["previous"] = previous[0].rsplit(" (", 1)[0]
            sets[f"roles.{role}"] = current + [f"{person} ({ws})"]
            text = f"{role} [{ws}]: " + (f"{details['previous']} -> " if previous else "") + person
        elif role == "sme":
            current = inc.roles.get(role, [])
            if person in current:
                person = next(p for p in PEOPLE if p not in current)
                details["person"] = person
            sets[f"roles.{role}"] = current + [person]
            text = f"{role}: {person}"
        else:
            previous = inc.roles.get(role)
            if previous == person:
                person = next(p for p in PEOPLE if p != previous)
                details["person"] = person
            if previous:
                details["previous"] = previous
            sets[f"roles.{role}"] = person
            text = f"{role}: " + (f"{previous} -> " if previous else "") + person
        if role == "commander" and "acknowledged_at" not in inc.state:
            sets["acknowledged_at"] = Time(at)
        inc.add(at, who, "assign", text, details, sets)

    for item in plan:
        if item == "filler":
            filler()
            continue
        who = rng.choice(RECORDERS)
        if item == "ack":
            at = step(1, 30)
            inc.add(at, who, "ack", "acknowledged", None, {"acknowledged_at": Time(at)})
        elif item == "assign-commander":
            assign(step(1, 30), who, "commander")
        elif item in ("contain", "eradicate", "recover"):
            at = step(5, 90)
            status = {"contain": "containment", "eradicate": "eradication", "recover": "recovery"}[item]
            stamp = {"contain": "contained_at", "eradicate": "eradicated_at", "recover": "recovered_at"}[item]
            sets = {}
            if STATUSES.index(status) > inc.status_index():
                sets["status"] = status
            if stamp not in inc.state:
                sets[stamp] = Time(at)
            pool = {"contain": CONTAIN, "eradicate": ERADICATE, "recover": RECOVER}[item]
            inc.add(at, who, item, fill(rng, rng.choice(pool), svc), None, sets)
        elif item == "resolve":
            at = step(5, 240)
            sets = {"status": "resolved", "resolved_at": Time(at)}
            text = "resolved"
            if rng.random() < 0.6:
                sets["summary"] = text = fill(rng, rng.choice(SUMMARIES), svc)
            if rng.random() < 0.5:
                sets["root_cause"] = rng.choice(ROOT_CAUSES)
            inc.add(at, who, "resolve", text, None, sets)
        elif item == "reopen":
            at = step(10, 600)
            inc.add(at, who, "reopen", "It is happening again", {"from": inc.state["status"]},
                    {"status": "identification"}, ["resolved_at", "closed_at"])
        elif item == "action":
            at = step(2, 72, "hours")
            text, atype = rng.choice(ACTIONS)
            text = fill(rng, text, svc)
            due = (at + dt.timedelta(days=rng.choice([7, 14, 30]))).strftime("%Y-%m-%d")
            details = {"owner": rng.choice(PEOPLE), "due": due, "action_type": atype}
            if rng.random() < 0.5:
                details["link"] = f"https://tracker.example.com/OPS-{rng.randint(100, 9999)}"
            e = inc.add(at, who, "action", text, details)
            inc.actions.append((e["id"], text))
            if rng.random() < 0.8:
                at = step(1, 10, "days")
                n = len(inc.actions)
                inc.add(at, rng.choice(RECORDERS), "action-done", f"done {n}: {text}", {"action": e["id"]})
    for item in closing:
        at = step(1, 14, "days")
        forced = rng.random() < 0.3
        inc.add(at, rng.choice(RECORDERS), "close", "closed without a postmortem" if forced else "closed",
                {"forced": True} if forced else None, {"status": "closed", "closed_at": Time(at)})
        inc.forced_close = forced
    return inc


def postmortem(inc):
    s = inc.state
    return (f"# Postmortem: {s['title']}\n\n| | |\n|---|---|\n| Incident | {inc.iid} |\n"
            f"| Severity | {s['severity']} |\n| Kind | {s['kind']} |\n| Services | {', '.join(s['services'])} |\n"
            f"| Declared | {fmt_time(s['declared_at'].t)} |\n\n## Summary\n\n{s.get('summary', 'Not recorded.')}\n\n"
            f"## Root cause\n\n{s.get('root_cause', 'Not recorded.')}\n\n## Timeline\n\n"
            + "".join(f"- {fmt_time(e['at'].t)} {e['type']}: {e.get('text', '')}\n" for e in inc.timeline))


def generate(repo, count, seed, end, years, long_events=()):
    kinds, playbooks = read_repo_config(repo)
    rng = random.Random(f"irctl-bench:{seed}:{count}")
    span = dt.timedelta(days=365 * years)
    start = end - span
    used = set()
    declared = sorted(start + dt.timedelta(seconds=rng.randrange(int(span.total_seconds()) - 86400))
                      for _ in range(count))
    # The long ones last, so that the others are the same with or without them;
    # declared early enough that their events (about 13 minutes apart) end before `end`.
    planned = [(d, None) for d in declared]
    planned += [(end - dt.timedelta(minutes=15 * n + 60), n) for n in long_events]
    made_dirs = set()
    events = 0
    for d, n_events in planned:
        inc = make_incident(rng, d.replace(microsecond=0), end, kinds, playbooks, used, n_events)
        events += len(inc.timeline)
        folder = os.path.join(repo, "incidents", d.strftime("%Y"), d.strftime("%m"))
        if folder not in made_dirs:
            os.makedirs(folder, exist_ok=True)
            made_dirs.add(folder)
        with open(os.path.join(folder, inc.iid + ".toml"), "w", encoding="utf-8") as f:
            f.write(inc.render())
        if inc.state["status"] == "closed" and not getattr(inc, "forced_close", True):
            os.makedirs(os.path.join(repo, "postmortems"), exist_ok=True)
            with open(os.path.join(repo, "postmortems", inc.iid + ".md"), "w", encoding="utf-8") as f:
                f.write(postmortem(inc))
    return events, len(made_dirs)


def to_plain(v):
    if isinstance(v, dt.datetime):
        return v.astimezone(UTC)
    if isinstance(v, list):
        return [to_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: to_plain(x) for k, x in v.items()}
    return v


def check(repo):
    """Replays every timeline; returns the number of files that disagree with their state keys."""
    if tomllib is None:
        sys.exit("generate.py --check needs Python 3.11 or later (tomllib)")
    bad = files = 0
    name = re.compile(r"^INC-\d{8}-[0-9A-HJKMNP-TV-Z]{6}\.toml$")
    for root, _, names in os.walk(os.path.join(repo, "incidents")):
        for n in sorted(names):
            if not name.match(n):
                continue
            files += 1
            path = os.path.join(root, n)
            with open(path, "rb") as f:
                doc = to_plain(tomllib.load(f))
            problems = []
            if doc.get("id") + ".toml" != n:
                problems.append("id does not match the file name")
            state, roles = {}, {}
            for e in doc.get("timeline", []):
                for k, v in e.get("set", {}).items():
                    (roles if k.startswith("roles.") else state)[k.removeprefix("roles.")] = v
                for k in e.get("unset", []):
                    (roles if k.startswith("roles.") else state).pop(k.removeprefix("roles."), None)
            top = {k: v for k, v in doc.items() if k not in ("schema", "id", "roles", "timeline")}
            if top != state:
                keys = sorted(set(top) | set(state))
                problems += [f"{k}: file {top.get(k)!r}, timeline {state.get(k)!r}" for k in keys if top.get(k) != state.get(k)]
            if doc.get("roles", {}) != roles:
                problems.append(f"roles: file {doc.get('roles')!r}, timeline {roles!r}")
            ids = [e["id"] for e in doc.get("timeline", [])]
            if len(ids) != len(set(ids)):
                problems.append("an event ID appears twice")
            if problems:
                bad += 1
                print(f"{os.path.relpath(path, repo)}: " + "; ".join(problems), file=sys.stderr)
    print(f"checked {files} incident files: {bad} disagree with their timeline", file=sys.stderr)
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", help="an incident repository made by `irctl init`")
    p.add_argument("count", type=int, nargs="?", help="how many incidents to write")
    p.add_argument("--seed", default="1")
    p.add_argument("--end", help="no event after this date (YYYY-MM-DD; default: the 1st of this month, UTC)")
    p.add_argument("--years", type=float, default=3.0, help="declarations spread over this many years (3)")
    p.add_argument("--long", default="", metavar="N,N,...",
                   help="also write an open incident with each of these numbers of events (titled 'Long timeline: N events')")
    p.add_argument("--commit", action="store_true", help="git add -A and commit everything in one commit")
    p.add_argument("--check", action="store_true", help="check that every file's state follows from its timeline")
    a = p.parse_args()
    if a.check:
        sys.exit(1 if check(a.dir) else 0)
    if a.count is None:
        p.error("the number of incidents is required")
    if not os.path.isfile(os.path.join(a.dir, ".irctl", "config.toml")):
        sys.exit(f"{a.dir} is not an incident repository: run `irctl init {a.dir}` first")
    if a.end:
        end = dt.datetime.strptime(a.end, "%Y-%m-%d").replace(tzinfo=UTC)
    else:
        now = dt.datetime.now(UTC)
        end = dt.datetime(now.year, now.month, 1, tzinfo=UTC)
    long_events = [int(n) for n in a.long.split(",") if n]
    events, folders = generate(a.dir, a.count, a.seed, end, a.years, long_events)
    print(f"wrote {a.count} incidents ({events} events) into {folders} month folders of {a.dir}", file=sys.stderr)
    if a.commit:
        env = dict(os.environ)
        env.setdefault("GIT_AUTHOR_NAME", "Bench")
        env.setdefault("GIT_AUTHOR_EMAIL", "bench@example.com")
        env.setdefault("GIT_COMMITTER_NAME", env["GIT_AUTHOR_NAME"])
        env.setdefault("GIT_COMMITTER_EMAIL", env["GIT_AUTHOR_EMAIL"])
        subprocess.run(["git", "-C", a.dir, "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", a.dir, "commit", "-q", "-m", f"bench: {a.count} generated incidents (seed {a.seed})"],
                       check=True, env=env)


if __name__ == "__main__":
    main()
