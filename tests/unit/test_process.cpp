#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

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

bool exited_with(const ProcessResult& r, int code) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == code; }

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
  }
}

}  // namespace test_process
