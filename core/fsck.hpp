#pragma once
// irctl fsck: checks an incident repository without changing it. Every
// incident file must parse and validate (irctl-format(5)), sit where its ID
// says (incidents/YYYY/MM/ID.toml), hold an ID no other file holds, and have
// top-level fields that agree with what its timeline produces; the
// configuration must be valid. Each problem names its file and says how to fix
// it; a problem in one file never stops the others from being checked.

#include <cstddef>
#include <string>
#include <vector>

#include "core/store/repository.hpp"

namespace irctl {

struct FsckProblem {
  std::string path;     ///< repository-relative, with '/'
  std::string message;  ///< what is wrong, for people and scripts
  std::string fix;      ///< what to do about it
};

struct FsckReport {
  /// The files under incidents/ that were checked.
  size_t incidents_checked = 0;
  /// In path order, the configuration first; empty when all is well.
  std::vector<FsckProblem> problems;

  bool ok() const { return problems.empty(); }
};

/// Checks the configuration, people, playbooks, the maintenance windows and
/// every file under incidents/ (the work tree,
/// committed or not). Reads only: never writes, locks or commits. Throws
/// irctl::Error only for what stops the check as a whole (an unreadable
/// work tree); problems with the files are in the report.
FsckReport check_repository(Repository& repo);

}  // namespace irctl
