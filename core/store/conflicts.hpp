#pragma once
// A 'git merge' or 'git pull' that stopped on an incident file: the driver
// was not configured (a plain clone), so git merged it line by line and left
// conflict markers. fsck recognises them; resolve_conflicts finishes the
// file from git's three index stages with the merge driver's own three-way
// merge (merge_incident) and stages it, so that 'git commit' ends the merge.
// It works on a conflicted index, which every other irctl write refuses, so
// it never goes through Repository::commit.

#include <optional>
#include <string>
#include <vector>

#include "core/store/repository.hpp"

namespace irctl {

/// The line (from 1) where git's conflict markers start in `text`: a line
/// "<<<<<<< ...", then "=======", then ">>>>>>> ..."; nullopt when there are
/// none.
std::optional<size_t> conflict_marker_line(const std::string& text);

struct ResolvedFile {
  std::string path;
  /// Fields both sides changed, as merge_incident reports them.
  std::vector<std::string> conflicts;
};

struct ConflictResolution {
  std::vector<ResolvedFile> resolved;
  /// Files still in conflict that are not incident files (left to a person).
  std::vector<std::string> unresolved;
};

/// Resolves the conflicted incident files named in `paths` (repository-
/// relative, with '/'), or every conflicted incident file when `paths` is
/// empty. Checks all before changing anything: Errc::usage for a named file
/// that is not an incident file, Errc::not_found for one not in conflict,
/// Errc::conflict for one deleted on a side or already edited by hand (no
/// markers, not our version), Errc::data for a side that does not parse.
ConflictResolution resolve_conflicts(Repository& repo, const std::vector<std::string>& paths);

}  // namespace irctl
