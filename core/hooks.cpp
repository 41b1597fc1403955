#include "core/hooks.hpp"

#include "core/error.hpp"
#include "core/util/env.hpp"
#include "core/util/process.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace irctl {
namespace {

// IRCTL_HOOK_TIMEOUT: at least a millisecond (0 would stop it before it
// starts), at most a day.
double hook_timeout_seconds() {
  return env_seconds("IRCTL_HOOK_TIMEOUT", {0.001, 86400}, "set it to the seconds the hook may run (such as 10)")
      .value_or(10.0);
}

}  // namespace

std::optional<std::string> run_event_hook(const Repository& repo, const std::function<Json()>& payload) {
  std::optional<std::filesystem::path> program;
  try {
    program = repo.program(kEventHookPath);
  } catch (const Error& e) {
    return e.what();  // the event is committed already: a warning, not a failure
  }
  if (!program) return std::nullopt;
  const std::string path = program->string();
  const std::string hook = kEventHookPath;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0)
    return hook + " is not an executable file; make it one with 'chmod +x " +
           hook + "', or remove it";

  double timeout = 0;
  try {
    timeout = hook_timeout_seconds();
  } catch (const Error& e) {
    return std::string(e.what()) + ": " + hook + " was not run; the event is recorded";
  }
  // The hook reads the JSON on stdin; what it prints goes to our stderr so
  // that it never mixes with irctl's own output on stdout. The payload is
  // written while the hook runs, so that a hook which never reads its input
  // is stopped by the same deadline.
  ProcessOptions run;
  run.argv = {path};
  run.input = payload().dump() + "\n";
  run.output = ProcessOutput::to_stderr;
  run.timeout_seconds = timeout;
  run.directory = repo.root().string();
  ProcessResult done;
  try {
    done = run_process(run);
  } catch (const Error& e) {
    return e.what();
  }
  const int status = done.status;
  if (done.timed_out) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", timeout);
    return hook + " took longer than " + seconds +
           " s and was stopped (IRCTL_HOOK_TIMEOUT sets the limit); the event is recorded";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
  if (WIFEXITED(status))
    return hook + " failed with exit status " + std::to_string(WEXITSTATUS(status)) +
           "; the event is recorded";
  return hook + " was killed by signal " + std::to_string(WTERMSIG(status)) +
         "; the event is recorded";
}

}  // namespace irctl
