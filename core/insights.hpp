#pragma once
// The insights of the internal site (irctl site): figures by month over the
// incidents, and the charts that draw them as SVG, each with the same numbers
// as an HTML table and as JSON. Pure: the caller reads the repository and
// writes the page.

#include <optional>
#include <string>
#include <vector>

#include "core/model/incident.hpp"

namespace irctl {

/// Figures over the incidents (voided ones are left out), by month of declaration, for the
/// `months` months that end with the month of `today` (YYYY-MM-DD, UTC), oldest first,
/// every month present even when empty.
///
/// Percentiles interpolate linearly between ranks (R's type 7, numpy's default) and are
/// rounded to whole seconds with halves up, as stats rounds its median: {1, 2, 3, 4} s
/// gives low 1.75 -> 2, median 2.5 -> 3, high 3.25 -> 3.
struct Spread {
  size_t count = 0;  ///< incidents that have the duration
  std::optional<Seconds>
      low;  ///< 25th percentile (linear interpolation between ranks, as R's type 7 / numpy's default)
  std::optional<Seconds> median;
  std::optional<Seconds> high;  ///< 75th percentile

  bool operator==(const Spread&) const = default;
};
struct MeasureByMonth {
  std::string name;            ///< "acknowledge", "contain", "resolve", "impact" (the names stats uses)
  std::string title;           ///< "Time to acknowledge (MTTA)", "Time to contain", "Time to resolve", "Impact"
  std::vector<Spread> months;  ///< one per Insights::months

  bool operator==(const MeasureByMonth&) const = default;
};
struct ServiceLoad {
  std::string service;
  size_t incidents = 0;
  Seconds impact{0};  ///< the sum of Durations::impact over its incidents that have one

  bool operator==(const ServiceLoad&) const = default;
};
struct ActionsByMonth {
  std::string month;  ///< of the action's added_at
  size_t added = 0;
  size_t done = 0;     ///< of those added that month, done by now
  size_t open = 0;     ///< of those, still open (overdue included)
  size_t overdue = 0;  ///< of those open, past due at `today`

  bool operator==(const ActionsByMonth&) const = default;
};
struct Insights {
  std::string today;
  std::vector<std::string> months;      ///< YYYY-MM
  std::vector<std::string> severities;  ///< the scale's levels, most severe first (config.severities order)
  std::vector<std::vector<size_t>>
      incidents;  ///< [month][severity]; an incident whose severity is not on the scale counts under the last level
  std::vector<MeasureByMonth> measures;         ///< acknowledge, contain, resolve, impact, in that order
  std::vector<ServiceLoad> services_by_count;   ///< top 10, most incidents first (ties: more impact, then name)
  std::vector<ServiceLoad> services_by_impact;  ///< top 10, most impact first (ties: more incidents, then name);
                                                ///< incidents of the whole window only
  std::vector<ActionsByMonth> actions;          ///< one per month
  size_t actions_done = 0, actions_open = 0, actions_overdue = 0;  ///< over every incident's actions, whenever added

  bool operator==(const Insights&) const = default;
};
/// The figures. Both service lists count the incidents declared in the window, each
/// service once per incident; an incident without a service is in neither. The actions
/// by month are those added in the window, of any incident (declared in it or before).
/// Error(Errc::usage) when `today` is not a date, `months` < 1 or the scale is empty.
Insights make_insights(const std::vector<Incident>& incidents, const std::vector<std::string>& severities,
                       const std::string& today, int months = 12);

/// The figures as JSON (documented shape; durations in seconds as integers, null when absent):
///   {"today", "months": [YYYY-MM], "severities": [..],
///    "incidents_by_severity": [{"month", "total", "by_severity": {severity: count}}],
///    "measures": [{"name", "title", "months": [{"month", "count", "low", "median", "high"}]}],
///    "services_by_count" and "services_by_impact": [{"service", "incidents", "impact"}],
///    "actions": {"done", "open", "overdue", "months": [{"month", "added", "done", "open", "overdue"}]}}
Json insights_to_json(const Insights& in);

/// One chart of the insights page: an SVG drawn by irctl, the same numbers as an HTML table,
/// and as JSON.
struct Chart {
  std::string id;  ///< "incidents-by-severity", "time-to-acknowledge", "time-to-contain", "time-to-resolve", "impact",
                   ///< "services-by-count", "services-by-impact", "actions"
  std::string title;
  std::string summary;     ///< one sentence saying what it shows in words (also the SVG's <desc>)
  std::string svg;         ///< inline SVG for an HTML5 page (no XML declaration)
  std::string table_html;  ///< a <table> with a <caption>, <thead> with scope="col", the same numbers
  Json data;               ///< the numbers behind it (the part of insights_to_json it draws)
};
/// The eight charts, in the order of Chart::id's list. Their colours come from CSS
/// classes (sev-0 .. sev-N, spread, median, bar, done, open, overdue, grid, axis), each
/// with a default fill or stroke attribute, so that they show right without a stylesheet.
std::vector<Chart> insights_charts(const Insights& in);

}  // namespace irctl
