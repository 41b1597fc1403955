#pragma once
// Response metrics over the incidents of a repository (irctl stats), derived
// from their timelines through durations_of, never typed in. A stage an
// incident did not reach is left out of that stage's figures, not counted as
// zero.

#include <optional>
#include <string>
#include <vector>

#include "core/operations.hpp"

namespace irctl {

/// One duration over a group of incidents.
struct DurationSummary {
  size_t count = 0;                ///< incidents that have this duration
  std::optional<Seconds> mean;     ///< rounded to the second
  std::optional<Seconds> median;   ///< the mean of the middle two for an even count
};
DurationSummary summarize_durations(std::vector<Seconds> values);
/// total / n in whole seconds, halves rounded up, as people round (total >= 0, n > 0).
Seconds rounded_div(Seconds total, size_t n);

struct StatsGroup {
  std::string key;  ///< the severity, service, kind or month (YYYY-MM); "all" for the total
  size_t incidents = 0;
  size_t open = 0;  ///< not resolved or closed yet
  DurationSummary detect;       ///< impact start -> detection
  DurationSummary acknowledge;  ///< declaration -> first acknowledgement (MTTA)
  DurationSummary contain;      ///< declaration -> containment
  DurationSummary resolve;      ///< declaration -> resolution
  DurationSummary impact;       ///< impact start -> impact end (Durations::impact)
  size_t actions_open = 0;
  size_t actions_overdue = 0;
};

/// What stats can group by.
const AllowedValues& stats_groupings();

struct StatsRequest {
  std::optional<Timestamp> since;  ///< declared at or after
  std::optional<Timestamp> until;  ///< declared before
  std::string by;                  ///< empty, or one of stats_groupings()
  std::string today;               ///< YYYY-MM-DD, for overdue actions
};

struct StatsResult {
  std::vector<StatsGroup> groups;  ///< by key; empty without `by`
  StatsGroup total;
  std::vector<FileProblem> problems;
};

/// The figures for these incidents. With `by` = service, an incident of two
/// services counts in both groups (and once in the total); one without a
/// service is in the group "(none)".
StatsResult compute_stats(const std::vector<Incident>& incidents, const std::string& by, const std::string& today);

/// Reads the repository's incidents and computes their figures.
StatsResult repository_stats(Repository& repo, const StatsRequest& req);

}  // namespace irctl
