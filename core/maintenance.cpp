#include "core/maintenance.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/store/write_retries.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

std::vector<std::string> maintenance_ids(const Repository& repo) {
  std::vector<std::string> ids;
  for (const auto& path : repo.list_files("maintenance"))
    if (is_maintenance_file(path)) ids.push_back(path.substr(path.rfind('/') + 1, 19));
  return ids;
}

// "20261205T020000Z": RFC 5545's DATE-TIME in UTC.
std::string ical_time(Timestamp t) {
  const CivilTime c = to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

// A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, a
// line break as \n; other control characters, which TEXT cannot hold, left out.
std::string ical_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n' || (c == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) {
      out += "\\n";
    } else if (c == '\t' || static_cast<unsigned char>(c) >= 0x20) {
      if (c != 0x7f) out += c;
    }
  }
  return out;
}

// One content line, folded (RFC 5545 3.1): no line longer than 75 octets
// before its CRLF, each continuation starting with a space (which counts),
// and no cut inside a UTF-8 character.
std::string folded(const std::string& line) {
  constexpr size_t kMaxOctets = 75;
  std::string out;
  size_t at = 0;
  size_t room = kMaxOctets;
  while (line.size() - at > room) {
    size_t cut = at + room;
    while (cut > at && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line, at, cut - at).append("\r\n ");
    at = cut;
    room = kMaxOctets - 1;
  }
  return out.append(line, at).append("\r\n");
}

std::string description_of(const Maintenance& m) {
  std::string services;
  for (const auto& s : m.services) services += (services.empty() ? "" : ", ") + s;
  return (m.text.empty() ? "" : m.text + "\n\n") + "Services: " + services;
}

std::string vevent(const Maintenance& m, Timestamp now) {
  std::string out = folded("BEGIN:VEVENT");
  out += folded("UID:" + m.id + "@irctl");
  out += folded("DTSTAMP:" + ical_time(now));
  out += folded("DTSTART:" + ical_time(m.starts_at));
  out += folded("DTEND:" + ical_time(m.ends_at));
  out += folded("SUMMARY:" + ical_text(m.title));
  out += folded("DESCRIPTION:" + ical_text(description_of(m)));
  // A cancellation is a new version of the event: calendars that keep the
  // first one take it only with a higher SEQUENCE.
  out += folded(m.cancelled_at ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
  out += folded(m.cancelled_at ? "SEQUENCE:1" : "SEQUENCE:0");
  out += folded("TRANSP:TRANSPARENT");
  return out + folded("END:VEVENT");
}

std::vector<std::string> known_services(const Config& config, const std::vector<std::string>& requested) {
  const auto services = clean_list(requested, "a service name");
  if (services.empty())
    throw Error(Errc::usage, "a maintenance window needs at least one service", "give --service NAME");
  std::string known;
  for (const auto& s : config.services) known += (known.empty() ? "" : ", ") + s.name;
  for (const auto& name : services) {
    const bool found =
        std::any_of(config.services.begin(), config.services.end(), [&](const Service& s) { return s.name == name; });
    if (!found)
      throw Error(Errc::usage, "unknown service " + quote(name),
                  known.empty() ? std::string("the configuration names no service: add a [[service]] to ") +
                                      kConfigPath + " (see irctl-config(5)) and commit it"
                                : "the services of " + std::string(kConfigPath) + ": " + known);
  }
  return services;
}

MaintenanceResult commit_window(Repository& repo, const Maintenance& m, const std::string& change,
                                const Recorder& rec) {
  const std::string message =
      "maintenance " + m.id + ": " + change + " \"" + one_line(m.title, 72) + "\"\n\nMaintenance: " + m.id + "\n";
  const std::string sha =
      repo.commit({FileWrite{.path = m.path, .content = render_maintenance(m)}}, message, rec.actor, rec.at);
  return {m, sha};
}

}  // namespace

std::vector<Maintenance> list_maintenance(const Repository& repo) {
  std::vector<Maintenance> windows;
  for (const auto& id : maintenance_ids(repo)) {
    const std::string path = maintenance_path(id);
    if (const auto text = repo.read(path)) windows.push_back(parse_maintenance(*text, path));
  }
  std::sort(windows.begin(), windows.end(), [](const Maintenance& a, const Maintenance& b) {
    return a.starts_at != b.starts_at ? a.starts_at < b.starts_at : a.id < b.id;
  });
  return windows;
}

std::string maintenance_state(const Maintenance& m, Timestamp now) {
  if (m.cancelled_at) return "cancelled";
  if (now < m.starts_at) return "scheduled";
  if (now < m.ends_at) return "in_progress";
  return "completed";
}

std::string maintenance_to_ical(const std::vector<Maintenance>& windows, Timestamp now,
                                const std::string& calendar_name) {
  std::string out = folded("BEGIN:VCALENDAR");
  out += folded("VERSION:2.0");
  out += folded("PRODID:-//irctl//maintenance//EN");
  out += folded("CALSCALE:GREGORIAN");
  out += folded("METHOD:PUBLISH");
  out += folded("X-WR-CALNAME:" + ical_text(calendar_name));
  for (const auto& m : windows) out += vevent(m, now);
  return out + folded("END:VCALENDAR");
}

std::string resolve_maintenance_id(const Repository& repo, const std::string& query) {
  if (trim(query).empty())
    throw Error(Errc::usage, "the maintenance ID is empty", "give an ID or a unique part of one");
  const auto found = match_ids(maintenance_ids(repo), trim(query));
  if (found.size() == 1) return found.front();
  if (found.empty())
    throw Error(Errc::not_found, "no maintenance window matches " + quote(query),
                "list them with 'irctl maintenance list --all'");
  std::string listed;
  for (const auto& id : found) listed += (listed.empty() ? "" : ", ") + id;
  throw Error(Errc::usage,
              quote(query) + " matches " + std::to_string(found.size()) + " maintenance windows: " + listed,
              "type more of the ID");
}

MaintenanceResult add_maintenance(Repository& repo, const MaintenanceRequest& req, PastWindow past,
                                  const Recorder& rec) {
  require_not_future(rec.at, rec, "the time");
  Maintenance m;
  m.title = require_line(req.title, "the title");
  m.text = trim(req.text).empty() ? "" : require_text(req.text, "the text");
  m.services = known_services(repo.config(), req.services);
  m.starts_at = req.starts_at;
  m.ends_at = req.ends_at;
  if (m.ends_at <= m.starts_at)
    throw Error(Errc::usage,
                "the window must end after it starts: --end " + human_time(m.ends_at) + " is not after --start " +
                    human_time(m.starts_at),
                "give an --end later than --start");
  if (past == PastWindow::refused && m.ends_at <= rec.now)
    throw Error(Errc::usage, "the window is in the past: it ended at " + human_time(m.ends_at),
                "maintenance is announced ahead of time; to record a window that is over, give --force");
  m.created_at = rec.at;
  m.created_by = rec.actor.display();
  auto lock = repo.lock();
  return with_retries([&] {
    for (int attempt = 0;; ++attempt) {
      m.id = make_maintenance_id(m.starts_at, random_u64());
      if (!repo.read(maintenance_path(m.id))) break;
      if (attempt == 8) throw Error(Errc::failure, "could not find an unused maintenance ID");
    }
    m.path = maintenance_path(m.id);
    return commit_window(repo, m, "add", rec);
  });
}

MaintenanceResult cancel_maintenance(Repository& repo, const std::string& id, const std::string& reason,
                                     const Recorder& rec) {
  require_not_future(rec.at, rec, "the time");
  const std::string why = require_text(reason, "the reason");
  const std::string path = maintenance_path(id);
  auto lock = repo.lock();
  return with_retries([&] {
    repo.require_clean(path);
    const auto text = repo.read(path);
    if (!text)
      throw Error(Errc::not_found, "no maintenance window " + quote(id),
                  "list them with 'irctl maintenance list --all'");
    Maintenance m = parse_maintenance(*text, path);
    if (m.cancelled_at)
      throw Error(Errc::refused, id + " was cancelled already, at " + human_time(*m.cancelled_at),
                  "nothing was written");
    if (m.ends_at <= rec.at)
      throw Error(Errc::refused, id + " ended at " + human_time(m.ends_at) + ": there is nothing left to cancel",
                  "nothing was written");
    m.cancelled_at = rec.at;
    m.cancel_reason = why;
    if (const auto lost = dropped_comment(*text, render_maintenance(m), path))
      throw Error(Errc::data,
                  path + ":" + std::to_string(lost->line) + ": irctl would drop the comment '" + lost->text +
                      "': it keeps comments only on the lines above a key",
                  "move the comment onto the lines above a key (or delete it), commit, and run the command again");
    return commit_window(repo, m, "cancel", rec);
  });
}

Json maintenance_to_json(const Maintenance& m, Timestamp now) {
  return {{"id", m.id},
          {"title", m.title},
          {"text", m.text},
          {"services", m.services},
          {"starts_at", format_rfc3339(m.starts_at)},
          {"ends_at", format_rfc3339(m.ends_at)},
          {"state", maintenance_state(m, now)},
          {"created_at", format_rfc3339(m.created_at)},
          {"created_by", m.created_by},
          {"cancelled_at", m.cancelled_at ? Json(format_rfc3339(*m.cancelled_at)) : Json(nullptr)},
          {"cancel_reason", m.cancelled_at ? Json(m.cancel_reason) : Json(nullptr)},
          {"path", m.path}};
}

}  // namespace irctl
