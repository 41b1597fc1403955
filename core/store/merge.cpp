#include "core/store/merge.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/store/git.hpp"
#include "core/store/repository.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

using OptValue = std::optional<TomlValue>;

std::string as_json(const OptValue& v) { return v ? toml_to_json(*v).dump() : std::string("(none)"); }
bool same(const OptValue& a, const OptValue& b) { return as_json(a) == as_json(b); }

OptValue lookup(const TomlValue* doc, const std::string& key) {
  if (!doc || !doc->is_table()) return std::nullopt;
  const auto& t = doc->as_table();
  const auto it = t.find(key);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

IncidentFile parse_side(const std::string& text, const std::string& path, const char* side) {
  try {
    return IncidentFile::parse(text, path);
  } catch (const Error& e) {
    throw Error(Errc::data, std::string(side) + " version of " + path + " cannot be merged: " + e.what(), e.hint());
  }
}

// A total order on events, the same on every clone: by time, then by id.
bool earlier(const Event& a, const Event& b) { return a.at != b.at ? a.at < b.at : a.id < b.id; }

std::string event_json(const Event& e) { return event_to_json(e).dump(); }

// The two timelines as one: each keeps its own order, and where both have
// something new the earlier goes first, as in the merge step of a merge sort.
// The comparison looks at the events alone, so swapping the sides changes
// nothing. An event both sides have (the same id) appears once; if one side
// edited it by hand, the edit wins (the base tells which side changed it).
std::vector<Event> unite_timelines(const std::vector<Event>& a, const std::vector<Event>& b,
                                   const std::map<std::string, Event>& base, std::vector<std::string>& conflicts) {
  std::map<std::string, const Event*> in_a, in_b;
  for (const auto& e : a) in_a[e.id] = &e;
  for (const auto& e : b) in_b[e.id] = &e;
  const auto pick = [&](const Event& mine) -> Event {
    const Event* x = in_a.count(mine.id) ? in_a[mine.id] : nullptr;
    const Event* y = in_b.count(mine.id) ? in_b[mine.id] : nullptr;
    if (!x || !y || event_json(*x) == event_json(*y)) return mine;
    const auto old = base.find(mine.id);
    if (old != base.end() && event_json(old->second) == event_json(*x)) return *y;
    if (old != base.end() && event_json(old->second) == event_json(*y)) return *x;
    conflicts.push_back("timeline entry " + mine.id + " edited on both sides; kept one of the two versions");
    return event_json(*x) > event_json(*y) ? *x : *y;
  };
  std::vector<Event> out;
  std::set<std::string> emitted;
  size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && emitted.count(a[i].id)) ++i;
    while (j < b.size() && emitted.count(b[j].id)) ++j;
    if (i == a.size() && j == b.size()) break;
    const Event* next = nullptr;
    if (i == a.size()) next = &b[j];
    else if (j == b.size()) next = &a[i];
    else next = earlier(b[j], a[i]) ? &b[j] : &a[i];
    out.push_back(pick(*next));
    emitted.insert(next->id);
  }
  return out;
}

bool is_string_list(const OptValue& v) {
  if (!v || !v->is_array()) return false;
  return std::all_of(v->as_array().begin(), v->as_array().end(), [](const TomlValue& x) { return x.is_string(); });
}

std::vector<std::string> strings_of(const OptValue& v) {
  std::vector<std::string> out;
  if (is_string_list(v))
    for (const auto& x : v->as_array()) out.push_back(x.as_string().str);
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// A list both sides changed: what the base had and neither side removed, in
// the base's order, then what either side added, sorted.
TomlValue unite_lists(const OptValue& base, const OptValue& ours, const OptValue& theirs) {
  const auto b = strings_of(base), o = strings_of(ours), t = strings_of(theirs);
  TomlArray out;
  for (const auto& s : b)
    if (contains(o, s) && contains(t, s)) out.emplace_back(s);
  std::set<std::string> added;
  for (const auto& s : o)
    if (!contains(b, s)) added.insert(s);
  for (const auto& s : t)
    if (!contains(b, s)) added.insert(s);
  for (const auto& s : added) out.emplace_back(s);
  return TomlValue(std::move(out));
}

// The moments an incident first reached a stage: the metrics measure to the
// first acknowledgement (or containment...), so when both sides reached it,
// the earlier one is the truth, whichever event came last.
bool is_first_time_field(const std::string& field) {
  static const std::set<std::string> fields = {"started_at",   "detected_at",   "acknowledged_at",
                                               "contained_at", "eradicated_at", "recovered_at"};
  return fields.count(field) > 0;
}

OptValue earliest(const OptValue& a, const OptValue& b) {
  Timestamp ta{}, tb{};
  const bool has_a = a && toml_get_time(*a, ta);
  const bool has_b = b && toml_get_time(*b, tb);
  if (has_a && has_b) return ta <= tb ? a : b;
  return has_a ? a : b;
}

struct FieldMerger {
  const TomlValue* base;
  const TomlValue* ours;
  const TomlValue* theirs;
  const TomlValue* replayed;  // what the united timeline alone gives
  std::vector<std::string>& conflicts;
  std::vector<std::string> conflicted;  // the dotted fields a merge event records

  // Three-way, one field at a time; tables (roles) field by field.
  OptValue merge(const std::string& field, const OptValue& b, const OptValue& o, const OptValue& t, const OptValue& r) {
    if (same(o, t)) return o;
    if (same(o, b)) return t;
    if (same(t, b)) return o;
    if (o && t && o->is_table() && t->is_table()) {
      std::set<std::string> keys;
      for (const auto* side : {&*o, &*t})
        for (const auto& [k, v] : side->as_table()) keys.insert(k);
      if (b && b->is_table())
        for (const auto& [k, v] : b->as_table()) keys.insert(k);
      TomlTable out;
      for (const auto& k : keys) {
        const auto child = merge(field + "." + k, b ? lookup(&*b, k) : std::nullopt, lookup(&*o, k), lookup(&*t, k),
                                 r ? lookup(&*r, k) : std::nullopt);
        if (child) out.emplace(k, *child);
      }
      return TomlValue(std::move(out));
    }
    OptValue chosen = (is_string_list(o) && is_string_list(t)) ? OptValue(unite_lists(b, o, t))
                      : is_first_time_field(field)                ? earliest(o, t)
                                                                  : r;
    std::string a = as_json(o), c = as_json(t);
    if (a > c) std::swap(a, c);  // the same words whichever side is ours
    conflicts.push_back(field + ": " + a + " | " + c + " -> " + as_json(chosen));
    conflicted.push_back(field);
    return chosen;
  }
};

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

OptValue at_path(const TomlValue& doc, const std::string& dotted) {
  const TomlValue* v = &doc;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const auto next = lookup(v, dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (!next) return std::nullopt;
    if (dot == std::string::npos) return next;
    // Walk on through the document itself, not a copy.
    v = &v->as_table().at(dotted.substr(start, dot - start));
    start = dot + 1;
  }
}

}  // namespace


MergedText merge_incident(const std::optional<std::string>& base_text, const std::string& ours_text,
                          const std::string& theirs_text, const std::string& path) {
  const IncidentFile ours = parse_side(ours_text, path, "our");
  const IncidentFile theirs = parse_side(theirs_text, path, "their");
  std::optional<IncidentFile> base;
  if (base_text) {
    try {
      base = IncidentFile::parse(*base_text, path);
    } catch (const Error&) {
      // A base that no longer parses tells nothing: merge as two-way.
    }
  }
  MergedText result;
  std::map<std::string, Event> base_events;
  if (base)
    for (const auto& e : base->incident().timeline) base_events[e.id] = e;
  const std::vector<Event> timeline =
      unite_timelines(ours.incident().timeline, theirs.incident().timeline, base_events, result.conflicts);

  // What the united timeline alone gives, for fields both sides changed.
  TomlValue skeleton = ours.document();
  TomlArray events;
  for (const auto& e : timeline) events.push_back(event_to_toml(e));
  skeleton.as_table()["timeline"] = TomlValue(events);
  const IncidentFile replayed = IncidentFile::parse(write_toml(skeleton), path).replayed();

  // The layout (key order, comments) comes from the base, which both sides
  // share, or else from the timeline: never from one side alone.
  TomlValue doc = base ? base->document() : replayed.document();
  const TomlValue* base_doc = base ? &base->document() : nullptr;
  std::set<std::string> keys;
  for (const TomlValue* d : {&ours.document(), &theirs.document()})
    for (const auto& [k, v] : d->as_table()) keys.insert(k);
  if (base_doc)
    for (const auto& [k, v] : base_doc->as_table()) keys.insert(k);
  keys.erase("timeline");
  FieldMerger merger{base_doc, &ours.document(), &theirs.document(), &replayed.document(), result.conflicts, {}};
  for (const auto& key : keys) {
    const OptValue merged = merger.merge(key, lookup(base_doc, key), lookup(&ours.document(), key),
                                         lookup(&theirs.document(), key), lookup(&replayed.document(), key));
    if (merged)
      put_in_schema_order(doc.as_table(), key, *merged);
    else
      doc.as_table().erase(key);
  }

  std::vector<Event> final_timeline = timeline;
  if (!result.conflicts.empty()) {
    // The merge is recorded so that nothing is dropped silently, and made
    // the same on every clone: its id and time come from the united events.
    Event m;
    std::string ids;
    Timestamp latest = timeline.front().at;
    for (const auto& e : timeline) {
      ids += e.id;
      latest = std::max(latest, e.at);
    }
    m.id = make_event_id(fnv1a(ids));
    m.at = latest;
    m.by = "irctl merge";
    m.type = "merge";
    m.text = "Concurrent changes merged: " + std::to_string(result.conflicts.size()) + " change(s) made on both sides";
    TomlArray sides;
    for (const auto& c : result.conflicts) sides.emplace_back(c);
    m.details["conflicts"] = TomlValue(std::move(sides));
    for (const auto& field : merger.conflicted) {
      if (const auto v = at_path(doc, field))
        m.set[field] = *v;
      else
        m.unset.push_back(field);
    }
    final_timeline.push_back(m);
  }
  TomlArray rendered;
  for (const auto& e : final_timeline) rendered.push_back(event_to_toml(e));
  put_in_schema_order(doc.as_table(), "timeline", TomlValue(std::move(rendered)));
  result.text = write_toml(doc);
  IncidentFile::parse(result.text, path);  // never hand back a file irctl cannot read
  return result;
}

namespace {

constexpr const char* kDriverName = "irctl incident files (united timelines)";

// The driver's command line: `program` quoted for the shell git runs it with.
std::string driver_command(const std::string& program) { return shell_quote(program) + " merge-driver %O %A %B %P"; }

// The user's global git configuration file, as git picks it: ~/.gitconfig,
// else $XDG_CONFIG_HOME/git/config when only that exists, else a new
// ~/.gitconfig.
std::string global_config_path() {
  git::Buf found;
  if (git_config_find_global(&found.buf) == 0) return found.str();
  git::Buf xdg;
  if (git_config_find_xdg(&xdg.buf) == 0) return xdg.str();
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw Error(Errc::failure, "cannot find the global git configuration: HOME is not set",
                "set HOME, or run 'irctl install-merge-driver' in each clone instead");
  return std::string(home) + "/.gitconfig";
}

}  // namespace

std::string install_merge_driver(Repository& repo, const std::string& program) {
  const std::string driver = driver_command(program);
  repo.set_git_config("merge.irctl.name", kDriverName);
  repo.set_git_config("merge.irctl.driver", driver);
  return driver;
}

std::string install_merge_driver_globally(const std::string& program, std::string& config_file) {
  git::ensure_initialised();
  const std::string driver = driver_command(program);
  config_file = global_config_path();
  git_config* raw = nullptr;
  git::check(git_config_open_ondisk(&raw, config_file.c_str()), "cannot open " + config_file);
  const git::ConfigPtr config(raw);
  git::check(git_config_set_string(raw, "merge.irctl.name", kDriverName), "cannot write " + config_file);
  git::check(git_config_set_string(raw, "merge.irctl.driver", driver.c_str()), "cannot write " + config_file);
  return driver;
}

bool routes_incidents_to_driver(const Repository& repo) {
  return repo.read_committed(".gitattributes").value_or("").find(kMergeAttributes) != std::string::npos;
}

std::optional<std::string> configure_missing_merge_driver(Repository& repo, const std::string& program) {
  if (repo.git_config_value("merge.irctl.driver")) return std::nullopt;
  const auto attributes = repo.read(".gitattributes");
  if (!attributes || attributes->find("merge=irctl") == std::string::npos) return std::nullopt;
  return install_merge_driver(repo, program);
}

}  // namespace irctl
