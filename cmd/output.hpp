#pragma once
// Helpers for what people read: data from incident files is made safe for a
// terminal, tables are aligned, colour is used only where it is allowed, and
// long output (show, timeline, log) on a terminal goes through a pager, as
// git's and gh's does.

#include <array>
#include <csignal>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/commands.hpp"
#include "core/model/config.hpp"
#include "core/model/incident.hpp"
#include "core/model/people.hpp"
#include "core/util/process.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {

// printable() and printable_text() are core/util/text.hpp's.

/// Wraps `s` in an ANSI colour.
std::string painted(const std::string& s, const char* sgr);
/// painted(s, sgr) when `on`, else `s`.
std::string colored(const std::string& s, const char* sgr, bool on);
inline const char* kRed = "31";
inline const char* kYellow = "33";
inline const char* kBold = "1";
inline const char* kDim = "2";

/// Lays out rows in columns separated by two spaces; the last column is not padded.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

/// JSON text as Json::dump(2) writes it, put together without parsing it
/// again (list --json writes thousands of cached documents this way):
/// `pretty` placed `spaces` deeper (every line after the first indented).
void append_indented(std::string& out, std::string_view pretty, size_t spaces);
/// `object` and `more`, both dump(2) of an object with at least one member:
/// what dump(2) writes for the two merged, `spaces` deeper.
void append_with_members(std::string& out, std::string_view object, const Json& more, size_t spaces);

/// "Alice Example" from "Alice Example <alice@example.com>".
std::string short_name(const std::string& actor);

/// The timeline as a table: time, type, who (by name when `people` knows
/// them), text; the type marked "[pinned]", "[pinned, public]" or "[hidden]"
/// by the curation of `inc` (irctl timeline --pin, --hide).
std::string format_timeline(const std::vector<Event>& events, const Incident& inc, const People& people);

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
