#include "core/fsck.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/model/maintenance_file.hpp"
#include "core/model/tomldoc.hpp"
#include "core/store/conflicts.hpp"
#include "core/store/deletions.hpp"

namespace irctl {
// The helpers have a namespace of their own, so that a unity build that puts
// this file with others never sees two definitions of one name.
namespace fsck_checks {
namespace {

constexpr const char* kConfigFile = ".irctl/config.toml";
// Values longer than this are cut in messages: a summary can be a page long.
constexpr size_t kMaxShownValue = 80;

std::string file_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Git's own files (.gitkeep, .gitignore, .gitattributes) are not incident
// files, and are not a problem either.
bool is_git_file(const std::string& path) { return file_name(path).rfind(".git", 0) == 0; }

// The incident ID that a file's name claims: INC-….toml.
std::optional<std::string> id_from_name(const std::string& path) {
  const std::string name = file_name(path);
  if (!has_suffix(name, ".toml")) return std::nullopt;
  const std::string stem = name.substr(0, name.size() - 5);
  if (!is_incident_id(stem)) return std::nullopt;
  return stem;
}

// A value for a message: as JSON (strings quoted, lists and tables readable),
// cut when long; invalid UTF-8 never throws.
std::string shown(const TomlValue& value) {
  std::string s = toml_to_json(value).dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() <= kMaxShownValue) return s;
  size_t cut = kMaxShownValue - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

// How to fix a file that git can bring back: with uncommitted changes, drop
// them; else an older version.
std::string restore_hint(const Repository& repo, const std::string& path, const std::string& text) {
  const auto committed = repo.read_committed(path);
  if (committed && *committed != text)
    return "fix it by hand (irctl-format(5)); it has changes that are not committed: 'git diff -- " + path +
           "' shows them and 'git checkout -- " + path + "' drops them";
  return "fix it by hand (irctl-format(5)), or bring back a good version: 'git log -- " + path +
         "' lists them and 'git checkout COMMIT -- " + path + "' restores one, then commit";
}

// The irctl command that records a change of `field` as an event, if there is one.
std::string recording_command(const std::string& field, const std::string& id, const std::optional<TomlValue>& stored) {
  if (field == "severity") {
    std::string level = "LEVEL";
    if (stored && stored->is_string()) level = stored->as_string().str;
    return "irctl severity " + id + " " + level;
  }
  if (field == "title" || field == "summary" || field == "impact" || field == "resolution")
    return "irctl set " + id + " --" + field + " TEXT";
  if (field == "services") return "irctl set " + id + " --service NAME";
  if (field == "channels") return "irctl set " + id + " --channel CHANNEL";
  if (field == "roles") return "irctl assign " + id + " ROLE PERSON";
  return {};
}

const Config* check_config(Repository& repo, FsckReport& report) {
  try {
    return &repo.config();
  } catch (const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    std::string fix = error ? error->hint() : std::string();
    if (fix.empty())
      fix = "fix it by hand (irctl-config(5)); 'git diff -- " + std::string(kConfigFile) +
            "' shows changes that are not committed, 'git log -p -- " + kConfigFile + "' the committed ones";
    report.problems.push_back({kConfigFile, e.what(), fix});
  }
  return nullptr;
}

// The directory of people: only the outputs that show names read it, so a
// mistake there is found here before a postmortem stops on it.
void check_people(Repository& repo, FsckReport& report) {
  try {
    repo.people();
  } catch (const Error& e) {
    report.problems.push_back({kPeoplePath, e.what(), e.hint()});
  }
}

// Playbooks: only declare reads one (of the incident's kind), so a mistake
// there is found here before a declaration stops on it.
void check_playbooks(const Repository& repo, const Config* config, FsckReport& report) {
  if (!config) return;  // its own problem is reported; a playbook is read with it
  const std::string folder = ".irctl/playbooks/";
  for (const auto& path : repo.list_files(folder)) {
    if (!path.ends_with(".toml")) continue;
    const std::string kind = path.substr(folder.size(), path.size() - folder.size() - 5);
    try {
      playbook_steps(repo, *config, kind);
    } catch (const Error& e) {
      report.problems.push_back({path, e.what(), e.hint()});
    }
  }
}

// Maintenance windows (irctl-maintenance(1)): only their own commands and
// the status page read them, so a hand edit that breaks one is found here.
void check_maintenance(const Repository& repo, FsckReport& report) {
  for (const auto& path : repo.list_files("maintenance")) {
    if (is_git_file(path)) continue;
    const std::string fix = "fix it by hand (irctl-format(5)), or bring back a good version: 'git log -- " + path + "'";
    if (!is_maintenance_file(path)) {
      report.problems.push_back({path, "not a maintenance window's file (maintenance/YYYY/MNT-YYYYMMDD-XXXXXX.toml)",
                                 "move or remove it: irctl reads only maintenance windows there"});
      continue;
    }
    try {
      if (const auto text = repo.read(path)) parse_maintenance(*text, path);
    } catch (const Error& e) {
      report.problems.push_back({path, e.what(), fix});
    }
  }
}

struct Checked {
  std::string path;
  std::optional<std::string> id;  ///< from the file itself, once it parsed
  std::vector<FsckProblem> problems;
};

// A file under incidents/ whose name irctl does not read: says where it
// belongs when its content names an incident.
void check_misnamed(Checked& c, const std::string& text) {
  const std::string expected = "incidents/YYYY/MM/INC-YYYYMMDD-XXXXXX.toml";
  std::optional<std::string> id;
  if (has_suffix(c.path, ".toml")) {
    try {
      const TomlValue doc = parse_toml(text, c.path);
      const auto& t = doc.as_table();
      const auto it = t.find("id");
      if (it != t.end() && it->second.is_string() && is_incident_id(it->second.as_string().str))
        id = it->second.as_string().str;
    } catch (const std::exception&) {
      // Not TOML either: nothing to say where it belongs.
    }
  }
  if (id) {
    c.problems.push_back({c.path,
                          "incident " + *id + " is in a file irctl does not read: incident files are " + expected,
                          "move it to " + incident_path(*id) + ": 'git mv " + c.path + " " + incident_path(*id) +
                              "', then commit"});
    return;
  }
  c.problems.push_back({c.path, "not an incident file: irctl reads only " + expected + " under incidents/",
                        "move it out of incidents/, or remove it with 'git rm " + c.path + "'"});
}

void check_incident_file(const Repository& repo, const Config* config, Checked& c, const std::string& text) {
  std::optional<IncidentFile> file;
  try {
    file = IncidentFile::parse(text, c.path);
  } catch (const std::exception& e) {
    if (const auto line = conflict_marker_line(text))
      c.problems.push_back({c.path,
                            c.path + ":" + std::to_string(*line) +
                                ":1: git's conflict markers: a merge stopped on this file and is not finished",
                            "run 'irctl resolve-conflicts " + c.path +
                                "' to merge it event by event from git's three versions, then 'git commit' (or "
                                "'git merge --abort' to give up the merge)"});
    else
      c.problems.push_back({c.path, e.what(), restore_hint(repo, c.path, text)});
    return;
  }
  const Incident& inc = file->incident();
  c.id = inc.id;
  if (config) {
    try {
      require_on_scale(*file, *config);
    } catch (const Error& e) {
      c.problems.push_back({c.path, e.what(), e.hint()});
    }
  }
  std::vector<FieldDrift> drift;
  try {
    drift = drift_from_timeline(*file);
  } catch (const std::exception& e) {
    c.problems.push_back({c.path, std::string("its timeline cannot be replayed: ") + e.what(),
                          restore_hint(repo, c.path, text)});
    return;
  }
  // A list or table left out reads as an empty one: no drift, nothing lost.
  const auto empty = [](const std::optional<TomlValue>& v) {
    return !v || (v->is_array() && v->as_array().empty()) || (v->is_table() && v->as_table().empty());
  };
  std::erase_if(drift, [&](const FieldDrift& d) { return (!d.stored || !d.derived) && empty(d.stored) && empty(d.derived); });
  if (drift.empty()) return;
  const auto committed = repo.read_committed(c.path);
  const bool dirty = !committed || *committed != text;
  for (const auto& d : drift) {
    std::string message = d.field + " is ";
    message += d.stored ? shown(*d.stored) : "missing";
    message += " but its timeline ";
    message += d.derived ? "says " + shown(*d.derived) : "does not set it";
    // The hand edit stays as an "edit" event; or it goes, and the change (if
    // it should be made) is recorded with the command that makes it.
    std::string fix = "run 'irctl edit " + inc.id + "' and save";
    if (dirty) fix += " (commit the file first: irctl edit starts from the committed file)";
    fix += ": it records the hand edit as an event; or ";
    if (d.derived)
      fix += "put back " + shown(*d.derived);
    else
      fix += "remove the key";
    const std::string command = d.stored ? recording_command(d.field, inc.id, d.stored) : std::string();
    if (!command.empty()) fix += ", then record the change with '" + command + "'";
    c.problems.push_back({c.path, message, fix});
  }
}

// Files in the wrong folder and IDs held by more than one file. `checked` is
// in path order.
void check_locations(std::vector<Checked>& checked, const std::set<std::string>& all_paths) {
  std::map<std::string, std::vector<Checked*>> by_id;
  for (auto& c : checked)
    if (c.id) by_id[*c.id].push_back(&c);
  for (auto& [id, files] : by_id) {
    const std::string home = incident_path(id);
    // The file that stays: the one at its place, or else the first.
    const Checked* keeper = nullptr;
    for (const Checked* c : files)
      if (c->path == home) keeper = c;
    const bool home_taken = all_paths.count(home) > 0;
    if (!keeper && !home_taken) keeper = files.front();
    for (Checked* c : files) {
      if (c == keeper && c->path == home) continue;
      if (c == keeper) {
        c->problems.push_back({c->path, "incident " + id + " is in the wrong folder: its file belongs at " + home,
                               "'git mv " + c->path + " " + home + "', then commit"});
        continue;
      }
      const std::string other = keeper ? keeper->path : home;
      c->problems.push_back(
          {c->path, "incident ID " + id + " is also in " + other + ": two files for one incident",
           "keep " + other + " ('diff " + other + " " + c->path +
               "' shows what differs; record anything only this copy has with irctl), then 'git rm " + c->path +
               "' and commit"});
    }
  }
}

// Incidents deleted with git: a deletion is no event, and the record is gone
// from every clone that took it. An incident whose file is still somewhere
// under incidents/ (moved by hand) is check_locations' to report.
void check_deletions(Repository& repo, const std::set<std::string>& all_paths, FsckReport& report) {
  std::set<std::string> present;
  for (const auto& path : all_paths)
    if (const auto id = id_from_name(path)) present.insert(*id);
  for (const auto& d : incidents_deleted_in_history(repo.handle(), repo.tip())) {
    if (present.count(d.id)) continue;
    const std::string commit = short_commit(repo.handle(), d.commit);
    report.problems.push_back(
        {d.path,
         "incident " + d.id + " was deleted with git in commit " + commit + " (\"" + d.subject +
             "\"): its record is no longer in the branch",
         "restore it with 'git checkout " + commit + "^ -- " + d.path + "', then commit it; to withdraw an incident, "
         "record 'irctl void " + d.id + " --reason TEXT' instead of deleting its file"});
  }
}

}  // namespace
}  // namespace fsck_checks

FsckReport check_repository(Repository& repo) {
  namespace fc = fsck_checks;
  FsckReport report;
  const Config* config = fc::check_config(repo, report);
  fc::check_people(repo, report);
  fc::check_playbooks(repo, config, report);
  fc::check_maintenance(repo, report);

  const std::vector<std::string> paths = repo.list_files("incidents");
  const std::set<std::string> all_paths(paths.begin(), paths.end());
  std::vector<fc::Checked> checked;
  checked.reserve(paths.size());
  for (const auto& path : paths) {
    if (fc::is_git_file(path)) continue;
    fc::Checked& c = checked.emplace_back();
    c.path = path;
    ++report.incidents_checked;
    std::string text;
    try {
      const auto content = repo.read(path);
      if (!content) continue;  // removed while we looked
      text = *content;
    } catch (const Error& e) {
      // Refused as a link out of the repository or a FIFO: its own hint says what to do.
      c.problems.push_back({path, e.what(), e.hint().empty() ? "check the file's permissions" : e.hint()});
      continue;
    } catch (const std::exception& e) {
      c.problems.push_back({path, e.what(), "check the file's permissions"});
      continue;
    }
    if (!fc::id_from_name(path))
      fc::check_misnamed(c, text);
    else
      fc::check_incident_file(repo, config, c, text);
  }
  fc::check_locations(checked, all_paths);
  for (auto& c : checked)
    for (auto& p : c.problems) report.problems.push_back(std::move(p));
  fc::check_deletions(repo, all_paths, report);
  // In path order (the configuration's path sorts first); a file's own
  // problems keep their order.
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const FsckProblem& a, const FsckProblem& b) { return a.path < b.path; });
  return report;
}

}  // namespace irctl
