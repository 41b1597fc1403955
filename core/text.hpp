#pragma once
// Small string helpers shared across the core and the command line.

#include <string>
#include <vector>

namespace irctl {

/// Without leading and trailing spaces, tabs and line breaks.
std::string trim(const std::string& s);
/// ASCII letters in lower case; other bytes as they are.
std::string lower(std::string s);
/// The items separated by `separator`.
std::string join(const std::vector<std::string>& items, const char* separator = ", ");
/// True when `s` has a C0 control character or DEL.
bool has_control(const std::string& s);

}  // namespace irctl
