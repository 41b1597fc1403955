// The response lifecycle's own steps: what a severity requires, declaring,
// resolving, reopening, voiding and closing, updates, descriptive fields and
// playbook tasks. Severity, roles and escalation are in escalation.cpp; the
// response phases and their evidence in response_phases.cpp.

#include "core/lifecycle.hpp"

#include <algorithm>

#include "core/actions.hpp"
#include "core/error.hpp"
#include "core/lifecycle_internal.hpp"
#include "core/model/ids.hpp"
#include "core/model/metrics.hpp"
#include "core/model/validate.hpp"

namespace irctl {
namespace {

std::string reopen_hint(const Incident& inc) {
  return "if it is not over, reopen it first: irctl reopen " + inc.id + " --reason TEXT";
}

// A moment the durations are measured from or to, named for a message: by
// the option that gives it, else by the field that holds it.
struct Moment {
  std::string name;
  std::optional<Timestamp> at;
};

void require_not_after(const Moment& earlier, const Moment& later, const std::string& hint) {
  if (earlier.at && later.at && *earlier.at > *later.at)
    throw Error(Errc::usage,
                earlier.name + " " + human_time(*earlier.at) + " is after " + later.name + " " + human_time(*later.at),
                hint);
}

// The moments of an incident that the durations of irctl-stats(1) start or end at.
struct Moments {
  Moment started, detected, declared, impact_ended;
};

// Impact begins, is detected, then the incident is declared, and the impact
// ends after it began: out of that order a duration would be negative, and
// the reports would leave it out without a word.
void require_in_order(const Moments& m, const std::string& declaration_hint) {
  require_not_after(m.started, m.detected, "impact begins before anyone can detect it");
  require_not_after(m.detected, m.declared, declaration_hint);
  require_not_after(m.started, m.declared, declaration_hint);
  const Moment& impact_start = m.started.at ? m.started : m.detected.at ? m.detected : m.declared;
  require_not_after(impact_start, m.impact_ended, "the impact ends after it begins");
}

}  // namespace

// Lifecycle actions need an incident that is still open.
void require_open(const Incident& inc, const std::string& action) {
  if (!is_open_status(inc.status))
    throw Error(Errc::refused, inc.id + " is " + inc.status + "; " + action + " changes nothing", reopen_hint(inc));
}

// Records about an incident (updates, roles, fields) are still welcome once it
// is resolved, but not once it is closed.
void require_not_closed(const Incident& inc, const std::string& action) {
  if (inc.status == "closed")
    throw Error(Errc::refused, inc.id + " is closed; " + action + " changes nothing", reopen_hint(inc));
}

Event make_event(const std::string& type, const std::string& text) {
  Event e;
  e.type = type;
  e.text = text;
  return e;
}

std::string Requirement::describe() const {
  if (!role.empty()) return "role " + role;
  return "escalation to level " + std::to_string(escalation_level);
}

std::vector<Requirement> missing_requirements(const Incident& inc, const Config& config) {
  std::vector<Requirement> missing;
  const Severity* sev = config.find_severity(inc.severity);
  if (!sev || !is_open_status(inc.status) || inc.is_void()) return missing;
  for (const auto& role : sev->requires_roles)
    if (inc.people_in(role).empty()) missing.push_back({role, 0});
  if (inc.escalation_level < sev->min_escalation) missing.push_back({"", sev->min_escalation});
  return missing;
}

Json derived_json(const Incident& inc, const Config& config, const std::string& today) {
  Json missing = Json::array();
  for (const auto& m : missing_requirements(inc, config)) {
    if (!m.role.empty())
      missing.push_back({{"role", m.role}});
    else
      missing.push_back({{"escalation_level", m.escalation_level}});
  }
  Json actions = Json::array();
  for (const auto& a : inc.actions) actions.push_back(follow_up_to_json(a, today));
  Json durations = Json::object();  // a stage not reached has no key
  for (const auto& [name, key, value] : named_durations(durations_of(inc)))
    if (value) durations[name] = value->count();
  Json derived = Json::object();  // moved in: an initializer list would copy each part twice
  derived["missing"] = std::move(missing);
  derived["actions"] = std::move(actions);
  derived["durations"] = std::move(durations);
  return derived;
}

Json incident_to_json(const IncidentFile& file, const Config& config, const std::string& today) {
  Json j = file.to_json();
  Json derived = derived_json(file.incident(), config, today);
  for (auto& [key, value] : derived.items()) j[key] = std::move(value);
  return j;
}

std::string policy_for(const Config& config, const std::vector<std::string>& services) {
  for (const auto& name : services)
    for (const auto& s : config.services)
      if (s.name == name && !s.escalation_policy.empty()) return s.escalation_policy;
  return config.default_policy;
}

std::vector<std::string> playbook_steps(const Repository& repo, const Config& config, const std::string& kind) {
  std::string path = ".irctl/playbooks/" + kind + ".toml";
  auto text = repo.read(path);
  const Kind* k = config.find_kind(kind);
  if (!text && k && k->security) {
    path = ".irctl/playbooks/security.toml";
    text = repo.read(path);
  }
  if (!text) return {};
  return read_toml(*text, path, [&](const TomlValue& doc) {
    const FieldReader r(doc, path, "fix " + path + " (see irctl-config(5)), then commit it");
    std::vector<std::string> steps;
    for (const auto& step : r.tables("step")) steps.push_back(step.string("text"));
    return steps;
  });
}

EventResult declare_incident(Repository& repo, const DeclareRequest& req, const Recorder& rec) {
  return declare_incident_locked(repo, repo.lock(), req, rec);
}

EventResult declare_incident_locked(Repository& repo, RepositoryLock lock, const DeclareRequest& req,
                                    const Recorder& rec) {
  const Config& config = repo.config();
  const std::string title = require_line(req.title, "the title", kMaxTitle);
  const std::string severity = config.resolve_severity(req.severity.value_or(config.default_severity));
  const std::string kind = config.resolve_kind(req.kind.value_or(config.default_kind));
  const auto services = clean_list(req.services, "a service name");
  const auto channels = clean_list(req.channels, "a channel");
  require_not_future(rec.at, rec, "the time");
  if (req.started_at) require_not_future(*req.started_at, rec, "--started-at");
  if (req.detected_at) require_not_future(*req.detected_at, rec, "--detected-at");
  require_in_order({{"--started-at", req.started_at},
                    {"--detected-at", req.detected_at},
                    {"the declaration time", rec.at},
                    {"", std::nullopt}},
                   "use --at to record the declaration at its real time");

  Event e;
  e.type = "declare";
  e.text = title;
  e.set["title"] = TomlValue(title);
  e.set["status"] = TomlValue(statuses().front().name);
  e.set["severity"] = TomlValue(severity);
  e.set["kind"] = TomlValue(kind);
  e.set["services"] = string_array(services);
  if (req.summary) e.set["summary"] = TomlValue(require_text(*req.summary, "the summary"));
  if (req.started_at) e.set["started_at"] = toml_time(*req.started_at);
  if (req.detected_at) e.set["detected_at"] = toml_time(*req.detected_at);
  e.set["declared_at"] = toml_time(rec.at);
  e.set["channels"] = string_array(channels);
  if (req.commander) {
    e.set["roles.commander"] = TomlValue(require_line(*req.commander, "the commander"));
    e.set["acknowledged_at"] = toml_time(rec.at);  // a commander in charge stops the escalation clock
  }
  // Declaring pages the first level of the escalation policy.
  const std::string policy = policy_for(config, services);
  if (const EscalationPolicy* p = config.find_policy(policy); p && !p->levels.empty()) {
    e.set["escalation_policy"] = TomlValue(policy);
    e.set["escalation_level"] = TomlValue(1);
    e.set["escalated_at"] = toml_time(rec.at);
    e.details["targets"] = string_array(p->levels.front().targets);
  }
  if (const auto steps = playbook_steps(repo, config, kind); !steps.empty()) e.set["tasks"] = string_array(steps);
  if (!req.alerts.empty()) e.set["alerts"] = string_array(req.alerts);
  for (const auto& [key, value] : req.details) e.details[key] = value;

  return record_new_incident(repo, std::move(lock), e, rec);
}

EventResult resolve_incident(Repository& repo, const std::string& id, const std::optional<std::string>& resolution,
                             const std::optional<std::string>& root_cause, const Recorder& rec) {
  const std::optional<std::string> s =
      resolution ? std::optional(require_text(*resolution, "the resolution")) : std::nullopt;
  const std::optional<std::string> rc =
      root_cause ? std::optional(require_text(*root_cause, "the root cause")) : std::nullopt;
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, "resolving");
        Event e = make_event("resolve", s ? one_line(*s, 200) : "resolved");
        e.set["status"] = TomlValue("resolved");
        e.set["resolved_at"] = toml_time(rec.at);
        if (s) e.set["resolution"] = TomlValue(*s);  // the summary stays as irctl set wrote it
        if (rc) e.set["root_cause"] = TomlValue(*rc);
        return e;
      },
      rec);
}

EventResult reopen_incident(Repository& repo, const std::string& id, const std::string& reason, const Recorder& rec) {
  const std::string why = require_text(reason, "the reason");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        if (is_open_status(inc.status))
          throw Error(Errc::refused, inc.id + " is open (" + inc.status + "); there is nothing to reopen");
        Event e = make_event("reopen", why);
        e.details["from"] = TomlValue(inc.status);
        e.set["status"] = TomlValue(statuses().front().name);
        e.unset = {"resolved_at", "closed_at"};
        return e;
      },
      rec);
}

EventResult void_incident(Repository& repo, const std::string& id, const std::string& reason, const Recorder& rec) {
  const std::string why = require_text(reason, "the reason");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        if (inc.is_void()) return std::nullopt;
        Event e = make_event("void", why);
        e.set["voided_at"] = toml_time(rec.at);
        e.set["void_reason"] = TomlValue(why);
        return e;
      },
      rec);
}

EventResult close_incident(Repository& repo, const std::string& id, ClosePolicy policy, const Recorder& rec) {
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        if (inc.status == "closed") return std::nullopt;
        if (inc.status != "resolved")
          throw Error(Errc::refused, inc.id + " is not resolved yet (" + inc.status + ")",
                      "resolve it first: irctl resolve " + inc.id);
        const std::string postmortem = inc.postmortem.empty() ? postmortem_path(inc.id) : inc.postmortem;
        const bool has_postmortem = repo.committed(postmortem);
        if (!has_postmortem && repo.read(postmortem))
          throw Error(Errc::refused, postmortem + " is not committed", "commit it ('git add " + postmortem +
                                                                          "' and 'git commit'), then close");
        if (!has_postmortem && policy != ClosePolicy::forced)
          throw Error(Errc::refused, inc.id + " has no postmortem (" + postmortem_path(inc.id) + ")",
                      "write the postmortem first, or close without one: irctl close " + inc.id + " --force");
        Event e = make_event("close", has_postmortem ? "closed" : "closed without a postmortem");
        if (!has_postmortem) e.details["forced"] = TomlValue(true);
        e.set["status"] = TomlValue("closed");
        e.set["closed_at"] = toml_time(rec.at);
        return e;
      },
      rec);
}

const AllowedValues& audiences() {
  static const AllowedValues values = {{"internal", "stakeholders"}, {"external", "customers"}};
  return values;
}

EventResult post_update(Repository& repo, const std::string& id, const std::string& text,
                        const std::string& audience, const Recorder& rec, const std::string& public_title) {
  const std::string body = require_text(text, "the update");
  if (!audiences().contains(audience))
    throw Error(Errc::usage, "unknown audience " + quote(audience), "use " + audiences().described());
  if (!public_title.empty() && audience != "external")
    throw Error(Errc::usage, "--title names the incident on the public status page: it goes with --audience external",
                "irctl update " + id + " --audience external --title TITLE TEXT");
  const std::string title = public_title.empty() ? "" : require_line(public_title, "the public title");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_not_closed(inc, "an update");
        Event e = make_event("update", body);
        e.details["audience"] = TomlValue(audience);
        if (!title.empty()) e.details["public_title"] = TomlValue(title);
        return e;
      },
      rec);
}

EventResult set_fields(Repository& repo, const std::string& id, const SetRequest& req, const Recorder& rec) {
  const auto title = req.title ? std::optional(require_line(*req.title, "the title")) : std::nullopt;
  const auto summary = req.summary ? std::optional(require_text(*req.summary, "the summary")) : std::nullopt;
  const auto impact = req.impact ? std::optional(require_text(*req.impact, "the impact")) : std::nullopt;
  const auto resolution =
      req.resolution ? std::optional(require_text(*req.resolution, "the resolution")) : std::nullopt;
  const auto services = req.services ? std::optional(clean_list(*req.services, "a service name")) : std::nullopt;
  const auto channels = req.channels ? std::optional(clean_list(*req.channels, "a channel")) : std::nullopt;
  const auto add_services = clean_list(req.add_services, "a service name");
  const auto add_channels = clean_list(req.add_channels, "a channel");
  if (!title && !summary && !impact && !resolution && !services && !channels && add_services.empty() &&
      add_channels.empty() && !req.started_at && !req.detected_at && !req.impact_ended_at)
    throw Error(Errc::usage, "nothing to set",
                "give at least one of --title, --summary, --impact, --resolution, --service, --channel, "
                "--started-at, --detected-at, --impact-ended");
  if (req.started_at) require_not_future(*req.started_at, rec, "--started-at");
  if (req.detected_at) require_not_future(*req.detected_at, rec, "--detected-at");
  if (req.impact_ended_at) require_not_future(*req.impact_ended_at, rec, "--impact-ended");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_not_closed(inc, "setting fields");
        const auto moment = [](const char* option, const std::optional<Timestamp>& given, const char* field,
                               const std::optional<Timestamp>& current) {
          return given ? Moment{option, given} : Moment{field, current};
        };
        require_in_order({moment("--started-at", req.started_at, "started_at", inc.started_at),
                          moment("--detected-at", req.detected_at, "detected_at", inc.detected_at),
                          {"the declaration time", inc.declared_at},
                          moment("--impact-ended", req.impact_ended_at, "impact_ended_at", inc.impact_ended_at)},
                         "impact begins and is detected before the incident is declared");
        Event e = make_event("set", "");
        std::vector<std::string> changed;
        const auto set_if_changed = [&](const char* field, const std::string& current, const std::optional<std::string>& v) {
          if (v && *v != current) {
            e.set[field] = TomlValue(*v);
            changed.push_back(field);
          }
        };
        set_if_changed("title", inc.title, title);
        set_if_changed("summary", inc.summary, summary);
        set_if_changed("impact", inc.impact, impact);
        set_if_changed("resolution", inc.resolution, resolution);
        const auto set_list = [&](const char* field, const std::vector<std::string>& current,
                                  const std::optional<std::vector<std::string>>& replace,
                                  const std::vector<std::string>& add) {
          std::vector<std::string> next = replace.value_or(current);
          for (const auto& a : add)
            if (std::find(next.begin(), next.end(), a) == next.end()) next.push_back(a);
          if (next != current) {
            e.set[field] = string_array(next);
            changed.push_back(std::string(field) + " = " + (next.empty() ? "(none)" : join(next)));
          }
        };
        set_list("services", inc.services, services, add_services);
        set_list("channels", inc.channels, channels, add_channels);
        const auto set_time = [&](const char* field, const char* words, const std::optional<Timestamp>& current,
                                  const std::optional<Timestamp>& v) {
          if (v && v != current) {
            e.set[field] = toml_time(*v);
            changed.push_back(std::string(words) + " " + human_time(*v));
          }
        };
        set_time("started_at", "impact began", inc.started_at, req.started_at);
        set_time("detected_at", "detected", inc.detected_at, req.detected_at);
        set_time("impact_ended_at", "impact ended", inc.impact_ended_at, req.impact_ended_at);
        if (changed.empty()) return std::nullopt;
        // The subject names what changed; a new title is worth reading in full.
        const bool new_title = e.set.count("title") > 0;
        e.text = new_title && changed.size() == 1 ? "title: " + *title : join(changed, "; ");
        if (new_title && changed.size() > 1) e.text += " (title: " + *title + ")";
        return e;
      },
      rec);
}

namespace {

// Task `number` of `inc`, refused when the incident takes no task changes or
// has no such task.
const Task& task_to_mark(const Incident& inc, int number) {
  require_not_closed(inc, "ticking off a task");
  if (inc.tasks.empty())
    throw Error(Errc::usage, inc.id + " has no tasks",
                "tasks come from the playbook of its kind (.irctl/playbooks/" + inc.kind + ".toml) when it is declared");
  if (number < 1 || number > static_cast<int>(inc.tasks.size()))
    throw Error(Errc::usage, "there is no task " + std::to_string(number) + " on " + inc.id,
                "the tasks are numbered 1 to " + std::to_string(inc.tasks.size()) + ": irctl task " + inc.id);
  return inc.tasks[static_cast<size_t>(number - 1)];
}

}  // namespace

std::vector<EventResult> mark_tasks(Repository& repo, const std::string& id, const std::vector<int>& numbers,
                                    MarkAs mark, const Recorder& rec) {
  const IncidentFile file = load_incident(repo, id);
  for (const int n : numbers) task_to_mark(file.incident(), n);  // a bad number anywhere: nothing recorded
  std::vector<EventResult> results;
  for (const int n : numbers) results.push_back(mark_task(repo, id, n, mark, rec));
  return results;
}

EventResult mark_task(Repository& repo, const std::string& id, int number, MarkAs mark, const Recorder& rec) {
  const bool done = mark == MarkAs::done;
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        const Task& task = task_to_mark(inc, number);
        if (task.done == done) return std::nullopt;
        Event e = make_event("task", (done ? "done " : "not done ") + std::to_string(number) + ": " + task.text);
        e.details["task"] = TomlValue(number);
        e.details["done"] = TomlValue(done);
        return e;
      },
      rec);
}

}  // namespace irctl
