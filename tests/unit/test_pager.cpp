// Which pager long output goes through (cmd/output.hpp), and when
// Context::page_output starts it.

#include <doctest/doctest.h>

#include <sstream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace test_pager {

using irctl::cli::Context;
using irctl::cli::Env;
using irctl::cli::Io;
using irctl::cli::pager_command;

TEST_CASE("pager_command: IRCTL_PAGER, else PAGER, else less; empty or cat is none") {
  Env env;
  CHECK(pager_command(env) == "less");
  env.pager = "more -s";
  CHECK(pager_command(env) == "more -s");
  env.irctl_pager = "most";
  CHECK(pager_command(env) == "most");
  env.irctl_pager = "";  // set but empty: no pager, PAGER is not consulted
  CHECK(pager_command(env) == "");
  env.irctl_pager = "cat";
  CHECK(pager_command(env) == "");
  env.irctl_pager.reset();
  env.pager = "cat";
  CHECK(pager_command(env) == "");
}

TEST_CASE("page_output starts the pager only for text to a terminal, without --no-pager") {
  std::istringstream in;
  std::ostringstream out, err;
  std::vector<std::string> started;
  Io io{in, out, err, true, false, false, [&](const std::string& command) { started.push_back(command); }};
  Env env;
  env.pager = "less -S";
  {
    Context ctx(io, env);
    ctx.page_output();
    CHECK(started == std::vector<std::string>{"less -S"});
  }
  started.clear();
  for (int variant = 0; variant < 3; ++variant) {
    Context ctx(io, env);
    if (variant == 0) ctx.global.json = true;
    if (variant == 1) ctx.global.no_pager = true;
    if (variant == 2) io.out_is_tty = false;
    ctx.page_output();
  }
  CHECK(started.empty());
}

}  // namespace test_pager
