#!/usr/bin/env python3
"""Posts an irctl event to chat: Slack, Microsoft Teams or any webhook.

Usage: notify.py --to slack|teams|generic [--to ...] < HOOK_INPUT

Reads the hook's input, {"event": ..., "incident": ...} as irctl writes it on
the standard input of .irctl/hooks/on-event, and posts one message to each
target named by --to:

  declare, severity, resolve      to the target's incident channel
  update --audience external      to the target's status channel
  anything else                   nothing (exit 0)

The webhook URLs are secrets and never live in the repository: they come from
the environment, or from a file outside the repository that IRCTL_WEBHOOKS_FILE
names (NAME=VALUE lines; the environment wins):

  IRCTL_SLACK_INCIDENT_WEBHOOK    IRCTL_SLACK_STATUS_WEBHOOK
  IRCTL_TEAMS_INCIDENT_WEBHOOK    IRCTL_TEAMS_STATUS_WEBHOOK
  IRCTL_GENERIC_INCIDENT_WEBHOOK  IRCTL_GENERIC_STATUS_WEBHOOK
  IRCTL_SITE_URL                  optional: links to IRCTL_SITE_URL/incidents/ID.html
  IRCTL_NOTIFY_TIMEOUT            optional: seconds per request (default 3)

Exit status: 0 posted (or nothing to post), 1 a post failed, 2 usage error,
65 the input is not the hook's JSON, 78 a webhook is not configured. Each
problem is one line on standard error that never shows a webhook URL.
Standard library only, so that it runs wherever python3 does.
"""

import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

PROGRAM = "notify.py"
TARGETS = ("slack", "teams", "generic")
EXIT_POST_FAILED = 1
EXIT_USAGE = 2
EXIT_INPUT = 65
EXIT_CONFIG = 78
DEFAULT_TIMEOUT_SECONDS = 3.0
USAGE = "usage: notify.py --to slack|teams|generic [--to ...]"
CHANNELS = ("incident", "status")


def webhook_setting(target, channel):
    return "IRCTL_%s_%s_WEBHOOK" % (target.upper(), channel.upper())


# The names read from IRCTL_WEBHOOKS_FILE: nothing else in it reaches us.
SETTINGS = tuple(webhook_setting(t, c) for t in TARGETS for c in CHANNELS) + ("IRCTL_SITE_URL", "IRCTL_NOTIFY_TIMEOUT")


class Problem(Exception):
    """One line for stderr, and the exit status it ends with."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


# --- which channel an event goes to -----------------------------------------

INCIDENT_CHANNEL_EVENTS = ("declare", "severity", "resolve")


def channel_of(event):
    """'incident', 'status', or None for an event nobody is told about."""
    if event.get("type") in INCIDENT_CHANNEL_EVENTS:
        return "incident"
    if event.get("type") == "update" and event.get("audience") == "external":
        return "status"
    return None


# --- configuration ------------------------------------------------------------


def read_settings_file(path):
    """NAME=VALUE lines of a file outside the repository, # for comments."""
    here = os.path.realpath(os.getcwd())
    real = os.path.realpath(path)
    if os.path.commonpath([here, real]) == here:
        raise Problem(
            "IRCTL_WEBHOOKS_FILE names %s, inside the repository: keep webhook URLs outside it" % path,
            EXIT_CONFIG,
        )
    try:
        with open(real, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Problem("cannot read IRCTL_WEBHOOKS_FILE %s: %s" % (path, e.strerror), EXIT_CONFIG)
    settings = {}
    for line in lines:
        name, sep, value = line.strip().partition("=")
        if sep and name.strip() in SETTINGS:
            settings[name.strip()] = value.strip()
    return settings


def load_settings(environ):
    settings = {}
    if environ.get("IRCTL_WEBHOOKS_FILE"):
        settings.update(read_settings_file(environ["IRCTL_WEBHOOKS_FILE"]))
    settings.update({name: environ[name] for name in SETTINGS if environ.get(name)})
    return settings


def webhook_url(settings, target, channel):
    name = webhook_setting(target, channel)
    url = settings.get(name)
    if not url:
        raise Problem(
            "%s is not set: set it to the %s webhook of the %s channel, in the environment or in IRCTL_WEBHOOKS_FILE"
            % (name, target, channel),
            EXIT_CONFIG,
        )
    # urllib also opens file: and ftp: URLs; a webhook is neither.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise Problem("%s is not an http or https URL" % name, EXIT_CONFIG)
    return url


def request_timeout(settings):
    text = settings.get("IRCTL_NOTIFY_TIMEOUT", "")
    if not text:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 600:
        raise Problem("IRCTL_NOTIFY_TIMEOUT is %r, not a number of seconds (such as 3)" % text, EXIT_CONFIG)
    return seconds


def incident_page_url(settings, incident_id):
    """The one rule for links: IRCTL_SITE_URL/incidents/ID.html, or None."""
    site = settings.get("IRCTL_SITE_URL", "").rstrip("/")
    if not site:
        return None
    return "%s/incidents/%s.html" % (site, urllib.parse.quote(incident_id))


# --- what the message says, whatever the target ---------------------------------


def headline(event):
    kind = event["type"]
    if kind == "declare":
        return "Incident declared"
    if kind == "severity":
        return "Severity changed: %s \u2192 %s" % (event.get("from", "?"), event.get("to", "?"))
    if kind == "resolve":
        return "Incident resolved"
    return "Status update"


def body_text(event, incident):
    """What people read below the headline, when there is something."""
    if event["type"] == "update":
        return event.get("text", "")
    if event["type"] == "severity":
        return event.get("reason", "")
    if event["type"] == "resolve":
        return incident.get("resolution", "")
    return incident.get("summary", "")


def facts(event, incident, channel):
    """(name, value) pairs; the status channel names no person."""
    pairs = [("Incident", incident["id"])]
    if channel == "incident":
        pairs.append(("Severity", incident.get("severity", "")))
    pairs.append(("Status", incident.get("status", "")))
    if incident.get("services"):
        pairs.append(("Services", ", ".join(incident["services"])))
    if channel == "incident":
        pairs.append(("By", event.get("by", "")))
    pairs.append(("At", event.get("at", "")))
    return pairs


def message(event, incident, channel, settings):
    return {
        "channel": channel,
        "headline": headline(event),
        "title": incident.get("title", ""),
        "body": body_text(event, incident),
        "facts": facts(event, incident, channel),
        "url": incident_page_url(settings, incident["id"]),
        "event": event,
        "incident": incident,
    }


# --- the three shapes ---------------------------------------------------------------


def slack_escape(text):
    """Slack mrkdwn: &, < and > are its control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_document(msg):
    incident_id = msg["incident"]["id"]
    link = "<%s|%s>" % (msg["url"], incident_id) if msg["url"] else incident_id
    lines = ["*%s*: %s" % (slack_escape(msg["headline"]), link), slack_escape(msg["title"])]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}]
    if msg["body"]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(msg["body"])}})
    context = " \u00b7 ".join("%s: %s" % (name, value) for name, value in msg["facts"][1:])
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(context)}]})
    fallback = "%s: %s %s" % (msg["headline"], incident_id, msg["title"])
    return {"text": slack_escape(fallback), "blocks": blocks}


def teams_document(msg):
    body = [
        {"type": "TextBlock", "text": msg["headline"], "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": msg["title"], "wrap": True},
    ]
    if msg["body"]:
        body.append({"type": "TextBlock", "text": msg["body"], "wrap": True})
    body.append({"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in msg["facts"]]})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if msg["url"]:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the incident page", "url": msg["url"]}]
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def generic_document(msg):
    """The stable document of irctl-hooks(5): only these keys, version 1."""
    event, incident = msg["event"], msg["incident"]
    shown = {key: event.get(key, "") for key in ("id", "type", "at", "text")}
    if event["type"] == "severity":
        shown.update({"from": event.get("from", ""), "to": event.get("to", "")})
    if msg["channel"] == "incident":
        shown["by"] = event.get("by", "")
    return {
        "version": 1,
        "channel": msg["channel"],
        "incident": {
            "id": incident["id"],
            "title": incident.get("title", ""),
            "severity": incident.get("severity", ""),
            "status": incident.get("status", ""),
            "services": incident.get("services", []),
        },
        "event": shown,
        "url": msg["url"],
    }


DOCUMENTS = {"slack": slack_document, "teams": teams_document, "generic": generic_document}


# --- sending -------------------------------------------------------------------------


def post(url, document, timeout, what):
    """POSTs the document as JSON; a failure names `what`, never the URL."""
    data = json.dumps(document).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as e:
        raise Problem("%s answered HTTP %d %s" % (what, e.code, e.reason), EXIT_POST_FAILED)
    except (socket.timeout, TimeoutError):
        raise Problem("%s did not answer within %g s" % (what, timeout), EXIT_POST_FAILED)
    except urllib.error.URLError as e:
        if isinstance(e.reason, (socket.timeout, TimeoutError)):  # while connecting
            raise Problem("%s did not answer within %g s" % (what, timeout), EXIT_POST_FAILED)
        reason = e.reason.strerror if isinstance(e.reason, OSError) and e.reason.strerror else e.reason
        raise Problem("%s could not be reached: %s" % (what, reason), EXIT_POST_FAILED)
    except OSError as e:
        raise Problem("%s could not be reached: %s" % (what, e.strerror or e), EXIT_POST_FAILED)


def notify(target, msg, settings, timeout):
    what = "the %s webhook of the %s channel" % (target, msg["channel"])
    url = webhook_url(settings, target, msg["channel"])
    post(url, DOCUMENTS[target](msg), timeout, what)


# --- the command -------------------------------------------------------------------


def parse_targets(argv):
    targets = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg.startswith("--to="):
            targets.append(arg[len("--to="):])
        elif arg == "--to" and args:
            targets.append(args.pop(0))
        else:
            raise Problem("unknown argument %r; %s" % (arg, USAGE), EXIT_USAGE)
    if not targets:
        raise Problem("no target; %s" % USAGE, EXIT_USAGE)
    for target in targets:
        if target not in TARGETS:
            raise Problem("unknown target %r; the targets are slack, teams and generic" % target, EXIT_USAGE)
    return targets


def read_hook_input(stream):
    try:
        data = json.load(stream)
        event, incident = data["event"], data["incident"]
        if not isinstance(event.get("type"), str) or not isinstance(incident.get("id"), str):
            raise ValueError("no event type or incident id")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise Problem("standard input is not irctl's hook input {\"event\", \"incident\"}: %s" % e, EXIT_INPUT)
    return event, incident


def main(argv, stdin, environ):
    try:
        targets = parse_targets(argv)
        event, incident = read_hook_input(stdin)
        channel = channel_of(event)
        if channel is None:
            return 0
        settings = load_settings(environ)
        timeout = request_timeout(settings)
        msg = message(event, incident, channel, settings)
    except Problem as p:
        print("%s: %s" % (PROGRAM, p), file=sys.stderr)
        return p.status
    # Every target is tried: Slack being down is no reason not to tell Teams.
    status = 0
    for target in targets:
        try:
            notify(target, msg, settings, timeout)
        except Problem as p:
            print("%s: %s" % (PROGRAM, p), file=sys.stderr)
            status = status or p.status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdin, os.environ))
