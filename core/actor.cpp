#include "core/actor.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace irctl {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

Actor parse_actor(const std::string& text, const std::string& source) {
  const auto open = text.find('<');
  const auto close = text.rfind('>');
  Actor a;
  if (open != std::string::npos && close != std::string::npos && close > open && trim(text.substr(close + 1)).empty()) {
    a.name = trim(text.substr(0, open));
    a.email = trim(text.substr(open + 1, close - open - 1));
  }
  if (a.name.empty() || a.email.empty() || a.email.find_first_of("<> ") != std::string::npos ||
      a.name.find_first_of("<>") != std::string::npos || has_control(text))
    throw Error(Errc::usage, "invalid identity " + quote(text) + " in " + source,
                "write it as \"Name <email>\", for example --as \"Alice Example <alice@example.com>\"");
  return a;
}

}  // namespace irctl
