#pragma once
// Response durations derived from an incident's timeline, never typed in.
// A stage that was not recorded has no duration (not zero).

#include <optional>

#include "core/model/incident.hpp"

namespace irctl {

struct Durations {
  std::optional<Seconds> to_detect;       ///< impact start -> detection
  std::optional<Seconds> to_declare;      ///< detection (else impact start) -> declaration
  std::optional<Seconds> to_acknowledge;  ///< declaration -> first acknowledgement (MTTA)
  std::optional<Seconds> to_contain;      ///< declaration -> first containment action
  std::optional<Seconds> to_recover;      ///< declaration -> first recovery action
  std::optional<Seconds> to_resolve;      ///< declaration -> resolution (MTTR)
  std::optional<Seconds> impact;          ///< impact start (else detection, else declaration) -> recovery, else resolution
};

Durations durations_of(const Incident& inc);

}  // namespace irctl
