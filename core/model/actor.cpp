#include "core/model/actor.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/util/text.hpp"

namespace irctl {

namespace {

bool identity_ok(const Actor& a) {
  const auto bad = [](const std::string& s, const char* forbidden) {
    return s.empty() || s.find_first_of(forbidden) != std::string::npos || has_control(s) || invalid_utf8_at(s);
  };
  return !bad(a.name, "<>") && !bad(a.email, "<> ");
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
  if (!identity_ok(a) || has_control(text))
    throw Error(Errc::usage, "invalid identity " + quote(text) + " in " + source,
                "write it as \"Name <email>\", for example --as \"Alice Example <alice@example.com>\"");
  return a;
}

void require_valid_identity(const Actor& a, const std::string& source, const std::string& fix) {
  if (!identity_ok(a)) throw Error(Errc::usage, "invalid identity " + quote(a.display()) + " in " + source, fix);
}

}  // namespace irctl
