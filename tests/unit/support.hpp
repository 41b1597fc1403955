#pragma once
// What the unit tests share, in one place: a temporary directory for one test
// case, removed afterwards, with a HOME inside it so that no global git
// configuration (identity) leaks in; the kind of error a call throws; an
// incident repository made through the core API; files read and written
// whole; a shell command; and the command line run in-process with captured
// streams.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/commands.hpp"
#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/operations.hpp"

namespace irctl::testing {

/// Sets an environment variable for the object's lifetime, then puts back
/// what was there: the old value, or no variable at all.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class TempDir {
 public:
  TempDir()
      : path_(made()),
        home_("HOME", (path_ / "home").string()),
        config_home_("XDG_CONFIG_HOME", (path_ / "home" / ".config").string()) {}
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static std::filesystem::path made() {
    std::string pattern = (std::filesystem::temp_directory_path() / "irctl-unit.XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    const std::filesystem::path path = pattern;
    std::filesystem::create_directories(path / "home");
    return path;
  }

  std::filesystem::path path_;
  ScopedEnv home_;
  ScopedEnv config_home_;
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

inline const Actor kAlice{"Alice Example", "alice@example.com"};

/// Events by `actor`, happening now.
inline Recorder recorder(const Actor& actor = kAlice) {
  const Timestamp now = now_utc();
  return Recorder{actor, now, now};
}

struct NewRepository {
  std::optional<std::string> branch{};  ///< keep the incidents on this branch (the branch layout)
  std::optional<Timestamp> at{};        ///< when init commits; now when not given
};

/// `irctl init` in the folder, as Alice.
inline Repository new_repository(const std::filesystem::path& dir, const NewRepository& options = {}) {
  init_repository(InitRequest{dir.string(), options.branch, ""}, [](const Repository&) { return kAlice; },
                  options.at.value_or(now_utc()));
  return Repository::discover(dir);
}
inline Repository new_repository(const TempDir& dir, const NewRepository& options = {}) {
  return new_repository(dir.path(), options);
}

/// A declaration with the title and severity, of the service checkout.
inline DeclareRequest declaration(const std::string& title, const std::string& severity = "SEV2") {
  DeclareRequest r;
  r.title = title;
  r.severity = severity;
  r.services = {"checkout"};
  return r;
}

/// Declares an incident (declaration()) by Alice, now; returns its ID.
inline std::string declare(Repository& repo, const std::string& title, const std::string& severity = "SEV2") {
  return declare_incident(repo, declaration(title, severity), recorder()).incident_id;
}

/// The whole file; fails the test when it cannot be read.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open ", p.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Writes the file whole, making its folders.
inline void spit(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

/// `s` with the first `from` (which must be there) replaced by `to`.
inline std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "no '", from, "' in:\n", s);
  return s.replace(pos, from.size(), to);
}

/// Runs a shell command in `dir` (standard error joined to the output);
/// fails the test unless it exits 0. Returns what it printed.
inline std::string sh(const std::filesystem::path& dir, const std::string& command) {
  const std::string full = "cd '" + dir.string() + "' && " + command + " 2>&1";
  std::string out;
  FILE* p = ::popen(full.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  while (const size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = ::pclose(p);
  INFO(command << " printed: " << out);
  REQUIRE(status == 0);
  return out;
}

struct CliRun {
  int status;
  std::string out;
  std::string err;
};
struct CliInput {
  std::string in{};  ///< standard input
  bool tty = false;  ///< whether standard output is a terminal
};

/// `irctl ARGS` run in-process in `cwd`, as Alice.
inline CliRun run_cli(const std::vector<std::string>& args, const std::string& cwd, const CliInput& input = {}) {
  std::istringstream in(input.in);
  std::ostringstream out, err;
  cli::Io io{in, out, err, input.tty, false, false};
  cli::Env env;
  env.cwd = cwd;
  env.irctl_actor = kAlice.display();
  const int status = cli::run(args, io, env);
  return {status, out.str(), err.str()};
}

}  // namespace irctl::testing
