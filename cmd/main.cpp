// irctl's entry point: gathers the process's environment and hands over to
// irctl::cli::run, which the tests drive in-process.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  irctl::cli::Env env;
  std::error_code ec;
  env.cwd = std::filesystem::current_path(ec).string();
  if (const char* d = std::getenv("IRCTL_DIR")) env.irctl_dir = d;
  if (const char* a = std::getenv("IRCTL_ACTOR")) env.irctl_actor = a;
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");  // no-color.org: set and not empty
  env.no_color = (no_color && *no_color) || (term && std::string(term) == "dumb");
  if (const char* p = std::getenv("IRCTL_PAGER")) env.irctl_pager = p;
  if (const char* p = std::getenv("PAGER")) env.pager = p;
  irctl::cli::Pager pager;
  irctl::cli::Io io{std::cin, std::cout, std::cerr, isatty(1) == 1, isatty(2) == 1, isatty(0) == 1,
                    [&pager](const std::string& command) { pager.start(command); }};
  const int status = irctl::cli::run(std::vector<std::string>(argv + 1, argv + argc), io, env);
  std::cout.flush();
  pager.finish();
  return status;
}
