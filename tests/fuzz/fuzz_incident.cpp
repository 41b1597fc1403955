// Fuzz target: the incident file reader, as `show` and `fsck` read a file
// (parse and validate, the JSON view, the replay of the timeline). A file
// that parses must be written back as a file that parses to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/config.hpp"
#include "core/model/incident.hpp"

namespace {

constexpr const char* kPath = "incidents/2026/11/INC-20261128-K7Q2XM.toml";

const irctl::Config& default_config() {
  static const irctl::Config config = irctl::parse_config(irctl::default_config_text());
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<irctl::IncidentFile> file;
  try {
    file = irctl::IncidentFile::parse(text, kPath);
  } catch (const irctl::Error&) {
    return 0;
  }
  (void)irctl::incident_to_json(*file, default_config(), "2026-11-28").dump();
  try {
    (void)irctl::drift_from_timeline(*file);
  } catch (const irctl::Error&) {
  }
  // What irctl writes after any change starts from this rendering.
  const std::string written = file->render();
  try {
    if (irctl::IncidentFile::parse(written, kPath).render() != written) abort();
  } catch (const irctl::Error&) {
    abort();
  }
  return 0;
}
