#pragma once
// Times in irctl are whole seconds in UTC; they are written as RFC 3339 with a
// "Z" suffix, which every TOML and JSON consumer understands.

#include <chrono>
#include <string>

namespace irctl {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

Timestamp now_utc();

/// Parses a time given on the command line: RFC 3339 ("2026-11-28T16:05:00Z",
/// "2026-11-28T18:05:00+02:00", "2026-11-28 16:05Z"), a relative time before
/// `now` ("-15m", "-1h30m", "-2d", "now"). Throws Error(Errc::usage).
Timestamp parse_time(const std::string& text, Timestamp now);

/// parse_time, or a time ahead of `now` ("+2h", "+1d12h"): when planned
/// work (a maintenance window) starts or ends.
Timestamp parse_planned_time(const std::string& text, Timestamp now);
/// parse_time, or a bare date ("2026-11-01") for the start of that day in
/// UTC: the bounds of a period, where a whole day is what people mean.
Timestamp parse_day_or_time(const std::string& text, Timestamp now);

/// Parses a duration such as "15m", "1h30m", "90s", "2d". Throws Error(Errc::usage).
Seconds parse_duration(const std::string& text);

/// "2026-11-28T16:05:00Z"
std::string format_rfc3339(Timestamp t);
/// "2026-11-28 16:05" (UTC), for tables read by people.
std::string format_short(Timestamp t);
/// "2026-11-28 16:05 UTC": the one way a time appears in a sentence read by
/// people (messages, event texts); JSON and the files keep RFC 3339.
std::string human_time(Timestamp t);
/// "2026-11", the month (UTC) a time falls in: the key of figures by month.
std::string year_month(Timestamp t);
/// "1h 05m", "3d 2h", "45s", for durations read by people.
std::string format_duration(Seconds d);

/// Broken-down civil time in UTC, the bridge to TOML's datetime types.
struct CivilTime {
  int year, month, day, hour, minute, second;
  int offset_minutes = 0;  ///< the offset the time was written with
};
CivilTime to_civil(Timestamp t);
/// Throws Error(Errc::usage) when a field is out of range.
Timestamp from_civil(const CivilTime& c);

}  // namespace irctl
