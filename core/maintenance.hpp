#pragma once
// Scheduled maintenance (issue 17): windows announced ahead of time, shown
// as "under maintenance" while they run, and published as an iCalendar feed.
// One file per window (core/model/maintenance_file.hpp), each change one
// commit through Repository::commit.

#include <optional>
#include <string>
#include <vector>

#include "core/model/actor.hpp"
#include "core/model/maintenance_file.hpp"
#include "core/model/tomldoc.hpp"
#include "core/store/repository.hpp"

namespace irctl {

/// Every maintenance window of the repository, cancelled ones included,
/// sorted by starts_at then id. A file under maintenance/ that does not
/// parse and validate is Error(Errc::data) naming it.
std::vector<Maintenance> list_maintenance(const Repository& repo);

/// The window's state at `now`: "scheduled" (not started), "in_progress",
/// "completed" (ended), "cancelled".
std::string maintenance_state(const Maintenance& m, Timestamp now);

/// RFC 5545 iCalendar text: a VCALENDAR (X-WR-CALNAME `calendar_name`) with
/// one VEVENT per window (UID id@irctl, DTSTAMP `now`, DTSTART and DTEND in
/// UTC, SUMMARY the title, DESCRIPTION the text and the services), a
/// cancelled one as STATUS:CANCELLED, so that calendars that subscribed
/// drop it; CRLF line ends, lines folded at 75 octets (never inside a UTF-8
/// character), TEXT values escaped (\\ \; \, \n).
std::string maintenance_to_ical(const std::vector<Maintenance>& windows, Timestamp now,
                                const std::string& calendar_name);

/// The full ID for what the user typed: a full ID or any unique part of
/// one. Throws not_found, or usage when ambiguous.
std::string resolve_maintenance_id(const Repository& repo, const std::string& query);

struct MaintenanceRequest {
  std::string title;
  std::string text;
  std::vector<std::string> services;
  Timestamp starts_at{};
  Timestamp ends_at{};
};
/// Whether add_maintenance takes a window that has already ended.
enum class PastWindow { refused, recorded };

/// What a write of a window did.
struct MaintenanceResult {
  Maintenance window;
  std::string commit;
};

/// Schedules a window: checks the request (a one-line title, known
/// services, an end after the start, an end still ahead unless
/// PastWindow::recorded) with Error(Errc::usage), then writes its file and
/// commits it as `rec`, under the repository lock.
MaintenanceResult add_maintenance(Repository& repo, const MaintenanceRequest& req, PastWindow past,
                                  const Recorder& rec);

/// Cancels a window (`id`: a full ID) at rec.at for `reason`. Refuses
/// (Errc::refused) one already cancelled or already over.
MaintenanceResult cancel_maintenance(Repository& repo, const std::string& id, const std::string& reason,
                                     const Recorder& rec);

/// A window as --json shows it, with its state at `now`.
Json maintenance_to_json(const Maintenance& m, Timestamp now);

}  // namespace irctl
