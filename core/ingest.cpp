// Ingesting an alert (irctl ingest): the incident its keys find, then what
// the alert does to it under one lock: declare, acknowledge, resolve, record
// a change of severity, or nothing. The payloads are read in alert_payloads.cpp.

#include "core/ingest.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/ingest_internal.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

struct Match {
  std::optional<Incident> open;    ///< the open incident with one of the keys
  std::optional<Incident> latest;  ///< the newest incident with one of the keys
};

Match find_incident(Repository& repo, const std::vector<std::string>& keys) {
  Match m;
  // A broken file (a problem here) is fsck's to report, not a reason to drop an alert.
  std::vector<IncidentSummary> all = read_summaries(repo, SummaryDocuments::leave_out).incidents;
  std::reverse(all.begin(), all.end());  // newest first
  for (auto& summary : all) {
    Incident& inc = summary.incident;
    const bool has_key = std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
      return std::find(inc.alerts.begin(), inc.alerts.end(), k) != inc.alerts.end();
    });
    if (!has_key) continue;
    if (!m.latest) m.latest = inc;
    // A void incident (a false alarm withdrawn) takes no more alerts; a repeat
    // of its own alert is recognised below and changes nothing.
    if (is_open_status(inc.status) && !inc.is_void()) {
      m.open = inc;
      break;
    }
  }
  return m;
}

std::string mapped_severity(const Config& config, const Alert& a) {
  for (const auto& [alert_level, level] : config.ingest.severity)
    if (lower(alert_level) == lower(trim(a.severity))) return level;
  return "";
}

std::vector<std::string> united(const std::vector<std::string>& have, const std::vector<std::string>& more) {
  std::vector<std::string> out = have;
  for (const auto& k : more)
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

TomlValue alert_details(const Alert& a) {
  TomlTable t{{"format", TomlValue(a.format)}, {"keys", string_array(a.keys)}};
  if (!a.url.empty()) t["url"] = TomlValue(a.url);
  if (!a.severity.empty()) t["severity"] = TomlValue(safe_line(a.severity, 100));
  if (!a.labels.empty()) {
    TomlTable labels;
    for (const auto& [k, v] : a.labels) labels[k] = TomlValue(v);
    t["labels"] = TomlValue(std::move(labels));
  }
  return TomlValue(std::move(t));
}

DeclareRequest declare_request(const Config& config, const Alert& a, const Recorder& rec) {
  DeclareRequest req;
  req.title = a.title.empty() ? "Alert from " + a.format : a.title;
  const std::string severity = mapped_severity(config, a);
  if (!severity.empty()) req.severity = severity;
  const Kind* kind = config.find_kind(label(a.labels, "kind"));
  req.kind = kind ? kind->name : config.ingest.kind;
  if (const std::string service = safe_line(a.service, 100); !service.empty()) req.services = {service};
  if (!trim(a.description).empty()) req.summary = a.description;
  if (a.started_at) {
    // An alerting system's clock a little ahead of ours must not refuse the alert.
    const Timestamp start = std::min(*a.started_at, rec.at);
    req.started_at = start;
    req.detected_at = start;
  }
  req.alerts = a.keys;
  req.details["alert"] = alert_details(a);
  return req;
}

Event ingest_event(const std::string& type, const std::string& text, const Alert& a) {
  Event e;
  e.type = type;
  e.text = text;
  e.details["alert"] = alert_details(a);
  return e;
}

IngestResult unchanged(const Alert& a, const std::string& id, const std::string& message) {
  return IngestResult{a, "unchanged", id, EventResult{id, Event{}, "", id.empty() ? "" : incident_path(id), false, {}},
                      message};
}

}  // namespace

IngestResult ingest_alert(Repository& repo, const Alert& a, const Recorder& rec) {
  if (a.state == Alert::State::ignored)
    return IngestResult{a, "ignored", "", EventResult{"", Event{}, "", "", false, {}}, a.ignored_because};
  const Config& config = repo.config();
  require_not_future(rec.at, rec, "the time");
  auto lock = repo.lock();
  const Match match = find_incident(repo, a.keys);

  if (!match.open) {
    if (a.state != Alert::State::firing || (match.latest && match.latest->detected_at == a.started_at)) {
      const std::string id = match.latest ? match.latest->id : "";
      return unchanged(a, id, id.empty() ? "no open incident has this alert; nothing to do"
                                         : id + " is " + (match.latest->is_void() ? "void" : match.latest->status) +
                                               "; nothing to do");
    }
    EventResult r = declare_incident_locked(repo, std::move(lock), declare_request(config, a, rec), rec);
    return IngestResult{a, "declared", r.incident_id, r, r.incident_id + ": declared from an alert (" + a.format + "): " + a.title};
  }

  const Incident& inc = *match.open;
  std::string outcome = "updated";
  const EventMaker make = [&](const Incident& current) -> std::optional<Event> {
    const std::vector<std::string> keys = united(current.alerts, a.keys);
    const bool new_keys = keys.size() != current.alerts.size();
    std::optional<Event> e;
    if (a.state == Alert::State::resolved) {
      if (current.alert_status == "resolved") return std::nullopt;
      const bool resolve = config.ingest.resolve;
      e = ingest_event(resolve ? "resolve" : "alert",
                       std::string(resolve ? "resolved: " : "alert resolved: ") + a.title, a);
      e->set["alert_status"] = TomlValue("resolved");
      if (!current.recovered_at)
        e->set["recovered_at"] = toml_time(a.ended_at ? std::min(*a.ended_at, rec.at) : rec.at);
      if (resolve) {
        e->set["status"] = TomlValue("resolved");
        e->set["resolved_at"] = toml_time(rec.at);
        outcome = "resolved";
      }
    } else if (a.state == Alert::State::acknowledged) {
      if (current.acknowledged_at) return std::nullopt;
      e = ingest_event("ack", "acknowledged in " + a.format, a);
      e->set["acknowledged_at"] = toml_time(rec.at);
      outcome = "acknowledged";
    } else if (const std::string level = mapped_severity(config, a);
               a.severity_update && !level.empty() && level != current.severity) {
      e = ingest_event("severity", current.severity + " -> " + level + " (alert " + safe_line(a.severity, 40) + ")", a);
      e->details["from"] = TomlValue(current.severity);
      e->details["to"] = TomlValue(level);
      e->set["severity"] = TomlValue(level);
    } else if (current.alert_status == "resolved") {
      e = ingest_event("alert", "firing again: " + a.title, a);
      e->set["alert_status"] = TomlValue("firing");
    } else if (new_keys) {
      e = ingest_event("alert", "more alerts: " + a.title, a);
    } else {
      return std::nullopt;
    }
    if (new_keys) e->set["alerts"] = string_array(keys);
    return e;
  };
  EventResult r = record_event_locked(repo, std::move(lock), inc.id, make, rec);
  if (!r.recorded) return unchanged(a, inc.id, inc.id + " already has this alert; nothing to change");
  return IngestResult{a, outcome, inc.id, r, inc.id + ": " + r.event.text};
}

}  // namespace irctl
