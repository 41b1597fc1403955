// Fuzz target: the alert parsers (core/ingest.*), as `irctl ingest` reads a
// webhook body. The first byte chooses the format (auto-detection or one of
// alert_formats()); the rest is the body.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/ingest.hpp"

namespace {

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto formats = irctl::alert_formats().names();
  const size_t choice = data[0] % (formats.size() + 1);
  const std::string format = choice == formats.size() ? "auto" : formats[choice];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const irctl::Alert alert = irctl::parse_alert(body, format, irctl::IngestMapping{});
    // The title becomes an incident's title and a commit subject: one line.
    if (has_line_break(alert.title)) abort();
    if (alert.state != irctl::Alert::State::ignored && alert.keys.empty()) abort();
  } catch (const irctl::Error&) {
  }
  return 0;
}
