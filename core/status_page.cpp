// make_status_page: the public status page's facts (status_page.hpp says
// which, and how the lifecycle maps onto them).
#include "core/status_page.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace irctl {

namespace {

// What each component state is called: Statuspage's name, the words people
// read, and, when it is the page's worst, Statuspage's indicator and what
// the page says of itself. In ComponentState's order.
struct ComponentStateFacts {
  const char* name;
  const char* label;
  const char* indicator;
  const char* overall;
};
constexpr ComponentStateFacts kComponentStates[] = {
    {"operational", "Operational", "none", "All systems operational"},
    {"under_maintenance", "Under maintenance", "maintenance", "Service under maintenance"},
    {"degraded_performance", "Degraded performance", "minor", "Degraded performance"},
    {"partial_outage", "Partial outage", "major", "Partial outage"},
    {"major_outage", "Major outage", "critical", "Major outage"},
};
const ComponentStateFacts& component_state_facts(ComponentState s) { return kComponentStates[static_cast<size_t>(s)]; }

}  // namespace
namespace {

constexpr auto kDay = std::chrono::days(1);
constexpr const char* kResolvedText = "This incident has been resolved.";

bool is_external_update(const Event& e) {
  if (e.type != "update") return false;
  const auto audience = e.details.find("audience");
  return audience != e.details.end() && audience->second.is_string() && audience->second.as_string() == "external";
}

std::optional<std::string> set_string(const Event& e, const std::string& key) {
  const auto it = e.set.find(key);
  if (it == e.set.end() || !it->second.is_string()) return std::nullopt;
  return it->second.as_string();
}

bool sets(const Event& e, const std::string& key) { return e.set.find(key) != e.set.end(); }
bool unsets(const Event& e, const std::string& key) {
  return std::find(e.unset.begin(), e.unset.end(), key) != e.unset.end();
}

bool is_finished(const std::string& status) { return status == "resolved" || status == "closed"; }

// What an incident of this severity and status does to its components.
ComponentState state_for(const Config& config, const std::string& severity, const std::string& status,
                         bool impact_ended) {
  if (is_finished(status) || impact_ended) return ComponentState::operational;
  if (status == "recovery") return ComponentState::degraded_performance;
  const auto& scale = config.severities;
  const auto at = std::find_if(scale.begin(), scale.end(), [&](const Severity& s) { return s.name == severity; });
  const auto rank = at == scale.end() ? scale.size() : static_cast<size_t>(at - scale.begin());
  if (rank == 0) return ComponentState::major_outage;
  if (rank == 1) return ComponentState::partial_outage;
  return ComponentState::degraded_performance;
}

// The incident's timeline replayed: the state it held its components in,
// window by window, from the impact's start until `now` or its end.
std::vector<ImpactWindow> impact_windows(const Config& config, const Incident& inc, Timestamp now) {
  std::vector<ImpactWindow> out;
  std::string severity, status = "identification";
  bool impact_ended = false;
  std::optional<Timestamp> since;
  ComponentState held = ComponentState::operational;
  const auto change_at = [&](Timestamp at) {
    const ComponentState next = state_for(config, severity, status, impact_ended);
    if (since && next == held) return;
    // Kept however short (a state held for less than a second still names the incident).
    if (since && held != ComponentState::operational) out.push_back({*since, std::max(at, *since), held});
    since = at;
    held = next;
  };
  for (const auto& e : inc.timeline) {
    if (auto s = set_string(e, "severity")) severity = *s;
    if (auto s = set_string(e, "status")) status = *s;
    if (sets(e, "impact_ended_at")) impact_ended = true;
    if (unsets(e, "impact_ended_at")) impact_ended = false;
    Timestamp at = std::min(e.at, now);
    // The impact began before the incident was declared, when it says so.
    if (!since && inc.started_at && *inc.started_at < at) at = *inc.started_at;
    change_at(at);
  }
  if (since && held != ComponentState::operational) out.push_back({*since, std::max(now, *since), held});
  return out;
}

ComponentState worst(ComponentState a, ComponentState b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

const char* impact_of(ComponentState s) {
  switch (s) {
    case ComponentState::major_outage: return "critical";
    case ComponentState::partial_outage: return "major";
    case ComponentState::degraded_performance: return "minor";
    default: return "none";
  }
}

// A name made of public facts only: the worst it did, and where.
std::string public_name(ComponentState worst_state, const std::vector<std::string>& titles) {
  std::string where;
  for (const auto& t : titles) where += (where.empty() ? "" : ", ") + t;
  const std::string what = worst_state == ComponentState::operational ? "Service disruption"
                                                                      : component_state_label(worst_state);
  return where.empty() ? what : what + ": " + where;
}

// The title comms gave it for customers (update --audience external
// --title), the last one given.
std::optional<std::string> public_title_of(const Incident& inc) {
  std::optional<std::string> title;
  for (const auto& e : inc.timeline) {
    if (!is_external_update(e)) continue;
    const auto t = e.details.find("public_title");
    if (t != e.details.end() && t->second.is_string() && !t->second.as_string().str.empty()) title = t->second.as_string().str;
  }
  return title;
}

// The public updates: each external one with the state the incident was in
// when it was written, and a resolution when no update came after it.
std::vector<PublicUpdate> public_updates(const Incident& inc) {
  std::vector<PublicUpdate> out;
  std::string status = "identification";
  bool told_resolved = false;  // an external update written once it was resolved
  for (const auto& e : inc.timeline) {
    if (auto s = set_string(e, "status")) status = *s;
    if (!is_external_update(e)) continue;
    out.push_back({e.id, e.at, public_incident_state(status), e.text});
    told_resolved = is_finished(status);
  }
  if (is_finished(inc.status) && inc.resolved_at && !out.empty() && !told_resolved)
    out.push_back({"resolved", *inc.resolved_at, "resolved", kResolvedText});
  return out;
}

std::optional<PublicIncident> public_incident(const Config& config, const Incident& inc, Timestamp now) {
  if (!is_public(inc)) return std::nullopt;  // nothing was written for customers
  PublicIncident p;
  p.updates = public_updates(inc);
  p.id = inc.id;
  p.state = public_incident_state(inc.status);
  std::vector<std::string> titles;
  for (const auto& service : config.services)
    if (service.listed && std::find(inc.services.begin(), inc.services.end(), service.name) != inc.services.end()) {
      p.components.push_back(service.name);
      titles.push_back(service.public_title());
    }
  p.windows = impact_windows(config, inc, now);
  p.holds = state_for(config, inc.severity, inc.status, inc.impact_ended_at.has_value());
  ComponentState worst_state = p.holds;
  for (const auto& w : p.windows) worst_state = worst(worst_state, w.state);
  p.impact = impact_of(worst_state);
  p.name = public_title_of(inc).value_or(public_name(worst_state, titles));
  p.created_at = p.updates.front().at;
  p.updated_at = p.updates.back().at;
  if (is_finished(inc.status)) p.resolved_at = inc.resolved_at;
  return p;
}

// Midnight UTC of the day `t` falls in.
Timestamp day_start(Timestamp t) { return std::chrono::floor<std::chrono::days>(t); }

std::string day_text(Timestamp t) { return format_rfc3339(t).substr(0, 10); }

// Minutes of downtime a state costs: Statuspage's weights.
double down_weight(ComponentState s) {
  if (s == ComponentState::major_outage) return 1.0;
  if (s == ComponentState::partial_outage) return 0.3;
  return 0.0;
}

struct Span {
  ImpactWindow window;
  const std::string* incident;  ///< null for a maintenance window
};

// One day of a component: its uptime over the part of the day that has
// passed, the worst state it was in, and the incidents that touched it.
DayUptime day_of(const std::vector<Span>& spans, Timestamp from, Timestamp now) {
  const Timestamp to = std::min(from + kDay, now);
  DayUptime d;
  d.date = day_text(from);
  if (to <= from) return d;
  std::vector<Timestamp> cuts{from, to};
  for (const auto& s : spans) {
    // Touching the day is enough to mark it (a state held for less than a
    // second); only the overlap counts for its uptime.
    if (s.window.to < from || s.window.from > to || (s.window.to == from && s.window.from < from)) continue;
    cuts.push_back(std::max(s.window.from, from));
    cuts.push_back(std::min(s.window.to, to));
    d.worst = worst(d.worst, s.window.state);
    if (s.incident && std::find(d.incidents.begin(), d.incidents.end(), *s.incident) == d.incidents.end())
      d.incidents.push_back(*s.incident);
  }
  std::sort(cuts.begin(), cuts.end());
  double down = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    if (cuts[i + 1] <= cuts[i]) continue;
    ComponentState here = ComponentState::operational;  // the worst state any incident holds it in
    for (const auto& s : spans)
      if (s.window.from <= cuts[i] && s.window.to >= cuts[i + 1]) here = worst(here, s.window.state);
    down += down_weight(here) * static_cast<double>((cuts[i + 1] - cuts[i]).count());
  }
  d.uptime = 1.0 - down / static_cast<double>((to - from).count());
  return d;
}

Component component_of(const Service& service, const StatusPageConfig& page,
                       const std::vector<PublicIncident>& incidents,
                       const std::vector<PublicMaintenance>& maintenance, Timestamp now) {
  Component c;
  c.name = service.name;
  c.title = service.public_title();
  c.group = service.group;
  c.description = service.description;
  std::vector<Span> spans;
  for (const auto& inc : incidents) {
    if (std::find(inc.components.begin(), inc.components.end(), service.name) == inc.components.end()) continue;
    for (const auto& w : inc.windows) spans.push_back({w, &inc.id});
    c.state = worst(c.state, inc.holds);
  }
  for (const auto& m : maintenance) {
    if (std::find(m.components.begin(), m.components.end(), service.name) == m.components.end()) continue;
    if (m.state == "in_progress") c.state = worst(c.state, ComponentState::under_maintenance);
    // The days it ran show it in their bars, though it costs no uptime; a
    // window not yet begun touches no day that has passed.
    if (m.starts_at <= now)
      spans.push_back({{m.starts_at, std::min(m.ends_at, now), ComponentState::under_maintenance}, nullptr});
  }
  double weighted = 0, seconds = 0;
  const Timestamp today = day_start(now);
  for (int back = page.history_days - 1; back >= 0; --back) {
    const Timestamp from = today - back * kDay;
    DayUptime d = day_of(spans, from, now);
    const double length = static_cast<double>((std::min(from + kDay, now) - from).count());
    weighted += d.uptime * length;
    seconds += length;
    c.days.push_back(std::move(d));
  }
  c.uptime = seconds > 0 ? weighted / seconds : 1.0;
  return c;
}

void describe_overall(StatusPage& page) {
  page.overall = ComponentState::operational;
  for (const auto& c : page.components) page.overall = worst(page.overall, c.state);
  page.indicator = component_state_facts(page.overall).indicator;
  page.description = component_state_facts(page.overall).overall;
}

}  // namespace

const char* component_state_name(ComponentState s) { return component_state_facts(s).name; }
const char* component_state_label(ComponentState s) { return component_state_facts(s).label; }

bool is_public(const Incident& inc) {
  return !inc.is_void() && std::any_of(inc.timeline.begin(), inc.timeline.end(), is_external_update);
}

std::string public_incident_state(const std::string& lifecycle_status) {
  if (lifecycle_status == "identification") return "investigating";
  if (lifecycle_status == "containment" || lifecycle_status == "eradication") return "identified";
  if (lifecycle_status == "recovery") return "monitoring";
  if (is_finished(lifecycle_status)) return "resolved";
  return "investigating";
}

StatusPage make_status_page(const Config& config, const std::vector<Incident>& incidents,
                            const std::vector<PublicMaintenance>& maintenance, Timestamp now) {
  StatusPage page;
  page.config = config.status_page;
  page.generated_at = now;
  for (const auto& inc : incidents)
    if (auto p = public_incident(config, inc, now)) page.incidents.push_back(std::move(*p));
  std::sort(page.incidents.begin(), page.incidents.end(), [](const PublicIncident& a, const PublicIncident& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  for (const auto& m : maintenance)
    if (m.state != "cancelled") page.maintenance.push_back(m);
  std::sort(page.maintenance.begin(), page.maintenance.end(),
            [](const PublicMaintenance& a, const PublicMaintenance& b) { return a.starts_at < b.starts_at; });
  for (const auto& service : config.services)
    if (service.listed) page.components.push_back(component_of(service, page.config, page.incidents, page.maintenance, now));
  describe_overall(page);
  return page;
}

}  // namespace irctl
