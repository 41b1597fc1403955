// irctl's entry point: gathers the process's environment and hands over to
// irctl::cli::run, which the tests drive in-process.

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

// A command lives for milliseconds: memory it frees is better kept for its
// next allocation than given back. By default glibc shrinks the heap whenever
// 128 KiB are free at its top and maps each block over 128 KiB on its own;
// every object a write stores takes and frees zlib's 256 KiB, so a note grew
// and shrank the heap some 50 times, each growth paid again in page faults.
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 1 << 20);
}

int main(int argc, char** argv) {
  keep_freed_memory();
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
