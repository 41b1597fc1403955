#!/usr/bin/env bats
# irctl site DIR (issue 17): the internal incident site as static files.
# tests/site/site_facts.py reads the pages as a browser reads their markup;
# the tests compare what they show whole.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  add_shop_services
  git commit -q -am "services"
  SITE="$TEST_DIR/site"
  SAM="Sam Oncall <sam@example.com>"
}
teardown() { common_teardown; }

facts() { py "$IRCTL_SOURCE_DIR/tests/site/site_facts.py" "$@"; }

# Usage: site_json [ARGS...] — irctl site "$SITE" --json, its status checked.
site_json() {
  run --separate-stderr irctl "$@" site "$SITE" --json
  assert_status 0
}

# An incident from declaration to postmortem, at fixed times; sets ID.
respond_to_incident() {
  ID=$(irctl -q --at 2026-03-10T10:00:00Z declare "Checkout returns 503" --severity SEV2 --service checkout \
    --started-at 2026-03-10T09:50:00Z)
  irctl -q --at 2026-03-10T10:02:00Z --as "$SAM" ack "$ID"
  irctl -q --at 2026-03-10T10:03:00Z assign "$ID" commander "Alice Example"
  irctl -q --at 2026-03-10T10:05:00Z --as "$SAM" note "$ID" "Error rate at 38%"
  echo "pool exhausted (500/500)" >"$TEST_DIR/pool.log"
  irctl -q --at 2026-03-10T10:10:00Z contain "$ID" "Rolled back deploy 4711" --evidence "$TEST_DIR/pool.log"
  irctl -q --at 2026-03-10T10:30:00Z resolve "$ID" --resolution "Pool drained after the rollback"
  irctl -q --at 2026-03-10T10:40:00Z action add "$ID" "Alert on pool saturation" --owner "$SAM" --due 2026-03-20 \
    --type detect
  irctl -q --at 2026-03-10T10:45:00Z postmortem "$ID" >/dev/null
}

@test "an incident's whole record: the index row, its page (roles, milestones, durations, timeline with commits, evidence, actions), the actions page" {
  respond_to_incident
  run --separate-stderr irctl --at 2026-03-25T00:00:00Z site "$SITE"
  assert_status 0
  [ "$output" = "$SITE/index.html" ]
  [ "$stderr" = "site: 1 incident, 1 postmortem, 1 open action (1 overdue); 2 pages rendered, 16 files written, 0 unchanged" ]

  run facts index "$SITE/index.html"
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = "[{\"data\": {\"status\": \"resolved\", \"open\": \"0\", \"severity\": \"SEV2\", \"services\": \"|checkout|\"}, \"href\": \"incidents/$ID.html\", \"cells\": [\"$ID\", \"Checkout returns 503 postmortem\", \"resolved\", \"SEV2\", \"checkout\", \"2026-03-10 10:00 UTC\", \"30m 00s\", \"Alice Example\", \"1 (1 overdue)\"]}]" ]

  run facts incident "$SITE/incidents/$ID.html"
  assert_status 0
  page=$output
  [ "$(json_eval '[d["title"], d["badges"], d["facts"]]' <<<"$page")" = "[\"Checkout returns 503\", \"resolved SEV2 \\u00b7 Major outage \\u00b7 Service outage Postmortem\", {\"ID\": \"$ID\", \"Services\": \"checkout\", \"Escalation\": \"default, level 1\", \"File\": \"$(incident_path "$ID")\"}]" ]
  [ "$(json_eval 'd["roles"]' <<<"$page")" = '[["Incident commander", "Alice Example", "", ""]]' ]
  [ "$(json_eval 'd["milestones"]' <<<"$page")" = '["Impact started 2026-03-10 09:50 UTC", "Declared 2026-03-10 10:00 UTC", "Escalated 2026-03-10 10:00 UTC", "Acknowledged 2026-03-10 10:02 UTC", "Contained 2026-03-10 10:10 UTC", "Resolved 2026-03-10 10:30 UTC"]' ]
  [ "$(json_eval 'd["durations"]' <<<"$page")" = '[["Time to declare", "10m 00s"], ["Time to acknowledge", "2m 00s"], ["Time to contain", "10m 00s"], ["Time to resolve", "30m 00s"], ["Impact", "40m 00s"]]' ]
  # each author with the roles they held
  [ "$(json_eval '[[e["time"], e["type"], e["by"], e["text"]] for e in d["timeline"]]' <<<"$page")" = '[["2026-03-10 10:00", "declare", "Alice Example Incident commander", "Checkout returns 503"], ["2026-03-10 10:02", "ack", "Sam Oncall", "acknowledged"], ["2026-03-10 10:03", "assign", "Alice Example Incident commander", "commander: Alice Example"], ["2026-03-10 10:05", "note", "Sam Oncall", "Error rate at 38%"], ["2026-03-10 10:10", "contain", "Alice Example Incident commander", "Rolled back deploy 4711"], ["2026-03-10 10:30", "resolve", "Alice Example Incident commander", "Pool drained after the rollback"], ["2026-03-10 10:40", "action", "Alice Example Incident commander", "Alert on pool saturation"]]' ]
  # each event names the commit that recorded it, as git log's Event: trailers
  # say; the postmortem's own event is the one left out
  page_commits=$(json_eval '"\n".join(sorted(e["id"] + " " + e["commit"] for e in d["timeline"]))' <<<"$page")
  git_commits=$(git log --format='%(trailers:key=Event,valueonly,separator=) %H' | grep -v '^ ' | sort)
  [ "$(grep -cvxF -f <(printf '%s\n' "$page_commits") <<<"$git_commits")" = 1 ]
  grep -qxF "$(git log -1 --format='%(trailers:key=Event,valueonly,separator=) %H' --grep '^postmortem ')" <<<"$git_commits"
  [ "$(grep -xF -f <(printf '%s\n' "$page_commits") <<<"$git_commits")" = "$page_commits" ]
  [ "$(json_eval 'len(d["timeline"])' <<<"$page")" = 7 ]
  sha=$(sha256sum "$TEST_DIR/pool.log" | cut -d' ' -f1)
  [ "$(json_eval 'd["evidence"]' <<<"$page")" = "[[\"$sha\", \"25\", \"$TEST_DIR/pool.log\", \"Alice Example <alice@example.com>\", \"2026-03-10T10:10:00Z\", \"evidence/${sha:0:2}/$sha\", \"Rolled back deploy 4711\"]]" ]
  [ "$(json_eval 'd["follow-up actions"]' <<<"$page")" = '[["1", "Alert on pool saturation", "Sam Oncall", "2026-03-20", "detect", "overdue"]]' ]

  run facts actions "$SITE/actions.html"
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = "{\"meta\": \"1 open, 1 overdue (due before 2026-03-25), 0 done.\", \"rows\": [[\"$ID Checkout returns 503\", \"1\", \"Alert on pool saturation\", \"Sam Oncall\", \"2026-03-20 overdue\", \"detect\", \"2026-03-10\"]], \"owners\": [\"Sam Oncall (1 open, 1 overdue)\"]}" ]
  assert_links_resolve "$SITE"
  assert_clean_repo
}

@test "the postmortem's page is the committed document through the renderer of postmortem --format html" {
  respond_to_incident
  run --separate-stderr irctl site "$SITE"
  assert_status 0
  run --separate-stderr irctl postmortem "$ID" --format html
  assert_status 0
  body=$(sed -n '/<body>/,/<\/body>/p' <<<"$output" | sed '1d;$d')
  [ -n "$body" ]
  run facts article "$SITE/postmortems/$ID.html"
  assert_status 0
  [ "$output" = "$body" ]
}

@test "a rebuild renders and writes only what changed: nothing, one incident's page, every page after a configuration change" {
  respond_to_incident
  OTHER=$(irctl -q --at 2026-03-11T08:00:00Z declare "Payments slow" --severity SEV3 --service payments)
  site_json --at 2026-03-12T00:00:00Z
  [ "$(json_eval '[d["incidents"], d["postmortems"], d["rendered"], d["files"]]' <<<"$output")" = '[2, 1, 3, {"written": 17, "unchanged": 0, "removed": 0}]' ]

  site_json --at 2026-03-12T00:00:00Z
  [ "$(json_eval '[d["rendered"], d["files"]]' <<<"$output")" = '[0, {"written": 0, "unchanged": 17, "removed": 0}]' ]

  # a note changes one page and nothing the other pages show
  before=$(stat -c %Y.%i "$SITE/incidents/$ID.html" "$SITE/index.html")
  irctl -q --at 2026-03-11T09:00:00Z note "$OTHER" "Latency back under 300 ms"
  site_json --at 2026-03-12T00:00:00Z
  [ "$(json_eval '[d["rendered"], d["files"]]' <<<"$output")" = '[1, {"written": 1, "unchanged": 16, "removed": 0}]' ]
  [ "$(stat -c %Y.%i "$SITE/incidents/$ID.html" "$SITE/index.html")" = "$before" ]
  grep -q "Latency back under 300 ms" "$SITE/incidents/$OTHER.html"

  # the day moves past a due date: the incident's page, the index, the actions
  # page and the insights' figures of actions say it is overdue
  site_json --at 2026-03-25T00:00:00Z
  [ "$(json_eval '[d["rendered"], d["actions"], d["files"]]' <<<"$output")" = '[1, {"open": 1, "overdue": 1}, {"written": 6, "unchanged": 11, "removed": 0}]' ]

  # the configuration is an input of every page; the JSON does not show the title
  printf '\n[site]\ntitle = "Acme incidents"\ncommit_url = "https://git.example.com/acme/incidents/commit/{commit}"\n' >>.irctl/config.toml
  git commit -q -am "site"
  site_json --at 2026-03-25T00:00:00Z
  [ "$(json_eval '[d["rendered"], d["files"]]' <<<"$output")" = '[3, {"written": 6, "unchanged": 11, "removed": 0}]' ]
  commit=$(git log --format=%H -1 --grep "^Event: $(toml_eval "$(incident_path "$OTHER")" 'd["timeline"][-1]["id"]')$")
  grep -q "href=\"https://git.example.com/acme/incidents/commit/$commit\"" "$SITE/incidents/$OTHER.html"
  grep -q "<title>Acme incidents</title>" "$SITE/index.html"
}

@test "a voided incident leaves the site; the files it had are removed, nothing else" {
  respond_to_incident
  OTHER=$(declare_incident "Declared by mistake" --severity SEV4)
  echo "mine" >"$TEST_DIR/keep.txt"
  site_json
  [ -f "$SITE/incidents/$OTHER.html" ]
  cp "$TEST_DIR/keep.txt" "$SITE/notes.txt"
  irctl -q void "$OTHER" --reason "a drill"
  site_json
  [ "$(json_eval '[d["incidents"], d["files"]["removed"]]' <<<"$output")" = '[1, 1]' ]
  [ ! -e "$SITE/incidents/$OTHER.html" ]
  [ "$(cat "$SITE/notes.txt")" = mine ]
  [ "$(facts index "$SITE/index.html" | json_eval '[r["cells"][0] for r in d]')" = "[\"$ID\"]" ]
}

@test "the site is never built over someone's files, the repository or its git folder; the repository is left as it was" {
  declare_incident "Checkout returns 503" --severity SEV2 >/dev/null
  mkdir -p "$TEST_DIR/theirs" && echo "keep" >"$TEST_DIR/theirs/index.html"
  run_unchanged irctl site "$TEST_DIR/theirs"
  assert_status 5
  assert_output_contains "is not empty and was not built by irctl"
  [ "$(cat "$TEST_DIR/theirs/index.html")" = keep ]
  for dir in . .git/ .git/irctl; do
    run_unchanged irctl site "$dir"
    assert_status 2
    assert_output_contains "irctl will not build the incident site into $(realpath "$dir"): it is the repository or its git folder"
  done
  echo x >"$TEST_DIR/file"
  run_unchanged irctl site "$TEST_DIR/file"
  assert_status 2
  assert_output_contains "$TEST_DIR/file is not a directory"
  [ ! -e .irctl-site ]
}

@test "what people wrote is text on every page: markup is escaped, a postmortem's raw HTML and script links are left out" {
  ID=$(declare_incident '<script>alert("title")</script> & co' --severity SEV2 --service '<b>svc</b>')
  irctl -q note "$ID" '<img src=x onerror=alert(1)>'
  irctl -q action add "$ID" '<i>fix</i>' --owner '<u>bob</u>'
  irctl -q postmortem "$ID" >/dev/null
  pm=$(toml_eval "$(incident_path "$ID")" 'd["postmortem"]')
  printf '\n<script>alert("pm")</script>\n\n[click](javascript:alert(1))\n' >>"$pm"
  git commit -q -am "an edit"
  site_json
  run grep -rlE --include='*.html' '<script>alert|<img src=x|<b>svc|<i>fix|<u>bob|javascript:' "$SITE"
  assert_status 1
  # in the charts too, which irctl draws
  grep -qF '&lt;b&gt;svc&lt;/b&gt;' "$SITE/insights.html"
  grep -qF '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; co' "$SITE/index.html"
  grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$SITE/incidents/$ID.html"
}

@test "a repository's own template replaces a page's; one that names no field stops the build with the template's name" {
  declare_incident "Checkout returns 503" --severity SEV2 >/dev/null
  mkdir -p .irctl/templates
  printf '<!DOCTYPE html><title>{{site_title}}</title><p>{{count_text}}</p>\n' >.irctl/templates/site-index.html.mustache
  git add .irctl/templates && git commit -q -m "our index"
  site_json
  [ "$(cat "$SITE/index.html")" = '<!DOCTYPE html><title>Incidents</title><p>1 incident, 1 open</p>' ]
  printf '{{no_such_field}}\n' >.irctl/templates/site-actions.html.mustache
  git add .irctl/templates && git commit -q -m "a broken one"
  run --separate-stderr irctl site "$SITE"
  assert_status 65
  [[ $stderr == *".irctl/templates/site-actions.html.mustache"*"no_such_field"* ]]
}

@test "commit links follow a GitHub, GitLab or Codeberg remote; [site] commit_url is checked" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  git remote add origin git@github.com:acme/incidents.git
  site_json
  commit=$(git rev-parse HEAD)
  grep -q "href=\"https://github.com/acme/incidents/commit/$commit\"" "$SITE/incidents/$ID.html"
  printf '\n[site]\ncommit_url = "https://example.com/commit"\n' >>.irctl/config.toml
  git commit -q -am "a commit_url without {commit}"
  run_unchanged irctl site "$SITE"
  assert_status 65
  assert_output_contains 'site.commit_url must be an http or https URL with {commit} where the commit'
}

@test "insights: the figures of the months that end with the build's, as SVG charts that parse, tables and JSON" {
  printf '\n[site]\ninsight_months = 3\n' >>.irctl/config.toml
  git commit -q -am "three months of insights"
  for at in 2026-02-03T10:00:00Z 2026-03-10T10:00:00Z 2026-03-20T08:00:00Z; do
    id=$(irctl -q --at "$at" declare "Checkout down at $at" --severity SEV2 --service checkout)
    irctl -q --at "${at%T*}T11:00:00Z" resolve "$id"
  done
  irctl -q --at 2026-03-21T09:00:00Z declare "Payments slow" --severity SEV1 --service payments >/dev/null
  irctl -q --at 2025-12-01T09:00:00Z declare "Too old for the window" --severity SEV1 --service payments >/dev/null
  site_json --at 2026-03-25T00:00:00Z
  json_eval '[[m["month"], m["by_severity"]] for m in d]' <"$SITE/insights/incidents-by-severity.json" >"$TEST_DIR/by_severity"
  [ "$(cat "$TEST_DIR/by_severity")" = '[["2026-01", {"SEV1": 0, "SEV2": 0, "SEV3": 0, "SEV4": 0}], ["2026-02", {"SEV1": 0, "SEV2": 1, "SEV3": 0, "SEV4": 0}], ["2026-03", {"SEV1": 1, "SEV2": 2, "SEV3": 0, "SEV4": 0}]]' ]
  # March's resolved after 1 h and 3 h: the median 2 h, the 25th and 75th
  # percentiles (between the ranks, as R's type 7) 1 h 30 m and 2 h 30 m
  [ "$(json_eval '[[m["month"], m["count"], m["low"], m["median"], m["high"]] for m in d["months"]]' <"$SITE/insights/time-to-resolve.json")" = '[["2026-01", 0, null, null, null], ["2026-02", 1, 3600, 3600, 3600], ["2026-03", 2, 5400, 7200, 9000]]' ]
  [ "$(json_eval '[[s["service"], s["incidents"]] for s in d]' <"$SITE/insights/services-by-count.json")" = '[["checkout", 3], ["payments", 1]]' ]
  # insights.json has every chart's numbers
  [ "$(json_eval 'sorted(d)' <"$SITE/insights.json")" = '["actions", "incidents_by_severity", "measures", "months", "services_by_count", "services_by_impact", "severities", "today"]' ]
  run py -c '
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", page, re.S)
out = []
for svg in svgs:
    root = ET.fromstring(svg)
    title = root.find("{http://www.w3.org/2000/svg}title").text
    out.append("%s %s" % (root.get("role"), title))
print("\n".join(out))
print(len(re.findall(r"<table", page)))' "$SITE/insights.html"
  assert_status 0
  [ "$output" = "img Incidents per month by severity
img Time to acknowledge (MTTA)
img Time to contain
img Time to resolve
img Impact
img Top services by incidents
img Top services by impact
img Follow-up actions by month added
8" ]
}

@test "a symbolic link planted in the site's folder to a folder outside is never written through: the build names it and writes nothing" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  site_json
  mkdir "$TEST_DIR/outside"
  rm -r "$SITE/incidents"
  ln -s "$TEST_DIR/outside" "$SITE/incidents"
  run_unchanged irctl site "$SITE"
  assert_status 5
  assert_output_contains "irctl will not write $SITE/incidents/$ID.html: $SITE/incidents is a symbolic link"
  [ "$(ls -A "$TEST_DIR/outside")" = "" ]
}

@test "a file the manifest lists behind a symbolic link planted in the site's folder is not removed" {
  declare_incident "Checkout returns 503" --severity SEV2 >/dev/null
  site_json
  mkdir "$TEST_DIR/outside"
  echo "theirs" >"$TEST_DIR/outside/victim"
  ln -s "$TEST_DIR/outside" "$SITE/elsewhere"
  printf 'elsewhere/victim\t7\t\n' >>"$SITE/.irctl-site"
  site_json
  [ "$(json_eval 'd["files"]' <<<"$output")" = '{"written": 0, "unchanged": 15, "removed": 0}' ]
  [ "$(cat "$TEST_DIR/outside/victim")" = theirs ]
  run grep -c elsewhere "$SITE/.irctl-site"
  assert_status 1
}

@test "a page replaced by a symbolic link to a file outside is not read through: the build puts the page back in its place" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  site_json
  for page in index.html "incidents/$ID.html"; do
    cp "$SITE/$page" "$TEST_DIR/copy-${page##*/}"
    ln -sf "$TEST_DIR/copy-${page##*/}" "$SITE/$page"
  done
  site_json
  [ "$(json_eval 'd["files"]' <<<"$output")" = '{"written": 2, "unchanged": 13, "removed": 0}' ]
  [ ! -L "$SITE/index.html" ] && [ ! -L "$SITE/incidents/$ID.html" ]
  cmp "$SITE/index.html" "$TEST_DIR/copy-index.html"
}

@test "a stale manifest's paths that lead out of the folder, absolute ones and absurd sizes are ignored" {
  declare_incident "Checkout returns 503" --severity SEV2 >/dev/null
  mkdir -p "$TEST_DIR/outside" "$SITE"
  echo "theirs" >"$TEST_DIR/outside/victim"
  printf '../outside/victim\t7\t\n%s\t7\t\nindex.html\t99999999999999999999999999\tkey\n' "$TEST_DIR/outside/victim" \
    >"$SITE/.irctl-site"
  site_json
  [ "$(json_eval 'd["files"]' <<<"$output")" = '{"written": 15, "unchanged": 0, "removed": 0}' ]
  [ "$(cat "$TEST_DIR/outside/victim")" = theirs ]
}

@test "a postmortem key edited by hand to lead outside the repository or into its own files stops the build, naming the file" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  file=$(incident_path "$ID")
  for target in ../../etc/passwd /etc/passwd .git/config .irctl/config.toml; do
    sed -i "/^escalation_policy/i postmortem = \"$target\"" "$file"
    run_unchanged irctl site "$SITE"
    [ "$status" -eq 65 ] || { echo "$target: $output"; return 1; }
    [ "$output" = "irctl: error: $file: postmortem = '$target' is not a postmortem irctl writes: it is not a path inside the repository outside .git, .irctl, incidents and evidence
hint: fix or remove the postmortem key (irctl postmortem $ID writes the document and the key), then build the site again" ]
    sed -i '/^postmortem = /d' "$file"
  done
  [ ! -e "$SITE" ]
}

@test "a folder that holds the repository, or one of irctl's own folders in it, is refused even with a manifest that names the repository's files" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  file=$(incident_path "$ID")
  for dir in "$TEST_DIR" "$TEST_DIR/repo/incidents" "$TEST_DIR/repo/.irctl"; do
    printf 'repo/%s\t1\t\n%s\t1\t\nconfig.toml\t1\t\n' "$file" "${file#incidents/}" >"$dir/.irctl-site"
    run_unchanged irctl site "$dir"
    [ "$status" -eq 2 ] || { echo "$dir: $output"; return 1; }
    [ "$output" = "irctl: error: irctl will not build the incident site into $dir: it holds the repository or is one of irctl's own folders in it
hint: name a folder of its own, such as public/ or /srv/status" ]
    rm "$dir/.irctl-site"
  done
  [ -f "$file" ] && [ -f .irctl/config.toml ]
}

@test "a manifest that is a symbolic link is not read: the folder is not irctl's; a DIR that is a link to nowhere is named as such" {
  declare_incident "Checkout returns 503" --severity SEV2 >/dev/null
  mkdir -p "$TEST_DIR/outside" "$SITE"
  printf 'index.html\t1\t\n' >"$TEST_DIR/outside/list"
  ln -s "$TEST_DIR/outside/list" "$SITE/.irctl-site"
  run_unchanged irctl site "$SITE"
  assert_status 5
  assert_output_contains "$SITE is not empty and was not built by irctl"
  [ -L "$SITE/.irctl-site" ] && [ "$(ls -A "$SITE")" = .irctl-site ]
  ln -s "$TEST_DIR/nowhere" "$TEST_DIR/dangling"
  run_unchanged irctl site "$TEST_DIR/dangling"
  assert_status 2
  [ "$output" = "irctl: error: $TEST_DIR/dangling is a symbolic link to $TEST_DIR/nowhere, which does not exist
hint: make the folder it points to, or name a new or empty directory" ]
}

@test "an incident file that does not parse stops the build, named with a fix; the folder is left as it was" {
  ID=$(declare_incident "Checkout returns 503" --severity SEV2)
  site_json
  before=$(cd "$SITE" && find . -type f -exec sha256sum {} + | sort)
  path=$(incident_path "$ID")
  printf 'status = \n' >>"$path"
  git commit -q -am "a broken hand edit"
  run --separate-stderr irctl site "$SITE"
  assert_status 65
  [[ $stderr == *"$path"* ]]
  [[ $stderr == *"irctl fsck lists every problem"* ]]
  [ "$(cd "$SITE" && find . -type f -exec sha256sum {} + | sort)" = "$before" ]
}
