#pragma once
// The response lifecycle: declaration, severity, roles, acknowledgement, escalation,
// containment through recovery, resolution, reopening and closing, updates,
// descriptive fields and playbook tasks. Each is one event through
// record_event, refused with Errc::refused where the lifecycle forbids it.

#include <optional>
#include <string>
#include <vector>

#include "core/operations.hpp"

namespace irctl {

/// What an incident's severity requires and it does not have yet.
struct Requirement {
  std::string role;  ///< a role nobody fills, or empty
  int escalation_level = 0;  ///< the level to reach, when that is what is missing
  std::string describe() const;
};
std::vector<Requirement> missing_requirements(const Incident& inc, const Config& config);

/// An incident as --json shows it: the file's data, its path, what its
/// severity requires but it lacks ("missing": [{"role": …} or {"escalation_level": …}]),
/// its follow-up actions (with "overdue" when `today`, YYYY-MM-DD, is given)
/// and its durations ("durations": {"detect": seconds, …}, only those reached).
Json incident_to_json(const IncidentFile& file, const Config& config, const std::string& today = "");
/// What incident_to_json adds to the file's own data: "missing" (what the
/// severity requires and the incident lacks), "actions" (its follow-ups) and
/// "durations" (core/model/metrics.hpp, in seconds).
Json derived_json(const Incident& inc, const Config& config, const std::string& today);

/// The escalation policy for new incidents of these services: the first
/// service that names one, else the default.
std::string policy_for(const Config& config, const std::vector<std::string>& services);

/// The playbook steps for a kind: .irctl/playbooks/<kind>.toml, else
/// security.toml for a security kind. Empty when there is none.
std::vector<std::string> playbook_steps(const Repository& repo, const Config& config, const std::string& kind);

struct DeclareRequest {
  std::string title;
  std::optional<std::string> severity;
  std::optional<std::string> kind;
  std::vector<std::string> services;
  std::optional<std::string> commander;
  std::optional<std::string> summary;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> detected_at;
  std::vector<std::string> channels;
  std::vector<std::string> alerts;  ///< the alert keys it was declared from (irctl ingest)
  TomlTable details;                ///< more to record on the declare event (the alert)
};
/// Declares an incident: its first event sets the title, severity, kind and
/// times, pages the first level of its escalation policy and attaches its
/// kind's playbook.
EventResult declare_incident(Repository& repo, const DeclareRequest& request, const Recorder& rec);
/// The same, for a caller that already holds the repository lock (to look,
/// then write, with nobody in between).
EventResult declare_incident_locked(Repository& repo, RepositoryLock lock, const DeclareRequest& request,
                                    const Recorder& rec);

EventResult change_severity(Repository& repo, const std::string& id, const std::string& level,
                            const std::string& reason, const Recorder& rec);

struct AssignRequest {
  std::string role;
  std::string person;
  std::string workstream;
  bool remove = false;
};
EventResult assign_role(Repository& repo, const std::string& id, const AssignRequest& req, const Recorder& rec);

EventResult acknowledge(Repository& repo, const std::string& id, const Recorder& rec);

/// Without `to`, the next level of the incident's policy; with it, that target.
EventResult escalate(Repository& repo, const std::string& id, const std::optional<std::string>& to,
                     const std::string& reason, const Recorder& rec);
/// Escalates every open, unacknowledged incident whose level has timed out
/// by the recorder's time; files that cannot be read are in `problems`.
struct DueResult {
  std::vector<EventResult> escalated;
  std::vector<FileProblem> problems;
};
DueResult escalate_due(Repository& repo, const Recorder& rec);

struct Evidence {
  std::string sha256;
  uint64_t size = 0;
  std::string source;  ///< the path it was collected from
  std::string stored;  ///< where it is kept in the repository; empty with --hash-only
  mode_t perms = 0;    ///< the source's permission bits
};
/// Hashes a file (SHA-256) for the evidence log; Errc::usage when unreadable.
Evidence hash_evidence(const std::string& file);
/// The evidence an event recorded (its "evidence" details); perms are not recorded.
std::vector<Evidence> recorded_evidence(const Event& e);

/// An action of a response phase (contain, eradicate, recover), recorded on
/// the timeline; not a follow-up action (core/actions.hpp).
struct PhaseAction {
  std::string phase;  ///< containment, eradication or recovery
  std::string action;
  std::vector<std::string> evidence_files;
  bool hash_only = false;
};
EventResult record_phase_action(Repository& repo, const std::string& id, const PhaseAction& req, const Recorder& rec);

/// `resolution` says how the impact was ended (the incident's "resolution",
/// not its summary).
EventResult resolve_incident(Repository& repo, const std::string& id, const std::optional<std::string>& resolution,
                             const std::optional<std::string>& root_cause, const Recorder& rec);
EventResult reopen_incident(Repository& repo, const std::string& id, const std::string& reason, const Recorder& rec);
/// Withdraws an incident (declared by mistake, a drill): a "void" event
/// that sets voided_at and void_reason and keeps the file. Not undone by
/// irctl (git revert of its commit undoes it); nothing to change when it is
/// void already.
EventResult void_incident(Repository& repo, const std::string& id, const std::string& reason, const Recorder& rec);
/// Whether close_incident requires the postmortem; `forced` closes without
/// one (--force), recording that it did.
enum class ClosePolicy { needs_postmortem, forced };
/// Refused until the postmortem (postmortems/<ID>.md) exists, unless forced.
EventResult close_incident(Repository& repo, const std::string& id, ClosePolicy policy, const Recorder& rec);

/// Who an update is for: internal (stakeholders) or external (customers).
const AllowedValues& audiences();
/// `public_title` (external updates only; "" for none): what the public
/// status page calls the incident from then on, instead of a name made of
/// what it did and where.
EventResult post_update(Repository& repo, const std::string& id, const std::string& text,
                        const std::string& audience, const Recorder& rec, const std::string& public_title = "");

struct SetRequest {
  std::optional<std::string> title;
  std::optional<std::string> summary;
  std::optional<std::string> impact;
  std::optional<std::string> resolution;
  std::optional<std::vector<std::string>> services;  ///< replaces the list
  std::optional<std::vector<std::string>> channels;  ///< replaces the list
  std::vector<std::string> add_services;
  std::vector<std::string> add_channels;
  /// Corrections of the moments the durations are measured from or to:
  /// kept in order (started <= detected <= declared, the impact's end after
  /// its start) and not in the future.
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> detected_at;
  std::optional<Timestamp> impact_ended_at;
};
EventResult set_fields(Repository& repo, const std::string& id, const SetRequest& req, const Recorder& rec);

/// Ticks off (MarkAs::done) or reopens (MarkAs::open) task `number` (1-based).
EventResult mark_task(Repository& repo, const std::string& id, int number, MarkAs mark, const Recorder& rec);
/// mark_task for each of `numbers` in turn, one event and commit each (the
/// write path makes one commit per event); refused before anything is
/// recorded when any of them is not a task of the incident.
std::vector<EventResult> mark_tasks(Repository& repo, const std::string& id, const std::vector<int>& numbers,
                                    MarkAs mark, const Recorder& rec);

}  // namespace irctl
