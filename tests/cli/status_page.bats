#!/usr/bin/env bats
# irctl status-page DIR (issue 17): the public status page as static files.
# Only what was written for customers reaches it: a test greps every file it
# writes for every internal string of the incidents it is built from.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  add_shop_services
  cat >>.irctl/config.toml <<'EOF'

[[service]]
name = "batch"
status_page = false

[status_page]
title = "Acme status"
url = "https://status.example.com"
EOF
  git commit -q -am "services and the status page"
  SITE="$TEST_DIR/public"
}
teardown() { common_teardown; }

# Usage: page_json EXPR — EXPR over api/v2/summary.json.
summary() { json_eval "$1" <"$SITE/api/v2/summary.json"; }

# Usage: feed_eval FILE EXPR — EXPR over feedparser's reading of FILE (f),
# after checking that it parsed without complaint.
feed_eval() {
  /usr/bin/python3 -c '
import json, sys, feedparser
f = feedparser.parse(sys.argv[1])
if f.bozo:
    sys.exit("feedparser: %s" % f.bozo_exception)
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))' "$1" "$2"
}

# Usage: assert_feeds_valid [URL] — every feed of $SITE validates against
# its format (tests/schemas/validate_feeds.py says what checks what); URL is
# the page's configured url, which the RSS links must then start with.
assert_feeds_valid() {
  run py "$IRCTL_SOURCE_DIR/tests/schemas/validate_feeds.py" "$SITE" ${1:+--url "$1"}
  assert_status 0
}

@test "an incident declared, updated for customers and resolved: the page, its states and the feeds, in that order" {
  ID=$(declare_incident "db-7 disk full on the primary" --severity SEV1 --service checkout --service batch)
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$output" = "$SITE/index.html" ]
  # nothing was written for customers yet: no incident, every component operational
  [ "$(summary 'd["status"]')" = '{"indicator": "none", "description": "All systems operational"}' ]
  [ ! -e "$SITE/incidents/$ID.html" ]

  irctl -q update "$ID" "We are investigating errors when paying at checkout." --audience external
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$(summary '[(c["id"], c["status"]) for c in d["components"] if not c["group"]]')" = '[["checkout", "major_outage"], ["payments", "operational"]]' ]
  [ "$(summary 'd["status"]')" = '{"indicator": "critical", "description": "Major outage"}' ]
  [ "$(summary '[(i["id"], i["name"], i["status"], i["impact"]) for i in d["incidents"]]')" = "[[\"$ID\", \"Major outage: Checkout\", \"investigating\", \"critical\"]]" ]

  irctl -q contain "$ID" "Failed over to db-8"
  irctl -q update "$ID" "We found the cause and are fixing it." --audience external
  irctl -q recover "$ID" "Payments flow again"
  irctl -q update "$ID" "A fix is in place; we are watching." --audience external
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$(summary '[(c["id"], c["status"]) for c in d["components"] if not c["group"]]')" = '[["checkout", "degraded_performance"], ["payments", "operational"]]' ]

  irctl -q resolve "$ID" --summary "disk full" --root-cause "log rotation off"
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$(summary 'd["status"]["indicator"]')" = none ]
  [ "$(summary 'd["incidents"]')" = '[]' ]  # only unresolved ones, as Statuspage's summary
  run json_eval '[(u["status"], u["body"]) for u in d["incidents"][0]["incident_updates"]]' <"$SITE/api/v2/incidents.json"
  assert_status 0
  [ "$output" = '[["resolved", "This incident has been resolved."], ["monitoring", "A fix is in place; we are watching."], ["identified", "We found the cause and are fixing it."], ["investigating", "We are investigating errors when paying at checkout."]]' ]
  # the incident's page, newest update first
  run py -c '
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
print("\n".join(re.findall(r"<span class=\"state\">([^<]*)</span> — <span class=\"text\">([^<]*)</span>", html) and
      ["%s: %s" % m for m in re.findall(r"<span class=\"state\">([^<]*)</span> — <span class=\"text\">([^<]*)</span>", html)]))' "$SITE/incidents/$ID.html"
  assert_status 0
  [ "$output" = "Resolved: This incident has been resolved.
Monitoring: A fix is in place; we are watching.
Identified: We found the cause and are fixing it.
Investigating: We are investigating errors when paying at checkout." ]
  # the feeds parse, with the incident and its updates
  run feed_eval "$SITE/feed.atom" '[(e.title, e.link, e.id) for e in f.entries]'
  assert_status 0
  [ "$output" = "[[\"Major outage: Checkout\", \"https://status.example.com/incidents/$ID.html\", \"https://status.example.com/incidents/$ID.html\"]]" ]
  run feed_eval "$SITE/feed.rss" '[f.version, [(e.title, e.link, e.id) for e in f.entries]]'
  assert_status 0
  [ "$output" = "[\"rss20\", [[\"Major outage: Checkout\", \"https://status.example.com/incidents/$ID.html\", \"$ID\"]]]" ]
  run feed_eval "$SITE/feed.atom" '[s in f.entries[0].content[0].value for s in ["Investigating", "We found the cause", "watching", "resolved"]]'
  assert_status 0
  [ "$output" = '[true, true, true, true]' ]
  assert_feeds_valid https://status.example.com
  # today's bar of checkout shows the outage
  run py -c '
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bars = re.findall(r"<ol class=\"bars\" aria-label=\"([^\"]*)\">(.*?)</ol>", html, re.S)
for label, days in bars:
    classes = re.findall(r"<li class=\"day-([a-z_]+)\"", days)
    print(label, len(classes), classes[-1])' "$SITE/index.html"
  assert_status 0
  [ "$output" = "Checkout: the last 90 days 90 major_outage
Payments: the last 90 days 90 operational" ]
  assert_links_resolve "$SITE"
  assert_clean_repo
}

@test "nothing internal reaches any file of the page: titles, notes, internal updates, people, severities, evidence, other incidents" {
  ID=$(declare_incident "Secret-title: db-7 disk full" --severity SEV2 --service checkout --kind outage)
  irctl -q assign "$ID" commander "Zed Commander <zed@example.com>"
  irctl -q note "$ID" "Internal-note: the root password is in vault path kv/db7"
  irctl -q update "$ID" "Internal-update: Bob is rebooting db-7" --audience internal
  irctl -q set "$ID" --summary "Internal-summary: disk" --impact "Internal-impact: 3 customers named Foo"
  irctl -q update "$ID" "Checkout is slow; we are on it." --audience external
  OTHER=$(declare_incident "Other-internal: payments flake" --severity SEV1 --service payments)
  irctl -q note "$OTHER" "Other-note: nobody outside should see this"
  printf 'evidence bytes\n' >"$TEST_DIR/evidence-secret.log"
  SEC=$(declare_incident "Breach-title: phishing of the CFO" --severity SEV1 --kind phishing --service payments)
  irctl -q contain "$SEC" "Locked the mailbox" --evidence "$TEST_DIR/evidence-secret.log"
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  for secret in "Secret-title" "db-7" "Internal-note" "kv/db7" "Internal-update" "Bob" "Internal-summary" \
                "Internal-impact" "Zed" "zed@example.com" "Alice" "alice@example.com" "SEV1" "SEV2" "commander" \
                "Other-internal" "Other-note" "$OTHER" "Breach-title" "$SEC" "evidence-secret" "phishing" "batch"; do
    if grep -rlF -- "$secret" "$SITE"; then
      echo "the status page holds the internal string: $secret" >&2
      return 1
    fi
  done
  grep -qF "Checkout is slow; we are on it." "$SITE/index.html"
  [ -f "$SITE/incidents/$ID.html" ]
  # the internal incidents change no component: payments stays operational
  [ "$(summary '[(c["id"], c["status"]) for c in d["components"] if not c["group"]]')" = '[["checkout", "partial_outage"], ["payments", "operational"]]' ]
}

@test "a rebuild writes only what changed, and removes the page of an incident voided since" {
  ID=$(declare_incident "Checkout errors" --severity SEV3 --service checkout)
  irctl -q update "$ID" "Some payments fail; we are looking into it." --audience external
  run --separate-stderr irctl --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" status-page "$SITE"
  assert_status 0
  run --separate-stderr irctl --json --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" status-page "$SITE"
  assert_status 0
  [ "$(json_eval '[d["files"]["removed"], d["incidents"], d["open_incidents"], d["status"]]' <<<"$output")" = '[0, 1, 1, {"indicator": "minor", "description": "Degraded performance"}]' ]
  [ -f "$SITE/incidents/$ID.html" ]
  irctl -q void "$ID" --reason "a drill"
  run --separate-stderr irctl --json status-page "$SITE"
  assert_status 0
  [ "$(json_eval '[d["files"]["removed"], d["incidents"]]' <<<"$output")" = '[2, 0]' ]  # its page and its month
  [ ! -e "$SITE/incidents/$ID.html" ]
  [ -f "$SITE/index.html" ]
}

@test "a folder that irctl did not build, or the repository itself, is refused and left as it was" {
  mkdir -p "$TEST_DIR/mine" && printf 'keep me\n' >"$TEST_DIR/mine/notes.txt"
  run --separate-stderr irctl status-page "$TEST_DIR/mine"
  assert_status 5
  assert_text_error
  [[ "$stderr" == *"is not empty and was not built by irctl"* ]]
  [ "$(ls "$TEST_DIR/mine")" = notes.txt ]
  run_unchanged irctl status-page .
  assert_status 2
  run_unchanged irctl status-page .git/pages
  assert_status 2
  [ ! -e .git/pages ]
}

@test "the templates and the stylesheet can be overridden in .irctl/templates" {
  mkdir -p .irctl/templates
  printf '<!DOCTYPE html><title>{{title}}</title><p>{{overall_description}}</p>\n' >.irctl/templates/status-page.html.mustache
  printf 'body { color: black; }\n' >.irctl/templates/status-page.css
  git add .irctl/templates && git commit -q -m "our own status page"
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$(cat "$SITE/index.html")" = '<!DOCTYPE html><title>Acme status</title><p>All systems operational</p>' ]
  [ "$(cat "$SITE/status-page.css")" = 'body { color: black; }' ]
}

@test "maintenance: shown ahead of time, its components under maintenance during it, in the calendar; cancelled and internal ones as they should be" {
  MNT=$(irctl -q maintenance add "Database upgrade" --service checkout --service batch --start 2099-01-10T10:00:00Z \
        --end 2099-01-10T12:00:00Z --text "Checkout may be slow for a few minutes.")
  INTERNAL=$(irctl -q maintenance add "Batch-only window" --service batch --start 2099-01-11T10:00:00Z --end 2099-01-11T11:00:00Z)
  GONE=$(irctl -q maintenance add "Payments move" --service payments --start 2099-01-12T10:00:00Z --end 2099-01-12T11:00:00Z)
  irctl -q maintenance cancel "$GONE" --reason "Cancel-reason: vendor not ready"
  run --separate-stderr irctl --at 2099-01-09T00:00:00Z status-page "$SITE"
  assert_status 0
  grep -qF "Database upgrade" "$SITE/index.html"
  grep -qF "Checkout may be slow for a few minutes." "$SITE/index.html"
  ! grep -qF "Payments move" "$SITE/index.html"
  [ "$(summary '[(m["id"], m["name"], m["status"], [c["id"] for c in m["components"]]) for m in d["scheduled_maintenances"]]')" = "[[\"$MNT\", \"Database upgrade\", \"scheduled\", [\"checkout\"]]]" ]
  [ "$(summary 'd["status"]["indicator"]')" = none ]
  # the calendar: the public windows, the cancelled one marked so, nothing of batch or of who
  run /usr/bin/python3 -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    print(e["SUMMARY"], e["STATUS"], e["DTSTART"].dt.isoformat(), repr(str(e["DESCRIPTION"])))' "$SITE/maintenance.ics"
  assert_status 0
  [ "$output" = "Database upgrade CONFIRMED 2099-01-10T10:00:00+00:00 'Checkout may be slow for a few minutes.\n\nServices: Checkout'
Payments move CANCELLED 2099-01-12T10:00:00+00:00 'Services: Payments'" ]
  for secret in "Batch-only" "$INTERNAL" "batch" "Cancel-reason" "Alice" "alice@example.com"; do
    if grep -rlF -- "$secret" "$SITE"; then
      echo "the status page holds the internal string: $secret" >&2
      return 1
    fi
  done
  # during the window
  run --separate-stderr irctl --at 2099-01-10T11:00:00Z status-page "$SITE"
  assert_status 0
  [ "$(summary '[(c["id"], c["status"]) for c in d["components"] if not c["group"]]')" = '[["checkout", "under_maintenance"], ["payments", "operational"]]' ]
  [ "$(summary 'd["status"]')" = '{"indicator": "maintenance", "description": "Service under maintenance"}' ]
  [ "$(summary '[m["status"] for m in d["scheduled_maintenances"]]')" = '["in_progress"]' ]
  assert_feeds_valid https://status.example.com
  assert_links_resolve "$SITE"
}

@test "what customers were told is text, escaped wherever it lands: HTML, the feeds, the JSON" {
  ID=$(declare_incident "Checkout errors" --severity SEV3 --service checkout)
  irctl -q update "$ID" '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"' --audience external
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  ! grep -rlF '<script>' "$SITE"
  ! grep -rlF '<img src=x' "$SITE"
  grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;' "$SITE/incidents/$ID.html"
  run feed_eval "$SITE/feed.rss" 'f.entries[0].description'
  assert_status 0
  [[ "$output" == *'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'* ]]  # HTML in the feed, showing the text
  [ "$(json_eval 'd["incidents"][0]["incident_updates"][0]["body"]' <"$SITE/api/v2/incidents.json")" = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"' ]
  assert_feeds_valid https://status.example.com
}

@test "comms name the incident for customers with update --title; the last title wins; --title needs --audience external" {
  ID=$(declare_incident "db-7 disk full" --severity SEV2 --service checkout)
  irctl -q update "$ID" "We are looking into slow payments." --audience external --title "Slow payments"
  irctl -q update "$ID" "Payments fail for some customers." --audience external --title "Payments failing"
  irctl -q update "$ID" "A fix is rolling out." --audience external
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  [ "$(summary '[i["name"] for i in d["incidents"]]')" = '["Payments failing"]' ]
  grep -qF '<h2>Payments failing</h2>' "$SITE/incidents/$ID.html"
  run feed_eval "$SITE/feed.atom" '[e.title for e in f.entries]'
  assert_status 0
  [ "$output" = '["Payments failing"]' ]
  [ "$(toml_eval "$(incident_path "$ID")" '[e.get("public_title") for e in d["timeline"] if e["type"] == "update"]')" = '["Slow payments", "Payments failing", null]' ]
  run_unchanged irctl update "$ID" "internal" --title "Nope"
  assert_status 2
  [[ "$output" == *"--title names the incident on the public status page: it goes with --audience external"* ]]
}

@test "the feeds validate without [status_page] url too: relative links, URNs for ids" {
  sed -i '/^url = /d' .irctl/config.toml
  git commit -q -am "no url"
  ID=$(declare_incident "Checkout errors" --severity SEV2 --service checkout)
  irctl -q update "$ID" "Checkout is slow." --audience external
  irctl -q maintenance add "Database upgrade" --service checkout --start 2099-01-10T10:00:00Z --end 2099-01-10T12:00:00Z >/dev/null
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  run feed_eval "$SITE/feed.atom" '[f.feed.id, [(e.id, e.link) for e in f.entries]]'
  assert_status 0
  [ "$output" = "[\"urn:irctl:status-page\", [[\"urn:irctl:incident:$ID\", \"incidents/$ID.html\"]]]" ]
  run py "$IRCTL_SOURCE_DIR/tests/schemas/validate_feeds.py" "$SITE"
  assert_status 0
  [ "$output" = "ok: feed.atom
ok: feed.rss
ok: maintenance.ics
ok: api/v2/summary.json
ok: api/v2/status.json
ok: api/v2/incidents.json" ]
}

# Usage: break_copy FILE PYTHON-EXPR — $BROKEN/FILE: $SITE/FILE's text (t)
# changed by the expression.
break_copy() {
  mkdir -p "$BROKEN/$(dirname "$1")"
  py -c 'import re, sys; t = open(sys.argv[1], newline="").read(); open(sys.argv[2], "w", newline="").write(eval(sys.argv[3]))' \
    "$SITE/$1" "$BROKEN/$1" "$2"
}
run_validator() { run py "$IRCTL_SOURCE_DIR/tests/schemas/validate_feeds.py" "$@"; }

@test "the validators catch a broken copy of each feed, so that a green run means something" {
  ID=$(declare_incident "Checkout errors" --severity SEV2 --service checkout)
  irctl -q update "$ID" "Checkout is slow." --audience external
  irctl -q maintenance add "Database upgrade" --service checkout --start 2099-01-10T10:00:00Z --end 2099-01-10T12:00:00Z >/dev/null
  run --separate-stderr irctl status-page "$SITE"
  assert_status 0
  BROKEN="$TEST_DIR/broken"
  # Atom: the RELAX NG schema (an entry without its id; a date that is not
  # xsd:dateTime), then its Schematron rules (no author anywhere)
  break_copy feed.atom 're.sub(r"(<entry>\s*)<id>[^<]*</id>", r"\1", t)'
  run_validator atom "$BROKEN/feed.atom"
  assert_status 1
  [[ "$output" == *"invalid: $BROKEN/feed.atom: "*"element entry: Relax-NG validity error"* ]]
  break_copy feed.atom 're.sub(r"<published>[^<]*</published>", "<published>10 Mar 2026</published>", t)'
  run_validator atom "$BROKEN/feed.atom"
  assert_status 1
  [[ "$output" == *"Type dateTime doesn't allow value '10 Mar 2026'"* ]]
  break_copy feed.atom 're.sub(r"<author>.*</author>\n", "", t)'
  run_validator atom "$BROKEN/feed.atom"
  assert_status 1
  [ "$output" = "invalid: $BROKEN/feed.atom: entry 1: an atom:entry must have an atom:author if its feed does not" ]
  # RSS 2.0
  break_copy feed.rss 're.sub(r"  <description>[^<]*</description>\n  <language>", "  <language>", t)'
  run_validator rss "$BROKEN/feed.rss"
  assert_status 1
  [ "$output" = "invalid: $BROKEN/feed.rss: channel: <description> is required, once (RSS 2.0 specification, \"Required channel elements\")" ]
  break_copy feed.rss 're.sub(r"<pubDate>(\w+, \d+ \w+ )\d\d(\d\d)", r"<pubDate>\1\2", t).replace("isPermaLink=\"false\"", "").replace("<language>", "<status>bad</status><language>")'
  run_validator rss "$BROKEN/feed.rss" --url https://status.example.com
  assert_status 1
  [ "$output" = "invalid: $BROKEN/feed.rss: channel: <status> is not an element of RSS 2.0 (RSS 2.0 specification: elements in no namespace are the specification's; extensions live in a namespace)
invalid: $BROKEN/feed.rss: item 1 <pubDate>: '$(grep -o '<pubDate>[^<]*' "$SITE/feed.rss" | sed -E 's/<pubDate>//; s/ 20([0-9][0-9]) / \1 /')' is not an RFC 822 date with a four-digit year (RSS 2.0 specification, \"pubDate\"; RSS Advisory Board's RSS profile, \"pubDate\")
invalid: $BROKEN/feed.rss: item 1 <guid>: '$ID' is a permalink (isPermaLink is true unless it says false) but not a URL (RSS 2.0 specification, \"<guid> sub-element of <item>\")" ]
  break_copy feed.rss 't.replace("https://status.example.com/incidents/", "incidents/")'
  run_validator rss "$BROKEN/feed.rss" --url https://status.example.com
  assert_status 1
  [ "$output" = "invalid: $BROKEN/feed.rss: item 1 <link>: 'incidents/$ID.html' is not an absolute URL (RSS Advisory Board's RSS profile, \"link\")" ]
  # iCalendar: LF line ends and an event without DTSTAMP; a line of 80 octets
  break_copy maintenance.ics 're.sub(r"DTSTAMP:[^\r]*\r\n", "", t).replace("\r\n", "\n")'
  run_validator ics "$BROKEN/maintenance.ics"
  assert_status 1
  [ "$output" = "invalid: $BROKEN/maintenance.ics: lines do not all end in CRLF (RFC 5545, 3.1)
invalid: $BROKEN/maintenance.ics: VEVENT 1: no DTSTAMP (RFC 5545, 3.6.1)" ]
  break_copy maintenance.ics 't.replace("SUMMARY:Database upgrade", "SUMMARY:" + "x" * 72)'
  run_validator ics "$BROKEN/maintenance.ics"
  assert_status 1
  [ "$output" = "invalid: $BROKEN/maintenance.ics: line $(grep -n '^SUMMARY' "$SITE/maintenance.ics" | cut -d: -f1) is 80 octets long: at most 75 before the CRLF (RFC 5545, 3.1)" ]
  # Statuspage's JSON: a status it does not have, a missing field, a wrong type
  break_copy api/v2/summary.json 't.replace("\"partial_outage\"", "\"down\"", 1).replace("\"time_zone\"", "\"zone\"").replace("\"position\": 1", "\"position\": \"1\"")'
  run_validator json "$BROKEN/api/v2/summary.json"
  assert_status 1
  [ "$output" = "invalid: $BROKEN/api/v2/summary.json: components/0/position: '1' is not of type 'integer'
invalid: $BROKEN/api/v2/summary.json: components/0/status: 'down' is not one of ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance']
invalid: $BROKEN/api/v2/summary.json: page: 'time_zone' is a required property" ]
}

@test "a page per component: its state, its uptime over the history and month by month, the incidents that touched it" {
  ID=$(as "Bob Example <bob@example.com>" 2026-11-10T10:05:00Z declare "db-7 disk full" --severity SEV1 \
       --service checkout --started-at 2026-11-10T10:00:00Z)
  as "Bob Example <bob@example.com>" 2026-11-10T10:10:00Z update "$ID" "Checkout is down." --audience external
  as "Bob Example <bob@example.com>" 2026-11-10T16:00:00Z resolve "$ID" --summary "disk"
  run --separate-stderr irctl --at 2026-11-20T12:00:00Z status-page "$SITE"
  assert_status 0
  # the index links each component's name to its page; batch is not listed, and has none
  run py -c '
import re, sys
print(re.findall(r"<a class=\"name\" href=\"([^\"]*)\">([^<]*)</a>", open(sys.argv[1], encoding="utf-8").read()))' "$SITE/index.html"
  assert_status 0
  [ "$output" = "[('components/checkout.html', 'Checkout'), ('components/payments.html', 'Payments')]" ]
  [ "$(cd "$SITE/components" && ls)" = "checkout.html
payments.html" ]
  # Six hours of major outage on 10 November: 75 % that day, 6 h of the 89.5
  # days of the window in all, and 19.75 of November's 20 days
  run py -c '
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
print(re.search(r"<h2>([^<]*)</h2>", html).group(1))
print(re.sub(r"<[^>]+>", "", re.search(r"<p class=\"meta\">(.*?)</p>", html).group(1)))
bars = re.findall(r"<li class=\"day-([a-z_]+)\" title=\"([^\"]*)\"", html)
print(len(bars), bars[0][1], "|", [b for b in bars if b[0] != "operational"])
print(re.search(r"<span class=\"uptime\">([^<]*)</span>", html).group(1))
for month, uptime, days in re.findall(r"<h4 id=\"month-[0-9-]+\">([^:]*): <span class=\"uptime\">([^<]*)</span> uptime</h4>\s*<ol class=\"month\"[^>]*>(.*?)</ol>", html, re.S):
    rows = re.findall(r"<li class=\"day-([a-z_]+)\"><time datetime=\"([0-9-]+)\">([0-9]+)</time> <span class=\"day-text\">([^<]*)</span>", days)
    print(month, uptime, len(rows), [r for r in rows if r[0] != "operational"])
print(re.findall(r"<li><a href=\"([^\"]*)\">([^<]*)</a> <span class=\"muted\">— ([^,]*),", html))' "$SITE/components/checkout.html"
  assert_status 0
  [ "$output" = "Checkout
Shop · Operational
90 2026-08-23: 100.00 % up | [('major_outage', '2026-11-10: 75.00 % up, Major outage')]
99.72 % uptime
September 2026 100.00 % 30 []
October 2026 100.00 % 31 []
November 2026 98.75 % 20 [('major_outage', '2026-11-10', '10', '75.00 % · Major outage')]
[('../incidents/$ID.html', 'Major outage: Checkout', 'Resolved')]" ]
  run py -c '
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
print(re.search(r"<h3 id=\"incidents\">Incidents</h3>\s*<p class=\"muted\">([^<]*)</p>", html).group(1))' "$SITE/components/payments.html"
  assert_status 0
  [ "$output" = "No incident has touched Payments." ]
  assert_links_resolve "$SITE"
}

@test "the Atom feed's updated is the latest update of any incident, not that of the newest incident" {
  OLD=$(irctl -q --at 2026-03-01T10:00:00Z declare "Old" --severity SEV2 --service checkout)
  irctl -q --at 2026-03-01T10:05:00Z update "$OLD" "Checkout is slow." --audience external
  NEW=$(irctl -q --at 2026-03-02T10:00:00Z declare "New" --severity SEV3 --service payments)
  irctl -q --at 2026-03-02T10:05:00Z update "$NEW" "Payments are slow." --audience external
  irctl -q --at 2026-03-03T09:00:00Z update "$OLD" "Checkout works again." --audience external
  run --separate-stderr irctl --at 2026-03-03T12:00:00Z status-page "$SITE"
  assert_status 0
  run feed_eval "$SITE/feed.atom" '[f.feed.updated, [e.updated for e in f.entries]]'
  assert_status 0
  [ "$output" = '["2026-03-03T09:00:00Z", ["2026-03-02T10:05:00Z", "2026-03-03T09:00:00Z"]]' ]
}
