// Fuzz target: the merge driver's three-way merge (core/store/merge.*), as
// `irctl merge-driver` and `irctl sync` run it. The input holds the three
// versions separated by NUL bytes (which no TOML file contains): OURS\0THEIRS
// or BASE\0OURS\0THEIRS. When both sides parse, the merge must succeed, its
// result must parse, and swapping the sides must give the same result.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model/incident.hpp"
#include "core/store/merge.hpp"

namespace {

constexpr const char* kPath = "incidents/2026/11/INC-20261128-K7Q2XM.toml";

std::vector<std::string> split_on_nul(const std::string& input) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t nul; (nul = input.find('\0', start)) != std::string::npos; start = nul + 1)
    parts.push_back(input.substr(start, nul - start));
  parts.push_back(input.substr(start));
  return parts;
}

bool parses(const std::string& text) {
  try {
    irctl::IncidentFile::parse(text, kPath);
    return true;
  } catch (const irctl::Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = split_on_nul(std::string(reinterpret_cast<const char*>(data), size));
  if (parts.size() < 2 || parts.size() > 3) return 0;
  const std::optional<std::string> base = parts.size() == 3 ? std::optional(parts[0]) : std::nullopt;
  const std::string& ours = parts[parts.size() - 2];
  const std::string& theirs = parts[parts.size() - 1];
  if (!parses(ours) || !parses(theirs)) {
    try {
      (void)irctl::merge_incident(base, ours, theirs, kPath);
    } catch (const irctl::Error&) {
      return 0;
    }
    abort();  // a side that does not parse cannot be merged
  }
  irctl::MergedText merged, swapped;
  try {
    merged = irctl::merge_incident(base, ours, theirs, kPath);
    swapped = irctl::merge_incident(base, theirs, ours, kPath);
  } catch (const irctl::Error&) {
    abort();  // two readable sides always merge
  }
  if (!parses(merged.text)) abort();
  if (merged.text != swapped.text) abort();
  return 0;
}
