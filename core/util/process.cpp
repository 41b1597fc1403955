#include "core/util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

extern char** environ;

#include "core/error.hpp"

namespace irctl {
namespace {

using Clock = std::chrono::steady_clock;

// How often a running program is looked at while irctl also feeds it, reads
// it or keeps a deadline.
constexpr int kSliceMs = 5;

// A file descriptor that is closed when it goes out of scope, whichever way
// that happens.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Error cannot_run(const std::string& program, int error) {
  return Error(Errc::failure, "cannot run " + program + ": " + std::strerror(error));
}

// Above 0, 1 and 2, so that moving one pipe end onto the child's standard
// input or output can never overwrite another (irctl may run with one of
// them closed, and the pipe then takes its number).
Fd above_stdio(Fd fd, const std::string& program) {
  if (fd.get() > 2) return fd;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) throw cannot_run(program, errno);
  return Fd(moved);
}

struct Pipe {
  Fd read;
  Fd write;
};

// Close-on-exec on both ends: the child gets only the end moved onto its
// standard input or output, and no other program irctl starts gets either.
Pipe make_pipe(const std::string& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw cannot_run(program, errno);
  Pipe pipe{Fd(fds[0]), Fd(fds[1])};
  pipe.read = above_stdio(std::move(pipe.read), program);
  pipe.write = above_stdio(std::move(pipe.write), program);
  return pipe;
}

// The signal dispositions irctl changes while the program runs, put back
// afterwards; the child puts them back before it executes the program, so
// that the program starts as it would have without irctl's changes.
class SignalsWhileRunning {
 public:
  explicit SignalsWhileRunning(Interrupts interrupts) {
    ignore(SIGPIPE, pipe_);
    if (interrupts == Interrupts::child_only) {
      ignore(SIGINT, interrupt_);
      ignore(SIGQUIT, quit_);
      interrupts_ignored_ = true;
    }
  }
  SignalsWhileRunning(const SignalsWhileRunning&) = delete;
  SignalsWhileRunning& operator=(const SignalsWhileRunning&) = delete;
  ~SignalsWhileRunning() { restore(); }

  /// Async-signal-safe: the child calls it between fork and exec.
  void restore() const {
    ::sigaction(SIGPIPE, &pipe_, nullptr);
    if (interrupts_ignored_) {
      ::sigaction(SIGINT, &interrupt_, nullptr);
      ::sigaction(SIGQUIT, &quit_, nullptr);
    }
  }

 private:
  static void ignore(int signal, struct sigaction& previous) {
    struct sigaction ignored {};
    ignored.sa_handler = SIG_IGN;
    ::sigaction(signal, &ignored, &previous);
  }

  struct sigaction pipe_ {};
  struct sigaction interrupt_ {};
  struct sigaction quit_ {};
  bool interrupts_ignored_ = false;
};

// What the child needs, prepared before the fork: between fork and exec
// only async-signal-safe calls are made.
struct ChildSetup {
  std::vector<char*> argv;
  char** envp = nullptr;
  const char* directory = nullptr;
  int input = -1;        // the read end of the input pipe
  int output = -1;       // the write end of the output pipe
  int exec_failed = -1;  // closed by a successful exec; carries errno otherwise
  ProcessOutput output_to = ProcessOutput::inherit;
  bool own_group = false;
  bool has_path = false;                         // argv[0] names a file, not a program to look up in PATH
  const SignalsWhileRunning* signals = nullptr;  // none: irctl's dispositions are unchanged
};

[[noreturn]] void not_executed(const ChildSetup& s) {
  const int error = errno;
  [[maybe_unused]] const auto written = ::write(s.exec_failed, &error, sizeof error);
  ::_exit(127);
}

[[noreturn]] void become_program(const ChildSetup& s) {
  if (s.signals) s.signals->restore();
  if (s.own_group) ::setpgid(0, 0);
  // dup2 clears close-on-exec on the copy; the pipe ends themselves close
  // at the exec.
  if (s.input >= 0) ::dup2(s.input, 0);
  if (s.output_to == ProcessOutput::to_stderr) ::dup2(2, 1);
  if (s.output >= 0) ::dup2(s.output, 1);
  if (s.directory && ::chdir(s.directory) != 0) not_executed(s);
  if (s.has_path)
    ::execve(s.argv[0], s.argv.data(), s.envp);  // not execvpe, which has sh run a file that is no program
  else
    ::execvpe(s.argv[0], s.argv.data(), s.envp);
  not_executed(s);
}

// irctl's environment with `changes` in place of the variables of the same name.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& changes) {
  std::vector<std::string> vars;
  for (char** e = environ; *e; ++e) {
    const std::string var = *e;
    if (changes.count(var.substr(0, var.find('='))) == 0) vars.push_back(var);
  }
  for (const auto& [name, value] : changes) vars.push_back(name + "=" + value);
  return vars;
}

// A forked child, executed or not, with irctl's ends of its pipes.
struct Child {
  pid_t pid = -1;
  Fd to_child;
  Fd from_child;
  bool started = false;
  int status = 0;  // when not started: it has exited already
};

// Blocks until the child has executed its program (the pipe closes) or
// failed to (it carries errno).
bool was_executed(Fd& exec_failed) {
  int error = 0;
  ssize_t n;
  while ((n = ::read(exec_failed.get(), &error, sizeof error)) < 0 && errno == EINTR) {
  }
  return n <= 0;
}

void wait_for(pid_t pid, int& status) {
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Whether the child's standard input is a pipe from irctl.
enum class InputPipe { none, piped };

// The one fork and exec: run_process and start_process both start here.
Child start_child(const ProcessOptions& options, InputPipe stdin_from, const SignalsWhileRunning* signals) {
  if (options.argv.empty()) throw Error(Errc::failure, "cannot run a program without a name");
  const std::string& program = options.argv.front();
  ChildSetup child;
  for (const auto& arg : options.argv) child.argv.push_back(const_cast<char*>(arg.c_str()));
  child.argv.push_back(nullptr);
  std::vector<std::string> vars;
  std::vector<char*> envp;
  child.envp = environ;
  if (!options.environment.empty()) {
    vars = environment_with(options.environment);
    for (auto& var : vars) envp.push_back(var.data());
    envp.push_back(nullptr);
    child.envp = envp.data();
  }
  if (!options.directory.empty()) child.directory = options.directory.c_str();
  child.output_to = options.output;
  child.own_group = options.timeout_seconds.has_value();
  child.has_path = program.find('/') != std::string::npos;
  child.signals = signals;

  Pipe input, output;
  if (stdin_from == InputPipe::piped) input = make_pipe(program);
  if (options.output == ProcessOutput::capture) output = make_pipe(program);
  Pipe exec_failed = make_pipe(program);
  child.input = input.read.get();
  child.output = output.write.get();
  child.exec_failed = exec_failed.write.get();

  const pid_t pid = ::fork();
  if (pid < 0) throw cannot_run(program, errno);  // the pipes close on the way out
  if (pid == 0) become_program(child);
  if (child.own_group) ::setpgid(pid, pid);  // also here, so that a kill at once finds the group
  input.read.close();
  output.write.close();
  exec_failed.write.close();

  Child started;
  started.pid = pid;
  started.started = was_executed(exec_failed.read);
  if (!started.started) {
    wait_for(pid, started.status);
    return started;  // its pipes close here: it wrote and read nothing
  }
  started.to_child = std::move(input.write);
  started.from_child = std::move(output.read);
  return started;
}

void set_nonblocking(const Fd& fd) {
  if (fd.is_open()) ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

// Writes what the pipe takes now; closes it once everything is written, or
// when the program closed its input (EPIPE: SIGPIPE is ignored meanwhile).
void write_some(Fd& to_child, const std::string& input, size_t& written) {
  const ssize_t n = ::write(to_child.get(), input.data() + written, input.size() - written);
  if (n > 0) written += static_cast<size_t>(n);
  if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) to_child.close();
}

// Reads what the pipe holds now; closes it at the end of the output.
void read_some(Fd& from_child, std::string& output) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(from_child.get(), buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || errno != EAGAIN) from_child.close();
    return;
  }
}

bool reaped(pid_t pid, int& status) { return ::waitpid(pid, &status, WNOHANG) == pid; }

void kill_group(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case it has not made its group yet
}

int poll_timeout_ms(const std::optional<Clock::time_point>& deadline) {
  if (!deadline) return kSliceMs;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, kSliceMs));
}

}  // namespace

ProcessResult run_process(const ProcessOptions& options) {
  const SignalsWhileRunning signals(options.interrupts);
  const auto start = Clock::now();
  Child child = start_child(options, options.input ? InputPipe::piped : InputPipe::none, &signals);
  ProcessResult result;
  if (!child.started) {
    result.status = child.status;
    return result;
  }
  const pid_t pid = child.pid;

  std::optional<Clock::time_point> deadline;
  if (options.timeout_seconds)
    deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.timeout_seconds));
  const std::string no_input;
  const std::string& data = options.input ? *options.input : no_input;
  size_t written = 0;
  Fd& to_child = child.to_child;
  Fd& from_child = child.from_child;
  if (data.empty()) to_child.close();
  set_nonblocking(to_child);
  set_nonblocking(from_child);

  for (;;) {
    if (reaped(pid, result.status)) {
      // What it wrote before it exited is in the pipe; a process it left
      // behind may hold the pipe open, so do not wait for the end.
      if (from_child.is_open()) read_some(from_child, result.output);
      break;
    }
    if (deadline && Clock::now() >= *deadline) {
      kill_group(pid);
      wait_for(pid, result.status);
      result.timed_out = true;
      break;
    }
    if (!deadline && !to_child.is_open() && !from_child.is_open()) {
      wait_for(pid, result.status);
      break;
    }
    pollfd fds[2] = {{to_child.get(), POLLOUT, 0}, {from_child.get(), POLLIN, 0}};  // poll skips a -1
    if (::poll(fds, 2, poll_timeout_ms(deadline)) <= 0) continue;
    if (fds[0].revents) write_some(to_child, data, written);
    if (fds[1].revents) read_some(from_child, result.output);
  }
  return result;
}

RunningProcess::RunningProcess(pid_t pid, int input, bool started, int status)
    : pid_(started ? pid : -1), input_(input), started_(started), status_(status) {}

RunningProcess::RunningProcess(RunningProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      input_(std::exchange(other.input_, -1)),
      started_(other.started_),
      status_(other.status_) {}

RunningProcess& RunningProcess::operator=(RunningProcess&& other) noexcept {
  if (this != &other) {
    wait();
    pid_ = std::exchange(other.pid_, -1);
    input_ = std::exchange(other.input_, -1);
    started_ = other.started_;
    status_ = other.status_;
  }
  return *this;
}

RunningProcess::~RunningProcess() { wait(); }

void RunningProcess::close_input() {
  if (input_ >= 0) ::close(input_);
  input_ = -1;
}

int RunningProcess::wait() {
  close_input();
  if (pid_ >= 0) wait_for(std::exchange(pid_, -1), status_);
  return status_;
}

RunningProcess start_process(const ProcessOptions& options) {
  if (options.input || options.output == ProcessOutput::capture || options.timeout_seconds ||
      options.interrupts != Interrupts::stop_both)
    throw Error(Errc::failure,
                "start_process takes no input text, captured output, timeout or child-only "
                "interrupts: those need run_process");
  Child child = start_child(options, InputPipe::piped, nullptr);
  return RunningProcess(child.pid, child.started ? child.to_child.release() : -1, child.started, child.status);
}

}  // namespace irctl
