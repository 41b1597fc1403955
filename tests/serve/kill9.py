#!/usr/bin/env python3
"""irctl serve loses nothing it acknowledged, and duplicates nothing, when it
is killed with SIGKILL at random moments (issue 18, "Nothing lost").

Usage: kill9.py --irctl BIN --repo DIR [--seed N] [--alerts 200] [--senders 4]

In DIR (an incident repository), a server listens on a free port of
127.0.0.1 chosen once. Senders post --alerts distinct alerts (the generic
format, each its own key), each until it is answered 2xx: a refused or reset
connection, a timeout, a 5xx or a 429 is retried after a short pause. Meanwhile
a supervisor kills the server with SIGKILL at moments drawn from --seed (5 to
10 kills, while the alerts are posted and while they are ingested) and starts
it again on the same port. At the end the server is started once more, and
stopped with SIGTERM once its inbox is empty. Then every acknowledged alert
must be in exactly one incident, no incident may hold an alert twice or hold
none of these, nothing may be rejected, and `git fsck --strict` and `irctl
fsck` must pass.

Prints the seed first (to replay a failure: --seed N) and the counts last.
Exit status 0 when everything holds, 1 when something is lost, duplicated or
broken (each problem printed), 2 on a usage error.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

TOKEN = "kill9-3f5c8e1a9b7d4c2e"
KEY_PREFIX = "kill9-"
START_TIMEOUT_S = 10
DRAIN_TIMEOUT_S = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Server:
    """irctl serve on a fixed port, started and killed again and again; every
    run's log is appended to one file."""

    def __init__(self, irctl, repo, port, token_file, log_path):
        self.irctl, self.repo, self.port, self.token_file = irctl, repo, port, token_file
        self.log_path = log_path
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        with open(self.log_path, "a") as log:
            log.write(f"--- start {self.starts}\n")
            log.flush()
            self.proc = subprocess.Popen(
                [self.irctl, "serve", "--listen", f"127.0.0.1:{self.port}", "--token-file", self.token_file],
                cwd=self.repo, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not listening(self.port):
            if self.proc.poll() is not None:
                raise RuntimeError(f"irctl serve exited with {self.proc.returncode} on start {self.starts}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"irctl serve did not listen within {START_TIMEOUT_S} s")
            time.sleep(0.02)

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        return self.proc.wait()


class Senders:
    """Threads that post the alerts, each until it is acknowledged."""

    def __init__(self, port, count, threads):
        self.port = port
        self.pending = list(range(count))
        self.acknowledged = set()
        self.retries = 0
        self.failures = []
        self.guard = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join()

    def next_alert(self):
        with self.guard:
            return self.pending.pop(0) if self.pending else None

    def run(self):
        conn = None
        while (n := self.next_alert()) is not None:
            body = json.dumps({"key": f"{KEY_PREFIX}{n:03d}", "title": f"kill -9 test alert {n:03d}",
                               "severity": "warning", "service": "kill9"})
            while True:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    conn.request("POST", "/v1/alerts/generic", body,
                                 {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
                    res = conn.getresponse()
                    res.read()
                    status = res.status
                except (OSError, http.client.HTTPException):
                    status = None
                    if conn is not None:
                        conn.close()
                    conn = None
                if status is not None and 200 <= status < 300:
                    with self.guard:
                        self.acknowledged.add(n)
                    break
                if status is not None and status < 500 and status != 429:
                    with self.guard:
                        self.failures.append(f"alert {n}: answered {status}")
                    break
                with self.guard:
                    self.retries += 1
                time.sleep(0.05)
        if conn is not None:
            conn.close()


def metric(port, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/metrics")
        for line in conn.getresponse().read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    finally:
        conn.close()
    return None


def inbox(repo):
    d = os.path.join(repo, ".git", "irctl", "inbox")
    return sorted(f for f in os.listdir(d) if f.endswith(".json")) if os.path.isdir(d) else []


def rejected(repo):
    d = os.path.join(repo, ".git", "irctl", "inbox", "rejected")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def drain(server, repo):
    """Waits until the server has ingested everything in its inbox."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        if not inbox(repo) and metric(server.port, "irctl_queue_depth") == 0:
            return True
        time.sleep(0.05)
    return False


def check_repository(irctl, repo, acknowledged):
    """The problems found: lost, duplicated or stray alerts, a broken repository."""
    problems = []
    out = subprocess.run([irctl, "list", "--json"], cwd=repo, capture_output=True, text=True)
    if out.returncode != 0:
        return [f"irctl list --json exited {out.returncode}: {out.stderr.strip()}"]
    incidents_by_key = {}
    for inc in json.loads(out.stdout)["incidents"]:
        keys = inc.get("alerts", [])
        mine = [k for k in keys if k.startswith("generic:" + KEY_PREFIX)]
        if not mine:
            problems.append(f"{inc['id']} holds none of the test's alerts: {keys}")
        if len(mine) != len(set(mine)):
            problems.append(f"{inc['id']} holds an alert twice: {keys}")
        for k in set(mine):
            incidents_by_key.setdefault(k[len("generic:"):], []).append(inc["id"])
    for n in sorted(acknowledged):
        key = f"{KEY_PREFIX}{n:03d}"
        ids = incidents_by_key.get(key, [])
        if len(ids) != 1:
            problems.append(f"acknowledged alert {key} is in {len(ids)} incidents: {ids}")
    for key, ids in sorted(incidents_by_key.items()):
        if len(ids) > 1 and int(key[len(KEY_PREFIX):]) not in acknowledged:
            problems.append(f"alert {key} (never acknowledged) is in {len(ids)} incidents: {ids}")
    if rejected(repo):
        problems.append(f"deliveries were rejected: {rejected(repo)}")
    for cmd in (["git", "fsck", "--strict", "--no-progress"], [irctl, "fsck"]):
        r = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{' '.join(cmd[:2])} exited {r.returncode}: {(r.stdout + r.stderr).strip()}")
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--irctl", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--alerts", type=int, default=200)
    p.add_argument("--senders", type=int, default=4)
    p.add_argument("--log", default=None, help="the servers' log (default: serve.log beside the repository)")
    args = p.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    rng = random.Random(seed)
    print(f"seed {seed}", flush=True)

    repo = os.path.abspath(args.repo)
    work = os.path.dirname(repo)
    token_file = os.path.join(work, "kill9.tokens")
    with open(os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(f"kill9 {TOKEN}\n")
    log_path = args.log or os.path.join(work, "serve.log")
    server = Server(args.irctl, repo, free_port(), token_file, log_path)
    senders = Senders(server.port, args.alerts, args.senders)

    kills = rng.randint(5, 10)
    # Moments spread over the posting (about a second) and the ingesting
    # after it: a pause before each kill, and a pause before each restart.
    plan = [(rng.uniform(0.05, 0.5), rng.uniform(0.0, 0.15)) for _ in range(kills)]
    server.start()
    senders.start()
    for before_kill, before_restart in plan:
        time.sleep(before_kill)
        server.kill()
        time.sleep(before_restart)
        server.start()
    senders.join()

    # The last start: it must ingest what the killed ones left, then stop.
    ok = drain(server, repo)
    status = server.kill(signal.SIGTERM)
    problems = [] if ok else [f"the inbox still holds {len(inbox(repo))} deliveries after {DRAIN_TIMEOUT_S} s"]
    if status != 0:
        problems.append(f"the last server exited {status} on SIGTERM")
    problems += senders.failures
    problems += check_repository(args.irctl, repo, senders.acknowledged)

    print(f"alerts {args.alerts}, acknowledged {len(senders.acknowledged)}, retried {senders.retries}, "
          f"kills {kills}, starts {server.starts}", flush=True)
    for problem in problems:
        print("PROBLEM: " + problem, flush=True)
    if problems:
        print(f"replay with --seed {seed}; the servers' log is {log_path}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
