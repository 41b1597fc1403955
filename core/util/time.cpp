#include "core/util/time.hpp"

#include <cctype>
#include <cstdio>

#include "core/error.hpp"

namespace irctl {
namespace {

using namespace std::chrono;

const char* const kTimeHint =
    "use RFC 3339 such as 2026-11-28T16:05:00Z or a time before now such as -15m, -1h30m, -2d";

Error bad_time(const std::string& text, const std::string& why) {
  return Error(Errc::usage, "invalid time " + quote(text) + ": " + why, kTimeHint);
}

// Reads exactly `n` digits at `pos`; returns -1 when they are not there.
int digits(const std::string& s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(const std::string& s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Sums "1h30m"-style parts; returns false on anything else.
bool parse_duration_parts(const std::string& s, Seconds& out) {
  if (s.empty()) return false;
  Seconds total{0};
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    long long n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      n = n * 10 + (s[pos] - '0');
      if (n > 100000000LL) return false;
      ++pos;
    }
    if (pos == start || pos == s.size()) return false;
    switch (s[pos++]) {
      case 's': total += Seconds(n); break;
      case 'm': total += minutes(n); break;
      case 'h': total += hours(n); break;
      case 'd': total += days(n); break;
      case 'w': total += weeks(n); break;
      default: return false;
    }
  }
  out = total;
  return true;
}

Timestamp parse_rfc3339(const std::string& text) {
  CivilTime c{};
  size_t pos = 0;
  c.year = digits(text, pos, 4);
  if (c.year < 0 || !expect(text, pos, '-')) throw bad_time(text, "expected a date like 2026-11-28");
  c.month = digits(text, pos, 2);
  if (c.month < 0 || !expect(text, pos, '-')) throw bad_time(text, "expected a date like 2026-11-28");
  c.day = digits(text, pos, 2);
  if (c.day < 0) throw bad_time(text, "expected a date like 2026-11-28");
  if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')))
    throw bad_time(text, "expected 'T' and a time of day after the date");
  c.hour = digits(text, pos, 2);
  if (c.hour < 0 || !expect(text, pos, ':')) throw bad_time(text, "expected a time of day like 16:05");
  c.minute = digits(text, pos, 2);
  if (c.minute < 0) throw bad_time(text, "expected a time of day like 16:05");
  c.second = 0;
  if (expect(text, pos, ':')) {
    c.second = digits(text, pos, 2);
    if (c.second < 0) throw bad_time(text, "expected seconds after the minutes");
    if (expect(text, pos, '.')) {  // fractions of a second are dropped
      size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      if (pos == start) throw bad_time(text, "expected digits after '.'");
    }
  }
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    c.offset_minutes = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos++] == '-' ? -1 : 1;
    int oh = digits(text, pos, 2);
    if (oh < 0 || !expect(text, pos, ':')) throw bad_time(text, "expected an offset like +02:00");
    int om = digits(text, pos, 2);
    if (om < 0 || oh > 23 || om > 59) throw bad_time(text, "expected an offset like +02:00");
    c.offset_minutes = sign * (oh * 60 + om);
  } else {
    throw bad_time(text, "the time zone is missing; add Z for UTC or an offset like +02:00");
  }
  if (pos != text.size()) throw bad_time(text, "unexpected text after the time");
  return from_civil(c);
}

}  // namespace

Timestamp now_utc() { return time_point_cast<seconds>(system_clock::now()); }

CivilTime to_civil(Timestamp t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return CivilTime{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(hms.hours().count()),
                   static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()), 0};
}

Timestamp from_civil(const CivilTime& c) {
  const year_month_day ymd{year{c.year}, month{static_cast<unsigned>(c.month)}, day{static_cast<unsigned>(c.day)}};
  const std::string text = std::to_string(c.year) + "-" + std::to_string(c.month) + "-" + std::to_string(c.day);
  if (c.year < 1970 || c.year > 9999 || !ymd.ok())
    throw Error(Errc::usage, "invalid date " + quote(text), kTimeHint);
  // A leap second (60) is folded into the next minute.
  if (c.hour > 23 || c.minute > 59 || c.second > 60)
    throw Error(Errc::usage, "invalid time of day on " + quote(text), kTimeHint);
  return sys_days{ymd} + hours{c.hour} + minutes{c.minute} + seconds{c.second} - minutes{c.offset_minutes};
}

Timestamp parse_day_or_time(const std::string& text, Timestamp now) {
  const bool bare_date = text.size() == 10 && text[4] == '-' && text[7] == '-';
  return parse_time(bare_date ? text + "T00:00:00Z" : text, now);
}

namespace {
Timestamp parse_time_unchecked(const std::string& text, Timestamp now);
}  // namespace

Timestamp parse_time(const std::string& text, Timestamp now) {
  const Timestamp t = parse_time_unchecked(text, now);
  // Durations and the files' times are counted from 1970 (git's epoch too).
  if (t < Timestamp{}) throw bad_time(text, "it is before 1970, the earliest time irctl records");
  return t;
}

namespace {

Timestamp parse_time_unchecked(const std::string& text, Timestamp now) {
  if (text == "now") return now;
  if (!text.empty() && text[0] == '-') {
    Seconds ago{};
    if (!parse_duration_parts(text.substr(1), ago))
      throw bad_time(text, "a relative time is a number and a unit (s, m, h, d, w), such as -15m");
    return now - ago;
  }
  if (!text.empty() && text[0] == '+')
    throw bad_time(text, "events cannot be recorded in the future");
  return parse_rfc3339(text);
}

}  // namespace

Timestamp parse_planned_time(const std::string& text, Timestamp now) {
  const char* const hint = "use RFC 3339 such as 2026-12-05T02:00:00Z, or a time from now such as +2h, +1d12h or -15m";
  if (text.empty() || text[0] != '+') {
    try {
      return parse_time(text, now);
    } catch (const Error& e) {
      throw Error(e.code(), e.what(), hint);
    }
  }
  Seconds ahead{};
  if (!parse_duration_parts(text.substr(1), ahead))
    throw Error(Errc::usage,
                "invalid time " + quote(text) + ": a time ahead is + and a number and a unit (s, m, h, d, w)", hint);
  return now + ahead;
}

Seconds parse_duration(const std::string& text) {
  Seconds d{};
  if (!parse_duration_parts(text, d))
    throw Error(Errc::usage, "invalid duration " + quote(text),
                "a duration is a number and a unit (s, m, h, d, w), such as 15m or 1h30m");
  return d;
}

std::string format_rfc3339(Timestamp t) {
  const CivilTime c = to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute,
                c.second);
  return buf;
}

std::string format_short(Timestamp t) {
  const CivilTime c = to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute);
  return buf;
}

std::string human_time(Timestamp t) { return format_short(t) + " UTC"; }

std::string year_month(Timestamp t) { return format_rfc3339(t).substr(0, 7); }

std::string format_duration(Seconds d) {
  const bool negative = d.count() < 0;
  long long s = negative ? -d.count() : d.count();
  const long long dd = s / 86400, hh = s / 3600 % 24, mm = s / 60 % 60, ss = s % 60;
  char buf[64];
  if (dd > 0)
    std::snprintf(buf, sizeof buf, "%lldd %lldh %02lldm", dd, hh, mm);
  else if (hh > 0)
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", hh, mm);
  else if (mm > 0)
    std::snprintf(buf, sizeof buf, "%lldm %02llds", mm, ss);
  else
    std::snprintf(buf, sizeof buf, "%llds", ss);
  return negative ? std::string("-") + buf : std::string(buf);
}

}  // namespace irctl
