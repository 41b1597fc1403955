// Fuzz target: the configuration reader (core/model/config.*), as every command
// reads .irctl/config.toml. A configuration that parses must answer the
// look-ups commands make of it.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/model/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  irctl::Config config;
  try {
    config = irctl::parse_config(text);
  } catch (const irctl::Error&) {
    return 0;
  }
  for (const std::string name : {"SEV1", "sev2", "commander", "outage", "security", ""}) {
    (void)config.find_severity(name);
    (void)config.find_role(name);
    (void)config.find_kind(name);
    (void)config.find_policy(name);
    try {
      (void)config.resolve_severity(name);
    } catch (const irctl::Error&) {
    }
    try {
      (void)config.resolve_kind(name);
    } catch (const irctl::Error&) {
    }
    try {
      (void)config.resolve_role(name);
    } catch (const irctl::Error&) {
    }
  }
  return 0;
}
