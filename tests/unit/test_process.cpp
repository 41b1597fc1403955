#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "core/error.hpp"
#include "core/util/process.hpp"
#include "support.hpp"

namespace test_process {

using namespace irctl;
using irctl::testing::TempDir;

namespace {

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

ProcessOptions command(std::vector<std::string> argv) {
  ProcessOptions o;
  o.argv = std::move(argv);
  return o;
}

bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
bool exited_with(const ProcessResult& r, int code) { return exited_with(r.status, code); }

void write_all(int fd, const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    REQUIRE(n > 0);
    written += static_cast<size_t>(n);
  }
}

}  // namespace

TEST_SUITE("process") {
  TEST_CASE("input larger than a pipe's buffer reaches a program that reads it, while its output is read") {
    std::string input;
    for (int i = 0; input.size() < 1024 * 1024; ++i) input += "line " + std::to_string(i) + "\n";
    ProcessOptions o = command({"cat"});
    o.input = input;
    o.output = ProcessOutput::capture;
    const ProcessResult r = run_process(o);
    CHECK(exited_with(r, 0));
    CHECK_FALSE(r.timed_out);
    CHECK(r.output == input);
  }

  TEST_CASE("a program that exits without reading its input does not kill irctl, and its status is reported") {
    ProcessOptions o = command({"sh", "-c", "exit 3"});
    o.input = std::string(1024 * 1024, 'x');
    const ProcessResult r = run_process(o);
    CHECK(exited_with(r, 3));
    CHECK_FALSE(r.timed_out);
    struct sigaction now {};
    ::sigaction(SIGPIPE, nullptr, &now);
    const bool put_back = now.sa_handler == SIG_DFL;
    CHECK(put_back);
  }

  TEST_CASE("a program past its timeout is killed, and the result says so") {
    ProcessOptions o = command({"sleep", "30"});
    o.timeout_seconds = 0.2;
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = run_process(o);
    CHECK(r.timed_out);
    CHECK(WIFSIGNALED(r.status));
    CHECK(WTERMSIG(r.status) == SIGKILL);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

    ProcessOptions quick = command({"true"});
    quick.timeout_seconds = 10;
    const ProcessResult in_time = run_process(quick);
    CHECK_FALSE(in_time.timed_out);
    CHECK(exited_with(in_time, 0));
  }

  TEST_CASE("standard output is captured, and the program runs in the directory asked for") {
    TempDir dir;
    ProcessOptions o = command({"sh", "-c", "pwd; printf 'a\\nb'"});
    o.output = ProcessOutput::capture;
    o.directory = dir.path().string();
    const ProcessResult r = run_process(o);
    CHECK(exited_with(r, 0));
    CHECK(r.output == std::filesystem::canonical(dir.path()).string() + "\na\nb");
  }

  TEST_CASE("no descriptor is left open, whether the program ran, could not be executed or was killed") {
    const size_t before = open_fds();
    ProcessOptions missing = command({"/nonexistent/program"});
    missing.input = "x";
    missing.output = ProcessOutput::capture;
    const ProcessResult r = run_process(missing);
    CHECK(exited_with(r, 127));
    CHECK(r.output.empty());
    CHECK(open_fds() == before);

    ProcessOptions fed = command({"cat"});
    fed.input = "hello";
    fed.output = ProcessOutput::capture;
    CHECK(run_process(fed).output == "hello");
    CHECK(open_fds() == before);

    ProcessOptions slow = command({"sleep", "30"});
    slow.input = std::string(1024 * 1024, 'x');
    slow.output = ProcessOutput::capture;
    slow.timeout_seconds = 0.1;
    CHECK(run_process(slow).timed_out);
    CHECK(open_fds() == before);
  }

  TEST_CASE("a program without a name is refused") {
    CHECK(irctl::testing::code_of([] { run_process(ProcessOptions{}); }) == Errc::failure);
    CHECK(irctl::testing::code_of([] { start_process(ProcessOptions{}); }) == Errc::failure);
  }

  TEST_CASE("variables asked for are set in its environment, in place of irctl's of the same name") {
    ::setenv("IRCTL_TEST_REPLACED", "irctl's", 1);
    ::setenv("IRCTL_TEST_KEPT", "kept", 1);
    ProcessOptions o =
        command({"sh", "-c", "printf '%s/%s/%s' \"$IRCTL_TEST_REPLACED\" \"$IRCTL_TEST_KEPT\" \"$LESS\""});
    o.output = ProcessOutput::capture;
    o.environment = {{"IRCTL_TEST_REPLACED", "asked for"}, {"LESS", "FRX"}};
    const ProcessResult r = run_process(o);
    ::unsetenv("IRCTL_TEST_REPLACED");
    ::unsetenv("IRCTL_TEST_KEPT");
    CHECK(exited_with(r, 0));
    CHECK(r.output == "asked for/kept/FRX");
  }

  TEST_CASE("start_process: irctl writes to the program while it runs, then waits for its status") {
    const size_t before = open_fds();
    {
      ProcessOptions o = command({"sh", "-c", "read a; read b; [ \"$a $b $LESS\" = 'one two FRX' ] && exit 7; exit 1"});
      o.environment = {{"LESS", "FRX"}};
      RunningProcess p = start_process(o);
      REQUIRE(p.started());
      write_all(p.input(), "one\n");
      write_all(p.input(), "two\n");
      const int status = p.wait();
      CHECK(exited_with(status, 7));
      CHECK(p.input() == -1);
      CHECK(p.wait() == status);
    }
    CHECK(open_fds() == before);
  }

  TEST_CASE(
      "start_process: a program that could not be executed is reported as not started, with no descriptor "
      "left open") {
    const size_t before = open_fds();
    for (const char* program : {"/nonexistent/program", "irctl-no-such-program-anywhere"}) {
      RunningProcess p = start_process(command({program}));
      CHECK_FALSE(p.started());
      CHECK(p.input() == -1);
      CHECK(exited_with(p.wait(), 127));
      CHECK(open_fds() == before);
    }
    TempDir dir;
    ProcessOptions elsewhere = command({"true"});
    elsewhere.directory = (dir.path() / "missing").string();
    CHECK_FALSE(start_process(elsewhere).started());
    CHECK(open_fds() == before);
  }

  TEST_CASE("start_process: a program left running when its handle goes is waited for, its input closed first") {
    const size_t before = open_fds();
    TempDir dir;
    const std::string done = (dir.path() / "done").string();
    {
      RunningProcess p = start_process(command({"sh", "-c", "cat >/dev/null; echo finished >\"$0\"", done}));
      REQUIRE(p.started());
      write_all(p.input(), "text");
    }
    CHECK(std::filesystem::exists(done));
    CHECK(open_fds() == before);
  }

  TEST_CASE("start_process refuses what only run_process does") {
    using irctl::testing::code_of;
    ProcessOptions with_input = command({"cat"});
    with_input.input = "x";
    CHECK(code_of([&] { start_process(with_input); }) == Errc::failure);
    ProcessOptions captured = command({"cat"});
    captured.output = ProcessOutput::capture;
    CHECK(code_of([&] { start_process(captured); }) == Errc::failure);
    ProcessOptions timed = command({"cat"});
    timed.timeout_seconds = 1;
    CHECK(code_of([&] { start_process(timed); }) == Errc::failure);
    ProcessOptions editor_like = command({"cat"});
    editor_like.interrupts = Interrupts::child_only;
    CHECK(code_of([&] { start_process(editor_like); }) == Errc::failure);
  }
}

}  // namespace test_process
