// Fuzz target: the two readers of TOML text agree (toml_differential.hpp):
// toml++'s fast one, which the summary cache uses on every file of a new
// clone, and toml11's, which every other read and every write uses. Any
// text that one accepts and the other refuses, or that they read as
// different data, is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/toml_differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string problem = irctl::differential::disagreement(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "the TOML readers disagree: %s\n", problem.c_str());
    abort();
  }
  return 0;
}
