#include "cmd/pager.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

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

}  // namespace

std::string pager_command(const Env& env) {
  const std::string command = env.irctl_pager ? *env.irctl_pager : env.pager ? *env.pager : "less";
  return command == "cat" ? "" : command;
}

void Pager::start(const std::string& command) {
  if (process_ || command.empty()) return;
  std::cout.flush();
  try {
    RunningProcess pager = start_process(pager_process(command));
    if (!pager.started()) return;  // the output goes where it would have gone
    ::dup2(pager.input(), 1);
    pager.close_input();
    process_ = std::move(pager);
  } catch (const Error&) {  // no pipe or no fork: the same
  }
}

void Pager::finish() {
  if (!process_) return;
  std::cout.flush();
  ::close(1);
  process_->wait();
  process_.reset();
}

}  // namespace irctl::cli
