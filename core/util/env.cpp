#include "core/util/env.hpp"

#include <cmath>
#include <cstdlib>

#include "core/error.hpp"

namespace irctl {

double parse_seconds(const std::string& text, const std::string& name, NumberRange range, const std::string& hint) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < range.min || v > range.max)
    throw Error(Errc::usage, name + " is " + quote(text) + ", not a number of seconds", hint);
  return v;
}

std::optional<double> env_seconds(const char* name, NumberRange range, const std::string& hint) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return parse_seconds(value, name, range, hint);
}

}  // namespace irctl
