#include "core/model/metrics.hpp"

namespace irctl {
namespace {

// The time between two recorded moments; nothing when either is missing or
// when they are out of order (a typo in a hand edit must not become a
// negative duration in a report).
std::optional<Seconds> between(const std::optional<Timestamp>& from, const std::optional<Timestamp>& to) {
  if (!from || !to || *to < *from) return std::nullopt;
  return *to - *from;
}

}  // namespace

Durations durations_of(const Incident& inc) {
  const std::optional<Timestamp> declared = inc.declared_at;
  const std::optional<Timestamp> impact_start =
      inc.started_at ? inc.started_at : inc.detected_at ? inc.detected_at : declared;
  Durations d;
  d.to_detect = between(inc.started_at, inc.detected_at);
  d.to_declare = between(inc.detected_at ? inc.detected_at : inc.started_at, declared);
  d.to_acknowledge = between(declared, inc.acknowledged_at);
  d.to_contain = between(declared, inc.contained_at);
  d.to_recover = between(declared, inc.recovered_at);
  d.to_resolve = between(declared, inc.resolved_at);
  d.impact = between(impact_start, impact_end_of(inc));
  return d;
}

std::optional<Timestamp> impact_end_of(const Incident& inc) {
  return inc.impact_ended_at ? inc.impact_ended_at : inc.recovered_at ? inc.recovered_at : inc.resolved_at;
}

std::array<NamedDuration, 7> named_durations(const Durations& d) {
  return {{{"detect", "to_detect", d.to_detect},
           {"declare", "to_declare", d.to_declare},
           {"acknowledge", "to_acknowledge", d.to_acknowledge},
           {"contain", "to_contain", d.to_contain},
           {"recover", "to_recover", d.to_recover},
           {"resolve", "to_resolve", d.to_resolve},
           {"impact", "impact", d.impact}}};
}

}  // namespace irctl
