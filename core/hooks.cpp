#include "core/hooks.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace irctl {
namespace {

double hook_timeout_seconds() {
  if (const char* env = std::getenv("IRCTL_HOOK_TIMEOUT")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && v > 0) return v;
  }
  return 10.0;
}

}  // namespace

std::optional<std::string> run_event_hook(const Repository& repo, const Json& payload) {
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

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return "cannot run " + hook + ": " + std::strerror(errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return "cannot run " + hook + ": " + std::strerror(errno);
  }
  if (pid == 0) {
    // The hook reads the JSON on stdin; what it prints goes to our stderr so
    // that it never mixes with irctl's own output on stdout.
    ::setpgid(0, 0);  // its own process group, so that a timeout stops its children too
    ::dup2(pipe_fds[0], 0);
    ::dup2(2, 1);
    if (::chdir(repo.root().c_str()) != 0) ::_exit(127);
    char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
    ::execv(path.c_str(), argv);
    ::_exit(127);
  }
  ::close(pipe_fds[0]);
  // The payload is written a piece at a time while the hook runs, so that a
  // hook which never reads its input is stopped by the same deadline.
  const int out = pipe_fds[1];
  ::fcntl(out, F_SETFL, O_NONBLOCK);
  // A hook that exits without reading must not kill irctl with SIGPIPE.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  const std::string data = payload.dump() + "\n";
  size_t written = 0;
  bool writing = true;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(hook_timeout_seconds());
  int status = 0;
  bool stopped = false;
  for (;;) {
    if (writing) {
      const ssize_t n = ::write(out, data.data() + written, data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == data.size()) {
        ::close(out);  // all written, or the hook closed its input
        writing = false;
      }
    }
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      stopped = true;
      break;
    }
    if (writing) {
      struct pollfd p {out, POLLOUT, 0};
      ::poll(&p, 1, 5);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (writing) ::close(out);
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (stopped) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", hook_timeout_seconds());
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
