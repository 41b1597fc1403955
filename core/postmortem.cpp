// Postmortems: the data a template sees (template_data), the templates a
// repository has, rendering (render_template) and writing and committing the
// document (write_postmortem). A template's tags are checked in
// template_check.cpp; the new rendering is merged into the committed
// document in postmortem_merge.cpp.

#include "core/postmortem.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/embedded.hpp"
#include "core/model/ids.hpp"
#include "core/model/metrics.hpp"
#include "core/model/validate.hpp"
#include "core/postmortem_internal.hpp"
#include "core/store/git.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace {

namespace fs = std::filesystem;
using Data = kainjow::mustache::data;

constexpr const char* kSuffix = ".md.mustache";
constexpr const char* kRepoTemplates = ".irctl/templates/";
constexpr const char* kBuiltinTemplates = "templates/";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string duration_text(const std::optional<Seconds>& d) { return d ? format_duration(*d) : "not recorded"; }

std::string time_text(const std::optional<Timestamp>& t) { return t ? human_time(*t) : "not recorded"; }

std::string short_actor(const std::string& by) {
  const auto open = by.find(" <");
  return open == std::string::npos ? by : by.substr(0, open);
}

Data to_data(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      Data d{Data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case Json::value_t::array: {
      Data list{Data::type::list};
      for (const auto& v : j) list.push_back(to_data(v));
      return list;
    }
    // An empty text is false, as in most Mustache implementations, so that
    // {{#summary}}…{{/summary}} leaves out what was never written.
    case Json::value_t::string:
      return j.get_ref<const std::string&>().empty() ? Data(Data::type::bool_false) : Data(j.get<std::string>());
    case Json::value_t::boolean: return Data(j.get<bool>() ? Data::type::bool_true : Data::type::bool_false);
    case Json::value_t::null: return Data(Data::type::bool_false);
    default: return Data(j.dump());
  }
}

// A link goes into a Markdown link's destination: only one that irctl
// accepts (a hand edit may have stored any text; it is left out then), with
// the parentheses that could end the destination early percent-encoded.
std::string markdown_link(const std::string& link) {
  const auto web = web_link(link);
  if (!web) return "";
  std::string out;
  for (const char c : *web) out += c == '(' ? std::string("%28") : c == ')' ? std::string("%29") : std::string(1, c);
  return out;
}

// Who the template data shows, and in which role: names from the directory
// of people, roles from the incident's assignments.
class Cast {
 public:
  Cast(const Incident& inc, const Config& config, const People& people) : inc_(inc), config_(config), people_(people) {}

  std::string name_of(const std::string& who) const { return people_.name_of(who); }

  /// The titles of the roles `who` (an event's "Name <email>", or a handle)
  /// holds, as "Incident commander, Technical lead"; empty for none.
  std::string roles_of(const std::string& who) const {
    const Person* person = people_.find(who);
    std::vector<std::string> titles;
    for (const auto& r : inc_.roles) {
      const Person* holder = people_.find(r.person);
      const bool same = r.person == who || short_actor(who) == r.person || (person && holder == person);
      if (!same) continue;
      const Role* role = config_.find_role(r.role);
      const std::string title = role && !role->title.empty() ? role->title : r.role;
      if (std::find(titles.begin(), titles.end(), title) == titles.end()) titles.push_back(title);
    }
    return join(titles);
  }

 private:
  const Incident& inc_;
  const Config& config_;
  const People& people_;
};

Json event_view(const Event& e, const Incident& inc, const Cast& cast) {
  Json j = event_to_json(e);
  j["time"] = format_short(e.at);
  j["actor"] = cast.name_of(e.by);
  j["actor_role"] = cast.roles_of(e.by);
  j["key"] = key_event_types().contains(e.type);
  j["pinned"] = inc.is_pinned(e.id);
  j["public"] = inc.is_public(e.id);
  j["hidden"] = inc.is_hidden(e.id);
  // The links a template may render: an action's, and an alert's (a
  // payload's generatorURL, say), none that irctl would refuse.
  if (j.contains("link") && j["link"].is_string()) j["link"] = markdown_link(j["link"]);
  if (j.contains("alert") && j["alert"].is_object() && j["alert"].contains("url") && j["alert"]["url"].is_string())
    j["alert"]["url"] = markdown_link(j["alert"]["url"]);
  return j;
}

Json events_of(const std::vector<Event>& events, const std::string& type, const Incident& inc, const Cast& cast) {
  Json list = Json::array();
  for (const auto& e : events)
    if (e.type == type) list.push_back(event_view(e, inc, cast));
  return list;
}

bool exists_in_repository(const Repository& repo, const std::string& path) {
  if (repo.committed(path)) return true;
  if (repo.layout() == Layout::branch) return false;  // only git's objects are written
  std::error_code ec;
  return fs::exists(fs::symlink_status(repo.root() / path, ec));
}

// Why `path` may not receive `text`, the postmortem of `inc`, when it may
// not. It may be the incident's own postmortem (the default path, or where
// it was written before), a new file, or a file committed with `text`
// already (written by hand): never another file that is there (a README,
// another incident's postmortem), a hidden one (.gitattributes, .gitmodules:
// git's settings), nor the folder of every incident's default path.
std::optional<std::string> foreign_output_reason(const Repository& repo, const Incident& inc, const std::string& path,
                                                 const std::string& text, Audience audience) {
  const bool internal_path = path == postmortem_path(inc.id) || path == inc.postmortem;
  const bool external_path = path == external_postmortem_path(inc.id);
  // Neither version is ever written over the other: the external one must
  // not lose its place to names and internal notes, nor the reverse.
  if (audience == Audience::external && internal_path)
    return quote(path) + " is the internal postmortem of " + inc.id;
  if (audience == Audience::internal && external_path)
    return quote(path) + " is the external postmortem of " + inc.id;
  if (internal_path || external_path) return std::nullopt;
  const fs::path p(path);
  for (const auto& part : p)
    if (const std::string name = part.string(); !name.empty() && name[0] == '.')
      return quote(name) + " is hidden: names that start with '.' hold the settings of git and other tools";
  const std::string folder = fs::path(postmortem_path(inc.id)).parent_path().string();
  if (path == folder) return quote(path) + " is the folder of every incident's postmortem";
  if (p.parent_path() == folder && p.extension() == ".md" && is_incident_id(p.stem().string()))
    return quote(path) + " is the postmortem of " + p.stem().string();
  if (exists_in_repository(repo, path) && repo.read_committed(path) != text)
    return quote(path) + " exists, and is not the postmortem of " + inc.id;
  return std::nullopt;
}

void require_own_or_new_output(const Repository& repo, const Incident& inc, const std::string& path,
                               const std::string& text, Audience audience) {
  const auto why = foreign_output_reason(repo, inc, path, text, audience);
  if (!why) return;
  const std::string own = audience == Audience::external ? external_postmortem_path(inc.id)
                          : inc.postmortem.empty()       ? postmortem_path(inc.id)
                                                         : inc.postmortem;
  throw Error(Errc::usage, "cannot write the postmortem to " + quote(path) + ": " + *why,
              "give a file that does not exist yet, such as docs/" + inc.id +
                  ".md, or the incident's own postmortem (" + own + "), or - for standard output");
}

// The keys of the template data that name a person, and what is left of
// them for readers outside.
bool names_a_person(const std::string& key) {
  static const char* const keys[] = {"by",   "added_by", "done_by", "collected_by", "person", "previous",
                                     "name", "handle",   "email",   "team",         "owner"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
}

// Every person in `data`, at any depth, is replaced by the role they held:
// an event's actor by its actor_role (else "Responder"), and any other
// mention by nothing (an owner by "assigned", a list of targets by none).
// What events set (roles.commander = "yp") is dropped, and an escalation's
// text, which lists whom it paged, says only its level.
void scrub_people(Json& data) {
  if (data.is_array()) {
    for (auto& item : data) scrub_people(item);
    return;
  }
  if (!data.is_object()) return;
  for (auto& [key, value] : data.items()) {
    if (key == "actor") {
      const Json role = data.value("actor_role", Json(""));
      value = role.is_string() && !role.get<std::string>().empty() ? role : Json("Responder");
    } else if (key == "owner" && value.is_string()) {
      value = value.get<std::string>().empty() ? "" : "assigned";
    } else if (names_a_person(key) && value.is_string()) {
      value = "";
    } else if (key == "targets") {
      value = Json::array();
    } else if (key == "set") {
      value = Json::object();
    } else if (key == "unset") {
      value = Json::array();
    } else {
      scrub_people(value);
    }
  }
  if (data.value("type", Json("")) == "escalate" && data.contains("text")) {
    data["text"] = data.contains("level") ? "escalated to level " + data["level"].dump() : "escalated";
    if (data.contains("reason")) data["reason"] = "";
  }
}

// An event that readers outside may see: one pinned as public, or a key
// event that was not meant for insiders (an internal update is).
bool publishable(const Json& event) {
  if (event.value("public", false)) return true;
  if (event.value("hidden", false) || !event.value("key", false)) return false;
  return event.value("type", "") != "update" || event.value("audience", "") == "external";
}

Json publishable_only(const Json& events) {
  Json out = Json::array();
  for (const auto& e : events)
    if (publishable(e)) out.push_back(e);
  return out;
}

// A way a person is written (a name, an email, a handle) and what the
// external version writes instead: the role they held, else "a responder".
struct Mention {
  std::string text;
  std::string role;
};

void add_mention(std::vector<Mention>& out, const std::string& text, const std::string& role) {
  const size_t open = text.find(" <");
  if (open != std::string::npos && text.back() == '>') {  // "Name <email>": each part
    add_mention(out, text.substr(0, open), role);
    add_mention(out, text.substr(open + 2, text.size() - open - 3), role);
    return;
  }
  if (text.empty()) return;
  const auto known = std::find_if(out.begin(), out.end(), [&](const Mention& m) { return m.text == text; });
  if (known == out.end()) out.push_back({text, role});
}

void add_person(std::vector<Mention>& out, const People& people, const std::string& who, const std::string& role) {
  add_mention(out, who, role);
  if (const Person* p = people.find(who))
    for (const std::string* text : {&p->handle, &p->name, &p->email}) add_mention(out, *text, role);
}

// Everyone the data or the directory names, those who held a role first,
// the longest text first so that a full name goes before a handle it holds.
std::vector<Mention> people_mentioned(const Json& data, const People& people) {
  std::vector<Mention> out;
  for (const auto& r : data["roles_list"])
    add_person(out, people, r.value("person", ""), r.value("title", "a responder"));
  for (const auto& e : data["timeline_all"]) {
    const std::string role = e.value("actor_role", "");
    add_person(out, people, e.value("by", ""), role.empty() ? "a responder" : role);
    if (e.contains("targets") && e["targets"].is_array())
      for (const auto& target : e["targets"])
        if (target.is_string()) add_person(out, people, target.get<std::string>(), "a responder");
  }
  for (const auto& a : data["actions"]) add_person(out, people, a.value("owner", ""), "a responder");
  for (const auto& p : people.all()) add_person(out, people, p.handle, "a responder");
  std::stable_sort(out.begin(), out.end(), [](const Mention& x, const Mention& y) { return x.text.size() > y.text.size(); });
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@'; }

// `text` with every whole-word mention (in any case) of a person replaced.
std::string without_mentions(std::string text, const std::vector<Mention>& mentions) {
  for (const auto& m : mentions) {
    std::string lower = text;
    std::string needle = m.text;
    for (auto* s : {&lower, &needle})
      std::transform(s->begin(), s->end(), s->begin(), [](unsigned char c) { return std::tolower(c); });
    for (size_t pos = lower.find(needle); pos != std::string::npos; pos = lower.find(needle, pos)) {
      const size_t end = pos + needle.size();
      const bool whole = (pos == 0 || !is_word_char(lower[pos - 1])) &&
                         (end == lower.size() || !is_word_char(lower[end]) ||
                          (lower[end] == '.' && (end + 1 == lower.size() || !is_word_char(lower[end + 1]))));
      if (!whole) {
        pos = end;
        continue;
      }
      text.replace(pos, needle.size(), m.role);
      lower.replace(pos, needle.size(), m.role);
      pos += m.role.size();
    }
  }
  return text;
}

void redact_mentions(Json& data, const std::vector<Mention>& mentions) {
  if (data.is_string())
    data = without_mentions(data.get<std::string>(), mentions);
  else if (data.is_structured())
    for (auto& item : data) redact_mentions(item, mentions);
}

}  // namespace

bool safe_output_path(const std::string& path) {
  if (path.empty() || path[0] == '/' || has_control(path)) return false;
  const fs::path p = fs::path(path).lexically_normal();
  if (p.empty() || *p.begin() == ".." || p.string() != path) return false;
  const std::string top = p.begin()->string();
  return top != ".git" && top != ".irctl" && top != "incidents" && top != "evidence";
}

bool in_postmortem_timeline(const Event& e, const Incident& inc) {
  if (inc.is_hidden(e.id)) return false;
  return inc.is_pinned(e.id) || key_event_types().contains(e.type);
}

Json external_view(Json data, const People& people) {
  // Who is named where is read before anything is left out: a person
  // mentioned in a text (a reason, a pinned assignment) is found by every
  // way the data and the directory write them.
  const std::vector<Mention> mentions = people_mentioned(data, people);
  data["timeline"] = publishable_only(data["timeline"]);
  data["timeline_all"] = data["timeline"];
  data["updates"] = publishable_only(data["updates"]);
  data["evidence"] = Json::array();
  data["channels"] = Json::array();
  // The roles a template may name: each by its title alone.
  Json roles = Json::object();
  for (const auto& r : data["roles_list"]) roles[r["role"].get<std::string>()] = r["title"];
  data["roles"] = roles;
  scrub_people(data);
  redact_mentions(data, mentions);
  data["audience"] = "external";
  data["external"] = true;
  return data;
}

std::vector<TemplateInfo> list_templates(const Repository& repo) {
  std::vector<TemplateInfo> out;
  for (const auto& f : embedded::files())
    if (f.name.rfind(kBuiltinTemplates, 0) == 0 && ends_with(f.name, kSuffix)) {
      const std::string name = f.name.substr(std::string(kBuiltinTemplates).size());
      out.push_back({name.substr(0, name.size() - std::string(kSuffix).size()), "built-in"});
    }
  const std::string dir = kRepoTemplates;
  for (const auto& path : repo.list_files(dir.substr(0, dir.size() - 1))) {
    const std::string file = path.substr(dir.size());
    if (file.find('/') != std::string::npos || !ends_with(file, kSuffix)) continue;
    const std::string name = file.substr(0, file.size() - std::string(kSuffix).size());
    const auto it = std::find_if(out.begin(), out.end(), [&](const TemplateInfo& t) { return t.name == name; });
    const std::string source = std::string(kRepoTemplates) + file;
    if (it != out.end())
      it->source = source + " (overrides the built-in one)";
    else
      out.push_back({name, source});
  }
  std::sort(out.begin(), out.end(), [](const TemplateInfo& a, const TemplateInfo& b) { return a.name < b.name; });
  return out;
}

TemplateFormat template_format_of(const std::string& file_name) {
  if (ends_with(file_name, ".html.mustache") || ends_with(file_name, ".htm.mustache")) return TemplateFormat::html;
  if (ends_with(file_name, ".txt.mustache")) return TemplateFormat::text;
  return TemplateFormat::markdown;
}

bool is_template_file(const std::string& name_or_file) {
  return name_or_file.find('/') != std::string::npos || ends_with(name_or_file, ".mustache");
}

std::optional<Template> recorded_template(const Repository& repo, const std::string& revision,
                                          const std::string& recorded_name) {
  const std::string builtin = " (built-in)";
  if (ends_with(recorded_name, builtin)) {
    const std::string file = recorded_name.substr(0, recorded_name.size() - builtin.size());
    if (auto text = embedded::find(std::string(kBuiltinTemplates) + file)) return Template{recorded_name, *text};
    return std::nullopt;
  }
  if (recorded_name.rfind(kRepoTemplates, 0) == 0) {
    if (auto text = repo.read_at(revision, recorded_name)) return Template{recorded_name, *text};
    return std::nullopt;
  }
  std::error_code ec;
  if (!fs::is_regular_file(recorded_name, ec)) return std::nullopt;
  return Template{recorded_name, read_file(recorded_name)};
}

Template load_template(const Repository& repo, const std::string& name_or_file) {
  if (is_template_file(name_or_file)) {
    std::error_code ec;
    if (!fs::is_regular_file(name_or_file, ec))
      throw Error(Errc::not_found, "no template file " + quote(name_or_file), "give a template's name or a file's path");
    return {name_or_file, read_file(name_or_file), template_format_of(name_or_file)};
  }
  const std::string repo_path = std::string(kRepoTemplates) + name_or_file + kSuffix;
  if (auto text = repo.read(repo_path)) return {repo_path, *text};
  if (auto text = embedded::find(std::string(kBuiltinTemplates) + name_or_file + kSuffix))
    return {name_or_file + kSuffix + " (built-in)", *text};
  std::string names;
  for (const auto& t : list_templates(repo)) names += (names.empty() ? "" : ", ") + t.name;
  throw Error(Errc::not_found, "no template named " + quote(name_or_file), "templates: " + names);
}

std::string default_template_for(const Incident& inc, const Config& config) {
  const Kind* kind = config.find_kind(inc.kind);
  return kind && kind->security ? "postmortem-security" : "postmortem";
}

Json template_data(const IncidentFile& file, const Config& config, const People& people) {
  const Incident& inc = file.incident();
  const Cast cast(inc, config, people);
  Json d = incident_to_json(file, config);
  // Every documented field is there, set or not, so that a template can test
  // it and a misspelt name is still an error.
  for (const char* text : {"summary", "impact", "root_cause", "resolution", "postmortem", "escalation_policy"})
    if (!d.contains(text)) d[text] = "";
  for (const char* time : {"started_at", "detected_at", "acknowledged_at", "contained_at", "eradicated_at",
                           "recovered_at", "impact_ended_at", "resolved_at", "closed_at", "escalated_at"})
    if (!d.contains(time)) d[time] = nullptr;
  if (!d.contains("escalation_level")) d["escalation_level"] = 0;
  const Severity* sev = config.find_severity(inc.severity);
  const Kind* kind = config.find_kind(inc.kind);
  d["severity_title"] = sev ? sev->title : "";
  d["kind_title"] = kind ? kind->title : "";
  d["is_security"] = kind && kind->security;
  std::string services;
  for (const auto& s : inc.services) services += (services.empty() ? "" : ", ") + s;
  d["services_text"] = services;

  Json text = Json::object(), seconds = Json::object();
  for (const auto& [name, key, value] : named_durations(durations_of(inc))) {
    text[key] = duration_text(value);
    seconds[key] = value ? Json(value->count()) : Json(nullptr);
  }
  d["durations"] = text;
  d["durations_seconds"] = seconds;
  d["times"] = {{"started", time_text(inc.started_at)},       {"detected", time_text(inc.detected_at)},
                {"declared", time_text(inc.declared_at)},     {"acknowledged", time_text(inc.acknowledged_at)},
                {"contained", time_text(inc.contained_at)},   {"eradicated", time_text(inc.eradicated_at)},
                {"recovered", time_text(inc.recovered_at)},   {"resolved", time_text(inc.resolved_at)},
                {"impact_ended", time_text(impact_end_of(inc))},
                {"closed", time_text(inc.closed_at)}};

  // The postmortem's own writing is not part of the incident's story (and
  // leaving it out lets a second rendering find nothing to change).
  std::vector<Event> events;
  for (const auto& e : in_time_order(inc.timeline))
    if (e.type != "postmortem") events.push_back(e);
  // The story: key events and pinned ones, never hidden ones; every event
  // (flagged key, pinned, public, hidden) for a template that wants them all.
  Json timeline = Json::array(), timeline_all = Json::array();
  for (const auto& e : events) {
    Json view = event_view(e, inc, cast);
    if (in_postmortem_timeline(e, inc)) timeline.push_back(view);
    timeline_all.push_back(std::move(view));
  }
  d["timeline"] = timeline;
  d["timeline_all"] = timeline_all;

  Json roles = Json::array();
  for (const auto& r : inc.roles) {
    const Role* role = config.find_role(r.role);
    const Person* person = people.find(r.person);
    roles.push_back({{"role", r.role}, {"title", role ? role->title : r.role}, {"person", cast.name_of(r.person)},
                     {"workstream", r.workstream}, {"handle", r.person},
                     {"email", person ? person->email : ""}, {"team", person ? person->team : ""}});
  }
  d["roles_list"] = roles;

  Json severity_history = Json::array();
  for (const auto& e : events) {
    if (e.type == "declare") {
      const auto it = e.set.find("severity");
      if (it != e.set.end())
        severity_history.push_back({{"time", format_short(e.at)}, {"actor", cast.name_of(e.by)},
                                    {"actor_role", cast.roles_of(e.by)},
                                    {"text", "declared as " + it->second.as_string().str}});
    } else if (e.type == "severity") {
      severity_history.push_back({{"time", format_short(e.at)}, {"actor", cast.name_of(e.by)},
                                  {"actor_role", cast.roles_of(e.by)}, {"text", e.text}});
    }
  }
  d["severity_history"] = severity_history;
  d["escalations"] = events_of(events, "escalate", inc, cast);
  d["containment"] = events_of(events, "contain", inc, cast);
  d["eradication"] = events_of(events, "eradicate", inc, cast);
  d["recovery"] = events_of(events, "recover", inc, cast);
  d["updates"] = events_of(events, "update", inc, cast);

  Json evidence = Json::array();
  for (const auto& e : events) {
    const auto it = e.details.find("evidence");
    if (it == e.details.end()) continue;
    for (const auto& item : toml_to_json(it->second)) {
      Json ev = item;
      ev["action"] = e.text;
      if (!ev.contains("stored")) ev["stored"] = "";
      evidence.push_back(ev);
    }
  }
  d["evidence"] = evidence;

  Json tasks = Json::array();
  for (size_t i = 0; i < inc.tasks.size(); ++i)
    tasks.push_back({{"number", std::to_string(i + 1)}, {"text", inc.tasks[i].text}, {"done", inc.tasks[i].done}});
  d["tasks_list"] = tasks;

  for (auto& a : d["actions"]) {
    a["done_date"] = a["done_at"].is_string() ? a["done_at"].get<std::string>().substr(0, 10) : "";
    a["link"] = markdown_link(a["link"].is_string() ? a["link"].get<std::string>() : "");
    // An owner reads as the actors do: the directory's name, else the name
    // without its "<email>".
    if (a["owner"].is_string()) a["owner"] = people.name_of(a["owner"].get<std::string>());
  }
  d["has_actions"] = !inc.actions.empty();
  // The fields irctl update --render sets, here as for an internal update
  // without a message, so that the update template renders for a postmortem
  // too (irctl postmortem ID --template update --output -).
  const std::pair<const char*, Json> update_fields[] = {{"message", ""}, {"audience", "internal"}, {"external", false}};
  for (const auto& [name, value] : update_fields)
    if (!d.contains(name)) d[name] = value;
  return d;
}

namespace {

// kainjow-mustache looks a partial up in the data, where it would find
// nothing (an empty spot) or a text of the incident to run as a template.
// The checks refuse partials first; this makes sure no reading of a template
// they did not foresee lets one through.
class NoPartials : public kainjow::mustache::context<std::string> {
 public:
  NoPartials(const Data* data, std::string template_name)
      : kainjow::mustache::context<std::string>(data), template_name_(std::move(template_name)) {}
  const Data* get_partial(const std::string& name) const override {
    throw Error(Errc::data, template_name_ + ": partials ({{>" + name + "}}) are not supported",
                "put the text in the template");
  }

 private:
  std::string template_name_;
};

// Two or more blank lines in a row become one. A skipped section between
// blank lines leaves one blank line too many; Markdown gives two blank lines
// no meaning, so none is lost.
std::string squeeze_blank_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t newlines = 0;
  for (const char c : text) {
    newlines = c == '\n' ? newlines + 1 : 0;
    if (newlines <= 2) out += c;
  }
  return out;
}

}  // namespace

namespace {

// The template read by kainjow-mustache, its values escaped for its format.
// Called after check_tags: kainjow's reading recurses (and copies) once per
// level of nested sections, which the checks bound.
kainjow::mustache::mustache parse_template(const Template& tmpl) {
  require_no_value_marks(tmpl);
  kainjow::mustache::mustache m(tmpl.text);
  if (!m.is_valid()) {
    std::string message = m.error_message();
    // kainjow says "... at N" with a byte offset; people want a line.
    static const std::regex at(R"( at (\d+)$)");
    std::smatch match;
    std::string place = tmpl.name;
    if (std::regex_search(message, match, at)) {
      place += ":" + where(tmpl.text, std::stoul(match[1]));
      message = match.prefix();
    }
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    throw Error(Errc::data, place + ": " + message, "fix the template; irctl-templates(5) describes its data");
  }
  m.set_custom_escape(value_escape(tmpl.format));  // template_escape.cpp says how
  return m;
}

// Renders the parsed template `m` over `data`, of which only the keys in
// `names` (what check_tags found the tags name) can be looked up.
std::string render_parsed(kainjow::mustache::mustache& m, const Template& tmpl, const Json& data,
                          const std::set<std::string>& names) {
  // Only what the template can look up is prepared for it: the site's pages
  // use a few of the many lists a postmortem's data has.
  Json values = Json::object();
  for (const auto& [key, value] : data.items())
    if (names.count(key)) values[key] = value;
  defuse_markers_in(values);
  const Data root = to_data(values);
  NoPartials context(&root, tmpl.name);
  std::string out = m.render(context);
  if (!m.is_valid()) throw Error(Errc::data, tmpl.name + ": " + m.error_message());
  out = place_values(out, tmpl.format);
  out.erase(0, out.find_first_not_of('\n'));  // what a leading comment leaves
  out = squeeze_blank_lines(out);
  return out;
}

}  // namespace

std::string render_template(const Template& tmpl, const Json& data) {
  const std::set<std::string> names = check_tags(tmpl, data);
  kainjow::mustache::mustache m = parse_template(tmpl);
  return render_parsed(m, tmpl, data, names);
}

struct CompiledTemplate::Parsed {
  kainjow::mustache::mustache mustache;
};

CompiledTemplate::CompiledTemplate(Template tmpl) : tmpl_(std::move(tmpl)) {}
CompiledTemplate::~CompiledTemplate() = default;

std::string CompiledTemplate::render(const Json& data) const {
  const std::set<std::string> names = check_tags(tmpl_, data);
  const Parsed* parsed = nullptr;
  {
    const std::lock_guard<std::mutex> hold(parsing_);
    if (!parsed_) parsed_ = std::make_unique<const Parsed>(Parsed{parse_template(tmpl_)});
    parsed = parsed_.get();
  }
  // A copy per rendering: kainjow keeps a rendering's error in the object.
  kainjow::mustache::mustache m = parsed->mustache;
  return render_parsed(m, tmpl_, data, names);
}

std::string render_postmortem(const Template& tmpl, const IncidentFile& file, const Config& config,
                              const People& people, Audience audience) {
  Json data = template_data(file, config, people);
  if (audience == Audience::external) data = external_view(std::move(data), people);
  return without_prose_markers(render_template(tmpl, data));
}

const AllowedValues& postmortem_formats() {
  static const AllowedValues formats = {
      {"markdown", "the Markdown document, committed (default)"},
      {"html", "a standalone HTML page of the document, printed on standard output; nothing is written"}};
  return formats;
}

PostmortemResult write_postmortem(Repository& repo, const std::string& id, const PostmortemRequest& req,
                                  PostmortemMode mode, const Recorder& rec) {
  const bool commit = mode == PostmortemMode::commit;
  const Config& config = repo.config();
  const IncidentFile file = load_incident(repo, id);
  const Incident& inc = file.incident();
  const bool external = req.audience == Audience::external;
  // Without --output, the document the incident already has (written with
  // --output FILE before) is the one rendered again: never a fresh one beside it.
  const std::string path = !req.output.empty() ? req.output
                           : external           ? external_postmortem_path(id)
                           : inc.postmortem.empty() ? postmortem_path(id)
                                                    : inc.postmortem;
  if (commit && !safe_output_path(path))
    throw Error(Errc::usage, "the output " + quote(path) + " is not a path inside the repository that irctl may write",
                "give a relative path such as postmortems/" + id + ".md, or - for standard output");
  if (commit)
    if (const auto why = repo.unwritable_reason(path))
      throw Error(Errc::usage, "cannot write the postmortem to " + quote(path) + ": " + *why,
                  req.output.empty() ? "replace it with a real folder or file, or write elsewhere with --output FILE"
                                     : "give a file's path inside the repository without symbolic links, such as "
                                       "postmortems/" + id + ".md, or - for standard output");
  const Template tmpl = load_template(repo, req.template_name.empty() ? default_template_for(inc, config)
                                                                      : req.template_name);
  const std::string rendering = render_postmortem(tmpl, file, config, repo.people(), req.audience);
  // What is committed is merged into (and decides whether anything changed);
  // a preview merges into the work tree's file, uncommitted edits included,
  // but reads nothing through a symbolic link.
  std::optional<std::string> previous;
  if (commit)
    previous = repo.read_committed(path);
  else if (!repo.unwritable_reason(path))
    previous = repo.read(path);
  PostmortemMerge merged = merge_postmortem(repo, inc, path, previous, rendering, tmpl, req.favor);
  const std::string& text = merged.text;
  PostmortemResult result{text, EventResult{id, Event{}, "", path, false, std::nullopt}, merged.conflicts, path};
  if (!commit) return result;
  require_own_or_new_output(repo, inc, path, text, req.audience);
  if (!merged.conflicts.empty() && req.favor == MergeFavor::none) {
    repo.require_clean(path);  // an edit not committed yet is the first thing to tell
    throw postmortem_conflicts_error(id, path, merged.conflicts);
  }
  result.event = record_event_with_files(
      repo, id,
      [&](const Incident& current) -> std::optional<Event> {
        require_own_or_new_output(repo, current, path, text, req.audience);  // again, as it is now: under the lock
        // Edits that are not committed are refused even when the rendering
        // matches HEAD: they are neither overwritten nor passed over as "up to date".
        repo.require_clean(path);
        // The incident's postmortem is its internal one; the external one
        // is recorded by its event alone.
        if (previous && *previous == text && (external || current.postmortem == path)) return std::nullopt;
        Event e;
        e.type = "postmortem";
        e.text = std::string(previous ? "postmortem updated: " : "postmortem written: ") + path;
        e.details["path"] = TomlValue(path);
        e.details["template"] = TomlValue(tmpl.name);
        e.details["rendered"] = TomlValue(git::oid_hex(git::blob_hash(rendering)));
        if (external) e.details["audience"] = TomlValue("external");
        if (!external && current.postmortem != path) e.set["postmortem"] = TomlValue(path);
        return e;
      },
      {{path, text}}, rec);
  return result;
}

}  // namespace irctl
