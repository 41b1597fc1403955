#include "cmd/output.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "core/error.hpp"
#include "core/lifecycle.hpp"

namespace irctl::cli {
namespace {

// Display width of a UTF-8 string, counting code points (good enough for
// aligning columns of IDs, statuses and names).
size_t display_width(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void append_indented(std::string& out, std::string_view pretty, size_t spaces) {
  // dump() escapes newlines inside strings, so every raw newline ends a line.
  for (size_t start = 0;;) {
    const size_t nl = pretty.find('\n', start);
    if (nl == std::string_view::npos) {
      out.append(pretty.substr(start));
      return;
    }
    out.append(pretty.substr(start, nl + 1 - start)).append(spaces, ' ');
    start = nl + 1;
  }
}

void append_with_members(std::string& out, std::string_view object, const Json& more, size_t spaces) {
  // dump(2) writes an object with members as "{\n" MEMBERS "\n}", each
  // member at the same depth: the two objects' members, one after the other.
  const auto members = [](std::string_view dumped) { return dumped.substr(2, dumped.size() - 4); };
  const std::string extra = more.dump(2);
  append_indented(out, object.substr(0, object.size() - 2), spaces);
  out.append(",\n").append(spaces, ' ');
  append_indented(out, members(extra), spaces);
  out.append("\n").append(spaces, ' ').append("}");
}

std::string painted(const std::string& s, const char* sgr) { return std::string("\033[") + sgr + "m" + s + "\033[0m"; }

std::string colored(const std::string& s, const char* sgr, bool on) { return on ? painted(s, sgr) : s; }

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string short_name(const std::string& actor) {
  const auto open = actor.find(" <");
  return open == std::string::npos ? actor : actor.substr(0, open);
}

namespace {

// An update customers saw reads "update (external)", so that nobody takes
// it for an internal one; every other event reads as its type.
std::string event_label(const Event& e) {
  const auto audience = e.details.find("audience");
  if (e.type == "update" && audience != e.details.end() && audience->second.is_string() &&
      audience->second.as_string().str == "external")
    return "update (external)";
  return e.type;
}

std::string curation_mark(const Incident& inc, const std::string& event_id) {
  if (inc.is_public(event_id)) return " [pinned, public]";
  if (inc.is_pinned(event_id)) return " [pinned]";
  if (inc.is_hidden(event_id)) return " [hidden]";
  return "";
}

}  // namespace

std::string format_timeline(const std::vector<Event>& events, const Incident& inc, const People& people) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : events) {
    // Multi-line texts continue under the text column.
    const std::string text = printable(e.text.substr(0, e.text.find('\n')));
    rows.push_back({format_short(e.at), event_label(e) + curation_mark(inc, e.id), printable(people.name_of(e.by)), text});
    size_t pos = e.text.find('\n');
    while (pos != std::string::npos) {
      const size_t next = e.text.find('\n', pos + 1);
      rows.push_back({"", "", "", printable(e.text.substr(pos + 1, next == std::string::npos ? next : next - pos - 1))});
      pos = next;
    }
  }
  return format_table(rows);
}

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
