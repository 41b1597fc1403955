#include "core/operations.hpp"

#include <algorithm>
#include <numeric>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "core/hooks.hpp"
#include "core/model/embedded.hpp"
#include "core/model/event_binary.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/store/merge.hpp"
#include "core/store/timelines.hpp"
#include "core/store/write_retries.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace {

// Below this size the timeline cache would cost about what it saves: a
// file is split by reading it with toml++ (IncidentFile::split_fast), or
// read and written whole.
constexpr size_t kSplitFrom = 32 * 1024;

// The file's header promises that hand edits are kept: a committed comment
// that rewriting the file would drop (toml11 keeps only those above a key or
// a table) stops the write rather than vanish.
// A file read split (IncidentFile::is_split) has in its timeline only
// comments that a whole rewrite keeps (it was split where the text is what
// rendering it writes), and a write that stays split keeps the timeline's
// bytes: only its header is compared, whatever the timeline's length, and
// `before` may hold no more. `split_before`: where its timeline began.
void refuse_to_drop_comments(const std::string& before, std::optional<size_t> split_before, const FileWrite& f,
                             const IncidentFile& file) {
  const std::string& after = f.content;
  const auto lost = !split_before     ? dropped_comment(before, after, f.path)
                    : file.is_split() ? dropped_comment(before.substr(0, *split_before),
                                                        after.substr(0, file.split_at()), f.path)
                                      : dropped_comment(before.substr(0, *split_before), after, f.path);
  if (lost)
    throw Error(Errc::data,
                f.path + ":" + std::to_string(lost->line) + ": irctl would drop the comment '" + lost->text +
                    "': it keeps comments only on the lines above a key",
                "move the comment onto the lines above a key or a table (or delete it), commit, and run the command "
                "again; nothing was written");
}

// Keeps what the timeline cache needs of a long file just written (stored as
// `blob`): what the write added to what was cached, or all of it the first
// time; a cache the write found damaged is dropped.
void remember_written(const Repository& repo, const IncidentFile& file, const std::string& content,
                      const git_oid& blob, const CachedTimeline* cached,
                      const std::optional<DeflatedPiece>& deflated_rest) {
  const std::string& id = file.state().id;
  if (!cached) {  // nothing kept before: the file was too small, or the cache could not be written
    const DeflatedPiece deflated = deflate_piece(std::string_view(content).substr(file.split_at()));
    remember_timeline(repo, id, nullptr,
                      {blob, content, file.split_at(), file.event_count(), deflated.adler, deflated.size,
                       deflated.bytes},
                      file.encoded_events_from(0));
  } else if (deflated_rest) {
    const DeflatedSpan& kept = cached->deflated;
    remember_timeline(repo, id, cached,
                      {blob, content, file.split_at(), file.event_count(),
                       combined_checksum(kept.adler, deflated_rest->adler, deflated_rest->size),
                       kept.size + deflated_rest->size, deflated_rest->bytes},
                      file.encoded_events_from(cached->event_count));
  } else {
    forget_timeline(repo, id);
  }
}

// Appends the event, writes the file, commits it, then releases the lock and
// runs the hook (which may itself run irctl): the one way anything is recorded.
// `before`: the file's text as it was read (null for a new one).
// `cached`: what the timeline cache kept of it (read_incident_to_write), or null.
EventResult commit_event(Repository& repo, RepositoryLock& lock, IncidentFile& file, Event event, const Recorder& rec,
                         std::vector<FileWrite> extra_files = {}, const std::string* before = nullptr,
                         CachedTimeline* cached = nullptr) {
  event.id = make_event_id(random_u64());
  event.at = rec.at;
  event.by = rec.actor.display();
  const std::optional<size_t> split_before = file.is_split() ? std::optional(file.split_at()) : std::nullopt;
  file.apply(event);
  extra_files.insert(extra_files.begin(), FileWrite{.path = file.path(), .content = file.take_render()});
  FileWrite& written = extra_files.front();
  if (before) written.work_tree_holds = file.unchanged_prefix();  // the file was read, and is as read
  if (before) refuse_to_drop_comments(*before, split_before, written, file);
  git_oid stored{};
  written.stored_as = &stored;
  std::optional<DeflatedPiece> deflated_rest;
  if (file.is_split()) {
    written.appended = &file;
    if (cached) {
      written.deflated = &cached->deflated;
      written.deflated_at = file.split_at();
      written.deflated_rest = &deflated_rest;
    }
  }
  const std::string sha = repo.commit(extra_files, commit_message(file.state().id, event), rec.actor, rec.at);
  if (file.is_split() && written.content.size() >= kSplitFrom)
    remember_written(repo, file, written.content, stored, cached, deflated_rest);
  lock.release();
  EventResult result{file.state().id, event, sha, file.path(), true, std::nullopt};
  result.hook_warning = run_event_hook(
      repo, [&] { return Json{{"event", event_to_json(event)}, {"incident", file.to_json(written.content)}}; });
  return result;
}

}  // namespace

Actor resolve_actor(const std::optional<std::string>& as_flag, const std::optional<std::string>& env,
                    const Repository& repo) {
  if (as_flag) return parse_actor(*as_flag, "--as");
  if (env && !env->empty()) return parse_actor(*env, "IRCTL_ACTOR");
  if (auto id = repo.git_identity()) return *id;
  throw Error(Errc::usage, "no identity to record this under",
              "pass --as \"Name <email>\", set IRCTL_ACTOR, or run 'git config --global user.name NAME' and "
              "'git config --global user.email EMAIL'");
}

void add_event_result_json(Json& j, const EventResult& r) {
  if (r.recorded) {
    j["commit"] = r.commit;
    j["event"] = event_to_json(r.event);
  }
  if (r.hook_warning) j["hook_warning"] = *r.hook_warning;
}

namespace {

// .gitattributes as committed, with the line for incident files added.
std::string with_merge_attributes(const Repository& repo) {
  std::string text = repo.read_committed(".gitattributes").value_or("");
  if (text.find(kMergeAttributes) != std::string::npos) return text;
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text + kMergeAttributes;
}

}  // namespace

InitResult init_repository(const InitRequest& request, const std::function<Actor(const Repository&)>& actor,
                           Timestamp at) {
  InitResult result;
  const std::string& dir = request.dir;
  std::error_code ec;
  const bool dir_existed = std::filesystem::exists(dir, ec);
  OpenedRepository opened =
      Repository::open_or_create(dir, request.branch ? Repository::Search::upwards : Repository::Search::only_dir);
  Repository& repo = opened.repository;
  result.created_git = opened.created;
  result.root = repo.root().string();
  if (request.branch) {
    if (std::filesystem::is_regular_file(repo.root() / kConfigPath, ec))
      throw Error(Errc::usage, result.root + " already keeps its incidents checked out in " + kConfigPath,
                  "use it as it is, without --branch");
    repo.use_branch(*request.branch);
    result.branch = *request.branch;
    repo.set_git_config(kBranchConfigKey, *request.branch);  // so that every command finds the branch
  } else if (const auto branch = repo.git_config_value(kBranchConfigKey);
             branch && !std::filesystem::exists(repo.root() / kConfigPath, ec)) {
    // Already an incident repository on its branch: a second one on the
    // checked-out branch would hide it.
    repo.use_branch(*branch);
    if (repo.is_initialised()) {
      result.branch = *branch;
      result.already = true;
      return result;
    }
    throw Error(Errc::usage, "git config " + std::string(kBranchConfigKey) + " names the branch " + quote(*branch) +
                                 ", which holds no incident repository",
                "run 'irctl init --branch " + *branch + "', or remove the setting ('git config --unset " +
                    kBranchConfigKey + "')");
  }
  if (repo.is_initialised()) {
    result.already = true;
    return result;
  }
  Actor who;
  try {
    who = actor(repo);
  } catch (...) {
    // Bad input changes nothing: take back the git repository (and the
    // directory) this call created.
    if (request.branch) repo.set_git_config(kBranchConfigKey, std::nullopt);
    if (result.created_git) std::filesystem::remove_all(repo.git_dir(), ec);
    if (!dir_existed) std::filesystem::remove(dir, ec);
    throw;
  }
  auto lock = repo.lock();
  repo.require_clean(".gitattributes");
  result.commit = repo.commit({{kConfigPath, default_config_text()},
                               {".irctl/playbooks/outage.toml", *embedded::find("templates/playbook-outage.toml")},
                               {".irctl/playbooks/security.toml", *embedded::find("templates/playbook-security.toml")},
                               {".gitattributes", with_merge_attributes(repo)}},
                              "init: irctl incident repository\n\n"
                              "Adds .irctl/config.toml with the default severities, roles, incident kinds\n"
                              "and escalation policy (see irctl-config(5)), playbooks for outages and\n"
                              "security incidents in .irctl/playbooks/, and .gitattributes routing incident\n"
                              "files to irctl's merge driver (see irctl-merge-driver(1)).\n",
                              who, at);
  if (!request.program.empty()) install_merge_driver(repo, request.program);
  return result;
}

std::string resolve_incident_id(const Repository& repo, const std::string& query) {
  if (query == "@") {
    const auto current = repo.current_incident();
    if (!current)
      throw Error(Errc::not_found, "no current incident for '@'", "choose one with 'irctl use ID'");
    if (!repo.read(incident_path(*current)))
      throw Error(Errc::not_found, "the current incident " + *current + " no longer exists",
                  "choose another with 'irctl use ID'");
    return *current;
  }
  if (query.empty()) throw Error(Errc::usage, "the incident ID is empty", "give an ID, a unique part of one, or @");
  if (is_incident_id(query)) return query;  // load_incident says what is wrong if it is not there
  const auto found = match_ids(repo.incident_ids(), query);
  if (found.size() == 1) return found.front();
  if (found.empty())
    throw Error(Errc::not_found, "no incident matches " + quote(query), "list the incidents with 'irctl list'");
  std::string candidates;
  const size_t shown = std::min<size_t>(found.size(), 10);
  for (size_t i = 0; i < shown; ++i) candidates += (i ? ", " : "") + found[i];
  if (found.size() > shown) candidates += " and " + std::to_string(found.size() - shown) + " more";
  throw Error(Errc::usage, quote(query) + " matches " + std::to_string(found.size()) + " incidents: " + candidates,
              "type more of the ID");
}

namespace {

std::string read_incident_text(const Repository& repo, const std::string& id) {
  const std::string path = incident_path(id);
  auto text = repo.read(path);
  if (!text) {
    repo.require_clean(path);  // deleted by hand and not committed: say so
    throw Error(Errc::not_found, "no incident " + quote(id), "list the incidents with 'irctl list'");
  }
  return std::move(*text);
}

// For writes: toml11 keeps the comments. The commit checks what they produce
// (Repository::require_readable), and 'irctl severity' or 'irctl edit' must
// be able to mend a severity that is off the scale.
IncidentFile read_incident_file(const Repository& repo, const std::string& id) {
  return IncidentFile::parse(read_incident_text(repo, id), incident_path(id));
}


// For a write: a long file split where its timeline begins
// (IncidentFile::from_split), so that the write appends to it; the split and
// the events come from the cache (cached_timeline), or from reading the file
// whole, which then fills the cache for the next write.
struct IncidentToWrite {
  IncidentFile file;
  std::string text;  ///< the file as it was read
  /// What the timeline cache keeps of it, for a split file of kSplitFrom bytes or more.
  std::optional<CachedTimeline> cached;
};

// A long file whose text the timeline cache has (the branch layout, where
// reading it out of git inflates it and checks its hash): read from there.
std::optional<IncidentToWrite> read_long_from_cache(const Repository& repo, const std::string& id,
                                                    const std::string& path) {
  if (repo.layout() != Layout::branch) return std::nullopt;  // the work tree's file is read: it may have changed
  const auto blob = repo.committed_blob(path);
  auto cached = blob ? cached_timeline(repo, id, *blob) : std::nullopt;
  if (!cached) return std::nullopt;
  std::string text;
  text.reserve(cached->header.size() + cached->timeline.size() + 64 * 1024);  // room to write it anew in place
  text.append(cached->header).append(cached->timeline);
  // The blob's text, or the cache is damaged: hashing it costs a tenth of
  // what reading it out of git does.
  if (const git_oid hashed = git::blob_hash(text); !git_oid_equal(&*blob, &hashed)) return std::nullopt;
  std::string header = cached->header;
  try {
    IncidentFile file = IncidentFile::from_split_encoded(text, cached->timeline_offset, cached->encoded_events,
                                                         cached->event_count, cached->storage, path);
    return IncidentToWrite{std::move(file), std::move(header), std::move(cached)};
  } catch (const Error&) {
    return std::nullopt;  // not what the cache said: read out of git
  }
}

// Refuses (Repository::read_clean) a file with changes that are not committed.
IncidentToWrite read_incident_to_write(const Repository& repo, const std::string& id) {
  const std::string path = incident_path(id);
  if (auto from_cache = read_long_from_cache(repo, id, path)) return std::move(*from_cache);
  // A long file the cache keeps the committed text of is clean when it is
  // that text: a comparison, where hashing 2 MB took a millisecond.
  std::optional<CachedTimeline> compared;
  bool cache_differs = false;  // then it is not used either: read whole, it is written anew
  const auto known = [&](std::string_view text, const git_oid& committed) {
    if (text.size() < kSplitFrom) return false;
    auto cached = cached_timeline(repo, id, committed);
    if (!cached) return false;
    cache_differs = cached->header.size() + cached->timeline.size() != text.size() ||
                    text.substr(0, cached->header.size()) != cached->header ||
                    text.substr(cached->header.size()) != cached->timeline;
    if (!cache_differs) compared = std::move(cached);
    return !cache_differs;
  };
  auto clean = repo.read_clean(path, known);
  if (!clean) return {read_incident_file(repo, id), "", std::nullopt};  // which says why
  const std::string& text = clean->text;
  if (text.size() < kSplitFrom) {
    if (auto split = IncidentFile::split_fast(text, path))
      return {std::move(*split), std::move(clean->text), std::nullopt};
    return {IncidentFile::parse(text, path), std::move(clean->text), std::nullopt};
  }
  const git_oid blob = clean->blob ? *clean->blob : git::blob_hash(text);
  auto cached = compared ? std::move(compared) : cache_differs ? std::nullopt : cached_timeline(repo, id, blob);
  if (cached && cached->timeline_offset < text.size()) {
    // The header is all a comment check needs of a split file (refuse_to_drop_comments).
    std::string header = text.substr(0, cached->timeline_offset);
    try {
      IncidentFile file = IncidentFile::from_split_encoded(clean->text, cached->timeline_offset, cached->encoded_events,
                                                           cached->event_count, cached->storage, path);
      return {std::move(file), std::move(header), std::move(cached)};
    } catch (const Error&) {
      // Not what the cache said: read it whole.
    }
  }
  IncidentFile whole = IncidentFile::parse(text, path);
  const auto offset = whole.timeline_offset(text);
  if (!offset) return {std::move(whole), std::move(clean->text), std::nullopt};
  // Once for the cache's life: every later write adds to it.
  const auto& events = whole.incident().timeline;
  const DeflatedPiece deflated = deflate_piece(std::string_view(text).substr(*offset));
  const TimelineVersion version{blob, text, *offset, events.size(), deflated.adler, deflated.size, deflated.bytes};
  remember_timeline(repo, id, nullptr, version, encode_events(events));
  IncidentFile split =
      IncidentFile::from_split(text.substr(0, *offset), std::string_view(text).substr(*offset), events, path);
  return {std::move(split), std::move(clean->text), cached_timeline(repo, id, blob)};
}

}  // namespace

IncidentFile load_incident(Repository& repo, const std::string& id) {
  // Nothing is written back, so no comment is needed: toml++ reads it.
  const std::string text = read_incident_text(repo, id);
  IncidentFile file = IncidentFile::read_fast(text, incident_path(id));
  require_on_scale(file, text, repo.config());
  return file;
}

EventResult record_new_incident(Repository& repo, RepositoryLock lock, const Event& first, const Recorder& rec) {
  return with_retries([&] {
    std::string id;
    for (int attempt = 0;; ++attempt) {
      id = make_incident_id(rec.at, random_u64());
      if (!repo.read(incident_path(id))) break;
      if (attempt == 8) throw Error(Errc::failure, "could not find an unused incident ID");
    }
    IncidentFile file = IncidentFile::create(id);
    return commit_event(repo, lock, file, first, rec);
  });
}

namespace {

// A void incident is withdrawn: what is recorded about it after that would
// count nowhere (lists, metrics and the gate leave it out), so it is refused.
void refuse_if_void(const Incident& inc, const Event& e) {
  if (!inc.is_void() || e.type == "void") return;
  throw Error(Errc::refused, inc.id + " is void (" + one_line(inc.void_reason, 72) + "); " + e.type + " changes nothing",
              "a void incident is kept only on record; to undo the void, revert its commit ('irctl log " + inc.id +
                  "' names it; 'git revert COMMIT')");
}

EventResult record_locked(Repository& repo, RepositoryLock lock, const std::string& id, const EventMaker& make,
                          const std::vector<FileWrite>& files, const Recorder& rec,
                          MakerReads reads = MakerReads::everything) {
  require_not_future(rec.at, rec, "the time");
  const std::string path = incident_path(id);
  return with_retries([&] {
    IncidentToWrite to_write = read_incident_to_write(repo, id);
    IncidentFile& file = to_write.file;
    require_not_before_start(rec.at, file.state(), "the time");
    std::optional<Event> e = make(reads == MakerReads::state ? file.state() : file.incident());
    if (e) refuse_if_void(file.state(), *e);
    if (!e) {
      EventResult unchanged{id, Event{}, "", path, false, std::nullopt};
      return unchanged;
    }
    for (const auto& f : files) repo.require_clean(f.path);  // never overwrite a file someone left there
    return commit_event(repo, lock, file, std::move(*e), rec, files, &to_write.text,
                        to_write.cached ? &*to_write.cached : nullptr);
  });
}

}  // namespace

EventResult record_event_with_files(Repository& repo, const std::string& id, const EventMaker& make,
                                    const std::vector<FileWrite>& files, const Recorder& rec) {
  return record_locked(repo, repo.lock(), id, make, files, rec);
}

EventResult record_event_locked(Repository& repo, RepositoryLock lock, const std::string& id, const EventMaker& make,
                                const Recorder& rec) {
  return record_locked(repo, std::move(lock), id, make, {}, rec);
}

EventResult record_event(Repository& repo, const std::string& id, const EventMaker& make, const Recorder& rec,
                         MakerReads reads) {
  return record_locked(repo, repo.lock(), id, make, {}, rec, reads);
}

EventResult add_note(Repository& repo, const std::string& id, const std::string& text, const Recorder& rec) {
  const std::string note = require_text(text, "the note");
  return record_event(
      repo, id,
      [&](const Incident& inc) {
        if (inc.status == "closed")
          throw Error(Errc::refused, inc.id + " is closed; a note changes nothing",
                      "if it is not over, reopen it first: irctl reopen " + inc.id + " --reason TEXT");
        Event e;
        e.type = "note";
        e.text = note;
        return std::optional<Event>(e);
      },
      rec, MakerReads::state);
}

namespace {

std::filesystem::path draft_path(const Repository& repo, const std::string& id) {
  return repo.git_dir() / "irctl" / "edit" / (id + ".toml");
}

// An incident file is kilobytes; a draft much larger than any would make
// every later reader slow (a 20 MB note took 2 s and 240 MB to list).
constexpr std::uintmax_t kMaxEditedFile = 1024 * 1024;

// An editor could leave a FIFO or a folder where the draft was: refused (as
// a failure of the edit, exit 1), never waited on.
std::string read_draft(const std::filesystem::path& p) {
  try {
    return read_file(p);
  } catch (const ReadFailure& e) {
    if (!e.not_regular()) throw;
    throw Error(Errc::failure, "cannot read " + p.string() + ": not a file");
  }
}

}  // namespace

EditDraft start_edit(Repository& repo, const std::string& id, EarlierDraft earlier) {
  const auto draft = draft_path(repo, id);
  const auto original = std::filesystem::path(draft.string() + ".orig");
  std::error_code ec;
  if (earlier == EarlierDraft::discard) {
    std::filesystem::remove(draft, ec);
    std::filesystem::remove(original, ec);
  }
  if (std::filesystem::exists(draft, ec) && std::filesystem::exists(original, ec)) return {draft.string(), true};
  repo.require_clean(incident_path(id));
  const IncidentFile file = read_incident_file(repo, id);  // refuses an ID that does not exist
  const std::string text = repo.read(file.path()).value_or(file.render());
  write_file_atomically(original, text);
  write_file_atomically(draft, text);
  return {draft.string(), false};
}

namespace {

// "event 7KQ4M2XR9TZA by, text": the timeline entries an edit corrected, and
// which of their keys, so that the edit event says whose record changed.
std::vector<std::string> corrected_entries(const IncidentFile& before, const IncidentFile& after) {
  std::vector<std::string> out;
  for (const auto& was : before.incident().timeline) {
    const auto& now_list = after.incident().timeline;
    const auto now = std::find_if(now_list.begin(), now_list.end(), [&](const Event& x) { return x.id == was.id; });
    if (now == now_list.end()) continue;
    std::vector<std::string> keys;
    if (now->at != was.at) keys.push_back("at");
    if (now->by != was.by) keys.push_back("by");
    if (now->type != was.type) keys.push_back("type");
    if (now->text != was.text) keys.push_back("text");
    if (event_to_json(*now) != event_to_json(was) && keys.empty()) keys.push_back("details");
    if (!keys.empty()) out.push_back("event " + was.id + " " + join(keys));
  }
  return out;
}

}  // namespace

EventResult finish_edit(Repository& repo, const std::string& id, const Recorder& rec) {
  const auto draft = draft_path(repo, id);
  const auto original_path = std::filesystem::path(draft.string() + ".orig");
  const std::string path = incident_path(id);
  const std::string edited = read_draft(draft);
  const std::string original = read_draft(original_path);
  const std::string kept = "your edit is kept in " + draft.string() + ": run 'irctl edit " + id +
                           "' to go on editing it, or 'irctl edit --discard " + id + "' to drop it";
  const auto refusal = [&](Errc code, const std::string& what) { return Error(code, what, kept); };
  if (edited.size() > kMaxEditedFile)
    throw refusal(Errc::usage, "the edited file is larger than " + std::to_string(kMaxEditedFile) +
                                   " bytes: keep long material in a file in the repository and refer to it");
  IncidentFile mine = [&] {
    try {
      return IncidentFile::parse(edited, path);
    } catch (const Error& e) {
      throw refusal(Errc::data, std::string("the edited file is not valid: ") + e.what());
    }
  }();
  // The timeline is the record: entries can be corrected, not removed.
  const IncidentFile before = IncidentFile::parse(original, path);
  for (const auto& e : before.incident().timeline) {
    const auto& now = mine.incident().timeline;
    if (std::none_of(now.begin(), now.end(), [&](const Event& x) { return x.id == e.id; }))
      throw refusal(Errc::data, "the timeline entry " + e.id + " (" + e.type + ") was removed; entries can be "
                                "corrected but not removed (a merge would bring it back)");
  }
  require_not_future(rec.at, rec, "the time");
  auto lock = repo.lock();
  EventResult result = with_retries([&] {
    repo.require_clean(path);
    const std::string current = repo.read(path).value_or("");
    // Someone committed while the editor was open: keep both.
    std::string text = edited;
    if (current != original) {
      try {
        text = merge_incident(original, edited, current, path).text;
      } catch (const Error& e) {
        throw refusal(Errc::conflict,
                      std::string("the incident changed while you edited it, and the two cannot be merged: ") + e.what());
      }
    }
    IncidentFile file = IncidentFile::parse(text, path);
    const auto drift = drift_from_timeline(file);
    if (drift.empty() && text == current) return EventResult{id, Event{}, "", path, false, std::nullopt};
    Event e;
    e.type = "edit";
    std::string fields;
    for (const auto& d : drift) {
      fields += (fields.empty() ? "" : ", ") + d.field;
      if (d.stored)
        e.set[d.field] = *d.stored;
      else
        e.unset.push_back(d.field);
    }
    for (const auto& entry : corrected_entries(before, file)) fields += (fields.empty() ? "" : ", ") + entry;
    e.text = fields.empty() ? "Edited by hand" : "Edited by hand: " + fields;
    return commit_event(repo, lock, file, e, rec, {}, &current);
  });
  std::error_code ec;
  std::filesystem::remove(draft, ec);
  std::filesystem::remove(original_path, ec);
  return result;
}

namespace {

// Orders by declaration, newest first (ties keep their order), moving each
// summary once: a summary is most of a kilobyte, and there may be 10,000.
void newest_first(std::vector<IncidentSummary>& summaries) {
  std::vector<size_t> order(summaries.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return summaries[a].incident.declared_at > summaries[b].incident.declared_at;
  });
  // Position i takes the summary at order[i]: follow each cycle of the permutation.
  for (size_t start = 0; start < order.size(); ++start) {
    if (order[start] == start) continue;
    IncidentSummary held = std::move(summaries[start]);
    size_t at = start;
    while (order[at] != start) {
      const size_t from = order[at];
      summaries[at] = std::move(summaries[from]);
      order[at] = at;
      at = from;
    }
    summaries[at] = std::move(held);
    order[at] = at;
  }
}

}  // namespace

const AllowedValues& status_filters() {
  static const AllowedValues values = [] {
    std::vector<AllowedValue> v = {{"open", "every status before resolved"}};
    v.insert(v.end(), statuses().begin(), statuses().end());
    v.push_back({"void", "withdrawn with irctl void; left out unless asked for"});
    return AllowedValues(std::move(v));
  }();
  return values;
}

ListResult list_incidents(Repository& repo, const ListFilter& filter, SummaryDocuments documents) {
  const Config& config = repo.config();
  std::vector<std::string> severities;
  for (const auto& s : filter.severities) severities.push_back(config.resolve_severity(s));
  std::vector<std::string> kinds;
  for (const auto& k : filter.kinds) kinds.push_back(config.resolve_kind(k));
  const auto& allowed = status_filters();
  std::vector<std::string> wanted_statuses;
  for (std::string s : filter.statuses) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!allowed.contains(s)) throw Error(Errc::usage, "unknown status " + quote(s), "valid statuses: " + allowed.listed(", "));
    wanted_statuses.push_back(s);
  }

  const auto wanted = [](const std::vector<std::string>& filter_values, const std::string& value) {
    return filter_values.empty() || std::find(filter_values.begin(), filter_values.end(), value) != filter_values.end();
  };
  const bool void_wanted = std::find(wanted_statuses.begin(), wanted_statuses.end(), "void") != wanted_statuses.end();
  SummaryRead all = read_summaries(repo, documents);
  ListResult result;
  result.problems = std::move(all.problems);
  result.incidents = std::move(all.incidents);
  result.storage = std::move(all.storage);
  std::erase_if(result.incidents, [&](const IncidentSummary& summary) {
    const Incident& inc = summary.incident;
    // A void incident counts only when void ones are asked for, whatever its status.
    const bool status_ok = inc.is_void() ? void_wanted
                                         : wanted_statuses.empty() || wanted(wanted_statuses, inc.status) ||
                                               (is_open_status(inc.status) && wanted(wanted_statuses, "open"));
    const bool service_ok =
        filter.services.empty() || std::any_of(inc.services.begin(), inc.services.end(),
                                               [&](const std::string& s) { return wanted(filter.services, s); });
    return !(status_ok && service_ok && wanted(severities, inc.severity) && wanted(kinds, inc.kind) &&
             (!filter.since || inc.declared_at >= *filter.since) && (!filter.until || inc.declared_at < *filter.until));
  });
  newest_first(result.incidents);
  return result;
}

std::vector<CommitInfo> incident_history(const Repository& repo, const std::string& id) {
  return repo.history(incident_path(id));
}

namespace {

// The text as a commit subject shows it: one line of printable text (plain
// 'git log' sends it to a terminal as it is), in which irctl's own trailer
// keys never appear, so that 'git log --grep "Incident: ID"' finds only the
// commits of that incident, whatever a note says.
std::string subject_text(const std::string& text) {
  std::string line = one_line(printable(text.substr(0, text.find('\n'))), 72);
  for (const std::string key : {"incident:", "event:"}) {
    for (size_t at = lower(line).find(key); at != std::string::npos; at = lower(line).find(key, at + 1))
      line.replace(at + key.size() - 1, 1, " -");
  }
  return line;
}

}  // namespace

std::string commit_message(const std::string& incident_id, const Event& e) {
  return e.type + " " + incident_id + ": " + subject_text(e.text) + "\n\nIncident: " + incident_id + "\nEvent: " +
         e.id + "\n";
}

}  // namespace irctl
