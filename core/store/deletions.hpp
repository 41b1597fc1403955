#pragma once
// Incident files deleted with git. Deleting an incident is not an event on
// its timeline: every clone that takes the deletion loses the record without
// a word. So irctl sync refuses to spread one (either way), irctl fsck reports
// an incident whose history ends in one, and irctl void is the way to
// withdraw an incident.

#include <optional>
#include <string>
#include <vector>

#include <git2.h>

namespace irctl {

struct IncidentDeletion {
  std::string path;     ///< incidents/YYYY/MM/ID.toml
  std::string id;       ///< the incident's ID, from the file name
  git_oid commit{};     ///< the newest commit that deleted it; its first parent has the file
  std::string subject;  ///< that commit's subject
};

/// The incident files that commit `from` has and commit `to` does not, each
/// with the commit between them (reachable from `to`, not from `from`) that
/// deleted it. In path order.
std::vector<IncidentDeletion> incidents_deleted_between(git_repository* repo, const git_oid& from, const git_oid& to);

/// Every incident file that the history of `tip` once had and `tip` no longer
/// has, with the newest commit that deleted it (compared with its first
/// parent: a merge is charged with what it drops from the branch it was made
/// on). In path order. Walks the whole history, one tree comparison per
/// commit that changed incidents/; `tip` may be nullopt (no commit yet).
std::vector<IncidentDeletion> incidents_deleted_in_history(git_repository* repo, const std::optional<git_oid>& tip);

/// For irctl sync, before it merges or pushes: refuses (Errc::conflict) when
/// the remote's branch (`theirs`, fetched as `tracking`, e.g. "origin/main")
/// deleted an incident file that `ours` still has, or `ours` deleted one that
/// the remote still has, naming each file, the commit that deleted it and how
/// to restore it. Histories without a common ancestor share no file to lose.
void refuse_deletions_in_sync(git_repository* repo, const git_oid& ours, const git_oid& theirs,
                              const std::string& tracking);

/// The short form of a commit id that git prints (7 hex digits, more when
/// needed to be unambiguous in `repo`).
std::string short_commit(git_repository* repo, const git_oid& commit);

}  // namespace irctl
