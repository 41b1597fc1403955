#include "core/curation.hpp"

#include "core/error.hpp"

namespace irctl {
namespace {

std::string past_tense(CurationChange change, PinAudience audience) {
  switch (change) {
    case CurationChange::pin:
      return audience == PinAudience::external ? "pinned as public" : "pinned";
    case CurationChange::unpin:
      return "unpinned";
    case CurationChange::hide:
      return "hidden";
    case CurationChange::unhide:
      return "shown again";
  }
  return "";
}

}  // namespace

const char* curation_event_type(CurationChange change) {
  switch (change) {
    case CurationChange::pin:
      return "pin";
    case CurationChange::unpin:
      return "unpin";
    case CurationChange::hide:
      return "hide";
    case CurationChange::unhide:
      return "unhide";
  }
  return "pin";
}

EventResult curate_event(Repository& repo, const std::string& id, const CurationRequest& req, const Recorder& rec) {
  if (req.audience == PinAudience::external && req.change != CurationChange::pin)
    throw Error(Errc::usage, "only a pin can be public", "pin the event: --pin EVENT --public");
  return record_event(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        const Event& target = resolve_event(inc, req.event);
        const auto found = inc.curation.find(target.id);
        const std::optional<Curation> now =
            found == inc.curation.end() ? std::nullopt : std::optional<Curation>(found->second);
        Event e;
        e.type = curation_event_type(req.change);
        e.text = past_tense(req.change, req.audience) + " " + target.id + " (" + target.type + ")";
        e.details["event"] = TomlValue(target.id);
        if (req.change == CurationChange::pin && req.audience == PinAudience::external)
          e.details["public"] = TomlValue(true);
        // The rule the incident's fold applies decides whether this changes anything.
        if (curation_after(e, now) == now) return std::nullopt;
        return e;
      },
      rec);
}

}  // namespace irctl
