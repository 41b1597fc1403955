#!/usr/bin/env bats
# The incident site (irctl site, issue 17) in a real browser: headless
# Chromium opens every page the build wrote, served on 127.0.0.1 by
# tests/browser/browse.py, and runs the index's filters and sorting through
# tests/browser/evaluate.py.
#
# One repository and one site are built once for the whole file, and browsed
# once; each test checks one side of it and starts at most one Chromium of
# its own. Without Chromium the suite is skipped, except where CI is set
# (.ci/run sets it): there it fails.

load helpers
bats_require_minimum_version 1.5.0

# The moment the site is built at, and every event's time, fixed: which
# action is overdue does not depend on when the suite runs.
NOW=2026-11-20T14:00:00Z

setup_file() {
  check_chromium || return 1
  [ -z "${NO_BROWSER:-}" ] || return 0
  common_setup_file
  common_setup
  export TEST_DIR
  new_repo
  configure_services
  record_incidents
  SITE="$TEST_DIR/site"
  BROWSED="$TEST_DIR/browsed"
  export SITE BROWSED
  irctl -q --at "$NOW" site "$SITE" >/dev/null
  browse_site
}
setup() { skip_without_chromium; }
teardown_file() {
  if [ -n "${TEST_DIR:-}" ]; then common_teardown; fi
}

configure_services() {
  add_shop_services
  cat >>.irctl/config.toml <<'EOF'

[[service]]
name = "search"
title = "Search"

[[service]]
name = "login"
title = "Sign-in"
EOF
  git commit -q -am "services"
}

# Five incidents, newest first:
#   CHECKOUT  SEV1 checkout, payments  containment (evidence)       20 Nov
#   SIGNUP    SEV4 login               recovery                     19 Nov
#   SEARCH    SEV3 search              identification               18 Nov
#   GATEWAY   SEV2 payments            resolved, an overdue action, 10 Nov
#                                      a note of markup
#   LOGIN     SEV1 login               resolved, a postmortem, an
#                                      action due later              2 Nov
# Their IDs are exported under these names.
record_incidents() {
  local bob="Bob Example <bob@example.com>" sam="Sam Oncall <sam@example.com>"
  LOGIN=$(as "$bob" 2026-11-02T06:20:00Z declare "Customers cannot sign in" --severity SEV1 --service login)
  as "$sam" 2026-11-02T06:25:00Z ack "$LOGIN"
  as "$bob" 2026-11-02T06:55:00Z resolve "$LOGIN" --summary "identity provider certificate renewed"
  as "$bob" 2026-11-03T09:00:00Z action add "$LOGIN" "Alert on certificate expiry" --owner "$sam" --due 2026-11-30
  as "$bob" 2026-11-03T10:00:00Z postmortem "$LOGIN" >/dev/null

  GATEWAY=$(as "$bob" 2026-11-10T09:00:00Z declare "Payments gateway timeouts" --severity SEV2 --service payments)
  as "$sam" 2026-11-10T09:05:00Z note "$GATEWAY" "Timeouts at 12% of card payments"
  # Markup that would run or load something, were it not text: the crawl
  # fails on the console error or the failed request it would make.
  as "$sam" 2026-11-10T09:06:00Z note "$GATEWAY" \
    '<img src=x onerror="console.error(1)"> <script>console.error(2)</script> <a href="javascript:alert(3)">a</a>'
  echo "pool exhausted (500/500)" >"$TEST_DIR/pool.log"
  as "$sam" 2026-11-10T09:20:00Z contain "$GATEWAY" "Raised the pool to 800" --evidence "$TEST_DIR/pool.log"
  as "$bob" 2026-11-10T10:00:00Z resolve "$GATEWAY" --summary "gateway pool exhausted"
  as "$bob" 2026-11-10T10:10:00Z action add "$GATEWAY" "Alert on pool saturation" --owner "$sam" --due 2026-11-15

  SEARCH=$(as "$sam" 2026-11-18T13:40:00Z declare "Search index lag" --severity SEV3 --service search)

  SIGNUP=$(as "$sam" 2026-11-19T08:00:00Z declare "Sign-up emails delayed" --severity SEV4 --service login)
  as "$sam" 2026-11-19T08:30:00Z contain "$SIGNUP" "Paused the newsletter queue"
  as "$sam" 2026-11-19T09:00:00Z recover "$SIGNUP" "Draining the backlog"

  CHECKOUT=$(as "$bob" 2026-11-20T12:58:00Z declare "Checkout returns 503" --severity SEV1 \
    --service checkout --service payments)
  as "$bob" 2026-11-20T13:00:00Z assign "$CHECKOUT" commander "Alice Example"
  echo "HTTP 503 from 40% of checkout pods" >"$TEST_DIR/pods.log"
  as "$bob" 2026-11-20T13:20:00Z contain "$CHECKOUT" "Rolled back deploy 4711" --evidence "$TEST_DIR/pods.log"
  export LOGIN GATEWAY SEARCH SIGNUP CHECKOUT
}

# Usage: in_browser [--no-script] PAGE EXPRESSION [PAGE EXPRESSION]... —
# evaluate.py over the site: one JSON line per PAGE.
in_browser() {
  local options=()
  if [ "${1:-}" = --no-script ]; then
    options=(--no-script)
    shift
  fi
  py "$IRCTL_SOURCE_DIR/tests/browser/evaluate.py" "${options[@]}" "$SITE" "$@"
}

# What the index shows: the IDs of the rows a reader sees, in order, the
# <output>'s text and the address's fragment.
SHOWN='({rows: Array.from(document.querySelectorAll("#incidents tbody tr"), r => r).filter(r => r.getClientRects().length > 0).map(r => r.cells[0].textContent), output: document.getElementById("shown").textContent, hash: location.hash})'

# Usage: shown_lines <<<"$output" — each line's rows, output and fragment as
# "ROWS | OUTPUT | HASH", the problems of its page after them.
shown_lines() {
  while IFS= read -r line; do
    json_eval '" ".join(d["value"]["rows"]) + " | " + d["value"]["output"] + " | " + d["value"]["hash"] + "".join(" problem: " + p for p in d["problems"])' <<<"$line"
  done
}

@test "every page loads without a console error, a failed request or text of too low a contrast, light or dark; every link resolves to a file the build wrote" {
  assert_browsed_clean
  [ "$(find "$SITE" -name "*.html" | wc -l)" = 9 ]  # index, actions, insights, five incidents, one postmortem
  # and every other file the pages link to: the stylesheet, the script, the insights' JSON
  run json_eval '" ".join(f"{k}={v}" for k, v in sorted(d["links"].items()))' <"$BROWSED/report.json"
  assert_status 0
  [ "$output" = "$(cd "$SITE" && find . -type f ! -name '*.html' ! -name .irctl-site | sed 's|^\./||;s|$|=200|' |
    LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" ]
}

@test "the index's filters in the address show exactly the matching rows, and say how many" {
  run in_browser "index.html#status=open" "$SHOWN" "index.html#severity=SEV1" "$SHOWN" \
    "index.html#service=payments" "$SHOWN" "index.html#q=GATEWAY" "$SHOWN" \
    "index.html#status=open&service=payments" "$SHOWN" "index.html#status=resolved" "$SHOWN" "index.html" "$SHOWN"
  assert_status 0
  [ "$(shown_lines <<<"$output")" = "$CHECKOUT $SIGNUP $SEARCH | 3 of 5 shown | #status=open
$CHECKOUT $LOGIN | 2 of 5 shown | #severity=SEV1
$CHECKOUT $GATEWAY | 2 of 5 shown | #service=payments
$GATEWAY | 1 of 5 shown | #q=GATEWAY
$CHECKOUT | 1 of 5 shown | #status=open&service=payments
$GATEWAY $LOGIN | 2 of 5 shown | #status=resolved
$CHECKOUT $SIGNUP $SEARCH $GATEWAY $LOGIN | 5 of 5 shown | " ]
}

@test "changing a filter shows its rows and puts it in the address; emptying it again shows every row" {
  # shellcheck disable=SC2016
  local change='(name, value) => { const f = document.getElementById("filters").elements[name]; f.value = value; f.dispatchEvent(new Event("input", {bubbles: true})); return '"$SHOWN"'; }'
  run in_browser "index.html" "(() => { const change = $change; return change(\"severity\", \"SEV2\"); })()" \
    "index.html#severity=SEV1" "(() => { const change = $change; change(\"service\", \"login\"); return change(\"severity\", \"\"); })()" \
    "index.html" "(() => { const change = $change; return change(\"q\", \"Alice\"); })()"
  assert_status 0
  [ "$(shown_lines <<<"$output")" = "$GATEWAY | 1 of 5 shown | #severity=SEV2
$SIGNUP $LOGIN | 2 of 5 shown | #service=login
$CHECKOUT | 1 of 5 shown | #q=Alice" ]
}

@test "the Severity and Declared headings sort the rows both ways and say so in aria-sort; the first click on Severity puts the most severe first" {
  local click='(name) => { Array.from(document.querySelectorAll("#incidents thead th")).find(th => th.textContent === name).querySelector("button").click(); return Array.from(document.querySelectorAll("#incidents tbody tr"), r => r.cells[0].textContent).join(" ") + " | " + Array.from(document.querySelectorAll("#incidents thead th[aria-sort]"), th => th.textContent + "=" + th.getAttribute("aria-sort")).join(" "); }'
  run in_browser "index.html" "(() => { const click = $click; return [click(\"Severity\"), click(\"Severity\")]; })()" \
    "index.html" "(() => { const click = $click; return [click(\"Declared\"), click(\"Declared\")]; })()"
  assert_status 0
  [ "$(while IFS= read -r line; do json_eval '"\n".join(d["value"] + d["problems"])' <<<"$line"; done <<<"$output")" = \
    "$CHECKOUT $LOGIN $GATEWAY $SEARCH $SIGNUP | Severity=descending
$SIGNUP $SEARCH $GATEWAY $CHECKOUT $LOGIN | Severity=ascending
$LOGIN $GATEWAY $SEARCH $SIGNUP $CHECKOUT | Declared=ascending
$CHECKOUT $SIGNUP $SEARCH $GATEWAY $LOGIN | Declared=descending" ]
}

@test "without JavaScript the index lists every incident, newest first, and the filter form stays hidden" {
  run in_browser --no-script "index.html#status=open" '({rows: Array.from(document.querySelectorAll("#incidents tbody tr"), r => r).filter(r => r.getClientRects().length > 0).map(r => r.cells[0].textContent), form: document.getElementById("filters").getClientRects().length, buttons: document.querySelectorAll("#incidents th button").length})'
  assert_status 0
  [ "$(json_eval 'd' <<<"$output")" = "{\"value\": {\"rows\": [\"$CHECKOUT\", \"$SIGNUP\", \"$SEARCH\", \"$GATEWAY\", \"$LOGIN\"], \"form\": 0, \"buttons\": 0}, \"problems\": []}" ]
}

@test "the insights: one SVG per chart in the DOM, each an image with a title, its numbers as a table and a link to its JSON, which resolves" {
  # core/insights is merged; the page that shows it is not built yet.
  [ -f "$SITE/insights.html" ] || skip "irctl site does not build insights.html yet"
  run in_browser "insights.html" '(() => { const charts = Array.from(document.querySelectorAll("figure.chart")); return {svgs: document.querySelectorAll("svg").length, charts: charts.map(f => [f.querySelectorAll("svg").length, f.querySelector("svg").getAttribute("role"), f.querySelector("svg > title") !== null && f.querySelector("svg > title").textContent.trim() !== "", f.querySelectorAll("table").length, Array.from(f.querySelectorAll("a[href$=\".json\"]"), a => new URL(a.href).pathname.slice(1)).join(" ")])}; })()'
  assert_status 0
  expected=$(cd "$SITE" && find insights -name '*.json' | LC_ALL=C sort | py -c '
import json, sys
names = sys.stdin.read().split()
print(json.dumps({"svgs": len(names), "charts": [[1, "img", True, 1, n] for n in names]}))')
  [ "$(json_eval '{"svgs": d["value"]["svgs"], "charts": sorted(d["value"]["charts"], key=lambda c: c[4])}' <<<"$output")" = "$expected" ]
  [ "$(json_eval 'd["problems"]' <<<"$output")" = "[]" ]
  # each JSON link resolves: the crawl asked the server for every one
  run json_eval '" ".join(f"{k}={v}" for k, v in sorted(d["links"].items()) if k.startswith("insights/"))' <"$BROWSED/report.json"
  assert_status 0
  [ "$output" = "$(cd "$SITE" && find insights -name '*.json' | LC_ALL=C sort | sed 's/$/=200/' | tr '\n' ' ' | sed 's/ $//')" ]
}
