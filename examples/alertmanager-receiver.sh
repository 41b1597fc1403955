#!/usr/bin/env bash
# Alert receiver: one webhook body on standard input becomes incident events.
#
# Usage: alertmanager-receiver.sh [INCIDENT_REPO] < BODY
#
# Run it from whatever turns an HTTP POST into a command (a webhook-to-command
# bridge, a socket-activated service), once per delivery, with the request
# body on standard input. Without such a bridge, `irctl serve` is the
# receiver: Alertmanager posts to it directly (examples/serve/alertmanager.yml). It brings INCIDENT_REPO (default: $INCIDENTS, else
# the current directory) up to date when it has a remote, runs
# `irctl ingest`, which declares, acknowledges, updates or resolves the
# incident of the alert (or changes nothing for a repeat), and pushes the
# commit with plain `git push`.
#
# Exit status: 0 when the alert was recorded (or had nothing to change) and
# pushed; 65 when the body is not a payload irctl reads (retrying will not
# help); anything else, for example when the push failed, means "try again":
# ingesting the same body again changes nothing, and the commits that were
# not pushed go with the next push.
#
# Environment:
#   IRCTL_ACTOR          who the commits are by
#                        (default: Alertmanager <alertmanager@localhost>)
#   IRCTL_INGEST_FORMAT  auto (default), alertmanager, grafana, pagerduty,
#                        opsgenie, github or generic
#   IRCTL                the irctl binary (default: irctl from PATH)
#
# The body is only ever read by irctl: nothing from it becomes an argument,
# a file name or a part of a command here.
#
# The clone is meant to be the receiver's own: the pull only fast-forwards.
# When others push to the same branch from clones that also record (people
# acknowledging, a cron job escalating) and the histories diverge, the pull
# and then the push fail (exit 75, the alert recorded locally) until someone
# merges: `git pull --no-rebase --no-edit && git push` in the clone.
set -euo pipefail

repo=${1:-${INCIDENTS:-.}}
irctl=${IRCTL:-irctl}
export IRCTL_ACTOR=${IRCTL_ACTOR:-Alertmanager <alertmanager@localhost>}

cd "$repo"
remote=$(git remote)

# One delivery at a time from here to the push (irctl itself takes turns on
# its own lock; this keeps two pulls or pushes from crossing).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$(git rev-parse --git-dir)/alert-receiver.lock"
  flock 9
fi

# git must not read the body: its standard input is not the payload's.
export GIT_TERMINAL_PROMPT=0
if [ -n "$remote" ] && ! git pull --ff-only --quiet </dev/null; then
  echo "alert-receiver: could not bring $repo up to date; recording the alert anyway" >&2
fi

status=0
"$irctl" ingest --format "${IRCTL_INGEST_FORMAT:-auto}" - || status=$?
[ "$status" -eq 0 ] || exit "$status"

if [ -n "$remote" ] && ! git push --quiet </dev/null; then
  echo "alert-receiver: the alert is recorded in $repo but could not be pushed" >&2
  exit 75  # EX_TEMPFAIL: deliver again later
fi
