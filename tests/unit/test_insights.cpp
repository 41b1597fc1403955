// The insights of the internal site (core/insights.hpp): make_insights() over
// incidents built in code, every figure worked out by hand in the comments,
// their JSON, and the charts: what they draw, and that every SVG and table is
// well-formed XML (python3's xml.etree, when the machine has it).

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/insights.hpp"
#include "core/util/process.hpp"

namespace test_insights {

using namespace irctl;

namespace {

Timestamp utc(int year, int month, int day, int hour, int minute, int second = 0) {
  return from_civil({year, month, day, hour, minute, second, 0});
}

FollowUp action(Timestamp added, bool done, const std::string& due) {
  FollowUp a;
  a.text = "follow up";
  a.added_at = added;
  a.done = done;
  a.due = due;
  return a;
}

Incident declared(const std::string& id, const std::string& severity, Timestamp at, std::vector<std::string> services) {
  Incident inc;
  inc.id = id;
  inc.severity = severity;
  inc.status = "identification";
  inc.declared_at = at;
  inc.services = std::move(services);
  return inc;
}

const std::vector<std::string> kScale = {"SEV1", "SEV2", "SEV3"};
const char* const kToday = "2026-04-11";
const std::string kNastyService = "<script>&\"";

// Today is 2026-04-11; three months: 2026-02, 2026-03, 2026-04. Scale SEV1-SEV3.
//
//   A SEV1 [api]            03-01 10:00, started 09:50, ack +1s, contained +60s,
//                           resolved +3600s: impact 09:50 -> 11:00 = 4200
//   B SEV2 [api, web, api]  03-02 10:00, ack +2s, resolved +7200s: impact
//                           declared -> resolved = 7200; api counts once
//   C SEV2 [web]            03-03 10:00, ack +3s; no end: no resolve, no impact
//   D SEV9 []               03-04 10:00, ack +4s; off the scale: counts as SEV3
//   E SEV1 [api], voided    03-05 10:00, ack +100s, one open action: left out
//   F SEV3 [db]             01-20 10:00 (before the window): not counted, but
//                           its actions are: one added 04-01 done, one added
//                           01-20 open and overdue (due 02-01)
//   G SEV1 [<script>&"]     04-10 10:00, ack +600s, contained +1800s; actions
//                           added 04-10: open due 04-10 (overdue), open
//                           without a due date, done
std::vector<Incident> incidents() {
  Incident a = declared("A", "SEV1", utc(2026, 3, 1, 10, 0), {"api"});
  a.started_at = utc(2026, 3, 1, 9, 50);
  a.acknowledged_at = utc(2026, 3, 1, 10, 0, 1);
  a.contained_at = utc(2026, 3, 1, 10, 1);
  a.resolved_at = utc(2026, 3, 1, 11, 0);
  Incident b = declared("B", "SEV2", utc(2026, 3, 2, 10, 0), {"api", "web", "api"});
  b.acknowledged_at = utc(2026, 3, 2, 10, 0, 2);
  b.resolved_at = utc(2026, 3, 2, 12, 0);
  Incident c = declared("C", "SEV2", utc(2026, 3, 3, 10, 0), {"web"});
  c.acknowledged_at = utc(2026, 3, 3, 10, 0, 3);
  Incident d = declared("D", "SEV9", utc(2026, 3, 4, 10, 0), {});
  d.acknowledged_at = utc(2026, 3, 4, 10, 0, 4);
  Incident e = declared("E", "SEV1", utc(2026, 3, 5, 10, 0), {"api"});
  e.acknowledged_at = utc(2026, 3, 5, 10, 1, 40);
  e.voided_at = utc(2026, 3, 5, 11, 0);
  e.actions = {action(utc(2026, 3, 5, 10, 30), false, "")};
  Incident f = declared("F", "SEV3", utc(2026, 1, 20, 10, 0), {"db"});
  f.actions = {action(utc(2026, 4, 1, 9, 0), true, ""), action(utc(2026, 1, 20, 12, 0), false, "2026-02-01")};
  Incident g = declared("G", "SEV1", utc(2026, 4, 10, 10, 0), {kNastyService});
  g.acknowledged_at = utc(2026, 4, 10, 10, 10);
  g.contained_at = utc(2026, 4, 10, 10, 30);
  g.actions = {action(utc(2026, 4, 10, 11, 0), false, "2026-04-10"), action(utc(2026, 4, 10, 11, 0), false, ""),
               action(utc(2026, 4, 10, 11, 0), true, "2026-04-01")};
  return {a, b, c, d, e, f, g};
}

Spread spread(size_t count, long low, long median, long high) {
  return {count, Seconds(low), Seconds(median), Seconds(high)};
}
const Spread kNoData{};

Insights expected_insights() {
  Insights in;
  in.today = kToday;
  in.months = {"2026-02", "2026-03", "2026-04"};
  in.severities = kScale;
  in.incidents = {{0, 0, 0}, {1, 2, 1}, {1, 0, 0}};
  in.measures = {
      // March: 1, 2, 3, 4 -> ranks 0.75, 1.5, 2.25 -> 1.75, 2.5, 3.25 -> 2, 3, 3 (halves up)
      {"acknowledge", "Time to acknowledge (MTTA)", {kNoData, spread(4, 2, 3, 3), spread(1, 600, 600, 600)}},
      {"contain", "Time to contain", {kNoData, spread(1, 60, 60, 60), spread(1, 1800, 1800, 1800)}},
      // March: 3600, 7200 -> ranks 0.25, 0.5, 0.75 -> 4500, 5400, 6300
      {"resolve", "Time to resolve", {kNoData, spread(2, 4500, 5400, 6300), kNoData}},
      // March: 4200, 7200 -> 4950, 5700, 6450
      {"impact", "Impact", {kNoData, spread(2, 4950, 5700, 6450), kNoData}},
  };
  // api: A, B (4200 + 7200); web: B, C (7200); G's: 0. db is F's, before the window.
  in.services_by_count = {{"api", 2, Seconds(11400)}, {"web", 2, Seconds(7200)}, {kNastyService, 1, Seconds(0)}};
  in.services_by_impact = in.services_by_count;
  in.actions = {{"2026-02", 0, 0, 0, 0}, {"2026-03", 0, 0, 0, 0}, {"2026-04", 4, 2, 2, 1}};
  in.actions_done = 2;     // F's first, G's third
  in.actions_open = 3;     // F's second, G's first two
  in.actions_overdue = 2;  // F's second (due 02-01), G's first (due 04-10, before today)
  return in;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

const Chart& chart(const std::vector<Chart>& charts, const std::string& id) {
  for (const auto& c : charts)
    if (c.id == id) return c;
  FAIL("no chart ", id);
  return charts.front();
}

// For each document: its root element and how many elements of each kind
// it has, or python's error; "no python3" when the machine has none.
std::string parsed_by_python(const std::vector<std::string>& documents) {
  if (!std::filesystem::exists("/usr/bin/python3")) return "no python3";
  ProcessOptions options;
  options.argv = {"/usr/bin/python3", "-c",
                  "import json, sys, collections, xml.etree.ElementTree as ET\n"
                  "for doc in json.load(sys.stdin):\n"
                  "    try:\n"
                  "        root = ET.fromstring(doc)\n"
                  "    except ET.ParseError as e:\n"
                  "        print('error', e, doc[:200]); continue\n"
                  "    kinds = collections.Counter(el.tag.split('}')[-1] for el in root.iter())\n"
                  "    print(root.tag.split('}')[-1], ' '.join(f'{k}={v}' for k, v in sorted(kinds.items())))\n"};
  options.input = Json(documents).dump();
  options.output = ProcessOutput::capture;
  options.timeout_seconds = 30;
  return run_process(options).output;
}

}  // namespace

TEST_SUITE("insights") {
  TEST_CASE("make_insights: months, counts by severity, spreads, services and actions over hand-built incidents") {
    const Insights got = make_insights(incidents(), kScale, kToday, 3);
    INFO(insights_to_json(got).dump(1));
    CHECK(got == expected_insights());
  }

  TEST_CASE("make_insights: the percentiles interpolate between ranks and agree with stats' median") {
    // ack 10, 20, 30, 40, 1000 s in one month: ranks 1, 2, 3 -> 20, 30, 40
    std::vector<Incident> five;
    for (const long s : {1000L, 10L, 40L, 30L, 20L}) {
      Incident inc = declared("I" + std::to_string(s), "SEV1", utc(2026, 4, 1, 10, 0), {});
      inc.acknowledged_at = inc.declared_at + Seconds(s);
      five.push_back(inc);
    }
    CHECK(make_insights(five, kScale, kToday, 1).measures[0].months == std::vector<Spread>{spread(5, 20, 30, 40)});
    // 1, 2 s: ranks 0.25, 0.5, 0.75 -> 1.25, 1.5, 1.75 -> 1, 2, 2; stats' median of 1, 2 is 2 too
    std::vector<Incident> two(five.begin(), five.begin() + 2);
    two[0].acknowledged_at = two[0].declared_at + Seconds(1);
    two[1].acknowledged_at = two[1].declared_at + Seconds(2);
    CHECK(make_insights(two, kScale, kToday, 1).measures[0].months == std::vector<Spread>{spread(2, 1, 2, 2)});
  }

  TEST_CASE("make_insights: the window crosses a year; a declaration in the last second of a month is that month's") {
    const std::vector<Incident> one = {declared("A", "SEV2", utc(2025, 12, 31, 23, 59, 59), {})};
    const Insights got = make_insights(one, kScale, "2026-01-31", 2);
    CHECK(got.months == std::vector<std::string>{"2025-12", "2026-01"});
    CHECK(got.incidents == std::vector<std::vector<size_t>>{{0, 1, 0}, {0, 0, 0}});
  }

  TEST_CASE("make_insights: services rank by incidents, then impact, then name; by impact, then incidents, then name") {
    std::vector<Incident> list;
    const auto add = [&](const std::string& service, long impact_seconds) {
      Incident inc = declared("I" + std::to_string(list.size()), "SEV1", utc(2026, 4, 1, 10, 0), {service});
      inc.resolved_at = inc.declared_at + Seconds(impact_seconds);
      list.push_back(inc);
    };
    // b: 2 incidents, 20 s; a: 2 incidents, 20 s; c: 2 incidents, 30 s; d: 1 incident, 50 s; e: 1 incident, 30 s
    add("b", 10), add("b", 10), add("a", 5), add("a", 15), add("c", 15), add("c", 15), add("d", 50), add("e", 30);
    const Insights got = make_insights(list, kScale, kToday, 1);
    CHECK(got.services_by_count == std::vector<ServiceLoad>{{"c", 2, Seconds(30)},
                                                            {"a", 2, Seconds(20)},
                                                            {"b", 2, Seconds(20)},
                                                            {"d", 1, Seconds(50)},
                                                            {"e", 1, Seconds(30)}});
    CHECK(got.services_by_impact == std::vector<ServiceLoad>{{"d", 1, Seconds(50)},
                                                             {"c", 2, Seconds(30)},
                                                             {"e", 1, Seconds(30)},
                                                             {"a", 2, Seconds(20)},
                                                             {"b", 2, Seconds(20)}});
  }

  TEST_CASE("make_insights: only the top ten services are kept") {
    std::vector<Incident> list;
    for (int i = 0; i < 12; ++i)
      for (int n = 0; n <= i; ++n)
        list.push_back(declared("I", "SEV1", utc(2026, 4, 1, 10, 0), {"s" + std::to_string(100 + i)}));
    const Insights got = make_insights(list, kScale, kToday, 1);
    std::vector<std::string> names;
    for (const auto& l : got.services_by_count) names.push_back(l.service);
    CHECK(names ==
          std::vector<std::string>{"s111", "s110", "s109", "s108", "s107", "s106", "s105", "s104", "s103", "s102"});
    CHECK(got.services_by_impact.size() == 10);
  }

  TEST_CASE("make_insights: an empty repository has every month, all zero, and no data") {
    Insights want;
    want.today = kToday;
    want.months = {"2026-03", "2026-04"};
    want.severities = kScale;
    want.incidents = {{0, 0, 0}, {0, 0, 0}};
    want.measures = {{"acknowledge", "Time to acknowledge (MTTA)", {kNoData, kNoData}},
                     {"contain", "Time to contain", {kNoData, kNoData}},
                     {"resolve", "Time to resolve", {kNoData, kNoData}},
                     {"impact", "Impact", {kNoData, kNoData}}};
    want.actions = {{"2026-03", 0, 0, 0, 0}, {"2026-04", 0, 0, 0, 0}};
    CHECK(make_insights({}, kScale, kToday, 2) == want);
  }

  TEST_CASE("make_insights: a malformed day, no months or no scale is a usage error") {
    CHECK_THROWS_WITH_AS(make_insights({}, kScale, "2026-4-11", 12), "the insights' day '2026-4-11' is not a date",
                         Error);
    CHECK_THROWS_WITH_AS(make_insights({}, kScale, kToday, 0), "insights over 0 months", Error);
    CHECK_THROWS_WITH_AS(make_insights({}, {}, kToday, 12), "insights need a severity scale", Error);
  }

  TEST_CASE("insights_to_json: the documented shape, durations in seconds, null when absent") {
    const Insights in = make_insights({incidents()[0]}, {"SEV1"}, kToday, 1);
    const Json want = Json::parse(R"json({
      "today": "2026-04-11", "months": ["2026-04"], "severities": ["SEV1"],
      "incidents_by_severity": [{"month": "2026-04", "total": 0, "by_severity": {"SEV1": 0}}],
      "measures": [
        {"name": "acknowledge", "title": "Time to acknowledge (MTTA)",
         "months": [{"month": "2026-04", "count": 0, "low": null, "median": null, "high": null}]},
        {"name": "contain", "title": "Time to contain",
         "months": [{"month": "2026-04", "count": 0, "low": null, "median": null, "high": null}]},
        {"name": "resolve", "title": "Time to resolve",
         "months": [{"month": "2026-04", "count": 0, "low": null, "median": null, "high": null}]},
        {"name": "impact", "title": "Impact",
         "months": [{"month": "2026-04", "count": 0, "low": null, "median": null, "high": null}]}],
      "services_by_count": [], "services_by_impact": [],
      "actions": {"done": 0, "open": 0, "overdue": 0,
                  "months": [{"month": "2026-04", "added": 0, "done": 0, "open": 0, "overdue": 0}]}})json");
    CHECK(insights_to_json(in).dump(1) == want.dump(1));
    const Json march = insights_to_json(make_insights(incidents(), kScale, kToday, 3));
    CHECK(march["measures"][2]["months"][1].dump() ==
          R"({"month":"2026-03","count":2,"low":4500,"median":5400,"high":6300})");
    CHECK(march["services_by_count"][0].dump() == R"({"service":"api","incidents":2,"impact":11400})");
  }

  TEST_CASE("insights_charts: eight charts, each with its part of the JSON") {
    const Insights in = make_insights(incidents(), kScale, kToday, 3);
    const std::vector<Chart> charts = insights_charts(in);
    std::vector<std::string> ids;
    for (const auto& c : charts) ids.push_back(c.id);
    CHECK(ids == std::vector<std::string>{"incidents-by-severity", "time-to-acknowledge", "time-to-contain",
                                          "time-to-resolve", "impact", "services-by-count", "services-by-impact",
                                          "actions"});
    const Json json = insights_to_json(in);
    CHECK(charts[0].data == json["incidents_by_severity"]);
    CHECK(charts[3].data == json["measures"][2]);
    CHECK(charts[6].data == json["services_by_impact"]);
    CHECK(charts[7].data == json["actions"]);
  }

  TEST_CASE("insights_charts: the severities' bars, one per month and level with incidents, each with its figure") {
    const std::vector<Chart> charts = insights_charts(make_insights(incidents(), kScale, kToday, 3));
    const Chart& c = chart(charts, "incidents-by-severity");
    CHECK(c.summary == "5 incidents declared from 2026-02 to 2026-04: 2 SEV1, 2 SEV2, 1 SEV3.");
    // March: SEV1, SEV2 (2), SEV3; April: SEV1 -> four bars; the legend's swatches are "sev-N swatch"
    CHECK(occurrences(c.svg, "<rect class=\"sev-0\"") == 2);
    CHECK(occurrences(c.svg, "<rect class=\"sev-1\"") == 1);
    CHECK(occurrences(c.svg, "<rect class=\"sev-2\"") == 1);
    CHECK(occurrences(c.svg, "<rect class=\"sev-0 swatch\"") == 1);
    CHECK(occurrences(c.svg, "<title>2026-03, SEV2: 2 incidents</title>") == 1);
    CHECK(c.svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 262\" role=\"img\" "
                      "aria-labelledby=\"incidents-by-severity-title incidents-by-severity-desc\"",
                      0) == 0);
    CHECK(occurrences(c.svg, "<desc id=\"incidents-by-severity-desc\">" + c.summary + "</desc>") == 1);
    CHECK(occurrences(c.table_html,
                      "<tr><th scope=\"row\">2026-03</th><td>1</td><td>2</td><td>1</td><td>4</td></tr>") == 1);
  }

  TEST_CASE(
      "insights_charts: a measure's medians are dots joined month to month, a month without data breaks the line") {
    std::vector<Incident> list;
    // acknowledged in 2026-01, 2026-02 and 2026-04 (none in 2026-03): one line of two dots, one dot alone
    for (const int month : {1, 2, 4}) {
      Incident inc = declared("I", "SEV1", utc(2026, month, 2, 10, 0), {});
      inc.acknowledged_at = inc.declared_at + Seconds(600 * month);
      list.push_back(inc);
    }
    const Chart c = insights_charts(make_insights(list, kScale, kToday, 4))[1];
    CHECK(occurrences(c.svg, "<circle class=\"median\"") == 3);
    CHECK(occurrences(c.svg, "<polyline class=\"median-line\"") == 1);
    CHECK(occurrences(c.svg, "<rect class=\"spread\"") == 3);
    CHECK(occurrences(c.svg, "<title>2026-04: median 40m 00s over 1 incident</title>") == 1);
    // the longest is 40 minutes: an axis in minutes, 0 to 40 in steps of 10
    for (const char* tick : {">0</text>", ">10m</text>", ">20m</text>", ">30m</text>", ">40m</text>"})
      CHECK_MESSAGE(occurrences(c.svg, tick) == 1, tick);
  }

  TEST_CASE("insights_charts: a service's name is text, escaped, in the SVG and the table") {
    const std::vector<Chart> charts = insights_charts(make_insights(incidents(), kScale, kToday, 3));
    for (const char* id : {"services-by-count", "services-by-impact"}) {
      const Chart& c = chart(charts, id);
      CHECK(c.svg.find("<script") == std::string::npos);
      CHECK(c.table_html.find("<script") == std::string::npos);
      CHECK(occurrences(c.svg, ">&lt;script&gt;&amp;&quot;</text>") == 1);
      CHECK(occurrences(c.table_html, "<th scope=\"row\">&lt;script&gt;&amp;&quot;</th>") == 1);
      CHECK(occurrences(c.svg, "<rect class=\"bar\"") == 3);
    }
    CHECK(occurrences(chart(charts, "services-by-impact").svg, ">3h 10m</text>") == 1);  // api: 11400 s
  }

  TEST_CASE("insights_charts: the actions' summary gives the completion rate over every action") {
    const Chart c = insights_charts(make_insights(incidents(), kScale, kToday, 3))[7];
    CHECK(c.summary ==
          "Of 5 follow-up actions, 2 are done (40%), 3 open, 2 of them overdue; the bars show those added from "
          "2026-02 to 2026-04.");
    // April: 2 done, 1 open (not overdue), 1 overdue
    CHECK(occurrences(c.svg, "<rect class=\"done\"") == 1);
    CHECK(occurrences(c.svg, "<rect class=\"open\"") == 1);
    CHECK(occurrences(c.svg, "<rect class=\"overdue\"") == 1);
    CHECK(occurrences(
              c.table_html,
              "<tfoot>\n<tr><th scope=\"row\">All, whenever added</th><td>5</td><td>2</td><td>3</td><td>2</td></tr>") ==
          1);
  }

  TEST_CASE("insights_charts: with no incidents every chart says so and draws nothing") {
    const std::vector<Chart> charts = insights_charts(make_insights({}, kScale, kToday, 12));
    for (const auto& c : charts) {
      CAPTURE(c.id);
      CHECK(c.svg.find("<rect class=\"sev-0\"") == std::string::npos);
      CHECK(c.svg.find("<circle") == std::string::npos);
      CHECK(c.svg.find("<rect class=\"bar\"") == std::string::npos);
      CHECK(c.svg.find("nan") == std::string::npos);
      CHECK(c.svg.find("inf") == std::string::npos);
    }
    CHECK(occurrences(charts[0].svg, ">No incidents in these months</text>") == 1);
    CHECK(occurrences(charts[1].svg, ">No data</text>") == 1);
    CHECK(occurrences(charts[5].svg, ">No incidents in these months</text>") == 1);
    CHECK(charts[7].summary == "No follow-up actions yet.");
  }

  TEST_CASE("insights_charts: the same figures give the same bytes") {
    const Insights in = make_insights(incidents(), kScale, kToday, 12);
    const std::vector<Chart> first = insights_charts(in), second = insights_charts(in);
    for (size_t i = 0; i < first.size(); ++i) {
      CHECK(first[i].svg == second[i].svg);
      CHECK(first[i].table_html == second[i].table_html);
    }
  }

  TEST_CASE("insights_charts: every SVG and table is well-formed XML") {
    std::vector<std::string> documents;
    for (const auto& in : {make_insights(incidents(), kScale, kToday, 12), make_insights({}, kScale, kToday, 12)})
      for (const auto& c : insights_charts(in)) {
        documents.push_back(c.svg);
        documents.push_back(c.table_html);
      }
    const std::string got = parsed_by_python(documents);
    if (got == "no python3") return;
    // The first: the severities over 12 months to 2026-04 (F's January is in
    // it now): 5 bars (March 3, April 1, January 1) and 3 swatches; 5 grid
    // lines (0 to 4); 3 legend labels, 5 tick labels, 3 totals, 12 months and
    // 2 years; the chart's title and a title per bar.
    const std::string want =
        "svg desc=1 g=3 line=5 rect=8 svg=1 text=25 title=6\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg circle=2 desc=1 g=3 line=6 polyline=1 rect=4 svg=1 text=22 title=5\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg circle=2 desc=1 g=3 line=4 polyline=1 rect=4 svg=1 text=20 title=5\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg circle=1 desc=1 g=3 line=4 rect=3 svg=1 text=20 title=3\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg circle=1 desc=1 g=3 line=4 rect=3 svg=1 text=20 title=3\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 rect=4 svg=1 text=8 title=5\n"
        "table caption=1 table=1 tbody=1 td=8 th=7 thead=1 tr=5\n"
        "svg desc=1 rect=4 svg=1 text=8 title=5\n"
        "table caption=1 table=1 tbody=1 td=8 th=7 thead=1 tr=5\n"
        "svg desc=1 g=3 line=5 rect=7 svg=1 text=24 title=5\n"
        "table caption=1 table=1 tbody=1 td=52 tfoot=1 th=18 thead=1 tr=14\n"
        "svg desc=1 g=1 rect=3 svg=1 text=18 title=1\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 g=1 rect=2 svg=1 text=17 title=1\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 g=1 rect=2 svg=1 text=17 title=1\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 g=1 rect=2 svg=1 text=17 title=1\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 g=1 rect=2 svg=1 text=17 title=1\n"
        "table caption=1 table=1 tbody=1 td=48 th=17 thead=1 tr=13\n"
        "svg desc=1 svg=1 text=1 title=1\n"
        "table caption=1 table=1 tbody=1 th=3 thead=1 tr=1\n"
        "svg desc=1 svg=1 text=1 title=1\n"
        "table caption=1 table=1 tbody=1 th=3 thead=1 tr=1\n"
        "svg desc=1 g=1 rect=3 svg=1 text=18 title=1\n"
        "table caption=1 table=1 tbody=1 td=52 tfoot=1 th=18 thead=1 tr=14\n";
    CHECK(got == want);
  }
}

}  // namespace test_insights
