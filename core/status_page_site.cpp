// The status page as files (irctl status-page DIR): HTML from templates a
// repository may override, Atom and RSS feeds, and Statuspage's JSON, so
// that aggregators and chat integrations read it unchanged.
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/maintenance.hpp"
#include "core/postmortem.hpp"
#include "core/status_page.hpp"
#include "core/store/repository.hpp"
#include "core/store/summaries.hpp"
#include "core/util/file.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = ".irctl-status-page";
constexpr int kPastDays = 14;  // the index lists the incidents resolved in these days

// "10 Mar 2026, 10:05 UTC"
std::string page_time(Timestamp t) {
  static const std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime c = to_civil(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d %s %d, %02d:%02d UTC", c.day, months[static_cast<size_t>(c.month - 1)], c.year,
                c.hour, c.minute);
  return buf;
}

// "March 2026" for "2026-03"
std::string month_label(const std::string& month) {
  static const std::array<const char*, 12> names = {"January", "February", "March",     "April",   "May",      "June",
                                                    "July",    "August",   "September", "October", "November", "December"};
  return std::string(names[static_cast<size_t>(std::stoi(month.substr(5, 2)) - 1)]) + " " + month.substr(0, 4);
}

// RFC 822, as RSS 2.0 wants it: "Tue, 10 Mar 2026 10:05:00 +0000"
std::string rss_time(Timestamp t) {
  static const std::array<const char*, 7> days = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
  static const std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto since_epoch = std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
  const CivilTime c = to_civil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %d %02d:%02d:%02d +0000", days[static_cast<size_t>(((since_epoch % 7) + 7) % 7)],
                c.day, months[static_cast<size_t>(c.month - 1)], c.year, c.hour, c.minute, c.second);
  return buf;
}

std::string percent_text(double fraction) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f %%", fraction * 100.0);
  return buf;
}

std::string state_label(const std::string& state) {
  if (state.empty()) return state;
  std::string out = state;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string incident_file(const std::string& id) { return "incidents/" + id + ".html"; }

// A service's name is letters, digits, '-', '_' and '.' (the configuration
// checks it) and unique without regard to case: a safe file name as it is.
std::string component_file(const std::string& name) { return "components/" + name + ".html"; }

// The titles of the components an incident or a window affects.
std::string components_text(const StatusPage& page, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& c : page.components)
    if (std::find(names.begin(), names.end(), c.name) != names.end()) out += (out.empty() ? "" : ", ") + c.title;
  return out;
}

// Where a page's link goes: absolute when the page's URL is known (feeds
// are read elsewhere), else relative to the site's root.
std::string absolute(const StatusPage& page, const std::string& file) {
  if (page.config.url.empty()) return file;
  std::string base = page.config.url;
  if (base.back() != '/') base += '/';
  return base + file;
}

// What every HTML page shows in its header and footer. `updated`: when what
// the page shows last changed, so that a rebuild leaves the bytes of every
// page alone but those whose facts moved (the index: the time of the build).
Json chrome(const StatusPage& page, const std::string& root, Timestamp updated) {
  Json links = Json::array();
  for (const auto& l : page.config.links) links.push_back({{"name", l.name}, {"url", l.url}});
  return {{"title", page.config.title},     {"color", page.config.color},
          {"logo", page.config.logo},       {"has_logo", !page.config.logo.empty()},
          {"links", links},                 {"root", root},
          {"generated", page_time(updated)}, {"generated_at", format_rfc3339(updated)}};
}

// A component's days as bars: each with its state as a class and its uptime
// in words, for the title and, on a day that was not quiet, for screen readers.
Json day_bars(const std::vector<DayUptime>& days) {
  Json bars = Json::array();
  for (const auto& day : days) {
    const bool quiet = day.worst == ComponentState::operational;
    std::string label = day.date + ": " + percent_text(day.uptime) + " up";
    if (!quiet) label += ", " + std::string(component_state_label(day.worst));
    bars.push_back({{"class", component_state_name(day.worst)}, {"label", label}, {"eventful", !quiet}});
  }
  return bars;
}

Json index_data(const StatusPage& page, bool has_calendar) {
  Json d = chrome(page, "", page.generated_at);
  d["overall_state"] = component_state_name(page.overall);
  d["overall_description"] = page.description;
  Json active = Json::array(), past = Json::array();
  for (const auto& inc : page.incidents) {
    if (!inc.resolved_at) {
      const auto& latest = inc.updates.back();
      active.push_back({{"id", inc.id},
                        {"url", incident_file(inc.id)},
                        {"name", inc.name},
                        {"components_text", components_text(page, inc.components)},
                        {"updated", page_time(inc.updated_at)},
                        {"updated_at", format_rfc3339(inc.updated_at)},
                        {"latest_state_label", state_label(latest.state)},
                        {"latest_text", latest.text}});
    } else if (*inc.resolved_at + std::chrono::days(kPastDays) >= page.generated_at) {
      past.push_back({{"url", incident_file(inc.id)},
                      {"name", inc.name},
                      {"resolved", page_time(*inc.resolved_at)},
                      {"resolved_at", format_rfc3339(*inc.resolved_at)}});
    }
  }
  d["active"] = active;
  d["has_active"] = !active.empty();
  d["past"] = past;
  d["has_past"] = !past.empty();
  d["past_days"] = std::to_string(kPastDays);
  Json maintenance = Json::array();
  for (const auto& m : page.maintenance) {
    if (m.state == "completed") continue;
    maintenance.push_back({{"title", m.title},
                           {"text", m.text},
                           {"has_text", !m.text.empty()},
                           {"state_label", m.state == "in_progress" ? "In progress" : "Scheduled"},
                           {"starts", page_time(m.starts_at)},
                           {"ends", page_time(m.ends_at)},
                           {"starts_at", format_rfc3339(m.starts_at)},
                           {"ends_at", format_rfc3339(m.ends_at)},
                           {"components_text", components_text(page, m.components)}});
  }
  d["maintenance"] = maintenance;
  d["has_maintenance"] = !maintenance.empty();
  d["has_calendar"] = has_calendar;
  // Components by group, in the order the configuration first names each group.
  Json groups = Json::array();
  std::map<std::string, size_t> group_at;
  for (const auto& c : page.components) {
    if (!group_at.count(c.group)) {
      group_at[c.group] = groups.size();
      groups.push_back({{"name", c.group}, {"has_name", !c.group.empty()}, {"components", Json::array()}});
    }
    groups[group_at[c.group]]["components"].push_back({{"title", c.title},
                                                        {"url", component_file(c.name)},
                                                        {"description", c.description},
                                                        {"has_description", !c.description.empty()},
                                                        {"state", component_state_name(c.state)},
                                                        {"state_label", component_state_label(c.state)},
                                                        {"uptime_text", percent_text(c.uptime)},
                                                        {"days", day_bars(c.days)},
                                                        {"days_count", std::to_string(c.days.size())}});
  }
  d["groups"] = groups;
  return d;
}

Json incident_data(const StatusPage& page, const PublicIncident& inc) {
  Json d = chrome(page, "../", inc.updated_at);
  d["id"] = inc.id;
  d["name"] = inc.name;
  d["state_label"] = state_label(inc.state);
  d["components_text"] = components_text(page, inc.components);
  Json updates = Json::array();
  for (auto it = inc.updates.rbegin(); it != inc.updates.rend(); ++it)  // newest first, as status pages show them
    updates.push_back({{"state_label", state_label(it->state)},
                       {"text", it->text},
                       {"at", format_rfc3339(it->at)},
                       {"when", page_time(it->at)}});
  d["updates"] = updates;
  return d;
}

Json history_item(const StatusPage& page, const PublicIncident& inc) {
  return {{"url", "../" + incident_file(inc.id)},
          {"name", inc.name},
          {"state_label", state_label(inc.state)},
          {"created", page_time(inc.created_at)},
          {"created_at", format_rfc3339(inc.created_at)},
          {"components_text", components_text(page, inc.components)}};
}

constexpr size_t kComponentMonths = 3;  // a component's page shows its days month by month, these many

// The last kComponentMonths months of a component's days, oldest first, each
// with its uptime (the mean of its days': every day counts alike).
Json component_months(const Component& c) {
  std::map<std::string, std::vector<const DayUptime*>> by_month;
  for (const auto& day : c.days) by_month[day.date.substr(0, 7)].push_back(&day);
  while (by_month.size() > kComponentMonths) by_month.erase(by_month.begin());
  Json months = Json::array();
  for (const auto& [month, days] : by_month) {
    double total = 0;
    Json rows = Json::array();
    for (const auto* day : days) {
      total += day->uptime;
      rows.push_back({{"date", day->date},
                      {"day", std::to_string(std::stoi(day->date.substr(8, 2)))},
                      {"class", component_state_name(day->worst)},
                      {"uptime_text", percent_text(day->uptime)},
                      {"state_label", component_state_label(day->worst)},
                      {"eventful", day->worst != ComponentState::operational}});
    }
    months.push_back({{"month", month},
                      {"label", month_label(month)},
                      {"uptime_text", percent_text(total / static_cast<double>(days.size()))},
                      {"days", rows}});
  }
  return months;
}

// components/NAME.html: what the index says of a component, its days month
// by month, and the public incidents that touched it. Its bars move with
// the day, so it is as new as the build, as the index.
Json component_data(const StatusPage& page, const Component& c) {
  Json d = chrome(page, "../", page.generated_at);
  d["component_title"] = c.title;
  d["group"] = c.group;
  d["has_group"] = !c.group.empty();
  d["description"] = c.description;
  d["has_description"] = !c.description.empty();
  d["state"] = component_state_name(c.state);
  d["state_label"] = component_state_label(c.state);
  d["uptime_text"] = percent_text(c.uptime);
  d["days"] = day_bars(c.days);
  d["days_count"] = std::to_string(c.days.size());
  d["months"] = component_months(c);
  Json incidents = Json::array();
  for (const auto& inc : page.incidents)
    if (std::find(inc.components.begin(), inc.components.end(), c.name) != inc.components.end())
      incidents.push_back(history_item(page, inc));
  d["has_incidents"] = !incidents.empty();
  d["incidents"] = incidents;
  return d;
}

Json history_data(const StatusPage& page, const std::string& heading, Timestamp updated) {
  Json d = chrome(page, "../", updated);
  d["heading"] = heading;
  d["months"] = Json::array();
  d["incidents"] = Json::array();
  d["has_months"] = false;
  d["has_incidents"] = false;
  d["is_month"] = false;
  d["is_empty"] = false;
  return d;
}

Json statuspage_page(const StatusPage& page) {
  return {{"id", "irctl"},
          {"name", page.config.title},
          {"url", page.config.url},
          {"time_zone", "Etc/UTC"},
          {"updated_at", format_rfc3339(page.generated_at)}};
}

Json statuspage_status(const StatusPage& page) {
  return {{"indicator", page.indicator}, {"description", page.description}};
}

// The components an incident or a window affects, as Statuspage lists them.
Json statuspage_components(const StatusPage& page, const std::vector<std::string>& names) {
  Json components = Json::array();
  for (const auto& c : page.components)
    if (std::find(names.begin(), names.end(), c.name) != names.end())
      components.push_back({{"id", c.name}, {"name", c.title}, {"status", component_state_name(c.state)}});
  return components;
}

Json statuspage_incident(const StatusPage& page, const PublicIncident& inc) {
  Json updates = Json::array();
  for (auto it = inc.updates.rbegin(); it != inc.updates.rend(); ++it)
    updates.push_back({{"id", it->id},
                       {"incident_id", inc.id},
                       {"status", it->state},
                       {"body", it->text},
                       {"created_at", format_rfc3339(it->at)},
                       {"updated_at", format_rfc3339(it->at)},
                       {"display_at", format_rfc3339(it->at)}});
  return {{"id", inc.id},
          {"name", inc.name},
          {"status", inc.state},
          {"impact", inc.impact},
          {"created_at", format_rfc3339(inc.created_at)},
          {"updated_at", format_rfc3339(inc.updated_at)},
          {"started_at", format_rfc3339(inc.created_at)},
          {"resolved_at", inc.resolved_at ? Json(format_rfc3339(*inc.resolved_at)) : Json(nullptr)},
          {"shortlink", absolute(page, incident_file(inc.id))},
          {"page_id", "irctl"},
          {"incident_updates", updates},
          {"components", statuspage_components(page, inc.components)}};
}

// A scheduled maintenance as Statuspage writes one: its text is its one
// update, from when it was announced.
Json statuspage_maintenance(const StatusPage& page, const PublicMaintenance& m) {
  const std::string announced = format_rfc3339(m.announced_at);
  const Json update = {{"id", m.id + "-scheduled"}, {"incident_id", m.id},   {"status", m.state},
                       {"body", m.text},            {"created_at", announced}, {"updated_at", announced},
                       {"display_at", announced}};
  return {{"id", m.id},
          {"name", m.title},
          {"status", m.state},
          {"impact", "maintenance"},
          {"scheduled_for", format_rfc3339(m.starts_at)},
          {"scheduled_until", format_rfc3339(m.ends_at)},
          {"created_at", announced},
          {"updated_at", announced},
          {"page_id", "irctl"},
          {"incident_updates", Json::array({update})},
          {"components", statuspage_components(page, m.components)}};
}

// Statuspage's summary: what aggregators and chat integrations poll.
Json statuspage_summary(const StatusPage& page) {
  Json components = Json::array();
  std::map<std::string, Json> groups;
  int position = 1;
  for (const auto& c : page.components) {
    const std::string group_id = c.group.empty() ? "" : "group-" + c.group;
    components.push_back({{"id", c.name},
                          {"name", c.title},
                          {"status", component_state_name(c.state)},
                          {"description", c.description.empty() ? Json(nullptr) : Json(c.description)},
                          {"position", position++},
                          {"showcase", true},
                          {"group", false},
                          {"group_id", group_id.empty() ? Json(nullptr) : Json(group_id)},
                          {"only_show_if_degraded", false},
                          {"page_id", "irctl"},
                          {"updated_at", format_rfc3339(page.generated_at)}});
    if (!group_id.empty()) {
      auto& g = groups[group_id];
      if (g.is_null())
        g = {{"id", group_id},
             {"name", c.group},
             {"status", "operational"},
             {"description", nullptr},
             {"position", position++},
             {"showcase", false},
             {"group", true},
             {"group_id", nullptr},
             {"only_show_if_degraded", false},
             {"page_id", "irctl"},
             {"updated_at", format_rfc3339(page.generated_at)},
             {"components", Json::array()}};
      g["components"].push_back(c.name);
    }
  }
  for (auto& [id, g] : groups) components.push_back(std::move(g));
  Json incidents = Json::array(), maintenance = Json::array();
  for (const auto& inc : page.incidents)
    if (!inc.resolved_at) incidents.push_back(statuspage_incident(page, inc));
  for (const auto& m : page.maintenance)
    if (m.state != "completed") maintenance.push_back(statuspage_maintenance(page, m));
  return {{"page", statuspage_page(page)},
          {"status", statuspage_status(page)},
          {"components", components},
          {"incidents", incidents},
          {"scheduled_maintenances", maintenance}};
}

// When the feed last changed (Atom's feed-level updated): the latest update
// of any incident (an older incident may have had the last word); the
// build's time for a feed without entries.
Timestamp feed_updated(const StatusPage& page) {
  if (page.incidents.empty()) return page.generated_at;
  Timestamp latest{};
  for (const auto& inc : page.incidents) latest = std::max(latest, inc.updated_at);
  return latest;
}

// Atom (RFC 4287): an entry per incident, its updates in its content.
// escape_html's five escapes are XML's as well.
std::string atom_feed(const StatusPage& page) {
  const std::string feed_id = page.config.url.empty() ? "urn:irctl:status-page" : absolute(page, "");
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
      << "  <id>" << escape_html(feed_id) << "</id>\n  <title>" << escape_html(page.config.title) << " incidents</title>\n"
      << "  <updated>" << format_rfc3339(feed_updated(page))
      << "</updated>\n  <link rel=\"alternate\" type=\"text/html\" href=\"" << escape_html(absolute(page, "index.html"))
      << "\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"" << escape_html(absolute(page, "feed.atom"))
      << "\"/>\n  <author><name>" << escape_html(page.config.title) << "</name></author>\n";
  for (const auto& inc : page.incidents) {
    std::string html;
    for (auto it = inc.updates.rbegin(); it != inc.updates.rend(); ++it)
      html += "<p><small>" + escape_html(page_time(it->at)) + "</small><br><strong>" + escape_html(state_label(it->state)) +
              "</strong> - " + escape_html(it->text) + "</p>";
    out << "  <entry>\n    <id>" << escape_html(page.config.url.empty() ? "urn:irctl:incident:" + inc.id
                                                                          : absolute(page, incident_file(inc.id)))
        << "</id>\n    <title>" << escape_html(inc.name) << "</title>\n    <published>" << format_rfc3339(inc.created_at)
        << "</published>\n    <updated>" << format_rfc3339(inc.updated_at) << "</updated>\n    <link rel=\"alternate\" type=\"text/html\" href=\""
        << escape_html(absolute(page, incident_file(inc.id))) << "\"/>\n    <content type=\"html\">" << escape_html(html)
        << "</content>\n  </entry>\n";
  }
  out << "</feed>\n";
  return out.str();
}

// RSS 2.0: an item per incident.
std::string rss_feed(const StatusPage& page) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n  <title>"
      << escape_html(page.config.title) << " incidents</title>\n  <link>" << escape_html(absolute(page, "index.html"))
      << "</link>\n  <description>" << escape_html("Incidents and their updates, from " + page.config.title)
      << "</description>\n  <language>en</language>\n  <lastBuildDate>" << rss_time(page.generated_at)
      << "</lastBuildDate>\n";
  for (const auto& inc : page.incidents) {
    std::string html;
    for (auto it = inc.updates.rbegin(); it != inc.updates.rend(); ++it)
      html += "<p><small>" + escape_html(page_time(it->at)) + "</small><br><strong>" + escape_html(state_label(it->state)) +
              "</strong> - " + escape_html(it->text) + "</p>";
    out << "  <item>\n    <title>" << escape_html(inc.name) << "</title>\n    <link>"
        << escape_html(absolute(page, incident_file(inc.id))) << "</link>\n    <guid isPermaLink=\"false\">" << escape_html(inc.id)
        << "</guid>\n    <pubDate>" << rss_time(inc.created_at) << "</pubDate>\n    <description>" << escape_html(html)
        << "</description>\n  </item>\n";
  }
  out << "</channel>\n</rss>\n";
  return out.str();
}

// The maintenance windows as customers may see them: on the page, those not
// cancelled; in the calendar, cancelled ones too (subscribers drop them).
// Each names only its listed services, by the titles customers read; a
// window on none of them is left out. The calendar's stamp is when a window
// last changed, so that a rebuild leaves its bytes alone.
struct PublicWindows {
  std::vector<PublicMaintenance> shown;
  std::vector<Maintenance> calendar_windows;
  Timestamp changed{};
  std::string calendar(const std::string& title) const {
    return calendar_windows.empty() ? "" : maintenance_to_ical(calendar_windows, changed, title + " maintenance");
  }
};

PublicWindows public_windows(const Config& config, const std::vector<Maintenance>& all, Timestamp now) {
  PublicWindows out;
  for (Maintenance m : all) {
    std::vector<std::string> names, titles;
    for (const auto& service : config.services)
      if (service.listed && std::find(m.services.begin(), m.services.end(), service.name) != m.services.end()) {
        names.push_back(service.name);
        titles.push_back(service.public_title());
      }
    if (names.empty()) continue;
    const std::string state = maintenance_state(m, now);
    if (state != "cancelled") out.shown.push_back({m.id, m.title, m.text, names, m.starts_at, m.ends_at, state, m.created_at});
    out.changed = std::max({out.changed, m.created_at, m.cancelled_at.value_or(Timestamp{})});
    m.services = titles;
    m.created_by.clear();
    m.cancel_reason.clear();
    out.calendar_windows.push_back(std::move(m));
  }
  return out;
}

}  // namespace

std::vector<SiteFile> render_status_page(const Repository& repo, const StatusPage& page, const std::string& calendar) {
  std::vector<SiteFile> files;
  const Template index = site_template(repo, "status-page.html.mustache");
  const Template incident = site_template(repo, "status-incident.html.mustache");
  const Template history = site_template(repo, "status-history.html.mustache");
  const Template component = site_template(repo, "status-component.html.mustache");
  files.push_back({"index.html", render_template(index, index_data(page, !calendar.empty()))});
  files.push_back({"status-page.css", site_asset(repo, "status-page.css")});
  for (const auto& c : page.components)
    files.push_back({component_file(c.name), render_template(component, component_data(page, c))});
  std::map<std::string, std::vector<const PublicIncident*>, std::greater<>> by_month;
  for (const auto& inc : page.incidents) {
    files.push_back({incident_file(inc.id), render_template(incident, incident_data(page, inc))});
    by_month[year_month(inc.created_at)].push_back(&inc);
  }
  Timestamp last_update{};
  for (const auto& inc : page.incidents) last_update = std::max(last_update, inc.updated_at);
  Json archive = history_data(page, "Incident history", last_update);
  for (const auto& [month, incidents] : by_month) {
    archive["months"].push_back({{"url", month + ".html"}, {"label", month_label(month)}, {"count", std::to_string(incidents.size())}});
    Timestamp month_update{};
    for (const auto* inc : incidents) month_update = std::max(month_update, inc->updated_at);
    Json d = history_data(page, month_label(month), month_update);
    for (const auto* inc : incidents) d["incidents"].push_back(history_item(page, *inc));
    d["has_incidents"] = true;
    d["is_month"] = true;
    files.push_back({"history/" + month + ".html", render_template(history, d)});
  }
  archive["has_months"] = !by_month.empty();
  archive["is_empty"] = by_month.empty();
  files.push_back({"history/index.html", render_template(history, archive)});
  files.push_back({"feed.atom", atom_feed(page)});
  files.push_back({"feed.rss", rss_feed(page)});
  files.push_back({"api/v2/summary.json", statuspage_summary(page).dump(2) + "\n"});
  files.push_back({"api/v2/status.json",
                   Json{{"page", statuspage_page(page)}, {"status", statuspage_status(page)}}.dump(2) + "\n"});
  Json all = Json::array();
  for (const auto& inc : page.incidents) all.push_back(statuspage_incident(page, inc));
  files.push_back({"api/v2/incidents.json", Json{{"page", statuspage_page(page)}, {"incidents", all}}.dump(2) + "\n"});
  if (!calendar.empty()) files.push_back({"maintenance.ics", calendar});
  return files;
}

std::vector<Incident> read_public_incidents(Repository& repo) {
  std::vector<Incident> out;
  const SummaryRead summaries = read_summaries(repo, SummaryDocuments::leave_out);
  for (const auto& s : summaries.incidents) {
    if (s.incident.is_void()) continue;
    const auto text = repo.read(s.path);
    if (!text) continue;
    const IncidentFile file = IncidentFile::read_fast(*text, s.path);
    if (is_public(file.incident())) out.push_back(file.incident());
  }
  return out;
}

StatusPageBuild build_status_page(Repository& repo, const std::string& dir, Timestamp now) {
  refuse_site_in_repository(repo, dir, "the status page");
  const Config& config = repo.config();
  const PublicWindows windows = public_windows(config, list_maintenance(repo), now);
  StatusPageBuild out;
  out.page = make_status_page(config, read_public_incidents(repo), windows.shown, now);
  out.files = write_site(dir, render_status_page(repo, out.page, windows.calendar(out.page.config.title)), kManifest);
  return out;
}

}  // namespace irctl
