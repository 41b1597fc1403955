#pragma once
// The one way irctl starts another program (the event hook, git's credential
// helper, the editor): an argument vector and no shell, standard input
// written whole while SIGPIPE is ignored (a program that exits without
// reading must not kill irctl), an optional deadline that kills the
// program's whole process group, and no pipe left open on any path.

#include <optional>
#include <string>
#include <vector>

namespace irctl {

/// Where the program's standard output goes.
enum class ProcessOutput {
  inherit,    ///< irctl's standard output (the editor)
  to_stderr,  ///< irctl's standard error, so that it never mixes with irctl's own output (the hook)
  capture,    ///< returned in ProcessResult::output
};

/// Who Ctrl-C at the terminal stops while the program runs.
enum class Interrupts {
  stop_both,   ///< the program and irctl, as for any program in the foreground
  child_only,  ///< the program alone: irctl ignores SIGINT and SIGQUIT meanwhile, as system() and git do for
               ///< the editor
};

struct ProcessOptions {
  /// The program and its arguments. A program without a slash is looked up in PATH; one
  /// with a slash is run as it is (a file without a #! line fails, as with execv).
  std::vector<std::string> argv;
  /// Written to its standard input, which is then closed; nullopt: it reads irctl's standard input.
  std::optional<std::string> input;
  ProcessOutput output = ProcessOutput::inherit;
  /// After this many seconds it is killed, with every process it started (it runs in a
  /// process group of its own, away from the terminal's); nullopt: no limit.
  std::optional<double> timeout_seconds;
  /// Where it runs; empty: irctl's current directory.
  std::string directory;
  Interrupts interrupts = Interrupts::stop_both;
};

struct ProcessResult {
  /// As waitpid() reports it. A program that could not be executed (or could not enter
  /// `directory`) exits with status 127, as a shell reports it.
  int status = 0;
  /// It ran past the timeout and was killed.
  bool timed_out = false;
  /// Its standard output, with ProcessOutput::capture.
  std::string output;
};

/// Runs the program and waits for it. Throws Error(Errc::failure) when it cannot be
/// started at all (no pipe, no fork).
ProcessResult run_process(const ProcessOptions& options);

}  // namespace irctl
