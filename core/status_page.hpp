#pragma once
// The public status page (irctl status-page DIR): what customers may read of
// the repository, as static files. Only what was written for them goes in:
// the external updates of incidents that have one, the services of the
// configuration as components, and times. No internal note, no person, no
// evidence, no incident title (the page names an incident by its
// components), no severity name.
//
// The lifecycle maps onto the incident states status pages use:
// identification -> investigating; containment and eradication ->
// identified; recovery -> monitoring; resolved and closed -> resolved.
// While a public incident is open, each of its components is in a state
// given by its severity: the scale's most severe level -> major outage, the
// next -> partial outage, any other -> degraded performance; in recovery,
// degraded performance; once its impact ended (irctl set --impact-ended)
// or it is resolved, operational. A component shows the worst state any
// incident holds it in; a maintenance window in progress shows it under
// maintenance unless an incident is worse. The same states over time, from
// the impact's start (started_at, else declared_at), give the uptime: a
// day counts a major outage's minutes whole and a partial outage's at 30 %
// (as Atlassian Statuspage does); degraded performance and maintenance
// count as up.

#include <optional>
#include <string>
#include <vector>

#include "core/model/config.hpp"
#include "core/model/incident.hpp"
#include "core/static_site.hpp"
#include "core/util/time.hpp"

namespace irctl {

class Repository;

enum class ComponentState { operational, under_maintenance, degraded_performance, partial_outage, major_outage };
/// Statuspage's names: "operational", "degraded_performance", ...
const char* component_state_name(ComponentState s);
/// "Operational", "Degraded performance", ...
const char* component_state_label(ComponentState s);

/// investigating, identified, monitoring or resolved, from irctl's status.
std::string public_incident_state(const std::string& lifecycle_status);

/// Whether anything of the incident may reach the page: it is not void and
/// has an external update.
bool is_public(const Incident& inc);

struct PublicUpdate {
  std::string id;  ///< the event's
  Timestamp at{};
  std::string state;  ///< public_incident_state at that moment
  std::string text;   ///< what was written for customers; a resolution irctl adds has its own
};

/// A window in which an incident held a component in a state.
struct ImpactWindow {
  Timestamp from{};
  Timestamp to{};
  ComponentState state = ComponentState::operational;
};

struct PublicIncident {
  std::string id;
  std::string name;    ///< "Major outage: Checkout, Payments": from public facts only
  std::string state;   ///< investigating ... resolved
  std::string impact;  ///< none, minor, major or critical (Statuspage's), by the worst severity it had
  std::vector<std::string> components;  ///< the listed services it affects, by name
  Timestamp created_at{};               ///< its first external update
  Timestamp updated_at{};
  std::optional<Timestamp> resolved_at;
  std::vector<PublicUpdate> updates;  ///< oldest first
  std::vector<ImpactWindow> windows;  ///< what it did to its components over time
  ComponentState holds = ComponentState::operational;  ///< what it does to them now
};

struct DayUptime {
  std::string date;  ///< YYYY-MM-DD (UTC)
  double uptime = 1.0;
  ComponentState worst = ComponentState::operational;
  std::vector<std::string> incidents;  ///< the public incidents that touched it that day
};

struct Component {
  std::string name;
  std::string title;
  std::string group;
  std::string description;
  ComponentState state = ComponentState::operational;
  std::vector<DayUptime> days;  ///< the last history_days days, oldest first, today last
  double uptime = 1.0;          ///< over those days
};

/// A window of scheduled maintenance, as the page shows it.
struct PublicMaintenance {
  std::string id;
  std::string title;
  std::string text;
  std::vector<std::string> components;
  Timestamp starts_at{};
  Timestamp ends_at{};
  std::string state;  ///< scheduled, in_progress or completed
  Timestamp announced_at{};  ///< when it was added: its one update in Statuspage's JSON
};

struct StatusPage {
  StatusPageConfig config;
  Timestamp generated_at{};
  std::vector<Component> components;  ///< in the configuration's order
  std::vector<PublicIncident> incidents;  ///< newest first, open and resolved
  std::vector<PublicMaintenance> maintenance;  ///< by start
  /// The page's overall state: the worst component state, and how to say it.
  ComponentState overall = ComponentState::operational;
  std::string indicator;    ///< none, minor, major, critical or maintenance (Statuspage's)
  std::string description;  ///< "All systems operational", ...
};

/// The page, from the configuration, every incident (with its timeline)
/// and the maintenance windows, at `now`. Pure: the tests drive it.
StatusPage make_status_page(const Config& config, const std::vector<Incident>& incidents,
                            const std::vector<PublicMaintenance>& maintenance, Timestamp now);

// --- the files (status_page_site.cpp) ---------------------------------------

/// The page's files: index.html, incidents/ID.html, components/NAME.html,
/// history/index.html and history/YYYY-MM.html (from
/// templates/status-*.html.mustache, which
/// .irctl/templates/ overrides, as status-page.css), feed.atom, feed.rss,
/// api/v2/summary.json, status.json and incidents.json (Statuspage's
/// shapes), and maintenance.ics when `calendar` is not empty.
std::vector<SiteFile> render_status_page(const Repository& repo, const StatusPage& page, const std::string& calendar);

/// Every public incident (is_public) with its timeline, read fast (the
/// summary cache finds the files); the others are not kept.
std::vector<Incident> read_public_incidents(Repository& repo);

struct StatusPageBuild {
  StatusPage page;
  SiteWrite files;
};
/// irctl status-page DIR: the page as the repository says at `now`, written
/// into `dir` (write_site; the folder's manifest is .irctl-status-page).
StatusPageBuild build_status_page(Repository& repo, const std::string& dir, Timestamp now);

}  // namespace irctl
