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
  const char* directory = nullptr;
  int input = -1;   // the read end of the input pipe
  int output = -1;  // the write end of the output pipe
  ProcessOutput output_to = ProcessOutput::inherit;
  bool own_group = false;
  bool has_path = false;  // argv[0] names a file, not a program to look up in PATH
  const SignalsWhileRunning* signals = nullptr;
};

[[noreturn]] void become_program(const ChildSetup& s) {
  s.signals->restore();
  if (s.own_group) ::setpgid(0, 0);
  // dup2 clears close-on-exec on the copy; the pipe ends themselves close
  // at the exec.
  if (s.input >= 0) ::dup2(s.input, 0);
  if (s.output_to == ProcessOutput::to_stderr) ::dup2(2, 1);
  if (s.output >= 0) ::dup2(s.output, 1);
  if (s.directory && ::chdir(s.directory) != 0) ::_exit(127);
  if (s.has_path)
    ::execv(s.argv[0], s.argv.data());  // not execvp, which has sh run a file that is no program
  else
    ::execvp(s.argv[0], s.argv.data());
  ::_exit(127);
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

void wait_for(pid_t pid, int& status) {
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

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
  if (options.argv.empty()) throw Error(Errc::failure, "cannot run a program without a name");
  const std::string& program = options.argv.front();
  ChildSetup child;
  for (const auto& arg : options.argv) child.argv.push_back(const_cast<char*>(arg.c_str()));
  child.argv.push_back(nullptr);
  if (!options.directory.empty()) child.directory = options.directory.c_str();
  child.output_to = options.output;
  child.own_group = options.timeout_seconds.has_value();
  child.has_path = program.find('/') != std::string::npos;

  Pipe input, output;
  if (options.input) input = make_pipe(program);
  if (options.output == ProcessOutput::capture) output = make_pipe(program);
  child.input = input.read.get();
  child.output = output.write.get();
  const SignalsWhileRunning signals(options.interrupts);
  child.signals = &signals;

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw cannot_run(program, errno);  // the pipes close on the way out
  if (pid == 0) become_program(child);
  if (child.own_group) ::setpgid(pid, pid);  // also here, so that a kill at once finds the group
  input.read.close();
  output.write.close();

  std::optional<Clock::time_point> deadline;
  if (options.timeout_seconds)
    deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.timeout_seconds));
  const std::string no_input;
  const std::string& data = options.input ? *options.input : no_input;
  size_t written = 0;
  Fd& to_child = input.write;
  Fd& from_child = output.read;
  if (data.empty()) to_child.close();
  set_nonblocking(to_child);
  set_nonblocking(from_child);

  ProcessResult result;
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

}  // namespace irctl
