#include "core/actions.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/model/actor.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/util/text.hpp"
#include "core/util/time.hpp"

namespace irctl {
namespace {

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// "alice" matches "Alice <alice@example.com>", as do "alice@example.com" and
// the whole string; a part of a name does not.
bool owner_matches(const std::string& owner, const std::string& wanted) {
  if (wanted.empty()) return true;
  const std::string o = lower(owner), w = lower(trim(wanted));
  if (o == w) return true;
  const auto open = o.find(" <");
  if (open == std::string::npos || o.back() != '>') return false;
  return o.substr(0, open) == w || o.substr(open + 2, o.size() - open - 3) == w;
}

const FollowUp& find_follow_up(const Incident& inc, const std::string& which) {
  const std::string hint = inc.actions.empty()
                               ? "add one first: irctl action add " + inc.id + " TEXT --owner NAME"
                               : "see them with: irctl action list " + inc.id;
  const std::string w = trim(which);
  if (!w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isdigit(c); })) {
    const size_t n = w.size() > 6 ? 0 : std::stoul(w);
    if (n >= 1 && n <= inc.actions.size()) return inc.actions[n - 1];
    throw Error(Errc::not_found, inc.id + " has no follow-up action " + w +
                                     (inc.actions.empty() ? " (it has none)"
                                                          : " (they are numbered 1 to " +
                                                                std::to_string(inc.actions.size()) + ")"),
                hint);
  }
  const auto it = std::find_if(inc.actions.begin(), inc.actions.end(),
                               [&](const FollowUp& a) { return lower(a.id) == lower(w); });
  if (it == inc.actions.end())
    throw Error(Errc::not_found, inc.id + " has no follow-up action " + quote(w), hint);
  return *it;
}

std::string checked_type(const std::string& type) {
  const std::string t = lower(trim(type));
  if (!t.empty() && !follow_up_types().contains(t))
    throw Error(Errc::usage, "unknown action type " + quote(type), "use " + follow_up_types().listed());
  return t;
}

// The edit with every value checked and in the form an action holds it.
FollowUpEdit checked_edit(const FollowUpEdit& edit, Timestamp at) {
  const auto check = [](const std::optional<std::string>& v, auto&& normalise) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return v->empty() ? std::string() : normalise(*v);
  };
  FollowUpEdit out;
  if (edit.text) out.text = require_line(*edit.text, "the action", kMaxTitle * 2);
  out.owner = check(edit.owner, [](const std::string& v) { return require_line(v, "the owner"); });
  // A span counts from the event's time, as with action add.
  out.due = check(edit.due, [at](const std::string& v) { return parse_due_date(v, at); });
  out.type = check(edit.type, checked_type);
  out.link = check(edit.link, [](const std::string& v) { return require_link(v, "the link"); });
  return out;
}

}  // namespace

const AllowedValues& follow_up_types() {
  static const AllowedValues types = {{"prevent", ""}, {"mitigate", ""}, {"detect", ""}, {"process", ""}};
  return types;
}

std::string date_of(Timestamp t) { return format_rfc3339(t).substr(0, 10); }

std::string parse_due_date(const std::string& text, Timestamp from) {
  const std::string t = trim(text);
  if (is_date(t)) {
    CivilTime c{std::stoi(t.substr(0, 4)), std::stoi(t.substr(5, 2)), std::stoi(t.substr(8, 2)), 0, 0, 0};
    if (c.year < 1970)
      throw Error(Errc::usage, "the due date " + quote(t) + " is before 1970",
                  "give a date like 2026-12-15, or a span from today like 14d or 2w");
    bool valid = false;
    try {
      valid = date_of(from_civil(c)) == t;
    } catch (const Error&) {
    }
    if (!valid)
      throw Error(Errc::usage, "the due date " + quote(t) + " is not a day of the calendar",
                  "give a date like 2026-12-15, or a span from today like 14d or 2w");
    return t;
  }
  std::string due;
  try {
    due = date_of(from + parse_duration(t.empty() || t[0] != '+' ? t : t.substr(1)));
  } catch (const Error&) {
    throw Error(Errc::usage, "the due date " + quote(t) + " is neither a date nor a span",
                "give a date like 2026-12-15, or a span from today like 14d or 2w");
  }
  // A span that reaches past the year 9999 has no YYYY-MM-DD form.
  if (!is_date(due))
    throw Error(Errc::usage, "the due date " + quote(t) + " is too far ahead",
                "give a date like 2026-12-15, or a span from today like 14d or 2w");
  return due;
}

EventResult add_follow_up(Repository& repo, const std::string& id, const FollowUpRequest& req, const Recorder& rec) {
  const std::string text = require_line(req.text, "the action", kMaxTitle * 2);
  const std::string owner = req.owner.empty() ? "" : require_line(req.owner, "the owner");
  // A span counts from the event's time: '--at' back-dates the action and its due date alike.
  const std::string due = req.due.empty() ? "" : parse_due_date(req.due, rec.at);
  const std::string link = req.link.empty() ? "" : require_link(req.link, "the link");
  const std::string type = checked_type(req.type);
  EventResult result = record_event(
      repo, id,
      [&](const Incident&) -> std::optional<Event> {
        Event e;
        e.type = "action";
        e.text = text;
        if (!owner.empty()) e.details["owner"] = TomlValue(owner);
        if (!due.empty()) e.details["due"] = TomlValue(due);
        if (!type.empty()) e.details["action_type"] = TomlValue(type);
        if (!link.empty()) e.details["link"] = TomlValue(link);
        return e;
      },
      rec);
  // Numbers follow the times the actions were added, and --at may put this
  // one before others: its number is read from the incident as written.
  const IncidentFile file = load_incident(repo, id);
  for (const auto& a : file.incident().actions)
    if (a.id == result.event.id) result.follow_up_number = a.number;
  return result;
}

EventResult mark_follow_up(Repository& repo, const std::string& id, const std::string& which, MarkAs mark,
                           const Recorder& rec) {
  const bool done = mark == MarkAs::done;
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        const FollowUp& a = find_follow_up(inc, which);
        if (a.done == done) return std::nullopt;
        Event e;
        e.type = done ? "action-done" : "action-reopen";
        e.text = (done ? "done " : "reopened ") + std::to_string(a.number) + ": " + a.text;
        e.details["action"] = TomlValue(a.id);
        return e;
      },
      rec);
}

namespace {

// The time of an edit of action `action_id`, dated after `at`, that sets the
// detail `key`: edits apply in time order, so an edit dated before it would
// be recorded and change nothing.
std::optional<Timestamp> later_edit_setting(const Incident& inc, const std::string& action_id, const char* key,
                                            Timestamp at) {
  std::optional<Timestamp> later;
  for (const auto& e : inc.timeline) {
    if (e.type != "action-edit" || e.at <= at || !e.details.count(key)) continue;
    const auto ref = e.details.find("action");
    if (ref != e.details.end() && ref->second.is_string() && ref->second.as_string().str == action_id)
      later = later ? std::max(*later, e.at) : e.at;
  }
  return later;
}

}  // namespace

EventResult edit_follow_up(Repository& repo, const std::string& id, const std::string& which, const FollowUpEdit& edit,
                           const Recorder& rec) {
  const FollowUpEdit change = checked_edit(edit, rec.at);
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        const FollowUp& a = find_follow_up(inc, which);
        Event e;
        e.type = "action-edit";
        e.details["action"] = TomlValue(a.id);
        std::vector<std::string> changed;
        const auto put = [&](const char* key, const char* name, const std::string& current,
                             const std::optional<std::string>& next) {
          if (!next || *next == current) return;
          if (const auto later = later_edit_setting(inc, a.id, key, rec.at))
            throw Error(Errc::refused,
                        "an edit of action " + std::to_string(a.number) + " dated " + human_time(*later) +
                            " sets its " + name + " after " + human_time(rec.at) + ": this edit would change nothing",
                        "give a time after " + human_time(*later) + " with --at, or leave --at out");
          e.details[key] = TomlValue(*next);
          changed.push_back(std::string(name) + " = " + (next->empty() ? "(none)" : *next));
        };
        put("action_text", "text", a.text, change.text);
        put("owner", "owner", a.owner, change.owner);
        put("due", "due", a.due, change.due);
        put("action_type", "type", a.type, change.type);
        put("link", "link", a.link, change.link);
        if (changed.empty()) return std::nullopt;
        e.text = "edited " + std::to_string(a.number) + ": " + join(changed, "; ");
        return e;
      },
      rec);
}

FollowUpList list_follow_ups(Repository& repo, const FollowUpFilter& filter) {
  FollowUpList out;
  std::vector<Incident> incidents;
  if (filter.incident) {
    incidents.push_back(load_incident(repo, *filter.incident).incident());
  } else {
    ListResult all = list_incidents(repo, ListFilter{});
    for (auto& summary : all.incidents) incidents.push_back(std::move(summary.incident));
    out.problems = std::move(all.problems);
  }
  for (const auto& inc : incidents) {
    for (const auto& a : inc.actions) {
      const bool overdue = a.overdue(filter.today);
      if ((filter.open_only && a.done) || (filter.overdue_only && !overdue) || !owner_matches(a.owner, filter.owner))
        continue;
      out.rows.push_back({inc.id, inc.title, inc.status, a, overdue});
    }
  }
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const FollowUpRow& x, const FollowUpRow& y) {
    const std::string& dx = x.action.due;
    const std::string& dy = y.action.due;
    if (dx.empty() != dy.empty()) return dy.empty();
    if (dx != dy) return dx < dy;
    if (x.incident != y.incident) return x.incident < y.incident;
    return x.action.number < y.action.number;
  });
  return out;
}

Json follow_up_to_json(const FollowUp& a, const std::string& today) {
  // Member by member rather than from an initializer list, which copies every
  // value twice: list --json writes one of these per action of every incident.
  Json j = Json::object();
  j["number"] = a.number;
  j["id"] = a.id;
  j["text"] = a.text;
  j["owner"] = a.owner;
  j["due"] = a.due.empty() ? Json(nullptr) : Json(a.due);
  j["type"] = a.type;
  j["link"] = a.link;
  j["status"] = a.done ? "done" : "open";
  j["added_at"] = format_rfc3339(a.added_at);
  j["added_by"] = a.added_by;
  j["done_at"] = a.done_at ? Json(format_rfc3339(*a.done_at)) : Json(nullptr);
  j["done_by"] = a.done_by;
  if (!today.empty()) j["overdue"] = a.overdue(today);
  return j;
}

}  // namespace irctl
