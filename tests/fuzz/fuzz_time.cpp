// Fuzz target: the time parser (core/util/time.*), as every --at, --since and
// --started-at reads it. A time that parses must format and parse back to
// itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/util/time.hpp"

namespace {

// A fixed "now", so that a relative time found by the fuzzer replays the same.
const irctl::Timestamp kNow = irctl::Timestamp{std::chrono::seconds{1795881900}};  // 2026-11-28T16:05:00Z

// What irctl accepted, it writes; what it writes, it must read back as the same.
void check_round_trip(irctl::Timestamp t) {
  const std::string text = irctl::format_rfc3339(t);
  try {
    if (irctl::parse_time(text, kNow) != t) abort();
  } catch (const irctl::Error&) {
    abort();
  }
  (void)irctl::format_short(t);
  (void)irctl::to_civil(t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check_round_trip(irctl::parse_time(text, kNow));
  } catch (const irctl::Error&) {
  }
  try {
    check_round_trip(irctl::parse_day_or_time(text, kNow));
  } catch (const irctl::Error&) {
  }
  try {
    (void)irctl::format_duration(irctl::parse_duration(text));
  } catch (const irctl::Error&) {
  }
  return 0;
}
