#pragma once
// Response durations derived from an incident's timeline, never typed in.
// A stage that was not recorded has no duration (not zero). This is the one
// definition of every duration: show, stats and the postmortem templates use
// it, and irctl-stats(1) documents it in one table.

#include <array>
#include <optional>

#include "core/model/incident.hpp"

namespace irctl {

struct Durations {
  std::optional<Seconds> to_detect;       ///< started_at -> detected_at
  std::optional<Seconds> to_declare;      ///< detected_at (else started_at) -> declared_at
  std::optional<Seconds> to_acknowledge;  ///< declared_at -> acknowledged_at (MTTA)
  std::optional<Seconds> to_contain;      ///< declared_at -> first containment action
  std::optional<Seconds> to_recover;      ///< declared_at -> first recovery action
  std::optional<Seconds> to_resolve;      ///< declared_at -> resolved_at (MTTR)
  /// started_at (else detected_at, else declared_at) -> impact_ended_at
  /// (else the first recovery action, else resolved_at)
  std::optional<Seconds> impact;

  bool operator==(const Durations&) const = default;
};

Durations durations_of(const Incident& inc);
/// The end the impact is measured to: impact_ended_at, else the first
/// recovery action, else the resolution; nothing before any of them.
std::optional<Timestamp> impact_end_of(const Incident& inc);

/// A duration with the names it goes by.
struct NamedDuration {
  const char* name;          ///< in show, stats and irctl-stats(1): "detect"
  const char* template_key;  ///< in the templates' durations: "to_detect"
  std::optional<Seconds> value;
};
/// Every duration, in the order of the response (impact last).
std::array<NamedDuration, 7> named_durations(const Durations& d);

}  // namespace irctl
