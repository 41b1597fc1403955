#include "core/lifecycle.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/actions.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/util/file.hpp"
#include "core/validate.hpp"

namespace irctl {
namespace {

// Evidence kept in git is for logs and small artefacts; disk images belong
// elsewhere and are recorded by hash alone.
constexpr uint64_t kMaxStoredEvidence = 100ull * 1024 * 1024;

std::string reopen_hint(const Incident& inc) {
  return "if it is not over, reopen it first: irctl reopen " + inc.id + " --reason TEXT";
}

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

// Moves the status forward to `status` when it is behind; never back.
void advance_status(const Incident& inc, const std::string& status, Event& e) {
  if (status_rank(status) > status_rank(inc.status)) e.set["status"] = TomlValue(status);
}

const char* phase_type(const std::string& phase) {
  if (phase == "containment") return "contain";
  if (phase == "eradication") return "eradicate";
  if (phase == "recovery") return "recover";
  throw Error(Errc::usage, "unknown phase " + quote(phase), "containment, eradication or recovery");
}

const char* phase_time_field(const std::string& phase) {
  if (phase == "containment") return "contained_at";
  if (phase == "eradication") return "eradicated_at";
  return "recovered_at";
}


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
  return {{"missing", missing}, {"actions", actions}};
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
  const TomlValue doc = parse_toml(*text, path);
  const FieldReader r(doc, path, "fix " + path + " (see irctl-config(5)), then commit it");
  std::vector<std::string> steps;
  for (const auto& step : r.tables("step")) steps.push_back(step.string("text"));
  return steps;
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
  if (req.started_at && req.detected_at && *req.started_at > *req.detected_at)
    throw Error(Errc::usage, "--started-at is after --detected-at", "impact starts before anyone can detect it");
  if (req.detected_at && *req.detected_at > rec.at)
    throw Error(Errc::usage, "--detected-at is after the declaration time " + format_rfc3339(rec.at),
                "use --at to record the declaration at its real time");
  if (req.started_at && *req.started_at > rec.at)
    throw Error(Errc::usage, "--started-at is after the declaration time " + format_rfc3339(rec.at),
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
        Event e = make_event("ack", inc.acknowledged_at ? "acknowledged (already acknowledged at " +
                                                              format_rfc3339(*inc.acknowledged_at) + ")"
                                                        : "acknowledged");
        if (!inc.acknowledged_at) e.set["acknowledged_at"] = toml_time(rec.at);
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
        const std::string name = inc.escalation_policy.empty() ? policy_for(config, inc.services) : inc.escalation_policy;
        const EscalationPolicy* policy = config.find_policy(name);
        if (!policy)
          throw Error(Errc::refused, inc.id + " has no escalation policy" + (name.empty() ? "" : " (" + quote(name) + " is not in the config)"),
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

namespace {

// Reads evidence with `read`, refusing a file that cannot be read in the
// evidence's own words: the caller named it (exit 2), and nothing is recorded.
template <class Read>
auto read_evidence(const std::string& file, const Read& read) {
  try {
    return read();
  } catch (const ReadFailure& e) {
    if (e.not_regular())
      throw Error(Errc::usage, "the evidence " + quote(file) + " is not a file",
                  "give files one by one (an archive of a directory is a file)");
    throw Error(Errc::usage, "cannot read the evidence file " + quote(file) + ": " + e.reason(),
                "run irctl as a user who may read it; nothing was recorded");
  }
}

}  // namespace

Evidence hash_evidence(const std::string& file) {
  const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> digesting(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_MD_CTX* ctx = digesting.get();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  Evidence ev;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(file, ec);
  ev.source = ec ? file : absolute.lexically_normal().string();
  struct stat st {};
  read_evidence(file, [&] {
    read_file_in_pieces(
        file,
        [&](std::string_view piece) {
          EVP_DigestUpdate(ctx, piece.data(), piece.size());
          ev.size += piece.size();
        },
        &st);
  });
  ev.perms = st.st_mode & 07777;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < length; ++i) {
    ev.sha256 += hex[digest[i] >> 4];
    ev.sha256 += hex[digest[i] & 15];
  }
  return ev;
}

std::vector<Evidence> recorded_evidence(const Event& e) {
  std::vector<Evidence> out;
  const auto it = e.details.find("evidence");
  if (it == e.details.end()) return out;
  for (const auto& item : it->second.as_array()) {
    const TomlTable& t = item.as_table();
    Evidence ev;
    ev.sha256 = t.at("sha256").as_string().str;
    ev.size = static_cast<uint64_t>(t.at("size").as_integer());
    ev.source = t.at("source").as_string().str;
    if (const auto stored = t.find("stored"); stored != t.end()) ev.stored = stored->second.as_string().str;
    out.push_back(std::move(ev));
  }
  return out;
}

EventResult record_phase_action(Repository& repo, const std::string& id, const PhaseAction& req, const Recorder& rec) {
  const char* type = phase_type(req.phase);
  const std::string action = require_text(req.action, "the action");
  if (req.hash_only && req.evidence_files.empty())
    throw Error(Errc::usage, "--hash-only without --evidence", "give the evidence with --evidence FILE");
  std::vector<Evidence> evidence;
  std::vector<FileWrite> files;
  std::vector<std::string> seen;
  for (const auto& f : req.evidence_files) {
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    Evidence ev = hash_evidence(f);
    if (!req.hash_only) {
      if (ev.size > kMaxStoredEvidence)
        throw Error(Errc::usage, "the evidence file " + quote(f) + " is larger than 100 MiB",
                    "keep it elsewhere and record its hash with --hash-only");
      std::string content = read_evidence(f, [&] { return read_file(f); });
      if (hash_evidence(f).sha256 != ev.sha256)
        throw Error(Errc::conflict, "the evidence file " + quote(f) + " changed while it was read", "try again");
      ev.stored = "evidence/" + ev.sha256.substr(0, 2) + "/" + ev.sha256;
      // Never executable, never more readable than the source.
      if (!repo.committed(ev.stored)) files.push_back({.path = ev.stored, .content = std::move(content), .work_tree_perms = ev.perms & 0666});
    }
    evidence.push_back(std::move(ev));
  }
  return record_event_with_files(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, std::string("recording ") + req.phase);
        Event e = make_event(type, action);
        if (!evidence.empty()) {
          TomlArray items;
          for (const auto& ev : evidence) {
            TomlTable t{{"sha256", TomlValue(ev.sha256)},
                        {"size", TomlValue(static_cast<int64_t>(ev.size))},
                        {"source", TomlValue(ev.source)},
                        {"collected_by", TomlValue(rec.actor.display())},
                        {"collected_at", toml_time(rec.at)}};
            if (!ev.stored.empty()) t["stored"] = TomlValue(ev.stored);
            items.emplace_back(std::move(t));
          }
          e.details["evidence"] = TomlValue(std::move(items));
        }
        advance_status(inc, req.phase, e);
        const char* time_field = phase_time_field(req.phase);
        const bool first = (req.phase == "containment" && !inc.contained_at) ||
                           (req.phase == "eradication" && !inc.eradicated_at) ||
                           (req.phase == "recovery" && !inc.recovered_at);
        if (first) e.set[time_field] = toml_time(rec.at);
        return e;
      },
      files, rec);
}

EventResult resolve_incident(Repository& repo, const std::string& id, const std::optional<std::string>& summary,
                             const std::optional<std::string>& root_cause, const Recorder& rec) {
  const std::optional<std::string> s = summary ? std::optional(require_text(*summary, "the summary")) : std::nullopt;
  const std::optional<std::string> rc =
      root_cause ? std::optional(require_text(*root_cause, "the root cause")) : std::nullopt;
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, "resolving");
        Event e = make_event("resolve", s ? one_line(*s, 200) : "resolved");
        e.set["status"] = TomlValue("resolved");
        e.set["resolved_at"] = toml_time(rec.at);
        if (s) e.set["summary"] = TomlValue(*s);
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
                        const std::string& audience, const Recorder& rec) {
  const std::string body = require_text(text, "the update");
  if (!audiences().contains(audience))
    throw Error(Errc::usage, "unknown audience " + quote(audience), "use " + audiences().described());
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_not_closed(inc, "an update");
        Event e = make_event("update", body);
        e.details["audience"] = TomlValue(audience);
        return e;
      },
      rec);
}

EventResult set_fields(Repository& repo, const std::string& id, const SetRequest& req, const Recorder& rec) {
  const auto title = req.title ? std::optional(require_line(*req.title, "the title")) : std::nullopt;
  const auto summary = req.summary ? std::optional(require_text(*req.summary, "the summary")) : std::nullopt;
  const auto impact = req.impact ? std::optional(require_text(*req.impact, "the impact")) : std::nullopt;
  const auto services = req.services ? std::optional(clean_list(*req.services, "a service name")) : std::nullopt;
  const auto channels = req.channels ? std::optional(clean_list(*req.channels, "a channel")) : std::nullopt;
  const auto add_services = clean_list(req.add_services, "a service name");
  const auto add_channels = clean_list(req.add_channels, "a channel");
  if (!title && !summary && !impact && !services && !channels && add_services.empty() && add_channels.empty())
    throw Error(Errc::usage, "nothing to set", "give at least one of --title, --summary, --impact, --service, --channel");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_not_closed(inc, "setting fields");
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
