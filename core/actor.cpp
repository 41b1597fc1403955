#include "core/actor.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"

namespace irctl {

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
