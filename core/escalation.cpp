// Who responds and how urgently: severity changes, roles, acknowledgement,
// and escalation (by hand, and escalate_due for the levels that timed out).

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/lifecycle_internal.hpp"
#include "core/model/validate.hpp"

namespace irctl {
namespace {

// A role's people as the file stores them: one person, or a list.
TomlValue role_value(const Role& role, const std::vector<std::string>& entries) {
  if (!role.multiple && entries.size() == 1) return TomlValue(entries.front());
  return string_array(entries);
}

std::vector<std::string> role_entries(const Incident& inc, const std::string& role) {
  std::vector<std::string> out;
  for (const auto& r : inc.roles)
    if (r.role == role) out.push_back(person_with_workstream(r.person, r.workstream));
  return out;
}

Event escalation_event(const EscalationPolicy& policy, int level, const std::string& reason) {
  const EscalationLevel& l = policy.levels[static_cast<size_t>(level - 1)];
  Event e = make_event("escalate", "level " + std::to_string(level) + " of " + policy.name + ": " + join(l.targets) +
                                       (reason.empty() ? "" : " (" + reason + ")"));
  e.details["level"] = TomlValue(level);
  e.details["targets"] = string_array(l.targets);
  if (!reason.empty()) e.details["reason"] = TomlValue(reason);
  e.set["escalation_policy"] = TomlValue(policy.name);
  e.set["escalation_level"] = TomlValue(level);
  return e;
}

}  // namespace

EventResult change_severity(Repository& repo, const std::string& id, const std::string& level,
                            const std::string& reason, const Recorder& rec) {
  const std::string to = repo.config().resolve_severity(level);
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, "a severity change");
        if (inc.severity == to) return std::nullopt;
        Event e = make_event("severity", inc.severity + " -> " + to + (reason.empty() ? "" : ": " + reason));
        e.details["from"] = TomlValue(inc.severity);
        e.details["to"] = TomlValue(to);
        if (!reason.empty()) e.details["reason"] = TomlValue(require_line(reason, "the reason"));
        e.set["severity"] = TomlValue(to);
        return e;
      },
      rec);
}

EventResult assign_role(Repository& repo, const std::string& id, const AssignRequest& req, const Recorder& rec) {
  const Config& config = repo.config();
  const Role& role = *config.find_role(config.resolve_role(req.role));
  const std::string person = require_line(req.person, "the person");
  if (person.find_first_of("()") != std::string::npos)
    throw Error(Errc::usage, "a person's name cannot contain parentheses", "write the workstream with --workstream");
  std::string workstream;
  if (!req.workstream.empty()) {
    workstream = require_line(req.workstream, "the workstream");
    if (!role.multiple)
      throw Error(Errc::usage, "the role " + role.name + " has one person, not one per workstream",
                  "leave out --workstream");
    if (!std::all_of(workstream.begin(), workstream.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; }))
      throw Error(Errc::usage, "workstream " + quote(workstream) + " must be letters, digits, '-', '_' or '.'");
  }
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_not_closed(inc, "assigning a role");
        std::vector<std::string> entries = role_entries(inc, role.name);
        const std::string entry = person_with_workstream(person, workstream);
        const std::string label = role.name + (workstream.empty() ? "" : " [" + workstream + "]");
        Event e = make_event("assign", "");
        e.details["role"] = TomlValue(role.name);
        e.details["person"] = TomlValue(person);
        if (!workstream.empty()) e.details["workstream"] = TomlValue(workstream);

        if (req.remove) {
          const auto it = std::find(entries.begin(), entries.end(), entry);
          if (it == entries.end())
            throw Error(Errc::usage, entry + " is not " + label + " on " + inc.id,
                        entries.empty() ? "nobody is " + role.name : "the " + role.name + ": " + join(entries));
          entries.erase(it);
          e.text = label + ": " + person + " removed";
          e.details["removed"] = TomlValue(true);
        } else if (!role.multiple) {
          const std::string previous = entries.empty() ? "" : entries.front();
          if (previous == person) return std::nullopt;
          e.text = previous.empty() ? label + ": " + person : label + ": " + previous + " -> " + person;
          if (!previous.empty()) e.details["previous"] = TomlValue(previous);
          entries = {person};
        } else {
          if (std::find(entries.begin(), entries.end(), entry) != entries.end()) return std::nullopt;
          std::string previous;
          if (!workstream.empty()) {  // one person per workstream: the new one takes over
            for (auto it = entries.begin(); it != entries.end(); ++it)
              if (split_workstream(role.name, *it).workstream == workstream) {
                previous = split_workstream(role.name, *it).person;
                entries.erase(it);
                break;
              }
          }
          e.text = previous.empty() ? label + ": " + person : label + ": " + previous + " -> " + person;
          if (!previous.empty()) e.details["previous"] = TomlValue(previous);
          entries.push_back(entry);
        }
        if (entries.empty())
          e.unset.push_back("roles." + role.name);
        else
          e.set["roles." + role.name] = role_value(role, entries);
        // The first commander takes charge: that stops the escalation clock.
        if (role.name == "commander" && !req.remove && !inc.acknowledged_at && is_open_status(inc.status))
          e.set["acknowledged_at"] = toml_time(rec.at);
        return e;
      },
      rec);
}

EventResult acknowledge(Repository& repo, const std::string& id, const Recorder& rec) {
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, "acknowledging");
        if (inc.acknowledged_at) return std::nullopt;  // the first acknowledgement is the one that counts
        Event e = make_event("ack", "acknowledged");
        e.set["acknowledged_at"] = toml_time(rec.at);
        return e;
      },
      rec);
}

EventResult escalate(Repository& repo, const std::string& id, const std::optional<std::string>& to,
                     const std::string& reason_text, const Recorder& rec) {
  const Config& config = repo.config();
  const std::string reason = reason_text.empty() ? "" : require_line(reason_text, "the reason");
  const std::string target = to ? require_line(*to, "the target") : "";
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, "escalating");
        if (to) {
          Event e = make_event("escalate", "to " + target + (reason.empty() ? "" : " (" + reason + ")"));
          e.details["targets"] = string_array({target});
          if (!reason.empty()) e.details["reason"] = TomlValue(reason);
          e.set["escalated_at"] = toml_time(rec.at);
          return e;
        }
        const std::string name =
            inc.escalation_policy.empty() ? policy_for(config, inc.services) : inc.escalation_policy;
        const EscalationPolicy* policy = config.find_policy(name);
        if (!policy)
          throw Error(Errc::refused,
                      inc.id + " has no escalation policy" +
                          (name.empty() ? "" : " (" + quote(name) + " is not in the config)"),
                      "name a target with --to, or add an [[escalation_policy]] to .irctl/config.toml");
        const int next = inc.escalation_level + 1;
        if (next > static_cast<int>(policy->levels.size()))
          throw Error(Errc::refused,
                      inc.id + " is already at the last level (" + std::to_string(inc.escalation_level) + ") of " +
                          policy->name,
                      "name someone else with --to TARGET");
        Event e = escalation_event(*policy, next, reason);
        e.set["escalated_at"] = toml_time(rec.at);
        return e;
      },
      rec);
}

DueResult escalate_due(Repository& repo, const Recorder& rec) {
  const Config& config = repo.config();
  DueResult done;
  ListFilter open;
  open.statuses = {"open"};
  ListResult candidates = list_incidents(repo, open);
  done.problems = std::move(candidates.problems);
  for (const auto& summary : candidates.incidents) {
    const Incident& candidate = summary.incident;
    if (candidate.acknowledged_at) continue;
    const EscalationPolicy* policy = config.find_policy(candidate.escalation_policy);
    if (!policy || candidate.escalation_level < 1) continue;
    // Checked again under the lock: another run may have escalated it since.
    // One incident in the way (edits not committed) must not stop the others.
    EventResult r;
    try {
      r = record_event(
          repo, candidate.id,
          [&](const Incident& inc) -> std::optional<Event> {
            if (!is_open_status(inc.status) || inc.is_void() || inc.acknowledged_at || inc.escalation_level < 1)
              return std::nullopt;
            const auto level = static_cast<size_t>(inc.escalation_level);
            if (level >= policy->levels.size()) return std::nullopt;
            const Timestamp since = inc.escalated_at.value_or(inc.declared_at);
            const Seconds timeout = policy->levels[level - 1].timeout;
            if (rec.at < since + timeout) return std::nullopt;  // judged at --at, when that is given
            Event e = escalation_event(*policy, inc.escalation_level + 1,
                                       "not acknowledged within " + format_duration(timeout));
            e.details["due"] = TomlValue(true);
            e.set["escalated_at"] = toml_time(rec.at);
            return e;
          },
          rec);
    } catch (const Error& e) {
      if (e.code() != Errc::conflict && e.code() != Errc::data) throw;
      done.problems.push_back({summary.path, std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")")});
      continue;
    }
    if (r.recorded) done.escalated.push_back(std::move(r));
  }
  return done;
}
}  // namespace irctl
