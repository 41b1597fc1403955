#include "core/model/incident.hpp"

#include <cctype>
#include <algorithm>
#include <unordered_set>

#include "core/error.hpp"
#include "core/model/event_binary.hpp"
#include "core/model/ids.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

// Where a top-level key goes when irctl adds it, so that every file has the
// same layout; keys people add by hand stay where they put them.
const std::vector<std::string>& schema_order() {
  static const std::vector<std::string> order = {
      "schema",          "id",           "title",         "status",          "severity",
      "kind",            "services",     "summary",       "impact",          "root_cause",      "resolution",      "postmortem",
      "started_at",      "detected_at",  "declared_at",   "acknowledged_at", "contained_at",
      "eradicated_at",   "recovered_at", "impact_ended_at", "resolved_at",   "closed_at",       "voided_at",       "void_reason",     "escalation_policy",
      "escalation_level", "escalated_at", "channels",     "alerts",          "alert_status",
      "roles",            "tasks",
      "timeline"};
  return order;
}

size_t schema_rank(const std::string& key) {
  const auto& order = schema_order();
  const auto it = std::find(order.begin(), order.end(), key);
  return it == order.end() ? order.size() : static_cast<size_t>(it - order.begin());
}

void insert_in_schema_order(TomlTable& table, const std::string& key, const TomlValue& value) {
  // The table is rebuilt rather than changed with insert_at_position, which in
  // tsl::ordered_map 1.0.0 (Debian 12) can lose track of the keys after the
  // insertion point (Tessil/ordered-map#38, fixed in 1.1.0): they are still
  // listed but no longer found.
  const size_t rank = schema_rank(key);
  TomlTable rebuilt;
  rebuilt.reserve(table.size() + 1);
  bool inserted = false;
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (!inserted && schema_rank(it->first) > rank) {
      rebuilt.emplace(key, value);
      inserted = true;
    }
    rebuilt.emplace(it->first, std::move(it.value()));
  }
  if (!inserted) rebuilt.emplace(key, value);
  table = std::move(rebuilt);
}

}  // namespace

void put_in_schema_order(TomlTable& root, const std::string& key, const TomlValue& value) {
  auto it = root.find(key);
  if (it == root.end()) return insert_in_schema_order(root, key, value);
  TomlValue replacement = value;
  replacement.comments() = it->second.comments();  // keep the comments people wrote above the key
  it.value() = std::move(replacement);
}

namespace {

// The keys every timeline entry has; anything else is a detail of its type.
bool is_event_key(const std::string& key) {
  return key == "id" || key == "at" || key == "by" || key == "type" || key == "text" || key == "set" ||
         key == "unset";
}

std::string edit_hint(const std::string& path) {
  return "fix the file by hand and commit it, or bring back a good version: 'git log -- " + path +
         "', then 'git checkout COMMIT -- " + path + "'";
}

std::vector<RoleAssignment> read_roles(const FieldReader& roles) {
  std::vector<RoleAssignment> out;
  for (const auto& [role, v] : roles.value().as_table()) {
    if (v.is_string()) {
      out.push_back({role, v.as_string().str, ""});
    } else if (v.is_array()) {
      for (const auto& p : v.as_array()) {
        if (!p.is_string()) roles.fail(p, "role '" + role + "' must list people as strings");
        out.push_back(split_workstream(role, p.as_string().str));
      }
    } else if (v.is_table()) {  // workstream = person
      for (const auto& [workstream, p] : v.as_table()) {
        if (!p.is_string()) roles.fail(p, "role '" + role + "' must map workstreams to people");
        out.push_back({role, p.as_string().str, workstream});
      }
    } else {
      roles.fail(v, "role '" + role + "' must be a person, a list of people, or workstreams mapped to people");
    }
  }
  return out;
}

Event read_event(const FieldReader& r) {
  Event e;
  e.id = r.string("id");
  const auto at = r.time("at");
  if (!at) r.fail("the timeline entry " + quote(e.id) + " has no 'at' time");
  e.at = *at;
  e.by = r.string("by");
  e.type = r.string("type");
  e.text = r.string_or("text", "");
  if (const TomlValue* set = r.find("set")) {
    if (!set->is_table()) r.fail(*set, "'set' must be a table of the fields the event changed");
    e.set = set->as_table();
  }
  e.unset = r.strings_or("unset", {});
  for (const auto& [key, value] : r.value().as_table())
    if (!is_event_key(key)) e.details[key] = value;
  return e;
}

std::string detail_string(const Event& e, const char* key) {
  const auto it = e.details.find(key);
  return it != e.details.end() && it->second.is_string() ? it->second.as_string().str : std::string();
}

// An "action-edit" event's new values: each detail it has replaces that
// field (an empty one clears it); the text is never cleared.
void apply_action_edit(FollowUp& a, const Event& e) {
  const std::pair<const char*, std::string FollowUp::*> fields[] = {
      {"action_text", &FollowUp::text}, {"owner", &FollowUp::owner}, {"due", &FollowUp::due},
      {"action_type", &FollowUp::type}, {"link", &FollowUp::link}};
  for (const auto& [key, field] : fields) {
    const auto it = e.details.find(key);
    if (it == e.details.end() || !it->second.is_string()) continue;
    const std::string& value = it->second.as_string().str;
    if (value.empty() && field == &FollowUp::text) continue;
    a.*field = value;
  }
}

// Follow-up actions, from the timeline in the order things happened: an
// "action" event adds one (numbered in that order); "action-done",
// "action-reopen" and "action-edit" name it by the id of the event that added
// it, so that they still find it after a merge has renumbered the actions.
// The actions are gathered first and changed afterwards, so that a mark or an
// edit whose time lies before its action's (recorded with --at, or merged
// from a clone whose clock was behind) still counts instead of being dropped.
std::vector<FollowUp> read_actions(const std::vector<const Event*>& ordered) {
  std::vector<FollowUp> actions;
  for (const Event* event : ordered) {
    const Event& e = *event;
    if (e.type != "action") continue;
    FollowUp a;
    a.id = e.id;
    a.number = static_cast<int>(actions.size()) + 1;
    a.text = e.text;
    a.owner = detail_string(e, "owner");
    a.due = detail_string(e, "due");
    a.type = detail_string(e, "action_type");
    a.link = detail_string(e, "link");
    a.added_at = e.at;
    a.added_by = e.by;
    actions.push_back(std::move(a));
  }
  for (const Event* event : ordered) {
    const Event& e = *event;
    if (e.type != "action-done" && e.type != "action-reopen" && e.type != "action-edit") continue;
    const std::string ref = detail_string(e, "action");
    const auto it = std::find_if(actions.begin(), actions.end(), [&](const FollowUp& a) { return a.id == ref; });
    if (it == actions.end()) continue;
    if (e.type == "action-edit") {
      apply_action_edit(*it, e);
      continue;
    }
    it->done = e.type == "action-done";
    it->done_at = it->done ? std::optional<Timestamp>(e.at) : std::nullopt;
    it->done_by = it->done ? e.by : "";
  }
  return actions;
}

}  // namespace

// Pinning a hidden event shows it and hiding a pinned one leaves it out, so
// an event is never both; unpin undoes only a pin, unhide only a hide.
std::optional<Curation> curation_after(const Event& e, std::optional<Curation> now) {
  if (e.type == "pin") {
    const auto pub = e.details.find("public");
    const bool is_public = pub != e.details.end() && pub->second.is_boolean() && pub->second.as_boolean();
    return is_public ? Curation::pinned_public : Curation::pinned;
  }
  if (e.type == "hide") return Curation::hidden;
  if (e.type == "unpin") return now == Curation::hidden ? now : std::nullopt;
  if (e.type == "unhide") return now == Curation::hidden ? std::nullopt : now;
  return now;
}

namespace {

// Pins and hides, from the timeline in the order things happened: the latest
// word on each event counts (curation_after).
std::map<std::string, Curation> read_curation(const std::vector<const Event*>& ordered) {
  std::map<std::string, Curation> out;
  for (const Event* event : ordered) {
    const Event& e = *event;
    const std::string target = detail_string(e, "event");
    if (target.empty()) continue;
    const auto it = out.find(target);
    const auto next = curation_after(e, it == out.end() ? std::nullopt : std::optional<Curation>(it->second));
    if (next)
      out[target] = *next;
    else if (it != out.end())
      out.erase(it);
  }
  return out;
}

}  // namespace

const AllowedValues& event_types() {
  static const AllowedValues types = {{"declare", ""},     {"note", ""},        {"severity", ""},     {"assign", ""},
                                      {"ack", ""},         {"escalate", ""},    {"contain", ""},      {"eradicate", ""},
                                      {"recover", ""},     {"resolve", ""},     {"reopen", ""},       {"close", ""},
                                      {"update", ""},      {"set", ""},         {"task", ""},         {"postmortem", ""},
                                      {"action", ""},      {"action-done", ""}, {"action-reopen", ""}, {"alert", ""},
                                      {"edit", ""},        {"merge", ""},       {"void", ""},
                                      {"action-edit", ""}, {"pin", ""},        {"unpin", ""},
                                      {"hide", ""},        {"unhide", ""}};
  return types;
}

const AllowedValues& key_event_types() {
  static const AllowedValues types = {{"declare", "the incident begins (by hand or from an alert)"},
                                      {"severity", "how severe it is, as that changed"},
                                      {"escalate", "who was paged"},
                                      {"ack", "someone took it on"},
                                      {"contain", "containment"},
                                      {"eradicate", "eradication"},
                                      {"recover", "recovery"},
                                      {"resolve", "resolved"},
                                      {"reopen", "reopened"},
                                      {"close", "closed"},
                                      {"update", "what stakeholders and customers were told"},
                                      {"void", "withdrawn"}};
  return types;
}

const AllowedValues& statuses() {
  static const AllowedValues names = {{"identification", ""}, {"containment", ""}, {"eradication", ""},
                                      {"recovery", ""},       {"resolved", ""},    {"closed", ""}};
  return names;
}

bool is_open_status(const std::string& status) { return status != "resolved" && status != "closed"; }

size_t status_rank(const std::string& status) {
  const auto& names = statuses();
  return static_cast<size_t>(std::find_if(names.begin(), names.end(), [&](const AllowedValue& v) { return v.name == status; }) -
                             names.begin());
}

std::string person_with_workstream(const std::string& person, const std::string& workstream) {
  return workstream.empty() ? person : person + " (" + workstream + ")";
}

RoleAssignment split_workstream(const std::string& role, const std::string& entry) {
  // "bob (db)": the workstream is a name in parentheses at the very end.
  const auto open = entry.rfind(" (");
  if (open != std::string::npos && entry.size() > open + 3 && entry.back() == ')') {
    const std::string ws = entry.substr(open + 2, entry.size() - open - 3);
    if (std::all_of(ws.begin(), ws.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; }))
      return {role, entry.substr(0, open), ws};
  }
  return {role, entry, ""};
}

std::vector<std::string> Incident::people_in(const std::string& role) const {
  std::vector<std::string> out;
  for (const auto& r : roles)
    if (r.role == role) out.push_back(r.person);
  return out;
}

bool Incident::is_pinned(const std::string& event_id) const {
  const auto it = curation.find(event_id);
  return it != curation.end() && it->second != Curation::hidden;
}

bool Incident::is_public(const std::string& event_id) const {
  const auto it = curation.find(event_id);
  return it != curation.end() && it->second == Curation::pinned_public;
}

bool Incident::is_hidden(const std::string& event_id) const {
  const auto it = curation.find(event_id);
  return it != curation.end() && it->second == Curation::hidden;
}

const Event& resolve_event(const Incident& inc, const std::string& query) {
  std::string wanted = query;
  for (auto& c : wanted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<const Event*> found;
  for (const auto& e : inc.timeline) {
    if (e.id == query) return e;
    std::string id = e.id;
    for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!wanted.empty() && id.rfind(wanted, 0) == 0) found.push_back(&e);
  }
  if (found.size() == 1) return *found.front();
  if (found.empty())
    throw Error(Errc::not_found, "no event of " + inc.id + " has the id " + quote(query),
                "the ids are in 'irctl timeline " + inc.id + " --json'");
  std::string ids;
  for (const Event* e : found) ids += (ids.empty() ? "" : ", ") + e->id;
  throw Error(Errc::usage, "the event id " + quote(query) + " is ambiguous on " + inc.id,
              "it starts " + ids + "; type more of it");
}

std::vector<Event> in_time_order(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
  return events;
}

namespace {

// What follows from the timeline rather than from the state keys: the
// follow-up actions, the curation and which tasks are done, each from the
// events in the order things happened (in_time_order's, without the copies).
void fold_timeline(Incident& inc) {
  std::vector<const Event*> ordered;
  ordered.reserve(inc.timeline.size());
  for (const auto& e : inc.timeline) ordered.push_back(&e);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Event* a, const Event* b) { return a->at < b->at; });
  inc.actions = read_actions(ordered);
  inc.curation = read_curation(ordered);
  // A task is done by its latest "task" event, in the order things happened.
  for (const Event* event : ordered) {
    const Event& e = *event;
    if (e.type != "task") continue;
    const auto n = e.details.find("task");
    const auto done = e.details.find("done");
    if (n == e.details.end() || !n->second.is_integer()) continue;
    const int64_t index = n->second.as_integer() - 1;
    if (index < 0 || index >= static_cast<int64_t>(inc.tasks.size())) continue;
    Task& task = inc.tasks[static_cast<size_t>(index)];
    task.done = done == e.details.end() || !done->second.is_boolean() || done->second.as_boolean();
    task.done_at = task.done ? std::optional<Timestamp>(e.at) : std::nullopt;
    task.done_by = task.done ? e.by : "";
  }
}

// The timeline of a view: all of it, or (for a split file whose earlier
// events are not decoded yet) only the entries appended since, with nothing
// derived from them yet.
enum class Part { whole_timeline, appended_only };

Incident read_view(const TomlValue& doc, const std::string& path, std::vector<Event> earlier, Part part);

}  // namespace

Incident read_incident(const TomlValue& doc, const std::string& path) { return read_incident_after(doc, path, {}); }

Incident read_incident_after(const TomlValue& doc, const std::string& path, std::vector<Event> earlier) {
  return read_view(doc, path, std::move(earlier), Part::whole_timeline);
}

namespace {

Incident read_view(const TomlValue& doc, const std::string& path, std::vector<Event> earlier, Part part) {
  const FieldReader r(doc, path, edit_hint(path));
  const int64_t schema = r.integer("schema");
  if (schema != kSchemaVersion)
    r.fail(*r.find("schema"), "schema " + std::to_string(schema) + " is not supported by this irctl (it reads schema " +
                                  std::to_string(kSchemaVersion) + "); upgrade irctl");
  Incident inc;
  inc.id = r.string("id");
  if (!is_incident_id(inc.id)) r.fail(*r.find("id"), "'id' " + quote(inc.id) + " is not an incident ID");
  if (path.find(inc.id + ".toml") == std::string::npos)
    r.fail(*r.find("id"), "'id' " + quote(inc.id) + " does not match the file name");
  inc.title = r.string("title");
  inc.status = r.string("status");
  if (!statuses().contains(inc.status))
    r.fail(*r.find("status"), "'status' " + quote(inc.status) + " is not one of " + statuses().listed(", "));
  inc.severity = r.string("severity");
  inc.kind = r.string("kind");
  inc.services = r.strings_or("services", {});
  inc.summary = r.string_or("summary", "");
  inc.impact = r.string_or("impact", "");
  inc.root_cause = r.string_or("root_cause", "");
  inc.resolution = r.string_or("resolution", "");
  inc.postmortem = r.string_or("postmortem", "");
  inc.channels = r.strings_or("channels", {});
  inc.started_at = r.time("started_at");
  inc.detected_at = r.time("detected_at");
  const auto declared = r.time("declared_at");
  if (!declared) r.fail("the key 'declared_at' is missing");
  inc.declared_at = *declared;
  inc.acknowledged_at = r.time("acknowledged_at");
  inc.contained_at = r.time("contained_at");
  inc.eradicated_at = r.time("eradicated_at");
  inc.recovered_at = r.time("recovered_at");
  inc.impact_ended_at = r.time("impact_ended_at");
  inc.resolved_at = r.time("resolved_at");
  inc.closed_at = r.time("closed_at");
  inc.voided_at = r.time("voided_at");
  inc.void_reason = r.string_or("void_reason", "");
  inc.escalation_policy = r.string_or("escalation_policy", "");
  inc.escalation_level = r.integer_or("escalation_level", 0, 0, kMaxEscalationLevel);
  inc.escalated_at = r.time("escalated_at");
  inc.alerts = r.strings_or("alerts", {});
  inc.alert_status = r.string_or("alert_status", "");
  inc.roles = read_roles(r.table_or_empty("roles"));
  for (const auto& text : r.strings_or("tasks", {})) inc.tasks.push_back(Task{text, false, std::nullopt, ""});
  inc.timeline = std::move(earlier);
  const auto entries = r.tables("timeline");
  // Event's move may throw (toml11's values), so a vector that grows copies them all.
  inc.timeline.reserve(inc.timeline.size() + entries.size());
  std::unordered_set<std::string> event_ids;
  event_ids.reserve(inc.timeline.size() + 1);
  for (const auto& e : inc.timeline) event_ids.insert(e.id);
  for (const auto& er : entries) {
    Event e = read_event(er);
    if (!event_ids.insert(e.id).second) er.fail("the timeline entry id " + quote(e.id) + " appears twice");
    inc.timeline.push_back(std::move(e));
  }
  if (part == Part::appended_only) return inc;
  if (inc.timeline.empty()) r.fail("the timeline is empty; every incident starts with its declare event");
  fold_timeline(inc);
  return inc;
}

}  // namespace

IncidentFile::IncidentFile(TomlValue doc, std::string path)
    : doc_(std::move(doc)), path_(std::move(path)), view_(read_incident(doc_, path_)) {}

IncidentFile IncidentFile::parse(const std::string& text, const std::string& path) {
  return IncidentFile(parse_toml(text, path), path);
}

IncidentFile IncidentFile::read_fast(const std::string& text, const std::string& path) {
  return read_toml(text, path, [&](TomlValue doc) { return IncidentFile(std::move(doc), path); });
}

namespace {

std::string scale_text(const Config& config) {
  std::vector<std::string> names;
  for (const auto& s : config.severities) names.push_back(s.name);
  return join(names);
}

}  // namespace

std::optional<std::string> off_scale_problem(const std::string& where, const std::string& severity,
                                             const Config& config) {
  // Exact names only: the file holds the canonical name irctl wrote.
  for (const auto& s : config.severities)
    if (s.name == severity) return std::nullopt;
  return where + ": severity " + quote(severity) + " is not on the configured scale (" + scale_text(config) + ")";
}

void require_on_scale(const IncidentFile& file, const std::string& text, const Config& config) {
  if (off_scale_problem(file.path(), file.state().severity, config))
    require_on_scale(IncidentFile::parse(text, file.path()), config);
}

void require_on_scale(const IncidentFile& file, const Config& config) {
  const TomlValue& doc = file.document();
  const std::string where = doc.contains("severity") ? toml_where(doc.at("severity"), file.path()) : file.path();
  if (auto problem = off_scale_problem(where, file.state().severity, config))
    throw Error(Errc::data, *problem,
                "set a level on the scale with 'irctl severity " + file.state().id +
                    " LEVEL', or add the level to .irctl/config.toml");
}

IncidentFile IncidentFile::create(const std::string& id) {
  // Not validated until the declare event has filled it in.
  TomlValue schema(kSchemaVersion);
  schema.comments().push_back(" irctl incident file; its format is described in irctl-format(5).");
  schema.comments().push_back(" Edits by hand are kept: commit them before running irctl again.");
  IncidentFile f(TomlValue(TomlTable{{"schema", schema},
                                     {"id", TomlValue(id)},
                                     {"title", TomlValue("")},
                                     {"status", TomlValue(statuses().front().name)},
                                     {"severity", TomlValue("")},
                                     {"kind", TomlValue("")},
                                     {"declared_at", toml_time(Timestamp{})},
                                     {"timeline", TomlValue(TomlArray{})}}),
                 incident_path(id), Incident{});
  return f;
}

IncidentFile::IncidentFile(TomlValue doc, std::string path, Incident view)
    : doc_(std::move(doc)), path_(std::move(path)), view_(std::move(view)) {}

void IncidentFile::set_field(const std::string& dotted_path, const TomlValue& value) {
  TomlTable* table = &doc_.as_table();
  size_t start = 0;
  for (size_t dot; (dot = dotted_path.find('.', start)) != std::string::npos; start = dot + 1) {
    const std::string key = dotted_path.substr(start, dot - start);
    auto it = table->find(key);
    if (it == table->end()) {
      if (table == &doc_.as_table())
        insert_in_schema_order(*table, key, TomlValue(TomlTable{}));
      else
        (*table)[key] = TomlValue(TomlTable{});
      it = table->find(key);
    }
    if (!it->second.is_table()) it.value() = TomlValue(TomlTable{});
    table = &it.value().as_table();
  }
  const std::string key = dotted_path.substr(start);
  auto it = table->find(key);
  if (it != table->end()) {
    // Keep the comments people wrote above the key.
    TomlValue replacement = value;
    replacement.comments() = it->second.comments();
    it.value() = std::move(replacement);
  } else if (table == &doc_.as_table()) {
    insert_in_schema_order(*table, key, value);
  } else {
    (*table)[key] = value;
  }
}

void IncidentFile::unset_field(const std::string& dotted_path) {
  TomlTable* table = &doc_.as_table();
  size_t start = 0;
  for (size_t dot; (dot = dotted_path.find('.', start)) != std::string::npos; start = dot + 1) {
    auto it = table->find(dotted_path.substr(start, dot - start));
    if (it == table->end() || !it->second.is_table()) return;
    table = &it.value().as_table();
  }
  table->erase(dotted_path.substr(start));
}

namespace {

// The header of a split file, parsed, and the state it reads as; Error when
// the timeline's text does not begin where it ends. A header irctl wrote that
// reads as an incident's is read fast; any other is read by toml11, which
// keeps its comments and gives every message its line and column.
struct SplitHeader {
  TomlValue doc;
  Incident state;  ///< read_view's Part::appended_only
};

SplitHeader parse_split_header(const std::string& header, std::string_view timeline_text, const std::string& path) {
  if (timeline_text.substr(0, 14) != "\n[[timeline]]\n")
    throw Error(Errc::data, path + ": not split where its timeline begins");
  const auto read = [&](TomlValue doc) {
    if (doc.as_table().find("timeline") != doc.as_table().end())
      throw Error(Errc::data, path + ": not split where its timeline begins");
    Incident state = read_view(doc, path, {}, Part::appended_only);
    return SplitHeader{std::move(doc), std::move(state)};
  };
  if (auto doc = parse_toml_written(header)) {
    try {
      return read(std::move(*doc));
    } catch (const Error&) {
    }
  }
  return read(parse_toml(header, path));
}

}  // namespace

IncidentFile IncidentFile::split_file(TomlValue doc, const std::string& path, Incident view, const std::string& header,
                                      std::string text, size_t timeline_at) {
  IncidentFile f(std::move(doc), path, std::move(view));
  f.header_text_ = header;
  f.text_ = std::move(text);
  f.timeline_at_ = timeline_at;
  return f;
}

IncidentFile IncidentFile::from_split(const std::string& header, std::string_view timeline_text,
                                      std::vector<Event> timeline, const std::string& path) {
  SplitHeader parsed = parse_split_header(header, timeline_text, path);
  Incident view = read_incident_after(parsed.doc, path, std::move(timeline));
  return split_file(std::move(parsed.doc), path, std::move(view), header, std::string(timeline_text), 0);
}

IncidentFile IncidentFile::from_split_encoded(std::string& text, size_t timeline_offset, std::string_view encoded,
                                              size_t count, std::shared_ptr<const void> owner,
                                              const std::string& path) {
  if (timeline_offset >= text.size()) throw Error(Errc::data, path + ": not split where its timeline begins");
  const std::string header = text.substr(0, timeline_offset);
  SplitHeader parsed = parse_split_header(header, std::string_view(text).substr(timeline_offset), path);
  IncidentFile f =
      split_file(std::move(parsed.doc), path, std::move(parsed.state), header, std::move(text), timeline_offset);
  text.clear();
  f.undecoded_ = Undecoded{encoded, count, std::move(owner)};
  return f;
}

void IncidentFile::decode_timeline() const {
  std::vector<Event> events;
  try {
    events = decode_events(undecoded_->bytes, undecoded_->count);
  } catch (const Error&) {
    // A damaged cache costs a whole read of the text, which holds every event.
    undecoded_.reset();
    view_ = read_incident(parse_toml(render(), path_), path_);
    return;
  }
  undecoded_.reset();
  events.reserve(events.size() + view_.timeline.size());
  for (auto& e : view_.timeline) events.push_back(std::move(e));
  view_.timeline = std::move(events);
  for (auto& task : view_.tasks) task = Task{task.text, false, std::nullopt, ""};
  fold_timeline(view_);
}

std::string IncidentFile::encoded_events_from(size_t first) const {
  const size_t undecoded = undecoded_ ? undecoded_->count : 0;
  const std::vector<Event>& events = first >= undecoded ? view_.timeline : incident().timeline;
  const size_t skip = first >= undecoded ? first - undecoded : first;
  if (skip >= events.size()) return "";
  return encode_events(std::vector<Event>(events.begin() + static_cast<long>(skip), events.end()));
}

std::optional<IncidentFile> IncidentFile::split_fast(const std::string& text, const std::string& path) {
  auto doc = parse_toml_fast(text);
  if (!doc) return std::nullopt;
  const auto& root = doc->as_table();
  const auto timeline = root.find("timeline");
  if (timeline == root.end() || !timeline->second.is_array()) return std::nullopt;
  std::string tail;
  for (const auto& entry : timeline->second.as_array()) tail += write_toml_entry("timeline", entry);
  if (tail.empty() || tail.size() >= text.size() || text.compare(text.size() - tail.size(), tail.size(), tail) != 0)
    return std::nullopt;
  try {
    Incident whole = read_incident(*doc, path);  // the whole file valid, not only its header
    const std::string header = text.substr(0, text.size() - tail.size());
    IncidentFile split = from_split(header, std::move(tail), std::move(whole.timeline), path);
    // Laid out as irctl lays it out, so that its rewrite is a whole rewrite's
    // (a comment left at its end would belong to the first event).
    if (write_toml(split.document()) != header) return std::nullopt;
    return split;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<size_t> IncidentFile::timeline_offset(const std::string& text) const {
  const auto& root = doc_.as_table();
  if (is_split() || root.empty() || root.back().first != "timeline" || !root.back().second.is_array() ||
      root.back().second.as_array().empty() || !root.back().second.comments().empty())
    return std::nullopt;
  // The timeline is the last key: write_toml writes the others first.
  TomlValue header = doc_;
  header.as_table().erase("timeline");
  const std::string header_text = write_toml(header);
  if (text.compare(0, header_text.size(), header_text) != 0 ||
      text.compare(header_text.size(), 14, "\n[[timeline]]\n") != 0 || render() != text)
    return std::nullopt;
  return header_text.size();
}

bool IncidentFile::append(const Event& event) {
  // A key that irctl-format(5) does not place would go after the timeline.
  const size_t timeline_rank = schema_rank("timeline");
  const auto placed = [&](const std::string& dotted) { return schema_rank(dotted.substr(0, dotted.find('.'))) < timeline_rank; };
  for (const auto& [field, value] : event.set)
    if (!placed(field)) return false;
  for (const auto& field : event.unset)
    if (!placed(field)) return false;
  // Against the events decoded: the new event's id is random (60 bits), and
  // a whole read (incident(), fsck) refuses a file with an id twice.
  for (const auto& e : view_.timeline)
    if (e.id == event.id) return false;  // the whole read says why
  TomlValue before = doc_;
  const auto give_up = [&] {
    doc_ = std::move(before);
    return false;
  };
  for (const auto& [field, value] : event.set) set_field(field, value);
  for (const auto& field : event.unset) unset_field(field);
  // What changed, checked as the whole file would be: it parses, validates and
  // reads back as it is written.
  const std::string header = write_toml(doc_);
  const std::string changed = header + write_toml_entry("timeline", event_to_toml(event));
  TomlValue doc;
  try {
    auto written = parse_toml_written(changed);
    doc = written ? std::move(*written) : parse_toml(changed, path_);
    read_incident(doc, path_);
  } catch (const Error&) {
    return give_up();
  }
  if (write_toml(doc) != changed) return give_up();
  view_ = read_view(doc, path_, std::move(view_.timeline), undecoded_ ? Part::appended_only : Part::whole_timeline);
  appended_text_ += changed.substr(header.size());
  doc.as_table().erase("timeline");
  doc_ = std::move(doc);
  if (header != header_text_) header_changed_ = true;
  header_text_ = header;
  return true;
}

void IncidentFile::apply(const Event& event) {
  if (is_split()) {
    if (append(event)) return;
    *this = parse(render(), path_);
  }
  for (const auto& [field, value] : event.set) set_field(field, value);
  for (const auto& field : event.unset) unset_field(field);
  auto& root = doc_.as_table();
  if (root.find("timeline") == root.end()) insert_in_schema_order(root, "timeline", TomlValue(TomlArray{}));
  root.at("timeline").as_array().push_back(event_to_toml(event));
  view_ = read_incident(doc_, path_);
}

IncidentFile IncidentFile::replayed() const {
  const Incident& view = incident();
  IncidentFile out = create(view.id);
  for (const auto& e : view.timeline) {
    for (const auto& [field, value] : e.set) out.set_field(field, value);
    for (const auto& field : e.unset) out.unset_field(field);
  }
  auto& root = out.doc_.as_table();
  TomlArray timeline;
  for (const auto& e : view.timeline) timeline.push_back(event_to_toml(e));
  root.at("timeline") = TomlValue(std::move(timeline));
  out.view_ = read_incident(out.doc_, out.path_);
  return out;
}

std::vector<FieldDrift> drift_from_timeline(const IncidentFile& file) {
  const IncidentFile derived = file.replayed();
  const auto& mine = file.document().as_table();
  const auto& theirs = derived.document().as_table();
  const auto skip = [](const std::string& key) { return key == "schema" || key == "id" || key == "timeline"; };
  const auto lookup = [](const TomlTable& t, const std::string& key) -> std::optional<TomlValue> {
    const auto it = t.find(key);
    if (it == t.end()) return std::nullopt;
    return it->second;
  };
  std::vector<FieldDrift> out;
  const auto compare = [&](const std::string& key) {
    auto stored = lookup(mine, key);
    auto made = lookup(theirs, key);
    const Json a = stored ? toml_to_json(*stored) : Json();
    const Json b = made ? toml_to_json(*made) : Json();
    if (a != b) out.push_back({key, std::move(stored), std::move(made)});
  };
  for (const auto& [key, value] : mine)
    if (!skip(key)) compare(key);
  for (const auto& [key, value] : theirs)
    if (!skip(key) && mine.find(key) == mine.end()) compare(key);
  return out;
}

std::string IncidentFile::render() const {
  if (!is_split()) return write_toml(doc_);
  if (rendered_out_) throw Error(Errc::failure, "internal: " + path_ + " was rendered out (take_render) before");
  std::string out;
  out.reserve(header_text_.size() + timeline_text().size() + appended_text_.size());
  out.append(header_text_).append(timeline_text()).append(appended_text_);
  return out;
}

std::string IncidentFile::take_render() {
  if (!is_split()) return render();
  if (rendered_out_) throw Error(Errc::failure, "internal: " + path_ + " was rendered out (take_render) before");
  std::string out = std::move(*text_);
  rendered_out_ = true;
  out.replace(0, timeline_at_, header_text_);  // in place when the headers are as long, or there is room
  out += appended_text_;
  rendered_size_ = out.size();
  return out;
}

std::optional<size_t> IncidentFile::unchanged_prefix() const {
  if (!rendered_out_ || header_changed_) return std::nullopt;
  return rendered_size_ - appended_text_.size();
}

Json IncidentFile::to_json() const { return to_json(is_split() ? render() : std::string()); }

Json IncidentFile::to_json(const std::string& rendered) const {
  // A split file's document has no timeline: the hook that asks gets the whole file.
  Json j = is_split() ? read_toml(rendered, path_, [](const TomlValue& doc) { return toml_to_json(doc); })
                      : toml_to_json(doc_);
  // Scripts can rely on these keys even where the file leaves them out.
  for (const char* list : {"services", "channels", "tasks"})
    if (!j.contains(list)) j[list] = Json::array();
  if (!j.contains("roles")) j["roles"] = Json::object();
  j["path"] = path_;
  return j;
}

TomlValue event_to_toml(const Event& e) {
  TomlTable t{{"id", TomlValue(e.id)}, {"at", toml_time(e.at)}, {"by", TomlValue(e.by)},
              {"type", TomlValue(e.type)}, {"text", TomlValue(e.text)}};
  for (const auto& [key, value] : e.details) t[key] = value;
  if (!e.set.empty()) t["set"] = TomlValue(e.set);
  if (!e.unset.empty()) {
    TomlArray a;
    for (const auto& f : e.unset) a.emplace_back(f);
    t["unset"] = TomlValue(std::move(a));
  }
  return TomlValue(std::move(t));
}

Json event_to_json(const Event& e) {
  Json j = {{"id", e.id}, {"at", format_rfc3339(e.at)}, {"by", e.by}, {"type", e.type}, {"text", e.text}};
  for (const auto& [key, value] : e.details) j[key] = toml_to_json(value);
  if (!e.set.empty()) j["set"] = toml_to_json(TomlValue(e.set));
  if (!e.unset.empty()) j["unset"] = e.unset;
  return j;
}

}  // namespace irctl
