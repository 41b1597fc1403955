#pragma once
// Follow-up actions (irctl action): the work an incident's review asks for,
// with an owner and a due date, tracked across all incidents until done.
// Each change is an event on the incident's timeline (see FollowUp), allowed
// on closed incidents too, since follow-ups outlive the response.

#include <optional>
#include <string>
#include <vector>

#include "core/operations.hpp"

namespace irctl {

/// The kinds of follow-up action, in the order the review discusses them.
const AllowedValues& follow_up_types();

/// "2026-11-28": the UTC date of a time.
std::string date_of(Timestamp t);
/// A due date: YYYY-MM-DD, or a span from `from` (the event's time) such as
/// 7d or 2w. Throws Error(Errc::usage).
std::string parse_due_date(const std::string& text, Timestamp from);

struct FollowUpRequest {
  std::string text;
  std::string owner;
  std::string due;   ///< as typed (see parse_due_date)
  std::string type;
  std::string link;
};
EventResult add_follow_up(Repository& repo, const std::string& id, const FollowUpRequest& req, const Recorder& rec);

/// Marks an action done (or open again). `which` is its number on the
/// incident, or its id; nothing changes when it already is.
EventResult mark_follow_up(Repository& repo, const std::string& id, const std::string& which, MarkAs mark,
                           const Recorder& rec);

/// What `action edit` changes; a field left nullopt stays as it is. An
/// empty owner, due date, type or link clears it; the text cannot be cleared.
struct FollowUpEdit {
  std::optional<std::string> text;
  std::optional<std::string> owner;
  std::optional<std::string> due;  ///< as typed (see parse_due_date)
  std::optional<std::string> type;
  std::optional<std::string> link;
};
/// Changes an action (`which`: its number or id) with an "action-edit" event
/// that names it by its id and holds only the fields that change; nothing is
/// recorded when none does. Bad values are Error(Errc::usage), checked before
/// the incident is read.
EventResult edit_follow_up(Repository& repo, const std::string& id, const std::string& which, const FollowUpEdit& edit,
                           const Recorder& rec);

struct FollowUpFilter {
  std::optional<std::string> incident;  ///< a full incident ID; all incidents otherwise
  bool open_only = false;
  bool overdue_only = false;
  std::string owner;  ///< the owner's name, email or whole "Name <email>", any case
  std::string today;  ///< YYYY-MM-DD, for overdue
};
struct FollowUpRow {
  std::string incident;
  std::string incident_title;
  std::string incident_status;
  FollowUp action;
  bool overdue = false;
};
struct FollowUpList {
  std::vector<FollowUpRow> rows;  ///< by due date (undated last), then incident and number
  std::vector<FileProblem> problems;
};
FollowUpList list_follow_ups(Repository& repo, const FollowUpFilter& filter);

/// An action as --json shows it; `today` adds "overdue" when not empty.
Json follow_up_to_json(const FollowUp& a, const std::string& today);

}  // namespace irctl
