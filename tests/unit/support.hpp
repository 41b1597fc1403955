#pragma once
// What the unit tests share: a temporary directory for one test case, removed
// afterwards, with a HOME inside it so that no global git configuration
// (identity) leaks in; and the kind of error a call throws.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "core/error.hpp"

namespace irctl::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "irctl-unit.XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
    std::filesystem::create_directories(path_ / "home");
    if (const char* home = std::getenv("HOME")) old_home_ = home;
    ::setenv("HOME", (path_ / "home").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (path_ / "home" / ".config").c_str(), 1);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    ::setenv("HOME", old_home_.c_str(), 1);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string old_home_;
};

/// The kind of Error that `f` throws; fails the test when it throws none.
inline Errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error");
  return Errc::failure;
}

}  // namespace irctl::testing
