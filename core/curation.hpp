#pragma once
// Curating an incident's timeline for its postmortem (irctl timeline --pin,
// --hide, --unpin, --unhide): each is an event naming the event it is about,
// so curation is recorded, merges like everything else, and never removes
// anything from the timeline.

#include <string>

#include "core/operations.hpp"

namespace irctl {

/// What to do with an event: each is recorded as an event of the same type.
enum class CurationChange { pin, unpin, hide, unhide };
/// Who may read a pinned event: the internal postmortem only, or the
/// external one too (postmortem --audience external).
enum class PinAudience { internal, external };

struct CurationRequest {
  CurationChange change = CurationChange::pin;
  std::string event;                             ///< the event's id, or a unique start of it
  PinAudience audience = PinAudience::internal;  ///< for CurationChange::pin
};

/// The event type that records `change` ("pin", "unpin", "hide", "unhide").
const char* curation_event_type(CurationChange change);

/// Records the change; nothing (recorded = false) when the event is in that
/// state already. Error(Errc::not_found) for an event the incident does not
/// have, Error(Errc::usage) for an ambiguous id. Allowed on a closed
/// incident: it changes only what its postmortem shows.
EventResult curate_event(Repository& repo, const std::string& id, const CurationRequest& req, const Recorder& rec);

}  // namespace irctl
