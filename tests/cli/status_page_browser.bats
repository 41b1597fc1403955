#!/usr/bin/env bats
# The status page (issue 17) in a real browser: headless Chromium opens every
# page that irctl status-page wrote, served on 127.0.0.1 by
# tests/browser/browse.py, and the tests read what it rendered, what went
# wrong while it loaded, and its screenshots.
#
# One page is built and browsed once for the whole file (a Chromium run costs
# a few seconds); each test checks one side of it. Without Chromium the suite
# is skipped, except where CI is set (.ci/run sets it): there it fails.

load helpers
bats_require_minimum_version 1.5.0

# The moment the page is built at, and every event's time, fixed: the day
# bars and the texts do not depend on when the suite runs.
NOW=2026-11-20T12:00:00Z

setup_file() {
  check_chromium || return 1
  [ -z "${NO_BROWSER:-}" ] || return 0
  common_setup_file
  common_setup
  export TEST_DIR
  new_repo
  configure_services
  record_incidents
  SITE="$TEST_DIR/public"
  BROWSED="$TEST_DIR/browsed"
  export SITE BROWSED
  irctl -q --at "$NOW" status-page "$SITE" >/dev/null
  RESOLVED_PAGE="incidents/$(cat "$TEST_DIR/resolved-id").html"
  export RESOLVED_PAGE
  browse_site --screenshot index.html --screenshot "$RESOLVED_PAGE"
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
name = "api"
title = "Public API"

[status_page]
title = "Acme status"
EOF
  git commit -q -am "services and the status page"
}

# A resolved public incident three days ago (payments, SEV2), an open SEV1 on
# checkout, an open SEV3 on search, an internal-only SEV1 on payments (no
# external update: it must change nothing), and maintenance of the API from
# an hour ago to an hour ahead.
record_incidents() {
  local bob="Bob Example <bob@example.com>" id
  id=$(as "$bob" 2026-11-17T09:00:00Z declare "Payments gateway timeouts" --severity SEV2 --service payments)
  echo "$id" >"$TEST_DIR/resolved-id"
  as "$bob" 2026-11-17T09:10:00Z update "$id" "Some card payments fail; we are investigating." --audience external
  as "$bob" 2026-11-17T10:00:00Z resolve "$id" --summary "gateway pool exhausted"
  id=$(as "$bob" 2026-11-20T11:00:00Z declare "Checkout down" --severity SEV1 --service checkout)
  as "$bob" 2026-11-20T11:05:00Z update "$id" "Checkout fails for every customer; we are investigating." --audience external
  id=$(as "$bob" 2026-11-20T11:30:00Z declare "Search slow" --severity SEV3 --service search)
  as "$bob" 2026-11-20T11:35:00Z update "$id" "Search answers slowly." --audience external
  id=$(as "$bob" 2026-11-20T11:40:00Z declare "Internal-only payments flake" --severity SEV1 --service payments)
  as "$bob" 2026-11-20T11:45:00Z note "$id" "nobody outside sees this"
  # The window is over by the clock, though not at --at: --force records it.
  irctl -q --at "$NOW" maintenance add "Load balancer swap" --service api --force \
    --start 2026-11-20T11:00:00Z --end 2026-11-20T13:00:00Z \
    --text "API calls may fail for a few seconds." >/dev/null
}

@test "Chromium renders the overall state, each component's state and today's bar, the current incidents and the maintenance" {
  run py "$IRCTL_SOURCE_DIR/tests/browser/status_facts.py" "$BROWSED/dom/index.html"
  assert_status 0
  [ "$output" = "overall: Major outage
incident: Degraded performance: Search | Investigating — Search answers slowly.
incident: Major outage: Checkout | Investigating — Checkout fails for every customer; we are investigating.
maintenance: Load balancer swap | In progress: 20 Nov 2026, 11:00 UTC to 20 Nov 2026, 13:00 UTC · Public API
component: Shop / Checkout | Major outage (label-major_outage) | bars: 90, last: major_outage, others: operational=89
component: Shop / Payments | Operational (label-operational) | bars: 90, last: operational, others: operational=88 partial_outage=1
component: (no group) / Search | Degraded performance (label-degraded_performance) | bars: 90, last: degraded_performance, others: operational=89
component: (no group) / Public API | Under maintenance (label-under_maintenance) | bars: 90, last: under_maintenance, others: operational=89" ]
}

@test "every page loads without a console error or a failed request, and every link resolves to a file the build wrote" {
  assert_browsed_clean
  # and the other files they link to: stylesheet, feeds, JSON, calendar
  run json_eval '" ".join(f"{k}={v}" for k, v in sorted(d["links"].items()))' <"$BROWSED/report.json"
  assert_status 0
  [ "$output" = "api/v2/summary.json=200 feed.atom=200 feed.rss=200 maintenance.ics=200 status-page.css=200" ]
}

@test "the check of the pages fails on a broken image, a missing stylesheet and grey on grey" {
  cp -R "$SITE" "$TEST_DIR/broken"
  sed -i 's|</main>|<img src="missing.png" alt="x"><p style="color: #777; background: #999">faint</p></main>|' \
    "$TEST_DIR/broken/index.html"
  sed -i 's|status-page.css|no-such.css|' "$TEST_DIR/broken/$RESOLVED_PAGE"
  run py "$IRCTL_SOURCE_DIR/tests/browser/browse.py" "$TEST_DIR/broken" "$TEST_DIR/broken-out"
  assert_status 1
  [[ "$output" == *"index.html: HTTP 404: http://127.0.0.1:"*"/missing.png"* ]]
  [[ "$output" == *"$RESOLVED_PAGE: HTTP 404: http://127.0.0.1:"*"/no-such.css"* ]]
  [[ "$output" == *"missing.png: HTTP 404"* ]]
  [[ "$output" == *'index.html: low contrast (light): p. "faint" 1.57:1'* ]]
  [[ "$output" == *'index.html: low contrast (dark): p. "faint" 1.57:1'* ]]
}

@test "the screenshots of the index and of an incident page are 1200x1400 PNGs that show the page" {
  run py -c '
import sys
from PIL import Image
for path in sys.argv[1:]:
    image = Image.open(path)
    colours = image.convert("RGB").getcolors(1 << 20)
    has = lambda rgb: any(c == rgb for _, c in colours)
    print(image.format, image.size, len(colours) > 16, has((0xcf, 0x22, 0x2e)), has((0x1a, 0x7f, 0x37)))' \
    "$BROWSED/index.html.png" "$BROWSED/${RESOLVED_PAGE//\//_}.png"
  assert_status 0
  # the index shows the outage's red and operational green; the incident page neither
  [ "$output" = "PNG (1200, 1400) True True True
PNG (1200, 1400) True False False" ]
}
