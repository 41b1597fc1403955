#pragma once
// Alert ingestion (irctl ingest): one webhook body from an alerting system
// declares, updates or resolves an incident. The payload is read into an
// Alert; the alert's keys (Alertmanager groupKey, Grafana fingerprints,
// PagerDuty dedup_key and incident id, Opsgenie alias) are recorded on the
// incident (`alerts`), so that a repeat finds it instead of declaring another.

#include <optional>
#include <string>
#include <vector>

#include "core/model/config.hpp"
#include "core/operations.hpp"

namespace irctl {

/// The formats ingest reads, "auto" aside.
const AllowedValues& alert_formats();
/// What ingest --format accepts: "auto" (tell the format from the payload's
/// shape), then alert_formats().
const AllowedValues& ingest_formats();

/// Bodies larger than this, or nested deeper, are refused.
constexpr size_t kMaxAlertBytes = 1024 * 1024;
constexpr int kMaxAlertDepth = 32;

struct Alert {
  enum class State { firing, acknowledged, resolved, ignored };
  std::string format;             ///< alertmanager, grafana, pagerduty, opsgenie or generic
  State state = State::firing;
  std::vector<std::string> keys;  ///< "format:identity", most specific first
  std::string title;              ///< one line, made safe
  std::string description;
  std::string severity;           ///< as the alert says it (critical, P1, ...), or empty
  std::string service;            ///< named by the payload itself, or empty
  std::vector<std::pair<std::string, std::string>> labels;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> ended_at;
  std::string url;
  bool severity_update = false;   ///< the payload is about a change of priority
  std::string ignored_because;    ///< for State::ignored
};

/// Parses a webhook body as `format` ("auto" tells it from its shape). A body
/// that is not what the format documents is Error(Errc::data) naming the
/// format and the field.
Alert parse_alert(const std::string& body, const std::string& format, const IngestMapping& mapping);

struct IngestResult {
  Alert alert;
  /// declared, acknowledged, resolved, updated, unchanged or ignored
  std::string outcome;
  std::string incident_id;  ///< empty when no incident is concerned
  EventResult event;
  std::string message;
};

/// Applies a parsed alert to the repository under one lock: finds the
/// incident by the alert's keys, then declares, acknowledges, resolves,
/// records, or leaves it as it is (a repeat changes nothing).
IngestResult ingest_alert(Repository& repo, const Alert& alert, const Recorder& rec);

}  // namespace irctl
