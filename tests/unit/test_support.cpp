// The shared fixtures of support.hpp put back what they change.

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "support.hpp"

namespace test_support {

using namespace irctl::testing;

namespace {
std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}
}  // namespace

TEST_SUITE("support") {
  TEST_CASE("TempDir restores HOME and XDG_CONFIG_HOME exactly: the old values, or unset") {
    // whatever the environment of the test run, put back at the end
    const ScopedEnv home("HOME", "/home/before");
    const ScopedEnv config_home("XDG_CONFIG_HOME", "/config/before");
    {
      TempDir dir;
      CHECK(env("HOME") == (dir.path() / "home").string());
      CHECK(env("XDG_CONFIG_HOME") == (dir.path() / "home" / ".config").string());
    }
    CHECK(env("HOME") == "/home/before");
    CHECK(env("XDG_CONFIG_HOME") == "/config/before");

    ::unsetenv("HOME");
    ::unsetenv("XDG_CONFIG_HOME");
    { TempDir dir; }
    CHECK(env("HOME") == std::nullopt);
    CHECK(env("XDG_CONFIG_HOME") == std::nullopt);
  }
}

}  // namespace test_support
