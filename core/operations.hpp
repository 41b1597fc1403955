#pragma once
// What the commands do, as functions over a Repository. Every write goes
// through one path (commit_event): append the event, write the file, make the
// commit.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/model/actor.hpp"
#include "core/model/incident.hpp"
#include "core/store/repository.hpp"
#include "core/store/summaries.hpp"

namespace irctl {

/// The identity for a repository's commits: --as, else IRCTL_ACTOR, else
/// git's user.name and user.email. Throws Error(Errc::usage) when none is set.
Actor resolve_actor(const std::optional<std::string>& as_flag, const std::optional<std::string>& env,
                    const Repository& repo);

struct InitRequest {
  std::string dir;
  /// Keep the incidents on this branch, never checked out, in the git
  /// repository that holds `dir` (an existing code repository).
  std::optional<std::string> branch;
  /// The irctl to register as git's merge driver for incident files.
  std::string program;
};

struct InitResult {
  std::string root;
  std::string branch;  ///< set in the branch layout
  bool created_git = false;
  bool already = false;  ///< it was an incident repository already; nothing changed
  std::string commit;
};
/// Creates (or completes) an incident repository at `dir`. `actor` is called
/// only when a commit is needed.
/// Also registers the merge driver (merge_incident) for plain git merges:
/// .gitattributes in the first commit, merge.irctl.* in .git/config.
InitResult init_repository(const InitRequest& request, const std::function<Actor(const Repository&)>& actor,
                           Timestamp at);

/// The full ID for what the user typed: "@" (the current incident), a full
/// ID, or any unique part of one. Throws not_found, or usage when ambiguous.
std::string resolve_incident_id(const Repository& repo, const std::string& query);

/// Reads and validates one incident by its full ID, its severity on the
/// configured scale included.
IncidentFile load_incident(Repository& repo, const std::string& id);

struct EventResult {
  std::string incident_id;
  Event event;
  std::string commit;
  std::string path;
  bool recorded = true;  ///< false when there was nothing to change
  /// Set when the repository's on-event hook failed; the event is committed anyway.
  std::optional<std::string> hook_warning;
  /// action add: the number the new follow-up action has on the incident.
  int follow_up_number = 0;
};
/// What mark_task and mark_follow_up make a task or a follow-up action.
enum class MarkAs { done, open };

/// What --json says of a write, added to `j`: the commit and the event when
/// one was recorded, and the hook's warning.
void add_event_result_json(Json& j, const EventResult& r);

/// The single write path for a new incident: under `lock`, give it an unused
/// ID, append `first` (its declare event), write and commit, and run the
/// on-event hook.
EventResult record_new_incident(Repository& repo, RepositoryLock lock, const Event& first, const Recorder& rec);

EventResult add_note(Repository& repo, const std::string& id, const std::string& text, const Recorder& rec);

/// Builds the event for the incident's current state; throws to refuse,
/// returns nothing when there is nothing to change.
using EventMaker = std::function<std::optional<Event>(const Incident&)>;

/// What a maker reads of the incident it is given: everything, or the state
/// keys alone (IncidentFile::state(): the timeline, follow-up actions,
/// curation and the tasks' done left out), which a long incident's write
/// gets without decoding its timeline.
enum class MakerReads { everything, state };

/// The single write path for an existing incident: under the repository lock,
/// refuse uncommitted edits, let `make` build the event from the current state,
/// then append, write and commit, and run the on-event hook.
EventResult record_event(Repository& repo, const std::string& id, const EventMaker& make, const Recorder& rec,
                         MakerReads reads = MakerReads::everything);

/// record_event for a caller that already holds the repository lock.
EventResult record_event_locked(Repository& repo, RepositoryLock lock, const std::string& id, const EventMaker& make,
                                const Recorder& rec);

/// Extra files committed with an event (evidence kept in the repository).
EventResult record_event_with_files(Repository& repo, const std::string& id, const EventMaker& make,
                                    const std::vector<FileWrite>& files, const Recorder& rec);

/// irctl edit: a copy of an incident file to edit, kept in the git directory
/// until it is committed, so that an edit that does not validate is not lost.
struct EditDraft {
  std::string path;      ///< the file to open in the editor
  bool resumed = false;  ///< an earlier edit that was not committed
};
/// What start_edit does with an earlier edit that was not committed.
enum class EarlierDraft { resume, discard };
/// Starts (or resumes) editing one incident.
EditDraft start_edit(Repository& repo, const std::string& id, EarlierDraft earlier);
/// Commits the draft: it must parse and keep every timeline entry; changes
/// someone committed meanwhile are merged in (merge_incident); fields that no
/// longer follow from the timeline are recorded by an "edit" event. The draft
/// is removed once committed; kept (and named) when refused. `recorded` is
/// false when nothing changed.
EventResult finish_edit(Repository& repo, const std::string& id, const Recorder& rec);

/// What list --status accepts: "open", each status, and "void".
const AllowedValues& status_filters();

struct ListFilter {
  /// "open" stands for every status before resolved. Void incidents pass only
  /// when "void" is among them; without statuses, every incident but those.
  std::vector<std::string> statuses;
  std::vector<std::string> severities;
  std::vector<std::string> services;
  std::vector<std::string> kinds;
  std::optional<Timestamp> since;  ///< declared at or after
  std::optional<Timestamp> until;  ///< declared before
};

struct ListResult {
  std::vector<IncidentSummary> incidents;  ///< newest first
  std::vector<FileProblem> problems;       ///< files that could not be read
  std::shared_ptr<const void> storage;     ///< what the summaries' documents point into
};
/// The incidents that pass `filter`, from the summary cache (read_summaries);
/// `documents` fills each IncidentSummary::document, for list --json.
ListResult list_incidents(Repository& repo, const ListFilter& filter,
                          SummaryDocuments documents = SummaryDocuments::leave_out);

/// The commits that changed one incident, newest first.
std::vector<CommitInfo> incident_history(const Repository& repo, const std::string& id);

/// Builds a commit message: "note INC-…: text" and the Incident/Event trailers.
std::string commit_message(const std::string& incident_id, const Event& e);

}  // namespace irctl
