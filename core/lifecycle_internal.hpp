#pragma once
// What the files of the response lifecycle share, and no other file
// includes: lifecycle.cpp (declaring, resolving, reopening, voiding and
// closing, updates, fields and tasks), escalation.cpp (severity, roles,
// acknowledgement, escalation) and response_phases.cpp (contain, eradicate,
// recover, and their evidence).

#include <string>

#include "core/model/incident.hpp"

namespace irctl {

/// Lifecycle actions need an incident that is still open: Errc::refused
/// naming `action` otherwise.
void require_open(const Incident& inc, const std::string& action);

/// Records about an incident (updates, roles, fields) are still welcome once
/// it is resolved, but not once it is closed: Errc::refused then.
void require_not_closed(const Incident& inc, const std::string& action);

/// An event of `type` with `text`, for the caller to fill in.
Event make_event(const std::string& type, const std::string& text);

}  // namespace irctl
