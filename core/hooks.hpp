#pragma once
// The repository's notification hook: .irctl/hooks/on-event, an executable run
// after each committed event with the event and the incident as JSON on its
// standard input (no shell in between). Like a Makefile, it comes with the
// repository: review changes to it as you would review code.

#include <functional>
#include <optional>
#include <string>

#include "core/model/tomldoc.hpp"
#include "core/store/repository.hpp"

namespace irctl {

constexpr const char* kEventHookPath = ".irctl/hooks/on-event";

/// Runs the hook if there is one; returns a warning when it could not run
/// (IRCTL_HOOK_TIMEOUT not a number of seconds among the reasons), failed,
/// or took longer than IRCTL_HOOK_TIMEOUT seconds (default 10) and was
/// stopped. The event is committed before, whatever the hook does.
/// `payload` makes the JSON, only when there is a hook: the whole incident
/// file as JSON costs as much as reading it.
std::optional<std::string> run_event_hook(const Repository& repo, const std::function<Json()>& payload);

}  // namespace irctl
