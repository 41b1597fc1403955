#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/util/time.hpp"

namespace test_time {

using namespace irctl;

namespace {
const Timestamp kNow = from_civil({2026, 11, 28, 16, 5, 0, 0});

Errc error_code_of(const std::string& text) {
  try {
    parse_time(text, kNow);
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error for ", text);
  return Errc::failure;
}
}  // namespace

TEST_SUITE("time") {
  TEST_CASE("RFC 3339 times are read in UTC") {
    CHECK(format_rfc3339(parse_time("2026-11-28T16:05:00Z", kNow)) == "2026-11-28T16:05:00Z");
    CHECK(format_rfc3339(parse_time("2026-11-28T18:05:00+02:00", kNow)) == "2026-11-28T16:05:00Z");
    CHECK(format_rfc3339(parse_time("2026-11-28T10:35:00-05:30", kNow)) == "2026-11-28T16:05:00Z");
    CHECK(format_rfc3339(parse_time("2026-11-28 16:05Z", kNow)) == "2026-11-28T16:05:00Z");
    CHECK(format_rfc3339(parse_time("2026-11-28t16:05:07.123z", kNow)) == "2026-11-28T16:05:07Z");
    CHECK(format_rfc3339(parse_time("2024-02-29T00:00:00Z", kNow)) == "2024-02-29T00:00:00Z");
  }

  TEST_CASE("relative times count back from now") {
    CHECK(parse_time("now", kNow) == kNow);
    CHECK(parse_time("-15m", kNow) == kNow - std::chrono::minutes(15));
    CHECK(parse_time("-1h30m", kNow) == kNow - std::chrono::minutes(90));
    CHECK(parse_time("-2d", kNow) == kNow - std::chrono::hours(48));
    CHECK(parse_time("-45s", kNow) == kNow - std::chrono::seconds(45));
  }

  TEST_CASE("malformed times are usage errors") {
    for (const char* bad : {"", "yesterday", "2026-11-28", "2026-11-28T16:05", "2026-13-01T00:00:00Z",
                            "2026-02-30T00:00:00Z", "2026-11-28T25:00:00Z", "2026-11-28T16:05:00Zjunk", "-15",
                            "-m", "-15q", "+5m", "2026-11-28T16:05:00+2:00"}) {
      CAPTURE(bad);
      CHECK(error_code_of(bad) == Errc::usage);
    }
  }

  TEST_CASE("the error says what to type instead") {
    try {
      parse_time("yesterday", kNow);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("'yesterday'") != std::string::npos);
      CHECK(e.hint().find("-15m") != std::string::npos);
    }
  }

  TEST_CASE("durations") {
    CHECK(parse_duration("15m") == std::chrono::minutes(15));
    CHECK(parse_duration("1h30m") == std::chrono::minutes(90));
    CHECK(parse_duration("1w") == std::chrono::hours(24 * 7));
    CHECK_THROWS_AS(parse_duration("15"), Error);
    CHECK_THROWS_AS(parse_duration(""), Error);
    CHECK(format_duration(std::chrono::seconds(45)) == "45s");
    CHECK(format_duration(std::chrono::minutes(65)) == "1h 05m");
    CHECK(format_duration(std::chrono::hours(50)) == "2d 2h 00m");
    // a day or more keeps its minutes: GitHub's outage of 2018-10-21 lasted 24 h 11 min
    CHECK(format_duration(std::chrono::seconds(87060)) == "1d 0h 11m");
  }

  TEST_CASE("a time in a sentence is to the minute, in UTC, and says so") {
    CHECK(human_time(parse_time("2018-10-22T23:03:59+00:00", kNow)) == "2018-10-22 23:03 UTC");
    CHECK(human_time(parse_time("2018-10-23T01:03:00+02:00", kNow)) == "2018-10-22 23:03 UTC");
  }
}

}  // namespace test_time
