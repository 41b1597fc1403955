#pragma once
// The one way irctl starts another program (the event hook, git's credential
// helper, the editor, the pager): an argument vector and no shell, standard
// input written whole while SIGPIPE is ignored (a program that exits without
// reading must not kill irctl), an optional deadline that kills the
// program's whole process group, and no pipe left open on any path.
// run_process runs a program to its end; start_process starts one that
// irctl writes to meanwhile (the pager), through the same fork and exec.

#include <sys/types.h>

#include <map>
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
  /// run_process's only: start_process always gives a pipe that the caller writes.
  std::optional<std::string> input;
  ProcessOutput output = ProcessOutput::inherit;
  /// After this many seconds it is killed, with every process it started (it runs in a
  /// process group of its own, away from the terminal's); nullopt: no limit. run_process's only.
  std::optional<double> timeout_seconds;
  /// Where it runs; empty: irctl's current directory.
  std::string directory;
  /// run_process's only: start_process leaves irctl's signal dispositions alone.
  Interrupts interrupts = Interrupts::stop_both;
  /// Variables set in its environment, in place of irctl's of the same name; the rest of
  /// irctl's environment is passed on as it is.
  std::map<std::string, std::string> environment;
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

/// A program start_process started, with a pipe to its standard input. Destroying
/// it closes that pipe and waits for the program, so that none is left behind.
class RunningProcess {
 public:
  RunningProcess(RunningProcess&& other) noexcept;
  RunningProcess& operator=(RunningProcess&& other) noexcept;
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;
  ~RunningProcess();

  /// False when the program could not be executed (or could not enter its directory):
  /// it has already exited, with status 127, and input() is closed.
  bool started() const { return started_; }
  /// The write end of the pipe to its standard input (close-on-exec); -1 once closed.
  int input() const { return input_; }
  /// Its process ID while it has not been waited for; -1 after.
  pid_t pid() const { return pid_; }
  void close_input();
  /// Closes its input and waits for it to exit; returns the status as waitpid() reports it.
  /// Again after that: the same status.
  int wait();

 private:
  friend RunningProcess start_process(const ProcessOptions& options);
  RunningProcess(pid_t pid, int input, bool started, int status);

  pid_t pid_ = -1;  // -1 once waited for
  int input_ = -1;
  bool started_ = false;
  int status_ = 0;
};

/// Starts the program without waiting for it; its standard input is a pipe, written
/// through RunningProcess::input(). Throws Error(Errc::failure) when it cannot be
/// started at all (no pipe, no fork), and when asked for what only run_process does:
/// input text, captured output, a timeout or Interrupts::child_only.
RunningProcess start_process(const ProcessOptions& options);

}  // namespace irctl
