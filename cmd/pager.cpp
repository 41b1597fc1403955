#include "cmd/pager.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

extern char** environ;

namespace irctl::cli {
namespace {

// A command with none of these is a program's name, run without a shell (as
// git does), so that one that is not installed is noticed and the output is
// printed as it is.
bool is_plain_word(const std::string& command) {
  return command.find_first_of(" \t\n|&;<>()$`\\\"'*?[#~=%") == std::string::npos;
}

// The environment for the pager: this one, with LESS=FRX when LESS is unset
// (quit when it fits one screen, keep colours, leave the text on the screen).
std::vector<std::string> pager_environment() {
  std::vector<std::string> vars;
  bool has_less = false;
  for (char** e = environ; *e; ++e) {
    vars.emplace_back(*e);
    has_less = has_less || std::strncmp(*e, "LESS=", 5) == 0;
  }
  if (!has_less) vars.emplace_back("LESS=FRX");
  return vars;
}

void close_both(const int fds[2]) {
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace

std::string pager_command(const Env& env) {
  const std::string command = env.irctl_pager ? *env.irctl_pager : env.pager ? *env.pager : "less";
  return command == "cat" ? "" : command;
}

void Pager::start(const std::string& command) {
  if (pid_ >= 0 || command.empty()) return;
  std::cout.flush();
  // Everything the child needs is made before fork(): after it only
  // async-signal-safe calls.
  std::vector<std::string> vars = pager_environment();
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  const bool plain = is_plain_word(command);
  const char* argv_plain[] = {command.c_str(), nullptr};
  const char* argv_shell[] = {"sh", "-c", command.c_str(), nullptr};

  int data[2];
  int exec_failed[2];  // closed by a successful exec; carries errno otherwise
  if (::pipe(data) != 0) return;
  if (::pipe2(exec_failed, O_CLOEXEC) != 0) return close_both(data);
  const pid_t pid = ::fork();
  if (pid < 0) {
    close_both(data);
    return close_both(exec_failed);
  }
  if (pid == 0) {
    ::dup2(data[0], 0);
    close_both(data);
    ::close(exec_failed[0]);
    if (plain)
      ::execvpe(argv_plain[0], const_cast<char**>(argv_plain), envp.data());
    else
      ::execve("/bin/sh", const_cast<char**>(argv_shell), envp.data());
    const int error = errno;
    [[maybe_unused]] const auto written = ::write(exec_failed[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(data[0]);
  ::close(exec_failed[1]);
  int error = 0;
  ssize_t n;
  while ((n = ::read(exec_failed[0], &error, sizeof error)) < 0 && errno == EINTR) {
  }
  ::close(exec_failed[0]);
  if (n > 0) {  // not started: the output goes where it would have gone
    ::close(data[1]);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return;
  }
  ::dup2(data[1], 1);
  ::close(data[1]);
  pid_ = pid;
}

void Pager::finish() {
  if (pid_ < 0) return;
  std::cout.flush();
  ::close(1);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace irctl::cli
