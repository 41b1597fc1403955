// Reading alert payloads (irctl ingest): each format's webhook body
// (Alertmanager and Grafana, PagerDuty events and webhooks, Opsgenie, GitHub
// Actions, generic) parsed into an Alert, its fields made safe and bounded.
// What an alert does to the repository is ingest.cpp's.

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/ingest.hpp"
#include "core/ingest_internal.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

constexpr size_t kMaxLabels = 64;
constexpr size_t kMaxLabelValue = 1024;
constexpr size_t kMaxKey = 255;  // PagerDuty's documented limit for dedup_key

const char* type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::null:
      return "null";
    case Json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

// Reads one payload's fields; every failure names the format and the field.
class Reader {
 public:
  explicit Reader(std::string format) : format_(std::move(format)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw Error(Errc::data, format_ + " payload: " + (field.empty() ? "" : "'" + field + "' ") + message,
                "check what the sender posts (irctl-ingest(1) lists the fields read), or name the format with "
                "--format");
  }

  const Json& object(const Json& parent, const std::string& key, const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v) fail(path, "is missing");
    if (!v->is_object()) fail(path, std::string("must be an object, not ") + type_name(*v));
    return *v;
  }

  const Json* optional_object(const Json& parent, const std::string& key, const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v || v->is_null()) return nullptr;
    if (!v->is_object()) fail(path, std::string("must be an object, not ") + type_name(*v));
    return v;
  }

  const Json& array(const Json& parent, const std::string& key, const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v) fail(path, "is missing");
    if (!v->is_array()) fail(path, std::string("must be an array, not ") + type_name(*v));
    return *v;
  }

  std::string string(const Json& parent, const std::string& key, const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v) fail(path, "is missing");
    if (!v->is_string()) fail(path, std::string("must be a string, not ") + type_name(*v));
    return v->get<std::string>();
  }

  /// A string that may be missing or null (nullopt then).
  std::optional<std::string> optional_string(const Json& parent, const std::string& key,
                                             const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(path, std::string("must be a string, not ") + type_name(*v));
    return v->get<std::string>();
  }

  std::string string_or(const Json& parent, const std::string& key, const std::string& path) const {
    const Json* v = find(parent, key);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) fail(path, std::string("must be a string, not ") + type_name(*v));
    return v->get<std::string>();
  }

  /// An object whose values are strings (Alertmanager labels and annotations).
  std::vector<std::pair<std::string, std::string>> string_map(const Json& parent, const std::string& key,
                                                              const std::string& path) const {
    std::vector<std::pair<std::string, std::string>> out;
    const Json* v = optional_object(parent, key, path);
    if (!v) return out;
    for (const auto& [k, value] : v->items()) {
      if (!value.is_string()) fail(path + "." + k, std::string("must be a string, not ") + type_name(value));
      out.emplace_back(k, value.get<std::string>());
    }
    return out;
  }

  /// An RFC 3339 time; Go's zero time (0001-01-01…) and "" mean none.
  std::optional<Timestamp> time(const Json& parent, const std::string& key, const std::string& path) const {
    const std::string text = string_or(parent, key, path);
    if (text.empty() || text.rfind("0001-01-01", 0) == 0) return std::nullopt;
    return parse_payload_time(text, path);
  }

  std::optional<Timestamp> parse_payload_time(std::string text, const std::string& path) const {
    // ISO 8601's basic offset (+0000, as PagerDuty's examples have it) is
    // not RFC 3339; it is common enough to read.
    if (text.size() > 5 && (text[text.size() - 5] == '+' || text[text.size() - 5] == '-') &&
        std::all_of(text.end() - 4, text.end(), [](unsigned char c) { return std::isdigit(c); }))
      text.insert(text.size() - 2, ":");
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])))
      fail(path, "is not an RFC 3339 time: " + quote(one_line(text, 40)));
    try {
      return irctl::parse_time(text, Timestamp{});
    } catch (const Error&) {
      fail(path, "is not an RFC 3339 time: " + quote(one_line(text, 40)));
    }
  }

  const std::string& format() const { return format_; }

 private:
  static const Json* find(const Json& parent, const std::string& key) {
    const auto it = parent.find(key);
    return it == parent.end() ? nullptr : &*it;
  }
  std::string format_;
};

}  // namespace

// Label values are data: one line, no control characters, a bounded size.
std::string safe_line(const std::string& s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max + 8));
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool control = u < 0x20 || u == 0x7f;
    if (control && (out.empty() || out.back() == ' ')) continue;
    out += control ? ' ' : c;
  }
  return one_line(trim(out), max);
}

std::string label(const std::vector<std::pair<std::string, std::string>>& labels, const std::string& name) {
  for (const auto& [k, v] : labels)
    if (k == name) return v;
  return "";
}

namespace {

// A description may have several lines: they stay (CRLF becomes LF), other
// control characters become spaces, and it is cut at `max` bytes.
std::string safe_text(const std::string& s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max + 8));
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (u == '\n') {
      out += '\n';
      continue;
    }
    const bool control = u < 0x20 || u == 0x7f;
    if (control && (out.empty() || out.back() == ' ' || out.back() == '\n')) continue;
    out += control ? ' ' : s[i];
  }
  out = trim(out);
  if (out.size() > max) {
    size_t cut = max - 3;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

std::string first_label(const std::vector<std::pair<std::string, std::string>>& labels,
                        const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (auto v = label(labels, n); !trim(v).empty()) return v;
  return "";
}

// A key too long to keep is kept as its hash: FNV-1a, stable everywhere.
std::string bounded_key(const std::string& prefix, const std::string& identity) {
  if (identity.size() <= kMaxKey) return prefix + identity;
  uint64_t h = 1469598103934665603ull;
  for (const char c : identity) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return prefix + "fnv:" + hex;
}

void add_labels(Alert& a, const std::vector<std::pair<std::string, std::string>>& labels) {
  for (const auto& [k, v] : labels) {
    if (a.labels.size() >= kMaxLabels) return;
    if (!label(a.labels, k).empty()) continue;
    a.labels.emplace_back(safe_line(k, 100), safe_line(v, kMaxLabelValue));
  }
}

Alert parse_alertmanager(const Json& j, const std::string& format, const IngestMapping& m) {
  const Reader r(format);
  if (const auto version = j.find("version"); version != j.end() && !version->is_string())
    r.fail("version", std::string("must be a string, not ") + type_name(*version));
  const std::string status = r.string(j, "status", "status");
  if (status != "firing" && status != "resolved") r.fail("status", "must be firing or resolved, not " + quote(status));
  const Json& alerts = r.array(j, "alerts", "alerts");
  if (const auto t = j.find("truncatedAlerts"); t != j.end() && !t->is_number_integer())
    r.fail("truncatedAlerts", std::string("must be a number, not ") + type_name(*t));
  const std::string group_key = r.string_or(j, "groupKey", "groupKey");

  Alert a;
  a.format = format;
  a.state = status == "resolved" ? Alert::State::resolved : Alert::State::firing;
  add_labels(a, r.string_map(j, "commonLabels", "commonLabels"));
  auto annotations = r.string_map(j, "commonAnnotations", "commonAnnotations");
  std::vector<std::string> fingerprints;
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string at = "alerts[" + std::to_string(i) + "]";
    const Json& alert = alerts[i];
    if (!alert.is_object()) r.fail(at, std::string("must be an object, not ") + type_name(alert));
    // Alertmanager's first webhooks, and test data copied from them, give
    // the group's status only: it is then each alert's.
    const std::string alert_status = r.optional_string(alert, "status", at + ".status").value_or(status);
    if (alert_status != "firing" && alert_status != "resolved")
      r.fail(at + ".status", "must be firing or resolved, not " + quote(alert_status));
    const auto labels = r.string_map(alert, "labels", at + ".labels");
    const auto alert_annotations = r.string_map(alert, "annotations", at + ".annotations");
    const auto starts = r.time(alert, "startsAt", at + ".startsAt");
    const auto ends = r.time(alert, "endsAt", at + ".endsAt");
    const std::string fingerprint = r.string_or(alert, "fingerprint", at + ".fingerprint");
    const std::string url = r.string_or(alert, "generatorURL", at + ".generatorURL");
    if (!fingerprint.empty()) fingerprints.push_back(fingerprint);
    if (i == 0) {
      add_labels(a, labels);
      for (const auto& an : alert_annotations)
        if (label(annotations, an.first).empty()) annotations.push_back(an);
      a.url = safe_line(url, 2048);
    }
    if (starts && (!a.started_at || *starts < *a.started_at)) a.started_at = starts;
    if (alert_status == "resolved" && ends && (!a.ended_at || *ends > *a.ended_at)) a.ended_at = ends;
  }
  // Alertmanager names its group; Grafana's group key is often "{}:{}" for
  // every alert of a contact point, so its alerts are known by fingerprint.
  if (format == "alertmanager" && !group_key.empty()) a.keys.push_back(bounded_key("alertmanager:", group_key));
  for (const auto& fp : fingerprints) a.keys.push_back(bounded_key(format + ":fingerprint:", fp));
  if (a.keys.empty() && !group_key.empty()) a.keys.push_back(bounded_key(format + ":", group_key));
  if (a.keys.empty()) r.fail("groupKey", "is missing, and no alert has a fingerprint: nothing identifies the alert");

  std::string title = first_label(annotations, m.title_annotations);
  if (title.empty()) title = label(a.labels, "alertname");
  if (title.empty()) title = r.string_or(j, "title", "title");
  if (title.empty()) title = "Alert from " + r.string_or(j, "receiver", "receiver");
  a.title = safe_line(title, kMaxTitle);
  a.description = safe_text(label(annotations, "description"), kMaxText / 4);
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  if (a.url.empty()) a.url = safe_line(r.string_or(j, "externalURL", "externalURL"), 2048);
  return a;
}

Alert parse_pagerduty_event(const Json& j, const IngestMapping& m) {
  const Reader r("pagerduty");
  const std::string action = r.string(j, "event_action", "event_action");
  if (action != "trigger" && action != "acknowledge" && action != "resolve")
    r.fail("event_action", "must be trigger, acknowledge or resolve, not " + quote(one_line(action, 40)));
  const std::string routing_key = r.string(j, "routing_key", "routing_key");
  const std::string dedup_key = r.string_or(j, "dedup_key", "dedup_key");
  if (dedup_key.size() > kMaxKey) r.fail("dedup_key", "is longer than the documented 255 characters");
  Alert a;
  a.format = "pagerduty";
  if (action != "trigger") {
    if (dedup_key.empty()) r.fail("dedup_key", "is missing; " + action + " needs the key of the alert it ends");
    a.state = action == "resolve" ? Alert::State::resolved : Alert::State::acknowledged;
    a.keys.push_back("pagerduty:" + dedup_key);
    a.title = "PagerDuty alert " + safe_line(dedup_key, 80);
    return a;
  }
  const Json& payload = r.object(j, "payload", "payload");
  const std::string summary = r.string(payload, "summary", "payload.summary");
  if (summary.size() > 1024) r.fail("payload.summary", "is longer than the documented 1024 characters");
  const std::string source = r.string(payload, "source", "payload.source");
  const std::string severity = r.string(payload, "severity", "payload.severity");
  if (severity != "critical" && severity != "error" && severity != "warning" && severity != "info")
    r.fail("payload.severity", "must be critical, error, warning or info, not " + quote(one_line(severity, 40)));
  if (const auto details = payload.find("custom_details");
      details != payload.end() && !details->is_object() && !details->is_null())
    r.fail("payload.custom_details", std::string("must be an object, not ") + type_name(*details));
  a.started_at = r.time(payload, "timestamp", "payload.timestamp");
  std::vector<std::pair<std::string, std::string>> labels = {{"severity", severity}, {"source", source}};
  for (const char* field : {"component", "group", "class"})
    labels.emplace_back(field, r.string_or(payload, field, std::string("payload.") + field));
  if (const auto details = payload.find("custom_details"); details != payload.end() && details->is_object())
    for (const auto& [k, v] : details->items()) labels.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  std::erase_if(labels, [](const auto& l) { return l.second.empty(); });
  add_labels(a, labels);
  // Without a dedup_key PagerDuty makes one up; a repeat of the same alert
  // must still find its incident, so the key comes from what identifies it.
  a.keys.push_back(dedup_key.empty() ? bounded_key("pagerduty:", "~" + routing_key + "\n" + source + "\n" + summary)
                                     : "pagerduty:" + dedup_key);
  a.title = safe_line(summary, kMaxTitle);
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  a.url = safe_line(r.string_or(j, "client_url", "client_url"), 2048);
  return a;
}

Alert parse_pagerduty_webhook(const Json& j, const IngestMapping& m) {
  const Reader r("pagerduty");
  const Json& event = r.object(j, "event", "event");
  const std::string type = r.string(event, "event_type", "event.event_type");
  const std::string resource = r.string_or(event, "resource_type", "event.resource_type");
  Alert a;
  a.format = "pagerduty";
  if (resource != "incident" || type.rfind("incident.", 0) != 0) {
    a.state = Alert::State::ignored;
    a.ignored_because = "a PagerDuty " + safe_line(type, 80) + " event is not about an incident";
    return a;
  }
  const Json& data = r.object(event, "data", "event.data");
  const std::string id = r.string(data, "id", "event.data.id");
  const std::string incident_key = r.string_or(data, "incident_key", "event.data.incident_key");
  const std::string status = r.string(data, "status", "event.data.status");
  if (status != "triggered" && status != "acknowledged" && status != "resolved")
    r.fail("event.data.status", "must be triggered, acknowledged or resolved, not " + quote(one_line(status, 40)));
  a.state = status == "resolved"                                      ? Alert::State::resolved
            : status == "acknowledged" && type != "incident.reopened" ? Alert::State::acknowledged
                                                                      : Alert::State::firing;
  if (!incident_key.empty()) a.keys.push_back(bounded_key("pagerduty:", incident_key));
  a.keys.push_back(bounded_key("pagerduty:incident:", id));
  a.title = safe_line(r.string_or(data, "title", "event.data.title"), kMaxTitle);
  if (a.title.empty()) a.title = "PagerDuty incident " + safe_line(id, 40);
  a.started_at = r.time(data, "created_at", "event.data.created_at");
  a.url = safe_line(r.string_or(data, "html_url", "event.data.html_url"), 2048);
  std::vector<std::pair<std::string, std::string>> labels;
  if (const Json* service = r.optional_object(data, "service", "event.data.service"))
    labels.emplace_back("service", r.string_or(*service, "summary", "event.data.service.summary"));
  if (const Json* priority = r.optional_object(data, "priority", "event.data.priority"))
    labels.emplace_back("priority", r.string_or(*priority, "summary", "event.data.priority.summary"));
  labels.emplace_back("urgency", r.string_or(data, "urgency", "event.data.urgency"));
  std::erase_if(labels, [](const auto& l) { return l.second.empty(); });
  add_labels(a, labels);
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  a.severity_update = type == "incident.priority_updated";
  return a;
}

// Opsgenie documents P1 to P5; some senders post the number alone (3 for P3).
std::string opsgenie_priority(const Reader& r, const Json& alert) {
  const auto p = alert.find("priority");
  if (p == alert.end() || p->is_null() || p->is_string()) return r.string_or(alert, "priority", "alert.priority");
  if (p->is_number_integer() && *p >= 1 && *p <= 5) return "P" + std::to_string(p->get<int>());
  r.fail("alert.priority",
         "must be P1 to P5 (or a number from 1 to 5), not " + (p->is_number() ? p->dump() : type_name(*p)));
}

Alert parse_opsgenie(const Json& j, const IngestMapping& m) {
  const Reader r("opsgenie");
  const std::string action = r.string(j, "action", "action");
  const Json& alert = r.object(j, "alert", "alert");
  std::string alias = r.string_or(alert, "alias", "alert.alias");
  if (alias.empty()) alias = r.string(alert, "alertId", "alert.alertId");
  Alert a;
  a.format = "opsgenie";
  a.keys.push_back(bounded_key("opsgenie:", alias));
  if (action == "Create" || action == "UnAcknowledge")
    a.state = Alert::State::firing;
  else if (action == "Close")
    a.state = Alert::State::resolved;
  else if (action == "Acknowledge")
    a.state = Alert::State::acknowledged;
  else {
    a.state = Alert::State::ignored;
    a.ignored_because = "the Opsgenie action " + quote(safe_line(action, 40)) + " changes no incident";
    return a;
  }
  a.title = safe_line(r.string_or(alert, "message", "alert.message"), kMaxTitle);
  if (a.title.empty()) a.title = "Opsgenie alert " + safe_line(alias, 80);
  a.description = safe_text(r.string_or(alert, "description", "alert.description"), kMaxText / 4);
  if (const auto created = alert.find("createdAt"); created != alert.end()) {
    if (!created->is_number_integer())
      r.fail("alert.createdAt", std::string("must be a number, not ") + type_name(*created));
    const int64_t ms = created->get<int64_t>();
    if (ms > 0 && ms < 253402300800000) a.started_at = Timestamp(Seconds(ms / 1000));
  }
  std::vector<std::pair<std::string, std::string>> labels = {{"priority", opsgenie_priority(r, alert)}};
  for (const char* field : {"entity", "source"})
    labels.emplace_back(field, r.string_or(alert, field, std::string("alert.") + field));
  if (const auto teams = alert.find("teams");
      teams != alert.end() && teams->is_array() && !teams->empty() && (*teams)[0].is_string())
    labels.emplace_back("team", (*teams)[0].get<std::string>());
  for (const auto& detail : r.string_map(alert, "details", "alert.details")) labels.push_back(detail);
  std::erase_if(labels, [](const auto& l) { return l.second.empty(); });
  add_labels(a, labels);
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  return a;
}

// GitHub Actions' workflow_job and workflow_run webhooks: a failed run of a
// workflow on a branch is an alert, and its next success resolves it. The
// key is the repository, the workflow and the branch, so that the failures
// of one broken build are one incident.
Alert parse_github(const Json& j, const IngestMapping& m) {
  const Reader r("github");
  const std::string action = r.string(j, "action", "action");
  const bool job = j.contains("workflow_job");
  const std::string field = job ? "workflow_job" : "workflow_run";
  const Json& run = r.object(j, field, field);
  const Json& repository = r.object(j, "repository", "repository");
  const std::string repo = r.string(repository, "full_name", "repository.full_name");
  const std::string status = r.string(run, "status", field + ".status");
  const std::string conclusion = r.string_or(run, "conclusion", field + ".conclusion");
  const std::string branch = r.string_or(run, "head_branch", field + ".head_branch");
  std::string workflow = r.string_or(run, job ? "workflow_name" : "name", field + (job ? ".workflow_name" : ".name"));
  if (workflow.empty())
    if (const Json* w = r.optional_object(j, "workflow", "workflow"))
      workflow = r.string_or(*w, "name", "workflow.name");
  const std::string name = job ? r.string(run, "name", field + ".name") : "";
  if (job)
    if (const auto steps = run.find("steps"); steps != run.end() && !steps->is_array())
      r.fail(field + ".steps", std::string("must be an array, not ") + type_name(*steps));
  Alert a;
  a.format = "github";
  a.keys.push_back(bounded_key("github:", repo + ":" + workflow + ":" + branch));
  const bool failed = conclusion == "failure" || conclusion == "timed_out" || conclusion == "startup_failure";
  if (action != "completed" || status != "completed" || (!failed && conclusion != "success")) {
    a.state = Alert::State::ignored;
    a.ignored_because = "a " + safe_line(field, 20) + " that is " +
                        safe_line(conclusion.empty() ? status : conclusion, 40) + " raises or ends no alert";
    return a;
  }
  a.state = failed ? Alert::State::firing : Alert::State::resolved;
  a.title = safe_line(
      "CI: " + workflow + (name.empty() ? "" : " / " + name) + " " + conclusion + " on " + branch + " (" + repo + ")",
      kMaxTitle);
  a.started_at = r.time(run, job ? "completed_at" : "updated_at", field + (job ? ".completed_at" : ".updated_at"));
  a.ended_at = a.started_at;
  a.url = safe_line(r.string_or(run, "html_url", field + ".html_url"), 2048);
  add_labels(a, {{"service", repo}, {"workflow", workflow}, {"branch", branch}, {"job", name}});
  std::erase_if(a.labels, [](const auto& l) { return l.second.empty(); });
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  return a;
}

Alert parse_generic(const Json& j, const IngestMapping& m) {
  const Reader r("generic");
  Alert a;
  a.format = "generic";
  const std::string key = r.string(j, "key", "key");
  if (trim(key).empty()) r.fail("key", "is empty");
  a.keys.push_back(bounded_key("generic:", key));
  const std::string status = r.string_or(j, "status", "status");
  if (status == "" || status == "firing")
    a.state = Alert::State::firing;
  else if (status == "acknowledged")
    a.state = Alert::State::acknowledged;
  else if (status == "resolved")
    a.state = Alert::State::resolved;
  else
    r.fail("status", "must be firing, acknowledged or resolved, not " + quote(one_line(status, 40)));
  const std::string title = r.string_or(j, "title", "title");
  if (a.state == Alert::State::firing && trim(title).empty()) r.fail("title", "is missing");
  a.title = safe_line(title.empty() ? "Alert " + key : title, kMaxTitle);
  a.description = safe_text(r.string_or(j, "description", "description"), kMaxText / 4);
  std::vector<std::pair<std::string, std::string>> labels = r.string_map(j, "labels", "labels");
  for (const char* field : {"severity", "service"})
    if (auto v = r.string_or(j, field, field); !v.empty()) labels.insert(labels.begin(), {field, v});
  add_labels(a, labels);
  a.severity = first_label(a.labels, m.severity_labels);
  a.service = first_label(a.labels, m.service_labels);
  a.started_at = r.time(j, "started_at", "started_at");
  a.ended_at = r.time(j, "ended_at", "ended_at");
  a.url = safe_line(r.string_or(j, "url", "url"), 2048);
  return a;
}

std::string detect_format(const Json& j) {
  if (!j.is_object()) return "";
  if (j.contains("alerts") && (j.contains("groupKey") || j.contains("receiver"))) {
    const auto version = j.find("version");
    const bool grafana = j.contains("orgId") || (version != j.end() && version->is_string() && *version == "1");
    return grafana ? "grafana" : "alertmanager";
  }
  if (j.contains("event_action") || j.contains("routing_key") || j.contains("dedup_key") ||
      (j.contains("payload") && j["payload"].is_object()))
    return "pagerduty";
  if (j.contains("event") && j["event"].is_object() && j["event"].contains("event_type")) return "pagerduty";
  if (j.contains("alert") && j.contains("action")) return "opsgenie";
  if ((j.contains("workflow_job") || j.contains("workflow_run")) && j.contains("repository")) return "github";
  if (j.contains("key")) return "generic";
  return "";
}

Json parse_body(const std::string& body, const std::string& format) {
  const std::string who = format == "auto" ? "the payload" : format + " payload";
  if (body.size() > kMaxAlertBytes)
    throw Error(Errc::data, who + " is larger than " + std::to_string(kMaxAlertBytes / 1024) + " KiB",
                "alert webhooks are small; check what is being sent");
  if (trim(body).empty()) throw Error(Errc::data, who + " is empty", "pipe one webhook body into irctl ingest");
  bool too_deep = false;
  Json j;
  try {
    // The callback's depth counts the containers around the event: the top
    // object starts at depth 0, so the 33rd nested level starts at depth 32.
    j = Json::parse(body, [&](int depth, Json::parse_event_t event, Json&) {
      const bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
      if (opens && depth >= kMaxAlertDepth) too_deep = true;
      return !too_deep;
    });
  } catch (const Json::exception& e) {
    if (too_deep) throw Error(Errc::data, who + " is nested deeper than " + std::to_string(kMaxAlertDepth) + " levels");
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    if (const auto bracket = what.find("] "); what.rfind("[json.", 0) == 0 && bracket != std::string::npos)
      what = what.substr(bracket + 2);
    // Valid JSON may hold a number no double holds (8e3324): out_of_range.406.
    const bool out_of_range = dynamic_cast<const Json::out_of_range*>(&e) != nullptr;
    throw Error(Errc::data, who + (out_of_range ? " has a number out of range: " : " is not valid JSON: ") + what,
                "send the webhook body exactly as received, one JSON document");
  }
  if (too_deep) throw Error(Errc::data, who + " is nested deeper than " + std::to_string(kMaxAlertDepth) + " levels");
  if (!j.is_object()) throw Error(Errc::data, who + " must be a JSON object, not " + type_name(j));
  return j;
}

}  // namespace

const AllowedValues& alert_formats() {
  static const AllowedValues formats = {{"alertmanager", ""},
                                        {"grafana", ""},
                                        {"pagerduty", ""},
                                        {"opsgenie", ""},
                                        {"github", "Actions workflow_job, workflow_run"},
                                        {"generic", ""}};
  return formats;
}

const AllowedValues& ingest_formats() {
  static const AllowedValues formats = [] {
    std::vector<AllowedValue> v = {{"auto", "from the payload's shape"}};
    v.insert(v.end(), alert_formats().begin(), alert_formats().end());
    return AllowedValues(std::move(v));
  }();
  return formats;
}

Alert parse_alert(const std::string& body, const std::string& format, const IngestMapping& mapping) {
  if (!ingest_formats().contains(format))
    throw Error(Errc::usage, "unknown alert format " + quote(format), "use " + ingest_formats().listed());
  const Json j = parse_body(body, format);
  const std::string f = format == "auto" ? detect_format(j) : format;
  if (f.empty())
    throw Error(Errc::data, "cannot tell which alerting system sent this payload",
                "name it with --format " + join(alert_formats().names(), "|"));
  if (f == "alertmanager" || f == "grafana") return parse_alertmanager(j, f, mapping);
  if (f == "pagerduty")
    return j.contains("event") && !j.contains("event_action") ? parse_pagerduty_webhook(j, mapping)
                                                              : parse_pagerduty_event(j, mapping);
  if (f == "opsgenie") return parse_opsgenie(j, mapping);
  if (f == "github") return parse_github(j, mapping);
  return parse_generic(j, mapping);
}

}  // namespace irctl
