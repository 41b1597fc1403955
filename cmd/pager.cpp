#include "cmd/pager.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "core/error.hpp"

namespace irctl::cli {
namespace {

// A command with none of these is a program's name, run without a shell (as
// git does), so that one that is not installed is noticed and the output is
// printed as it is.
bool is_plain_word(const std::string& command) {
  return command.find_first_of(" \t\n|&;<>()$`\\\"'*?[#~=%") == std::string::npos;
}

ProcessOptions pager_process(const std::string& command) {
  ProcessOptions options;
  if (is_plain_word(command))
    options.argv = {command};
  else
    options.argv = {"/bin/sh", "-c", command, "sh"};  // "sh" is $0, the name the shell's own messages start with
  // Quit when it fits one screen, keep colours, leave the text on the screen.
  if (!std::getenv("LESS")) options.environment["LESS"] = "FRX";
  return options;
}

// The pager's process ID while it shows irctl's output, for the handler
// below; 0 while it is being started, when a signal is kept in
// signal_while_starting until its ID is known.
volatile sig_atomic_t paging_pid = 0;
volatile sig_atomic_t signal_while_starting = 0;

// The pager has the terminal until the person quits it. Stopped by a signal
// meanwhile (Ctrl-C reaches both, and less stays), irctl ends the pager's
// input and waits for it before it stops, as git does: otherwise the shell's
// prompt comes back under a pager that still reads the keyboard. SIGPIPE
// means the person quit the pager before the end, which is no failure: irctl
// exits 0, as gh does (git exits 141). Only async-signal-safe calls here.
void wait_for_pager_then_stop(int signal_number) {
  if (paging_pid == 0) {
    signal_while_starting = signal_number;  // Pager::start raises it again
    return;
  }
  ::close(1);
  int status = 0;
  while (::waitpid(static_cast<pid_t>(paging_pid), &status, 0) < 0 && errno == EINTR) {
  }
  if (signal_number == SIGPIPE) ::_exit(0);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);  // delivered when this handler returns
}

}  // namespace

std::string pager_command(const Env& env) {
  const std::string command = env.irctl_pager ? *env.irctl_pager : env.pager ? *env.pager : "less";
  return command == "cat" ? "" : command;
}

void Pager::start(const std::string& command) {
  if (process_ || command.empty()) return;
  std::cout.flush();
  // From before the fork: a Ctrl-C that reaches both must find irctl waiting.
  wait_for_pager_on_signals();
  try {
    RunningProcess pager = start_process(pager_process(command));
    if (pager.started()) {
      ::dup2(pager.input(), 1);
      pager.close_input();
      paging_pid = pager.pid();
      process_ = std::move(pager);
    }
  } catch (const Error&) {  // no pipe or no fork: as when it cannot be executed
  }
  if (!process_) restore_signals();  // the output goes where it would have gone
  if (const int pending = std::exchange(signal_while_starting, 0)) ::raise(pending);
}

void Pager::finish() {
  if (!process_) return;
  std::cout.flush();
  ::close(1);
  process_->wait();
  process_.reset();
  restore_signals();
}

void Pager::wait_for_pager_on_signals() {
  struct sigaction waits = {};
  waits.sa_handler = wait_for_pager_then_stop;
  ::sigemptyset(&waits.sa_mask);
  for (size_t i = 0; i < kSignalsWhilePaging.size(); ++i)
    ::sigaction(kSignalsWhilePaging[i], &waits, &saved_actions_[i]);
}

void Pager::restore_signals() {
  for (size_t i = 0; i < kSignalsWhilePaging.size(); ++i) ::sigaction(kSignalsWhilePaging[i], &saved_actions_[i], nullptr);
  paging_pid = 0;
}

}  // namespace irctl::cli
