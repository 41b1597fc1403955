#pragma once
// What alert_payloads.cpp (reading a payload into an Alert) and ingest.cpp
// (applying it to the repository) share, and no other file includes.

#include <string>
#include <utility>
#include <vector>

namespace irctl {

/// Label values are data: one line, no control characters, at most `max` bytes.
std::string safe_line(const std::string& s, size_t max);

/// The value of the label `name`; empty when the alert has none.
std::string label(const std::vector<std::pair<std::string, std::string>>& labels, const std::string& name);

}  // namespace irctl
