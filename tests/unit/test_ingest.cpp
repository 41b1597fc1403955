#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "core/ingest.hpp"
#include "core/model/tomldoc.hpp"
#include "support.hpp"

// The payload parsers in-process: the real alert payloads in
// tests/fixtures/alerts, the broken ones its bad/MANIFEST.json lists, and
// each documented field made wrong or left out. tests/cli/ingest.bats drives
// the same through the command; here they also run under the sanitizers at
// the cost of a function call each.

namespace test_ingest {

using namespace irctl;
using irctl::testing::slurp;
namespace fs = std::filesystem;

namespace {
const fs::path kAlerts = fs::path(IRCTL_TEST_FIXTURES) / "alerts";

Alert parse(const std::string& body, const std::string& format) { return parse_alert(body, format, IngestMapping{}); }

/// The message of the data error that parsing `body` as `format` throws.
std::string refusal(const std::string& body, const std::string& format) {
  try {
    parse(body, format);
  } catch (const Error& e) {
    CHECK_MESSAGE(e.code() == Errc::data, format, ": ", e.what());
    return e.what();
  }
  FAIL("accepted as ", format, ": ", body.substr(0, 200));
  return "";
}

/// One change to a payload: the value at `pointer` replaced, or removed
/// when `value` is empty.
struct Edit {
  std::string pointer;
  std::optional<Json> value;
};

struct Breakage {
  std::vector<Edit> edits;
  std::string field;  ///< what the refusal must name
};

Json apply(Json doc, const std::vector<Edit>& edits) {
  for (const Edit& edit : edits) {
    const Json::json_pointer at(edit.pointer);
    if (edit.value) {
      doc[at] = *edit.value;
    } else {
      doc[at.parent_pointer()].erase(at.back());
    }
  }
  return doc;
}

void check_each_refused(const std::string& format, const std::string& fixture, const std::vector<Breakage>& cases) {
  const Json good = Json::parse(slurp(kAlerts / fixture));
  parse(good.dump(), format);  // the fixture itself is accepted
  for (const Breakage& c : cases) {
    const std::string body = apply(good, c.edits).dump();
    CAPTURE(c.edits.front().pointer);
    const std::string message = refusal(body, format);
    CHECK_MESSAGE(message.rfind(format + " payload: '" + c.field + "' ", 0) == 0, message);
    // told from its shape, the broken payload is refused as well
    CHECK_THROWS_AS(parse(body, "auto"), Error);
  }
}

Json nested(int depth) {
  std::string text = R"({"key": "deep", "title": "t", "x": )";
  text += std::string(static_cast<size_t>(depth - 1), '[') + std::string(static_cast<size_t>(depth - 1), ']') + "}";
  return Json::parse(text);
}
}  // namespace

TEST_SUITE("ingest") {
  TEST_CASE("every real payload is read, told from its shape as the format it is") {
    const std::vector<std::pair<std::string, std::string>> fixtures = {
        {"alertmanager_v4_firing.json", "alertmanager"},
        {"grafana_unified_firing_docs.json", "grafana"},
        {"pagerduty_events_v2_trigger.json", "pagerduty"},
        {"pagerduty_events_v2_acknowledge.json", "pagerduty"},
        {"pagerduty_events_v2_resolve.json", "pagerduty"},
        {"pagerduty_v3_incident_priority_updated_docs.json", "pagerduty"},
        {"pagerduty_v3_service_updated_docs.json", "pagerduty"},
        {"opsgenie_create_docs.json", "opsgenie"},
        {"github_workflow_job_completed_failure.json", "github"},
        {"github_workflow_run_completed.json", "github"},
        {"alertmanager_no_alert_status_msteams.json", "alertmanager"},
        {"grafana_v11_values_zulip.json", "grafana"},
        {"grafana_resolved_no_labels_zulip.json", "grafana"},
        {"pagerduty_v3_incident_triggered_zulip.json", "pagerduty"},
        {"opsgenie_create_numeric_priority_zulip.json", "opsgenie"},
    };
    for (const auto& [file, format] : fixtures) {
      CAPTURE(file);
      const std::string body = slurp(kAlerts / file);
      const Alert told = parse(body, "auto");
      const Alert forced = parse(body, format);
      CHECK(told.format == format);
      CHECK(forced.format == format);
      CHECK(told.keys == forced.keys);
      if (told.state != Alert::State::ignored) {
        CHECK_FALSE(told.keys.empty());
        CHECK(told.title.find('\n') == std::string::npos);
      } else {
        CHECK_FALSE(told.ignored_because.empty());
      }
    }
  }

  TEST_CASE("every payload bad/MANIFEST.json lists is refused, as its format and told from its shape") {
    const Json manifest = Json::parse(slurp(kAlerts / "bad" / "MANIFEST.json"));
    REQUIRE(manifest.size() == 10);
    const std::map<std::string, std::string> formats = {{"alertmanager", "alertmanager"},
                                                        {"pagerduty_events_v2", "pagerduty"},
                                                        {"github_workflow_job", "github"},
                                                        {"any", "generic"}};
    for (const Json& entry : manifest) {
      const std::string file = entry.at("file");
      CAPTURE(file);
      const std::string body = slurp(kAlerts / "bad" / file);
      const std::string format = formats.at(entry.at("format").get<std::string>());
      const std::string message = refusal(body, format);
      refusal(body, "auto");
      if (entry.at("json_syntax_valid").get<bool>()) {
        CHECK_MESSAGE(message.rfind(format + " payload: '", 0) == 0, message);
      } else {
        CHECK_MESSAGE((message == format + " payload is empty" ||
                       message.rfind(format + " payload is not valid JSON: parse error at line ", 0) == 0),
                      message);
      }
    }
  }

  TEST_CASE("Alertmanager: each wrong or missing field is refused naming it") {
    check_each_refused("alertmanager", "alertmanager_v4_firing.json",
                       {
                           {{{"/version", Json(4)}}, "version"},
                           {{{"/status", Json(true)}}, "status"},
                           {{{"/status", Json("pending")}}, "status"},
                           {{{"/status", std::nullopt}}, "status"},
                           {{{"/alerts", Json::object()}}, "alerts"},
                           {{{"/alerts", std::nullopt}}, "alerts"},
                           {{{"/alerts/0", Json("x")}}, "alerts[0]"},
                           {{{"/alerts/0/status", Json("pending")}}, "alerts[0].status"},
                           {{{"/alerts/0/status", Json("")}}, "alerts[0].status"},
                           {{{"/alerts/0/status", Json(1)}}, "alerts[0].status"},
                           {{{"/alerts/0/status", std::nullopt}, {"/status", Json("pending")}}, "status"},
                           {{{"/alerts/0/labels/severity", Json(nullptr)}}, "alerts[0].labels.severity"},
                           {{{"/alerts/0/labels", Json::array({"a"})}}, "alerts[0].labels"},
                           {{{"/alerts/0/annotations/summary", Json(1)}}, "alerts[0].annotations.summary"},
                           {{{"/alerts/0/startsAt", Json(1675688925)}}, "alerts[0].startsAt"},
                           {{{"/alerts/0/endsAt", Json("yesterday")}}, "alerts[0].endsAt"},
                           {{{"/alerts/0/fingerprint", Json(7)}}, "alerts[0].fingerprint"},
                           {{{"/truncatedAlerts", Json("0")}}, "truncatedAlerts"},
                           {{{"/groupKey", Json::array({"a"})}}, "groupKey"},
                           {{{"/commonLabels", Json("x")}}, "commonLabels"},
                           {{{"/groupKey", std::nullopt}, {"/alerts/0/fingerprint", std::nullopt}}, "groupKey"},
                       });
  }

  TEST_CASE("PagerDuty: each wrong or missing field is refused naming it") {
    check_each_refused("pagerduty", "pagerduty_events_v2_trigger.json",
                       {
                           {{{"/event_action", Json("fire")}}, "event_action"},
                           {{{"/routing_key", std::nullopt}}, "routing_key"},
                           {{{"/payload", std::nullopt}}, "payload"},
                           {{{"/payload", Json::array()}}, "payload"},
                           {{{"/payload/summary", std::nullopt}}, "payload.summary"},
                           {{{"/payload/summary", Json(std::string(1025, 'x'))}}, "payload.summary"},
                           {{{"/payload/severity", Json("fatal")}}, "payload.severity"},
                           {{{"/payload/source", std::nullopt}}, "payload.source"},
                           {{{"/payload/timestamp", Json("yesterday")}}, "payload.timestamp"},
                           {{{"/payload/custom_details", Json("x")}}, "payload.custom_details"},
                           {{{"/dedup_key", Json(std::string(256, 'k'))}}, "dedup_key"},
                       });
    check_each_refused("pagerduty", "pagerduty_events_v2_acknowledge.json", {{{{"/dedup_key", std::nullopt}}, "dedup_key"}});
    check_each_refused("pagerduty", "pagerduty_v3_incident_priority_updated_docs.json",
                       {
                           {{{"/event/event_type", Json(1)}}, "event.event_type"},
                           {{{"/event/data", std::nullopt}}, "event.data"},
                           {{{"/event/data/id", std::nullopt}}, "event.data.id"},
                           {{{"/event/data/status", Json("open")}}, "event.data.status"},
                           {{{"/event/data/created_at", Json("April")}}, "event.data.created_at"},
                           {{{"/event/data/priority", Json("P1")}}, "event.data.priority"},
                       });
  }

  TEST_CASE("Opsgenie, GitHub and generic: each wrong or missing field is refused naming it") {
    check_each_refused("opsgenie", "opsgenie_create_docs.json",
                       {
                           {{{"/action", std::nullopt}}, "action"},
                           {{{"/alert", Json("x")}}, "alert"},
                           {{{"/alert/alias", std::nullopt}, {"/alert/alertId", std::nullopt}}, "alert.alertId"},
                           {{{"/alert/createdAt", Json("1420452191104")}}, "alert.createdAt"},
                           {{{"/alert/message", Json::array({"x"})}}, "alert.message"},
                           {{{"/alert/priority", Json(0)}}, "alert.priority"},
                           {{{"/alert/priority", Json(6)}}, "alert.priority"},
                           {{{"/alert/priority", Json(-3)}}, "alert.priority"},
                           {{{"/alert/priority", Json(3.5)}}, "alert.priority"},
                           {{{"/alert/priority", Json(true)}}, "alert.priority"},
                           {{{"/alert/priority", Json::array({"P1"})}}, "alert.priority"},
                       });
    check_each_refused("github", "github_workflow_job_completed_failure.json",
                       {
                           {{{"/workflow_job/conclusion", Json(1)}}, "workflow_job.conclusion"},
                           {{{"/repository/full_name", std::nullopt}}, "repository.full_name"},
                           {{{"/workflow_job/steps", Json::object()}}, "workflow_job.steps"},
                           {{{"/workflow_job/completed_at", Json("later")}}, "workflow_job.completed_at"},
                       });
    const Json generic = {{"key", "disk-full"}, {"title", "Disk full"}};
    parse(generic.dump(), "generic");
    const std::vector<Breakage> cases = {
        {{{"/key", std::nullopt}}, "key"},
        {{{"/key", Json(" ")}}, "key"},
        {{{"/key", Json(1)}}, "key"},
        {{{"/status", Json("exploded")}}, "status"},
        {{{"/title", std::nullopt}}, "title"},
        {{{"/labels", Json{{"a", 1}}}}, "labels.a"},
        {{{"/started_at", Json("soon")}}, "started_at"},
        {{{"/severity", Json(1)}}, "severity"},
    };
    for (const Breakage& c : cases) {
      const std::string message = refusal(apply(generic, c.edits).dump(), "generic");
      CHECK_MESSAGE(message.rfind("generic payload: '" + c.field + "' ", 0) == 0, message);
    }
  }

  TEST_CASE("Alertmanager: an alert without a status (or with null) has the group's") {
    const Json msteams = Json::parse(slurp(kAlerts / "alertmanager_no_alert_status_msteams.json"));
    const Alert firing = parse(msteams.dump(), "auto");
    CHECK(firing.state == Alert::State::firing);
    CHECK(firing.keys == std::vector<std::string>{"alertmanager:{}:{alertname=\"high_memory_load\"}"});
    CHECK(firing.severity == "warning");
    CHECK(firing.service == "docker_nodes");
    CHECK(firing.title == "Server High Memory usage");
    CHECK(firing.started_at == parse_time("2018-03-07T11:33:21Z", Timestamp{}));
    const Alert resolved = parse(apply(msteams, {{"/status", Json("resolved")},
                                                 {"/alerts/0/endsAt", Json("2018-03-07T07:03:21-05:00")}})
                                     .dump(),
                                 "alertmanager");
    CHECK(resolved.state == Alert::State::resolved);
    CHECK(resolved.ended_at == parse_time("2018-03-07T12:03:21Z", Timestamp{}));
    const Alert null_status = parse(apply(msteams, {{"/alerts/0/status", Json(nullptr)}}).dump(), "alertmanager");
    CHECK(null_status.keys == firing.keys);
    CHECK(null_status.state == Alert::State::firing);
  }

  TEST_CASE("Opsgenie: a priority given as a number from 1 to 5 is that P level; a string is kept as sent") {
    const Json zulip = Json::parse(slurp(kAlerts / "opsgenie_create_numeric_priority_zulip.json"));
    const Alert alert = parse(zulip.dump(), "auto");
    CHECK(alert.format == "opsgenie");
    CHECK(alert.severity == "P3");
    CHECK(alert.keys == std::vector<std::string>{"opsgenie:alert-alias"});
    for (int level = 1; level <= 5; ++level)
      CHECK(parse(apply(zulip, {{"/alert/priority", Json(level)}}).dump(), "opsgenie").severity ==
            "P" + std::to_string(level));
    CHECK(parse(apply(zulip, {{"/alert/priority", Json("P2")}}).dump(), "opsgenie").severity == "P2");
    CHECK(parse(apply(zulip, {{"/alert/priority", Json(nullptr)}}).dump(), "opsgenie").severity.empty());
    CHECK(refusal(apply(zulip, {{"/alert/priority", Json(7)}}).dump(), "opsgenie") ==
          "opsgenie payload: 'alert.priority' must be P1 to P5 (or a number from 1 to 5), not 7");
  }

  TEST_CASE("nesting: 32 levels are read, 33 are refused, in arrays and objects") {
    CHECK(parse(nested(32).dump(), "auto").keys.size() == 1);
    CHECK(refusal(nested(33).dump(), "auto") == "the payload is nested deeper than 32 levels");
    CHECK(refusal(nested(33).dump(), "generic") == "generic payload is nested deeper than 32 levels");
    std::string objects = R"({"key": "deep", "title": "t", "x": )";
    for (int i = 0; i < 32; ++i) objects += R"({"a": )";
    objects += "1" + std::string(32, '}') + "}";
    CHECK(refusal(objects, "auto") == "the payload is nested deeper than 32 levels");
  }

  TEST_CASE("a number no double holds is refused as data, in any format (found by fuzz_ingest)") {
    const std::string body = R"({"key": "k", "title": "t", "labels": {"n": 8e3324}})";
    CHECK(refusal(body, "auto") == "the payload has a number out of range: number overflow parsing '8e3324'");
    for (const auto& format : alert_formats().names())
      CHECK(refusal(body, format) == format + " payload has a number out of range: number overflow parsing '8e3324'");
  }

  TEST_CASE("size: 1 MiB is read, one byte more is refused") {
    const std::string head = R"({"key": "big", "title": "t", "pad": ")";
    const std::string tail = R"("})";
    std::string body = head + std::string(kMaxAlertBytes - head.size() - tail.size(), 'x') + tail;
    REQUIRE(body.size() == kMaxAlertBytes);
    CHECK(parse(body, "generic").title == "t");
    body.insert(head.size(), "x");
    CHECK_THROWS_AS(parse(body, "generic"), Error);
  }

  TEST_CASE("hostile values are data: control characters and broken UTF-8 never reach the title's line; the key is kept as sent") {
    const Json payload = {{"key", "k\n\x1b[31m"},
                          {"title", "Disk\r\nfull\x1b]0;owned\x07 \xff\xfe"},
                          {"description", std::string("line\0nul", 8)},
                          {"labels", {{"\x1b", "\n"}, {"service", "../../etc"}}}};
    const Alert alert = parse(payload.dump(-1, ' ', false, Json::error_handler_t::replace), "generic");
    CHECK(alert.title.find_first_of("\r\n\x1b\x07") == std::string::npos);
    // the key is an identity, kept byte for byte so that a repeat finds it
    CHECK(alert.keys == std::vector<std::string>{"generic:k\n\x1b[31m"});
  }
}

}  // namespace test_ingest
