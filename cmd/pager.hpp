#pragma once
// Long output (show, timeline, log) on a terminal goes through a pager, as
// git's and gh's does: the choice of pager, and the process that shows it.

#include <csignal>

#include <array>
#include <optional>
#include <string>

#include "cmd/commands.hpp"
#include "core/util/process.hpp"

namespace irctl::cli {

/// The pager to run, by git's rule: $IRCTL_PAGER, else $PAGER, else "less";
/// empty when the one chosen is "" or "cat", which mean no pager.
std::string pager_command(const Env& env);

/// The rest of the process's standard output, piped through a pager. One per
/// process (main() owns it): it moves file descriptor 1.
class Pager {
 public:
  Pager() = default;
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;
  ~Pager() { finish(); }

  /// Starts `command` (through `sh -c` unless it is one plain word, which is
  /// run itself) with LESS=FRX when LESS is unset, and points standard output
  /// at it. When it cannot be started the output stays where it was.
  void start(const std::string& command);
  /// Ends the pager's input and waits for it to exit, so that the shell's
  /// prompt comes back after it; nothing when none was started. Until then,
  /// SIGINT, SIGQUIT, SIGTERM and SIGHUP wait for the pager before they stop
  /// irctl, and SIGPIPE (the pager quit before the end) ends irctl with 0.
  void finish();

 private:
  static constexpr std::array<int, 5> kSignalsWhilePaging = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE};
  void wait_for_pager_on_signals();
  void restore_signals();

  std::optional<RunningProcess> process_;
  std::array<struct sigaction, kSignalsWhilePaging.size()> saved_actions_ = {};
};

}  // namespace irctl::cli
