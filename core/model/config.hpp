#pragma once
// The repository's preparation: severities, roles, kinds, escalation policies
// and services, read from .irctl/config.toml.

#include <string>
#include <vector>

#include "core/model/allowed_values.hpp"
#include "core/util/time.hpp"

namespace irctl {

/// More escalation levels than anyone pages through; a bound for what files say.
constexpr int kMaxEscalationLevel = 1000;

struct Severity {
  std::string name;
  std::string title;
  std::string criteria;
  std::vector<std::string> requires_roles;
  int min_escalation = 0;
};

struct Role {
  std::string name;
  std::string title;
  bool multiple = false;
};

struct Kind {
  std::string name;
  std::string title;
  bool security = false;
};

struct EscalationLevel {
  std::vector<std::string> targets;
  Seconds timeout{0};
};

struct EscalationPolicy {
  std::string name;
  std::vector<EscalationLevel> levels;
};

struct Service {
  std::string name;
  std::string team;
  std::string escalation_policy;
  // What the public status page shows of it (irctl status-page):
  std::string title;        ///< the name customers read; empty: `name`
  std::string group;        ///< components of one group are shown together
  std::string description;  ///< one line under its name
  bool listed = true;       ///< false: left off the status page (`status_page = false`)

  const std::string& public_title() const { return title.empty() ? name : title; }
};

/// A link of the status page's header ([[status_page.link]]).
struct StatusPageLink {
  std::string name;
  std::string url;
};

/// The public status page ([status_page]).
struct StatusPageConfig {
  std::string title = "Status";
  std::string url;    ///< where it is published, for the feeds' links; empty: links stay relative
  std::string logo;   ///< an image's URL (or a path relative to the page)
  std::string color = "#1f6feb";  ///< the brand colour of the header and links
  std::vector<StatusPageLink> links;
  int history_days = 90;  ///< the days of uptime bars shown per component
};

/// The internal incident site ([site], irctl-site(1)).
struct SiteConfig {
  std::string title = "Incidents";
  /// Where a commit is shown on the web: "{commit}" stands for its id. Empty:
  /// from the default remote's URL when it is on GitHub, GitLab or Codeberg.
  std::string commit_url;
  int insight_months = 12;  ///< the months the insights' charts cover
};

/// The formats of irctl serve's log (serve.log_format, --log-format).
const AllowedValues& serve_log_formats();

/// irctl serve's settings ([serve], irctl-serve(1)); its flags win.
struct ServeConfig {
  std::string listen = "127.0.0.1:9095";
  /// Relative paths are relative to the repository's top folder.
  std::vector<std::string> token_files;
  std::string tls_cert, tls_key;
  std::string log_format = "text";
  int max_queue = 1000;       ///< deliveries waiting to be ingested, past which senders get 429
  int max_connections = 8;    ///< requests answered at once
  int request_timeout = 10;   ///< seconds a request may take to arrive whole
  int idle_timeout = 5;       ///< seconds a kept-alive connection may wait for its next request
  int shutdown_timeout = 20;  ///< seconds a stop may spend ingesting what was received
  bool push = true;
  std::string remote;  ///< empty: the default remote (irctl-sync(1))
};

/// How `irctl ingest` turns an alert into an incident ([ingest]).
struct IngestMapping {
  std::vector<std::string> service_labels = {"service", "app", "job", "component"};
  std::vector<std::string> severity_labels = {"severity", "priority"};
  std::vector<std::string> title_annotations = {"summary", "title"};
  std::string kind;  ///< empty: defaults.kind
  bool resolve = true;
  /// Alert severity or priority (compared case-insensitively) -> level.
  std::vector<std::pair<std::string, std::string>> severity = {
      {"critical", "SEV1"}, {"page", "SEV1"}, {"P1", "SEV1"}, {"error", "SEV2"}, {"high", "SEV2"},
      {"P2", "SEV2"},       {"warning", "SEV3"}, {"P3", "SEV3"}, {"info", "SEV4"}, {"low", "SEV4"},
      {"P4", "SEV4"},       {"P5", "SEV4"}};
};

struct Config {
  std::vector<Severity> severities;  ///< most severe first
  std::vector<Role> roles;
  std::vector<Kind> kinds;
  std::vector<EscalationPolicy> policies;
  std::vector<Service> services;
  std::string default_severity;
  std::string default_kind;
  std::string default_policy;
  IngestMapping ingest;
  StatusPageConfig status_page;
  SiteConfig site;
  ServeConfig serve;

  const Severity* find_severity(const std::string& name) const;  ///< case-insensitive
  const Role* find_role(const std::string& name) const;
  const Kind* find_kind(const std::string& name) const;
  const EscalationPolicy* find_policy(const std::string& name) const;

  /// The canonical name of a severity given by a user ("sev1" -> "SEV1");
  /// throws Error(Errc::usage) naming the valid levels.
  std::string resolve_severity(const std::string& input) const;
  std::string resolve_kind(const std::string& input) const;
  std::string resolve_role(const std::string& input) const;
  /// The levels at least as severe as `level` (resolve_severity's), most severe first.
  std::vector<std::string> severities_at_least(const std::string& level) const;
};

constexpr const char* kConfigPath = ".irctl/config.toml";

/// The documented defaults that `irctl init` writes.
std::string default_config_text();

/// Parses and validates a configuration; problems are Error(Errc::data) naming
/// the file, the line and the key.
Config parse_config(const std::string& text, const std::string& path = kConfigPath);

}  // namespace irctl
