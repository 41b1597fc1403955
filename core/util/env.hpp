#pragma once
// The environment variables the core reads itself: the limits in seconds
// (IRCTL_LOCK_TIMEOUT, IRCTL_HOOK_TIMEOUT, IRCTL_SYNC_TIMEOUT), read where
// they apply. What the command line reads (IRCTL_DIR, IRCTL_ACTOR, NO_COLOR)
// is gathered by main() into cli::Env instead.

#include <optional>
#include <string>

namespace irctl {

/// The values a setting may take, both ends included.
struct NumberRange {
  double min;
  double max;
};

/// `text`, the value of the setting `name` ("IRCTL_SYNC_TIMEOUT", "git config
/// irctl.syncTimeout"), as a number of seconds. Throws Error(Errc::usage)
/// "NAME is 'TEXT', not a number of seconds", with `hint`, when the whole of
/// it is not a decimal number within `range`: a mistyped limit is refused,
/// never replaced by the default in silence.
double parse_seconds(const std::string& text, const std::string& name, NumberRange range, const std::string& hint);

/// The environment variable `name` read by parse_seconds(); nullopt when it
/// is unset or empty.
std::optional<double> env_seconds(const char* name, NumberRange range, const std::string& hint);

}  // namespace irctl
