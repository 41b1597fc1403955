#pragma once
// A temporary directory for one test case, removed afterwards, and a HOME
// inside it so that no global git configuration (identity) leaks in.

#include <cstdlib>
#include <filesystem>
#include <string>

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

}  // namespace irctl::testing
