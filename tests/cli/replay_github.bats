#!/usr/bin/env bats
# Replays a real incident with --at and --as: GitHub's outage of 21-22 October
# 2018, when a 43-second network partition made Orchestrator fail the MySQL
# primaries over to US West, and GitHub chose to restore from backups and
# re-synchronize rather than lose writes: 24 hours and 11 minutes of degraded
# service, recovered in stages, with webhooks and Pages builds paused for most
# of it. The replay has three workstreams (restore, replication, webhooks and
# Pages), multi-line updates and notes, and four recoveries, so it checks what
# issue 15 asks of a postmortem: the impact runs to its end, not to the first
# recovery; every table row survives GitHub-flavoured Markdown; hand edits
# survive a re-render; a conflicting edit stops; the public version names
# nobody.
#
# Source: Jason Warner, "October 21 post-incident analysis", github.blog,
# 2018-10-30 (https://github.blog/2018-10-30-oct21-post-incident-analysis/).
# Its full text was read through the search tool from a copy in the
# repository zerobased-co/muchtrans (articles/github-oct-21-post-incident-
# analysis.md); the author is named by byu-se.github.io/idb (incident 13,
# "by Jason Warner (CTO)") and plushcap.com. Its timeline, quoted:
#   "At 22:52 UTC on October 21, routine maintenance work to replace failing
#    100G optical equipment resulted in the loss of connectivity between our
#    US East Coast network hub and our primary US East Coast data center.
#    Connectivity between these locations was restored in 43 seconds, but
#    this brief outage triggered a chain of events that led to 24 hours and
#    11 minutes of service degradation."
#   22:54 "Our internal monitoring systems began generating alerts"
#   23:02 "engineers in our first responder team had determined that
#          topologies for numerous database clusters were in an unexpected
#          state"
#   23:07 "the responding team decided to manually lock our internal
#          deployment tooling to prevent any additional changes"
#   23:09 "the responding team placed the site into yellow status. This action
#          automatically escalated the situation into an active incident and
#          sent an alert to the incident coordinator."
#   23:11 "the incident coordinator joined and two minutes later made the
#          decision change to status red" (that is 23:13; a summary on
#          packtpub.com puts red at 23:11, the post does not)
#   23:13 "Additional engineers from GitHub's database engineering team were
#          paged"; "we decided that the 30+ minutes of data written to the US
#          West Coast data center prevented us from considering options other
#          than failing-forward"
#   23:19 "pausing webhook delivery and GitHub Pages builds instead of
#          jeopardizing data we had already received from users"
#   00:05 "Our plan was to restore from backups, synchronize the replicas in
#          both sites, fall back to a stable serving topology, and then resume
#          processing queued jobs. We updated our status to inform users that
#          we were going to be executing a controlled failover of an internal
#          data storage system."
#   00:41 "A backup process for all affected MySQL clusters had been initiated"
#   06:51 "Several clusters had completed restoration from backups in our US
#          East Coast data center and begun replicating new data from the West
#          Coast"; "the status page was updated to set an expectation of two
#          hours as our estimated time of recovery"
#   07:46 "GitHub published a blog post to provide more context"
#   11:12 "All database primaries established in US East Coast again";
#          "dozens of database read replicas that were multiple hours delayed"
#   13:15 "we were approaching peak traffic load"; "replication delays were
#          increasing instead of decreasing"
#   16:24 "Once the replicas were in sync, we conducted a failover to the
#          original topology"; "we kept the service status red while we began
#          processing the backlog"
#   16:45 "There were over five million hook events and 80 thousand Pages
#          builds queued"; "~200,000 webhook payloads that had outlived an
#          internal TTL and were dropped"
#   23:03 "All pending webhooks and Pages builds had been processed and the
#          integrity and proper operation of all systems had been confirmed.
#          The site status was updated to green."
# 22:52 on the 21st to 23:03 on the 22nd is 24 h 11 min, the published figure:
# 86400 + 11 * 60 = 87060 seconds. The follow-up actions are the post's "Next
# steps" (resolving the data inconsistencies, the four technical initiatives
# and the organisational one), paraphrased.
#
# Not published, so chosen for the replay and not to be read as history: the
# post names no responders, so the actors are stand-ins named after their
# roles (no real person but the post's author); who held which workstream and
# when the roles were assigned (placed at the 00:05 plan); the wording of the
# status-page messages (the tweets the post links could not be retrieved, so
# the texts paraphrase what the post says they said) and of every other
# event; when the impact text was set; the owners, due dates and filing time
# of the follow-up actions and when one was done or moved; the times of day
# at which the author pins a note and renders the postmortem (the post gives
# its date, 2018-10-30, only). The deployment tooling was locked at 23:07, two
# minutes before the incident was declared; issue 15 has irctl refuse events
# dated before the declaration, so the replay records the lock as the first
# step after declaring, at 23:09, with its real time in its text. Status
# yellow is SEV2 and red SEV1.
#
# The first test runs on the commands that exist before issue 15; the others
# use what issue 15 adds (set --impact-ended, resolve --resolution, action
# edit, timeline --pin, durations in show --json, postmortem --audience
# external and --format html, re-rendering as a three-way merge, escaped
# Markdown) and fail until those are merged.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
}
teardown() { common_teardown; }

FR="First Responder <first-responder@github.example>"
IC="Incident Coordinator <incident-coordinator@github.example>"
RESTORE="Database Restore Lead <db-restore-lead@github.example>"
REPL="Replication Lead <replication-lead@github.example>"
HOOKS="Webhooks Lead <webhooks-pages-lead@github.example>"
COMMS="Status Communicator <status-comms@github.example>"
JW="Jason Warner <jason.warner@github.example>"
# Everything that names a person: the names, e-mail addresses and handles
# (the addresses' local parts) of every actor above.
PEOPLE=("First Responder" "Incident Coordinator" "Database Restore Lead" "Replication Lead"
  "Webhooks Lead" "Status Communicator" "Jason Warner"
  first-responder@github.example incident-coordinator@github.example db-restore-lead@github.example
  replication-lead@github.example webhooks-pages-lead@github.example status-comms@github.example
  jason.warner@github.example
  first-responder incident-coordinator db-restore-lead replication-lead webhooks-pages-lead
  status-comms jason.warner)

TITLE="GitHub.com degraded: MySQL primaries failed over to US West"
DECLARED_SUMMARY="Database clusters in an unexpected topology: writes go to US West, pages show out-of-date data"
LOCK="Deployment tooling locked by hand at 23:07 UTC: no further changes go out"
PAUSE="Webhook delivery and GitHub Pages builds paused, so that no job writes more metadata"
YELLOW="We're investigating reports of degraded service on GitHub.com."
RED=$'We\'re investigating a major service outage on GitHub.com.\nSome pages show out-of-date or inconsistent data.'
DECISION=$'Decision: fail forward to keep user data safe.\nUS West took 30+ minutes of writes; data integrity comes before site usability and time to recovery.'
PLAN=$'Plan: fail forward, then\n1. restore the affected clusters from backups\n2. synchronize the replicas in both sites\n3. fall back to a stable serving topology\n4. resume processing queued jobs'
FAILOVER=$'We\'re executing a controlled failover of an internal data storage system.\nWebhooks and GitHub Pages builds are paused until it completes; some data may look out of date meanwhile.'
BACKUPS="Restore from backups started for every affected MySQL cluster; looking for ways to speed up the transfer"
RESTORED="Several clusters restored from backups in US East and replicating new writes from US West; larger clusters still restoring"
ETA=$'Restores from backups are nearly complete.\nWe expect a healthy replication topology in about two hours.'
BLOG="Published a blog post with more context: October 21 incident report"
PRIMARIES="All database primaries established in US East again; dozens of read replicas still hours behind"
PEAK=$'Approaching peak traffic: replication delays are growing instead of shrinking.\nSpreading reads over the new read replicas in the US East public cloud so that replication catches up.'
FAILBACK="Replicas in sync: failed over to the original topology"
STILL_RED=$'Database replicas are back in sync and the original topology is restored.\nStatus stays red while we process the backlog of webhooks and Pages builds.'
BACKLOG=$'Backlog: over five million hook events and 80 thousand Pages builds queued.\nAbout 200,000 webhook payloads outlived an internal TTL and were dropped: processing paused, TTL raised.'
DRAINED="All pending webhooks and Pages builds processed; integrity and operation of every system confirmed"
GREEN=$'All pending webhooks and Pages builds have been processed.\nEvery system is confirmed to work as it should: status green.'
SUMMARY="A 43-second network partition made Orchestrator fail the MySQL primaries over to US West; to keep user data consistent the clusters were restored from backups and re-synchronized, and GitHub.com served out-of-date data, without webhooks or Pages builds, for 24 hours and 11 minutes."
ROOT_CAUSE="Orchestrator could promote primaries across regions: after 43 seconds without connectivity between the US East network hub and data center it moved writes to US West, leaving seconds of East writes unreplicated, and the applications cannot work with cross-country write latency."
RESOLUTION="Restored the affected clusters from backups, synchronized the replicas in both sites, failed back to the original US East topology, then processed the backlog of webhooks and Pages builds before returning to green."
IMPACT="GitHub.com showed out-of-date and inconsistent data; webhook delivery and GitHub Pages builds were paused for most of the incident."
IMPACT_CORRECTED="GitHub.com showed out-of-date and inconsistent data, and webhook delivery and GitHub Pages builds were paused for most of the incident; no user data was lost, and a few seconds of writes are being reconciled by hand."
WENT_WELL="The restore from backups is tested daily, so we knew how long it would take."

# The response, from the declaration to the last recovery and the green
# status (the commands that exist before issue 15); sets ID.
replay_response() {
  ID=$(as "$FR" 2018-10-21T23:09:00Z declare "$TITLE" --severity SEV2 --kind degradation \
    --service mysql --service webhooks --service pages \
    --started-at 2018-10-21T22:52:00Z --detected-at 2018-10-21T22:54:00Z --summary "$DECLARED_SUMMARY")
  as "$FR" 2018-10-21T23:09:00Z contain @ "$LOCK"
  as "$FR" 2018-10-21T23:09:00Z update @ --audience external "$YELLOW"
  as "$IC" 2018-10-21T23:11:00Z assign @ commander "Incident Coordinator"
  as "$IC" 2018-10-21T23:13:00Z severity @ SEV1 --reason "status red"
  as "$IC" 2018-10-21T23:13:00Z update @ --audience external "$RED"
  as "$IC" 2018-10-21T23:13:00Z escalate @ --reason "multiple database clusters: database engineering paged"
  as "$IC" 2018-10-21T23:13:00Z note @ "$DECISION"
  as "$IC" 2018-10-21T23:19:00Z contain @ "$PAUSE"
  as "$IC" 2018-10-22T00:05:00Z assign @ tech-lead "Database Restore Lead" --workstream restore
  as "$IC" 2018-10-22T00:05:00Z assign @ tech-lead "Replication Lead" --workstream replication
  as "$IC" 2018-10-22T00:05:00Z assign @ tech-lead "Webhooks Lead" --workstream webhooks-pages
  as "$IC" 2018-10-22T00:05:00Z assign @ comms-external "Status Communicator"
  as "$IC" 2018-10-22T00:05:00Z update @ --audience internal "$PLAN"
  as "$COMMS" 2018-10-22T00:05:00Z update @ --audience external "$FAILOVER"
  as "$RESTORE" 2018-10-22T00:41:00Z note @ "$BACKUPS"
  as "$RESTORE" 2018-10-22T06:51:00Z recover @ "$RESTORED"
  as "$COMMS" 2018-10-22T06:51:00Z update @ --audience external "$ETA"
  as "$COMMS" 2018-10-22T07:46:00Z update @ --audience external "$BLOG"
  as "$REPL" 2018-10-22T11:12:00Z recover @ "$PRIMARIES"
  as "$REPL" 2018-10-22T13:15:00Z note @ "$PEAK"
  as "$REPL" 2018-10-22T16:24:00Z recover @ "$FAILBACK"
  as "$COMMS" 2018-10-22T16:24:00Z update @ --audience external "$STILL_RED"
  as "$HOOKS" 2018-10-22T16:45:00Z note @ "$BACKLOG"
  as "$HOOKS" 2018-10-22T23:03:00Z recover @ "$DRAINED"
  as "$COMMS" 2018-10-22T23:03:00Z update @ --audience external "$GREEN"
}

# The resolution, with what issue 15 adds: the resolution text, and the end
# of the impact at the green status rather than at the first recovery.
resolve_github() {
  as "$IC" 2018-10-22T23:03:00Z resolve @ --root-cause "$ROOT_CAUSE" --resolution "$RESOLUTION"
  as "$IC" 2018-10-22T23:05:00Z set @ --summary "$SUMMARY" --impact "$IMPACT" --impact-ended 2018-10-22T23:03:00Z
}

# Usage: name_of "Name <email>" — a person as the postmortem names them.
name_of() { printf '%s' "${1%% <*}"; }

replay_github() {
  replay_response
  resolve_github
}

# The "Next steps" of the post as follow-up actions, filed by the coordinator
# the day before it was published; the owners and due dates are the
# replay's. The status-page action's due date is moved once.
file_actions() {
  as "$IC" 2018-10-29T10:00:00Z action add @ "Reconcile the writes in the MySQL binary logs that never reached US West" \
    --owner "$RESTORE" --due 2018-11-30 --type mitigate
  as "$IC" 2018-10-29T10:01:00Z action add @ "Configure Orchestrator not to promote database primaries across regions" \
    --owner "$REPL" --due 2018-11-15 --type prevent
  as "$IC" 2018-10-29T10:02:00Z action add @ "Move to a status page that shows the status of each component" \
    --owner "$COMMS" --due 2018-12-31 --type process
  as "$IC" 2018-10-29T10:03:00Z action add @ "Serve GitHub from several data centers, active/active/active, to survive losing one" \
    --owner "$IC" --due 2019-06-30 --type mitigate
  as "$IC" 2018-10-29T10:04:00Z action add @ "Validate failure scenarios before they happen: fault injection and chaos engineering tooling" \
    --owner "$HOOKS" --due 2019-03-31 --type detect
  as "$IC" 2018-10-29T10:05:00Z action edit @ 3 --due 2018-12-19
}

# The ID of the event with the text $1, from the timeline.
event_with_text() {
  irctl timeline @ --json | py -S -c '
import json, sys
d = json.load(sys.stdin)
ids = [e["id"] for e in d["timeline"] if e["text"] == sys.argv[1]]
assert len(ids) == 1, ids
print(ids[0])' "$1"
}

# The replay, the actions, the 23:13 decision pinned to the public timeline
# and the postmortem rendered and committed by the post's author; sets PM.
render_postmortem() {
  replay_github
  file_actions
  as "$JW" 2018-10-30T09:00:00Z timeline @ --pin "$(event_with_text "$DECISION")" --public
  as "$JW" 2018-10-30T09:05:00Z postmortem @
  PM="postmortems/$ID.md"
}

# What the postmortem's timeline shows, one line each (time | actor | type |
# text, with \n for a newline): the key events (declare, severity, escalate,
# containment and recovery, updates, resolve) and the pinned note; the
# assignments, the other notes, the set, the actions, the pin and the
# postmortem itself are bookkeeping and left out.
expected_key_events() {
  local resolve_text
  resolve_text=$(irctl timeline @ --json | json_eval '[e["text"] for e in d["timeline"] if e["type"] == "resolve"][0]')
  key_event "2018-10-21 23:09" "First Responder" declare "$TITLE"
  key_event "2018-10-21 23:09" "First Responder" contain "$LOCK"
  key_event "2018-10-21 23:09" "First Responder" update "$YELLOW"
  key_event "2018-10-21 23:13" "Incident Coordinator" severity "SEV2 -> SEV1: status red"
  key_event "2018-10-21 23:13" "Incident Coordinator" update "$RED"
  key_event "2018-10-21 23:13" "Incident Coordinator" escalate \
    "level 2 of default: secondary-oncall, team-lead (multiple database clusters: database engineering paged)"
  key_event "2018-10-21 23:13" "Incident Coordinator" note "$DECISION"
  key_event "2018-10-21 23:19" "Incident Coordinator" contain "$PAUSE"
  key_event "2018-10-22 00:05" "Incident Coordinator" update "$PLAN"
  key_event "2018-10-22 00:05" "Status Communicator" update "$FAILOVER"
  key_event "2018-10-22 06:51" "Database Restore Lead" recover "$RESTORED"
  key_event "2018-10-22 06:51" "Status Communicator" update "$ETA"
  key_event "2018-10-22 07:46" "Status Communicator" update "$BLOG"
  key_event "2018-10-22 11:12" "Replication Lead" recover "$PRIMARIES"
  key_event "2018-10-22 16:24" "Replication Lead" recover "$FAILBACK"
  key_event "2018-10-22 16:24" "Status Communicator" update "$STILL_RED"
  key_event "2018-10-22 23:03" "Webhooks Lead" recover "$DRAINED"
  key_event "2018-10-22 23:03" "Status Communicator" update "$GREEN"
  key_event "2018-10-22 23:03" "Incident Coordinator" resolve "$resolve_text"
}

# Usage: key_event TIME ACTOR TYPE TEXT — one line of expected_key_events.
key_event() {
  printf '%s|%s|%s|%s\n' "$1" "$2" "$3" "${4//$'\n'/\\n}"
}

# Usage: html_section FILE HEADING rows|items — in the HTML page FILE, the
# section under the <h2> HEADING: "rows" prints the body rows of its first
# table, one line each, cells joined by | and <br> as \n; "items" prints how
# many list items it has.
html_section() {
  py -S -c '
import html.parser, sys
path, heading, what = sys.argv[1:4]

class Section(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h2, self.in_h2, self.h2_text = None, False, ""
        self.tables, self.rows, self.row, self.cell, self.items = 0, [], None, None, 0

    def here(self):
        return self.h2 == heading

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self.in_h2, self.h2_text = True, ""
        elif not self.here():
            return
        elif tag == "table":
            self.tables += 1
        elif tag == "tr" and self.tables == 1:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        elif tag == "br" and self.cell is not None:
            self.cell += "\\n"
        elif tag == "li":
            self.items += 1

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_h2, self.h2 = False, self.h2_text.strip()
        elif not self.here():
            return
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_h2:
            self.h2_text += data
        elif self.cell is not None:
            self.cell += data

p = Section()
with open(path, encoding="utf-8") as f:
    p.feed(f.read())
if what == "rows":
    for row in p.rows[1:]:
        print("|".join(row))
else:
    print(p.items)' "$1" "$2" "$3"
}

# Converts the Markdown file $1 to HTML in $2 with GitHub's dialect.
# --unsafe keeps the <br> that a table cell holds for a newline, so that the
# cells can be compared with the recorded texts; it changes no table or list.
cmark_gfm() {
  if ! command -v cmark-gfm >/dev/null; then
    skip "cmark-gfm is not installed (scripts/install-deps installs it)"
  fi
  cmark-gfm --extension table --unsafe "$1" >"$2"
}

@test "GitHub 2018-10-21: the response runs with workstreams, multi-line updates and staged recovery" {
  replay_response
  [[ "$ID" == INC-20181021-* ]]
  [ "$(incident_path "$ID")" = "incidents/2018/10/$ID.toml" ]
  run --separate-stderr irctl timeline @ --json
  assert_status 0
  j=$output
  # every step, in order, by its actor
  [ "$(json_eval '[(e["at"][5:16], e["type"], e["by"].split(" <")[0]) for e in d["timeline"]]' <<<"$j")" = '[["10-21T23:09", "declare", "First Responder"], ["10-21T23:09", "contain", "First Responder"], ["10-21T23:09", "update", "First Responder"], ["10-21T23:11", "assign", "Incident Coordinator"], ["10-21T23:13", "severity", "Incident Coordinator"], ["10-21T23:13", "update", "Incident Coordinator"], ["10-21T23:13", "escalate", "Incident Coordinator"], ["10-21T23:13", "note", "Incident Coordinator"], ["10-21T23:19", "contain", "Incident Coordinator"], ["10-22T00:05", "assign", "Incident Coordinator"], ["10-22T00:05", "assign", "Incident Coordinator"], ["10-22T00:05", "assign", "Incident Coordinator"], ["10-22T00:05", "assign", "Incident Coordinator"], ["10-22T00:05", "update", "Incident Coordinator"], ["10-22T00:05", "update", "Status Communicator"], ["10-22T00:41", "note", "Database Restore Lead"], ["10-22T06:51", "recover", "Database Restore Lead"], ["10-22T06:51", "update", "Status Communicator"], ["10-22T07:46", "update", "Status Communicator"], ["10-22T11:12", "recover", "Replication Lead"], ["10-22T13:15", "note", "Replication Lead"], ["10-22T16:24", "recover", "Replication Lead"], ["10-22T16:24", "update", "Status Communicator"], ["10-22T16:45", "note", "Webhooks Lead"], ["10-22T23:03", "recover", "Webhooks Lead"], ["10-22T23:03", "update", "Status Communicator"]]' ]
  # the multi-line updates and notes are kept line for line, with their audience
  [ "$(json_eval '[[e["audience"], e["text"]] for e in d["timeline"] if e["type"] == "update"]' <<<"$j")" = "$(py -S -c 'import json, sys; a = sys.argv[1:]; print(json.dumps([[a[i], a[i + 1]] for i in range(0, len(a), 2)]))' \
    external "$YELLOW" external "$RED" internal "$PLAN" external "$FAILOVER" external "$ETA" external "$BLOG" external "$STILL_RED" external "$GREEN")" ]
  [ "$(json_eval '[e["text"] for e in d["timeline"] if e["type"] == "note"]' <<<"$j")" = "$(py -S -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$DECISION" "$BACKUPS" "$PEAK" "$BACKLOG")" ]
  [ "$(json_eval '[e["text"] for e in d["timeline"] if e["type"] == "recover"]' <<<"$j")" = "$(py -S -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$RESTORED" "$PRIMARIES" "$FAILBACK" "$DRAINED")" ]
  run --separate-stderr irctl show @ --json
  assert_status 0
  j=$output
  [ "$(json_eval '[d["status"], d["severity"], d["kind"], d["services"], d["missing"]]' <<<"$j")" = '["recovery", "SEV1", "degradation", ["mysql", "webhooks", "pages"], []]' ]
  # the first recovery is 06:51: without an end of impact, the impact would
  # be measured to it
  [ "$(json_eval '[d[k] for k in ("started_at", "detected_at", "declared_at", "acknowledged_at", "contained_at", "recovered_at")]' <<<"$j")" = '["2018-10-21T22:52:00Z", "2018-10-21T22:54:00Z", "2018-10-21T23:09:00Z", "2018-10-21T23:11:00Z", "2018-10-21T23:09:00Z", "2018-10-22T06:51:00Z"]' ]
  [ "$(json_eval '[d["escalation_level"], d["escalated_at"]]' <<<"$j")" = '[2, "2018-10-21T23:13:00Z"]' ]
  [ "$(json_eval 'd["roles"]' <<<"$j")" = '{"commander": "Incident Coordinator", "tech-lead": ["Database Restore Lead (restore)", "Replication Lead (replication)", "Webhooks Lead (webhooks-pages)"], "comms-external": "Status Communicator"}' ]
  # one commit per step, authored by the actor at the recorded time
  [ "$(git rev-list --count HEAD)" -eq 27 ]
  [ "$(TZ=UTC git log -1 --date=format-local:'%Y-%m-%d %H:%M' --format='%an %ad')" = "Status Communicator 2018-10-22 23:03" ]
  assert_clean_repo
}

# Needs issue 15: resolve --resolution, set --impact-ended, show --json durations.
@test "GitHub 2018-10-21: the impact runs to its published end, 24 hours 11 minutes, not to the first recovery" {
  replay_github
  run --separate-stderr irctl show @ --json
  assert_status 0
  j=$output
  [ "$(json_eval '[d["status"], d["impact_ended_at"], d["resolved_at"], d["recovered_at"]]' <<<"$j")" = '["resolved", "2018-10-22T23:03:00Z", "2018-10-22T23:03:00Z", "2018-10-22T06:51:00Z"]' ]
  [ "$(json_eval '[d["summary"], d["resolution"], d["impact"]]' <<<"$j")" = "$(py -S -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$SUMMARY" "$RESOLUTION" "$IMPACT")" ]
  # 22:52 on the 21st to 23:03 on the 22nd: 24 h 11 min = 87060 s
  [ "$(json_eval 'd["durations"]["impact"]' <<<"$j")" = 87060 ]
  # detect 22:52 -> 22:54; acknowledge 23:09 -> commander 23:11; contain
  # 23:09 -> 23:09; recover 23:09 -> first recovery 06:51 (7 h 42 min);
  # resolve 23:09 -> 23:03 (23 h 54 min)
  [ "$(json_eval '[d["durations"][k] for k in ("detect", "acknowledge", "contain", "recover", "resolve", "impact")]' <<<"$j")" = '[120, 120, 0, 27720, 86040, 87060]' ]
  run --separate-stderr irctl stats --json
  assert_status 0
  [ "$(json_eval 'd["total"]["impact"]["mean_seconds"]' <<<"$output")" = 87060 ]
  as "$JW" 2018-10-30T09:05:00Z postmortem @
  assert_file_has "postmortems/$ID.md" "- Impact duration: 1d 0h 11m"
  assert_clean_repo
}

# Needs issue 15: timeline --pin, action edit, escaped Markdown, key-event timeline.
@test "GitHub 2018-10-21: every row of the postmortem survives cmark-gfm, one per key event, multi-line texts in one cell" {
  render_postmortem
  assert_clean_repo
  cmark_gfm "$PM" "$TEST_DIR/pm.html"
  # the timeline: each key event one row, its text whole in one cell
  diff -u <(expected_key_events) <(html_section "$TEST_DIR/pm.html" Timeline rows)
  [ "$(html_section "$TEST_DIR/pm.html" Timeline rows | wc -l)" -eq 19 ]
  # every Markdown table line (less the |---| lines) became one <tr>
  [ "$(grep -c '^|' "$PM")" -eq "$(($(grep -c '<tr>' "$TEST_DIR/pm.html") + $(grep -cE '^\|( *:?-+:? *\|)+$' "$PM")))" ]
  # the five actions are five rows; the eight updates eight list items
  [ "$(html_section "$TEST_DIR/pm.html" "Follow-up actions" rows | cut -d'|' -f1 | paste -sd' ')" = "1 2 3 4 5" ]
  [ "$(html_section "$TEST_DIR/pm.html" Communication items)" = 8 ]
  # the staged recovery, in the order it happened
  [ "$(grep -c '^- Recovered, ' "$PM")" -eq 4 ]
  # the roles keep their workstreams
  assert_file_has "$PM" "- Technical lead: Database Restore Lead (workstream restore)"
  assert_file_has "$PM" "- Technical lead: Replication Lead (workstream replication)"
  assert_file_has "$PM" "- Technical lead: Webhooks Lead (workstream webhooks-pages)"
  assert_file_has "$PM" "- Impact duration: 1d 0h 11m"
}

# Needs issue 15: postmortem --format html.
@test "GitHub 2018-10-21: postmortem --format html renders the same timeline rows" {
  render_postmortem
  run --separate-stderr irctl postmortem @ --format html --output -
  assert_status 0
  printf '%s\n' "$output" >"$TEST_DIR/pm.html"
  diff -u <(expected_key_events) <(html_section "$TEST_DIR/pm.html" Timeline rows)
  assert_clean_repo
}

# Needs issue 15: re-rendering as a three-way merge.
@test "GitHub 2018-10-21: prose typed under a heading and a corrected Impact line survive a late event and a re-render" {
  render_postmortem
  # typed straight under the heading, and a generated line corrected by hand
  sed -i "/^### What went well\$/a\\
$WENT_WELL" "$PM"
  grep -qxF -- "$IMPACT" "$PM"
  sed -i "s|^$IMPACT\$|$IMPACT_CORRECTED|" "$PM"
  git commit -qam "postmortem: what went well, impact corrected"
  # a late event: the Orchestrator change is done, after the analysis
  as "$REPL" 2018-11-15T16:00:00Z action done @ 2
  as "$JW" 2018-11-15T16:05:00Z postmortem @
  assert_file_has "$PM" "$WENT_WELL"
  [ "$(sed -n '/^### What went well$/,/^### /p' "$PM" | grep -cxF -- "$WENT_WELL")" -eq 1 ]
  assert_file_has "$PM" "$IMPACT_CORRECTED"
  ! grep -qxF -- "$IMPACT" "$PM"
  # the generated part that changed is updated
  assert_file_has "$PM" "| 2 | Configure Orchestrator not to promote database primaries across regions | $(name_of "$REPL") | 2018-11-15 | prevent | done 2018-11-15 |"
  assert_clean_repo
}

# Needs issue 15: conflicts exit 5, postmortem --theirs, action edit.
@test "GitHub 2018-10-21: a hand edit that a re-render would change exits 5 and changes nothing; --theirs regenerates that part" {
  render_postmortem
  sed -i "/^### What went well\$/a\\
$WENT_WELL" "$PM"
  row="| 3 | Move to a status page that shows the status of each component | $(name_of "$COMMS") | 2018-12-19 | process | open |"
  assert_file_has "$PM" "$row"
  sed -i "s/^| 3 | Move to a status page that shows the status of each component |/| 3 | Move to githubstatus.com, which shows each component |/" "$PM"
  git commit -qam "postmortem: the status page's name"
  # the due date moves again: the re-render changes the row edited by hand
  as "$IC" 2018-11-20T10:00:00Z action edit @ 3 --due 2019-01-31
  head=$(git rev-parse HEAD)
  run_unchanged irctl --as "$JW" --at 2018-11-20T10:05:00Z postmortem @
  assert_status 5
  assert_output_contains "Follow-up actions"
  assert_no_commit_since "$head"
  assert_file_has "$PM" "| 3 | Move to githubstatus.com, which shows each component | $(name_of "$COMMS") | 2018-12-19 | process | open |"
  run --separate-stderr irctl --as "$JW" --at 2018-11-20T10:06:00Z postmortem @ --theirs
  assert_status 0
  assert_file_has "$PM" "| 3 | Move to a status page that shows the status of each component | $(name_of "$COMMS") | 2019-01-31 | process | open |"
  assert_file_has "$PM" "$WENT_WELL"
  assert_clean_repo
}

# Needs issue 15: postmortem --audience external, timeline --pin --public.
@test "GitHub 2018-10-21: the external postmortem names nobody and leaves out what was internal" {
  render_postmortem
  head=$(git rev-parse HEAD)
  run --separate-stderr irctl postmortem @ --audience external --output -
  assert_status 0
  assert_no_commit_since "$head"
  for who in "${PEOPLE[@]}"; do
    if grep -qiF -- "$who" <<<"$output"; then
      echo "the external postmortem names '$who':" >&2
      grep -niF -- "$who" <<<"$output" >&2
      return 1
    fi
  done
  # the internal update and notes are left out; the note pinned as public is in
  refute_output_contains "${PLAN%%$'\n'*}"
  refute_output_contains "$BACKUPS"
  refute_output_contains "${PEAK%%$'\n'*}"
  refute_output_contains "${BACKLOG%%$'\n'*}"
  assert_output_contains "${DECISION%%$'\n'*}"
  # its timeline holds in GitHub's Markdown too: the key events but the
  # internal update, people shown by role (so the Who column is not compared),
  # an escalation by its level alone (its targets are people)
  printf '%s\n' "$output" >"$TEST_DIR/external.md"
  cmark_gfm "$TEST_DIR/external.md" "$TEST_DIR/external.html"
  diff -u <(expected_key_events | grep -vF "|update|${PLAN%%$'\n'*}" | cut -d'|' -f1,3- |
    sed 's/^\(.*|escalate|\).*$/\1escalated to level 2/') \
    <(html_section "$TEST_DIR/external.html" Timeline rows | cut -d'|' -f1,3-)
}
