#pragma once
// One incident, as one TOML file (format: irctl-format(5)).
//
// The timeline is the record: every change is an event with its own id, and an
// event lists in `set` the fields it changed. The fields at the top of the file
// are the incident's current state, kept in step with the timeline, so that a
// person reading the file, or any TOML parser, sees the state without replaying
// anything; a merge can rebuild them from the united timelines.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/allowed_values.hpp"
#include "core/model/config.hpp"
#include "core/model/tomldoc.hpp"
#include "core/util/time.hpp"

namespace irctl {

constexpr int kSchemaVersion = 1;

/// Every type of timeline event irctl records.
const AllowedValues& event_types();
/// The events that tell an incident's story, which a postmortem's timeline
/// shows (irctl-templates(5)); the others are bookkeeping (task ticks, set,
/// edit, assign, pin, ...), shown there only when pinned.
const AllowedValues& key_event_types();

/// The lifecycle, in order: status only moves forward (reopen aside).
const AllowedValues& statuses();
bool is_open_status(const std::string& status);
/// The position of a status in the lifecycle (identification = 0).
size_t status_rank(const std::string& status);


struct Event {
  std::string id;
  Timestamp at{};
  std::string by;    ///< "Name <email>"
  std::string type;  ///< declare, note, severity, ...
  std::string text;
  /// What else the event records, by type: the audience of an update, the
  /// evidence of a containment, the escalation level and targets, ...
  TomlTable details;
  /// The fields the event changed, by path ("severity", "roles.commander").
  TomlTable set;
  /// The fields the event removed (a reopened incident loses resolved_at).
  std::vector<std::string> unset;

  bool operator==(const Event&) const = default;
};

struct Task {
  std::string text;
  bool done = false;
  std::optional<Timestamp> done_at;
  std::string done_by;

  bool operator==(const Task&) const = default;
};

/// A follow-up action (irctl action): work that keeps the incident from
/// happening again, tracked until done, often long after the incident closed.
/// Derived from the timeline, so that actions added on two clones merge.
struct FollowUp {
  std::string id;  ///< the id of the event that added it; references survive merges
  int number = 0;  ///< 1-based, in the order the actions were added
  std::string text;
  std::string owner;
  std::string due;   ///< YYYY-MM-DD, or empty
  std::string type;  ///< prevent, mitigate, detect, process, or empty
  std::string link;
  Timestamp added_at{};
  std::string added_by;
  bool done = false;
  std::optional<Timestamp> done_at;
  std::string done_by;

  /// Open, with a due date before `today` (YYYY-MM-DD, UTC).
  bool overdue(const std::string& today) const { return !done && !due.empty() && due < today; }
  bool operator==(const FollowUp&) const = default;
};

struct RoleAssignment {
  std::string role;
  std::string person;
  std::string workstream;  ///< empty unless the role has workstreams

  bool operator==(const RoleAssignment&) const = default;
};

/// A person recorded in a role that has workstreams is written "bob (db)".
std::string person_with_workstream(const std::string& person, const std::string& workstream);
RoleAssignment split_workstream(const std::string& role, const std::string& entry);

/// How the postmortem treats an event (irctl timeline --pin/--hide), from
/// the "pin", "unpin", "hide" and "unhide" events in the order things happened.
enum class Curation {
  pinned,         ///< shown in the postmortem's timeline, key event or not
  pinned_public,  ///< the same, and in the external version too
  hidden,         ///< left out of the postmortem's timeline, key event or not
};
/// What a "pin", "unpin", "hide" or "unhide" event makes of its target's
/// curation (`now`; nullopt: neither pinned nor hidden); any other event
/// leaves it. The one rule both the fold and the command that records use.
std::optional<Curation> curation_after(const Event& e, std::optional<Curation> now);

/// The typed state of an incident, read from its file.
struct Incident {
  std::string id;
  std::string title;
  std::string status;
  std::string severity;
  std::string kind;
  std::vector<std::string> services;
  std::string summary;
  std::string impact;
  std::string root_cause;
  std::string resolution;  ///< how the impact was ended (irctl resolve --resolution); not the summary
  std::string postmortem;  ///< the postmortem's path, once one is written
  std::vector<std::string> channels;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> detected_at;
  Timestamp declared_at{};
  std::optional<Timestamp> acknowledged_at;
  std::optional<Timestamp> contained_at;
  std::optional<Timestamp> eradicated_at;
  std::optional<Timestamp> recovered_at;
  /// When the impact ended (irctl set --impact-ended): service may come back
  /// in stages, long after the first recovery action.
  std::optional<Timestamp> impact_ended_at;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> closed_at;
  /// Set by irctl void: the incident is withdrawn (declared by mistake, a
  /// drill), kept on record but left out of lists, metrics and the gate.
  std::optional<Timestamp> voided_at;
  std::string void_reason;
  std::string escalation_policy;
  int escalation_level = 0;  ///< 0: nobody paged through the policy yet
  std::optional<Timestamp> escalated_at;
  std::vector<RoleAssignment> roles;
  std::vector<std::string> alerts;  ///< the keys of the alerts it came from (irctl ingest)
  std::string alert_status;         ///< firing or resolved, as the alerts last said
  std::vector<Task> tasks;  ///< the playbook's steps; done comes from "task" events
  std::vector<FollowUp> actions;  ///< from "action", "action-done", "action-reopen" and "action-edit" events
  std::vector<Event> timeline;
  /// The curated events, by event id; an event not here is neither pinned nor hidden.
  std::map<std::string, Curation> curation;

  bool is_void() const { return voided_at.has_value(); }
  /// The people in a role, in file order.
  std::vector<std::string> people_in(const std::string& role) const;
  bool is_pinned(const std::string& event_id) const;  ///< publicly or not
  bool is_public(const std::string& event_id) const;
  bool is_hidden(const std::string& event_id) const;
  /// Every field: a test that compares whole values sees a field that a
  /// copy (the summary cache) dropped.
  bool operator==(const Incident&) const = default;
};

class IncidentFile {
 public:
  /// Parses and validates a file; problems are Error(Errc::data) with the
  /// file, line and column.
  static IncidentFile parse(const std::string& text, const std::string& path);
  /// The same, many times faster (parse_toml_fast), for reads of many files
  /// that write nothing back: the document keeps no comments. A file the fast
  /// reader refuses, or that does not validate, is parsed again by parse, so
  /// that the error is parse's, with its line and column.
  static IncidentFile read_fast(const std::string& text, const std::string& path);
  /// A new incident file holding only its schema and ID; the declare event
  /// fills in the rest.
  static IncidentFile create(const std::string& id);
  /// A file that is exactly what render() makes of it, with its timeline
  /// written last, split where the timeline begins (timeline_offset): the
  /// state keys and tables (`header`, parsed and validated here), the
  /// timeline's text, kept as bytes, and its events, read before (from a
  /// whole read, or a cache of one). apply() then appends to it rather than
  /// writing the whole file anew, so that a write's cost does not grow with
  /// the timeline. Error(Errc::data) when the header is not valid.
  static IncidentFile from_split(const std::string& header, std::string_view timeline_text,
                                 std::vector<Event> timeline, const std::string& path);
  /// from_split with the timeline's `count` events as encode_events wrote
  /// them (event_binary.hpp), in memory that `owner` keeps alive, decoded
  /// only when incident() is asked for: a write that reads only state()
  /// and appends costs as much on 10,000 events as on 10.
  /// `text` is the whole file, the timeline at `timeline_offset`; once the
  /// header is read, `text` is left empty: its memory became the
  /// timeline's (no copy of a 2 MB file). Unchanged when this throws.
  static IncidentFile from_split_encoded(std::string& text, size_t timeline_offset, std::string_view encoded,
                                         size_t count, std::shared_ptr<const void> owner, const std::string& path);

  /// from_split without a cache: toml++ reads the whole text (fast, no
  /// comments), and when its timeline, written as irctl writes it, is the
  /// end of the text, the rest is the header that toml11 reads. nullopt when
  /// it is not so (comments or hand edits in the timeline, anything after
  /// it, a header not laid out as irctl writes it, a text toml++ refuses):
  /// then the file is read whole.
  static std::optional<IncidentFile> split_fast(const std::string& text, const std::string& path);

  /// The typed view: the state keys, the timeline and what follows from it.
  const Incident& incident() const {
    if (undecoded_) decode_timeline();
    return view_;
  }
  /// The state keys alone, for what reads nothing else: from
  /// from_split_encoded, the timeline holds only what apply() appended, and
  /// the follow-up actions, the curation and the tasks' done are not read.
  const Incident& state() const { return view_; }
  /// The typed view, moved out, for a reader done with the file (a copy
  /// would copy the whole timeline).
  Incident take_incident() && {
    if (undecoded_) decode_timeline();
    return std::move(view_);
  }
  /// How many events the timeline has, without decoding it.
  size_t event_count() const { return undecoded_ ? undecoded_->count + view_.timeline.size() : view_.timeline.size(); }
  /// encode_events of the timeline's events from the `first`th on, without
  /// decoding those before (for the timeline cache, which has them).
  std::string encoded_events_from(size_t first) const;
  const std::string& path() const { return path_; }
  /// The parsed document; for a split file (from_split), without the timeline.
  const TomlValue& document() const { return doc_; }
  /// True for a file from from_split that apply() has kept split: its
  /// render() is the header written again and the timeline's bytes, what
  /// apply() appended included, all of it checked to read back as the view.
  bool is_split() const { return text_.has_value(); }
  /// A split file's timeline_offset: where the timeline's text begins in render().
  size_t split_at() const { return header_text_.size(); }
  /// Where the timeline's text begins in `text`, when `text` is exactly what
  /// render() makes of this file and nothing follows the timeline: where
  /// from_split may split it. nullopt otherwise.
  std::optional<size_t> timeline_offset(const std::string& text) const;

  /// Appends the event to the timeline and applies the fields it sets. The
  /// rest of the document (comments, unknown keys, key order) is kept. A
  /// split file stays split when that writes what the whole document would
  /// (the event sets only keys irctl-format(5) places before the timeline),
  /// and what changed (the state keys and the new entry) parses, validates
  /// and reads back as written; otherwise it is read whole first, as any
  /// other file.
  void apply(const Event& event);

  /// The document its timeline alone produces: a new file with every event
  /// applied in file order. Fields that differ from it were changed by hand.
  IncidentFile replayed() const;

  std::string render() const;
  /// render(), where a split file gives up its memory for it: the text it
  /// was read from becomes what is written, in place (a long file is not
  /// copied). It cannot render() after that; the rest of it stays.
  std::string take_render();
  /// After take_render(): how much of what it gave is the text the file was
  /// read from, unchanged, when the write only added to it (an event whose
  /// fields leave the header as it was, as a note's); nullopt otherwise.
  std::optional<size_t> unchanged_prefix() const;
  /// The whole document as JSON, with the repository-relative `path` added.
  Json to_json() const;
  /// The same, given what render() made (after take_render()).
  Json to_json(const std::string& rendered) const;

 private:
  IncidentFile(TomlValue doc, std::string path);
  IncidentFile(TomlValue doc, std::string path, Incident view);
  void set_field(const std::string& dotted_path, const TomlValue& value);
  void unset_field(const std::string& dotted_path);
  /// apply() on a split file; false (and nothing changed) when it cannot stay split.
  bool append(const Event& event);
  /// A split file of this header and timeline text.
  static IncidentFile split_file(TomlValue doc, const std::string& path, Incident view, const std::string& header,
                                 std::string text, size_t timeline_at);
  std::string_view timeline_text() const { return std::string_view(*text_).substr(timeline_at_); }
  /// Decodes undecoded_ into the view's timeline, before what apply()
  /// appended, and derives what follows from the timeline.
  void decode_timeline() const;

  TomlValue doc_;
  std::string path_;
  // Lazily completed by incident(), which is const.
  mutable Incident view_;
  /// The earlier events of a file from from_split_encoded, not decoded yet.
  struct Undecoded {
    std::string_view bytes;
    size_t count = 0;
    std::shared_ptr<const void> owner;
  };
  mutable std::optional<Undecoded> undecoded_;
  /// A split file's header as written (render()'s first part).
  std::string header_text_;
  /// The text a split file was read from: its timeline's bytes from
  /// timeline_at_ on, after the header as it was (take_render() puts
  /// header_text_ in its place).
  std::optional<std::string> text_;
  size_t timeline_at_ = 0;
  /// What apply() appended to the timeline: kept apart, for growing a 2 MB
  /// string would copy it.
  std::string appended_text_;
  bool rendered_out_ = false;  ///< take_render() took text_
  size_t rendered_size_ = 0;   ///< of what take_render() gave
  bool header_changed_ = false;  ///< apply() wrote a header unlike the one read
};

/// A top-level field whose value in a file is not what its timeline produces.
struct FieldDrift {
  std::string field;
  std::optional<TomlValue> stored;   ///< nullopt: the file lacks it
  std::optional<TomlValue> derived;  ///< nullopt: the timeline does not set it
};
/// The fields of `file` (other than schema, id and timeline) that differ from
/// file.replayed(), compared as data (comments and layout aside).
std::vector<FieldDrift> drift_from_timeline(const IncidentFile& file);

/// Sets a top-level key of an incident document: in place (keeping the
/// comments above it) when it is there, else where irctl-format(5) puts it.
void put_in_schema_order(TomlTable& root, const std::string& key, const TomlValue& value);

/// The events ordered by when they happened (events written after the fact
/// with --at sit where they belong); equal times keep their recorded order.
std::vector<Event> in_time_order(std::vector<Event> events);

/// Refuses (Error(Errc::data), naming the file, line and column) an incident
/// whose severity is not on the configured scale: nothing could say how
/// severe it is, so no reader may guess (irctl gate would let a deploy by).
void require_on_scale(const IncidentFile& file, const Config& config);
/// The same for a file read with IncidentFile::read_fast from `text`, whose
/// document has no line numbers: toml11 reads the text again only when there
/// is a problem to report, so that the message names the line.
void require_on_scale(const IncidentFile& file, const std::string& text, const Config& config);
/// The same for a summary, which keeps no line numbers.
std::optional<std::string> off_scale_problem(const std::string& path, const std::string& severity,
                                             const Config& config);

/// The event that `query` names: its id, or a unique start of it (as git
/// takes a commit), in any case. Error(Errc::not_found) when none does,
/// Error(Errc::usage) naming the candidates when several do.
const Event& resolve_event(const Incident& inc, const std::string& query);

/// Builds the typed view of a validated document.
Incident read_incident(const TomlValue& doc, const std::string& path);
/// The same for a document whose timeline holds only the entries that come
/// after `earlier` (read before): the view of the whole file.
Incident read_incident_after(const TomlValue& doc, const std::string& path, std::vector<Event> earlier);

/// The event as a TOML table, in the key order of irctl-format(5).
TomlValue event_to_toml(const Event& e);
Json event_to_json(const Event& e);

}  // namespace irctl
