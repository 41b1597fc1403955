#pragma once
// irctl sync: fetch the incidents' branch from a remote, merge it with the
// local one (incident files by merge_incident, others line by line), and push
// the result, retrying while the remote keeps moving. Everything goes through
// libgit2: file, ssh, https and git transports; credentials from ssh-agent or
// git's credential helpers ('git credential fill').

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/model/actor.hpp"
#include "core/store/repository.hpp"

namespace irctl {

struct SyncOptions {
  std::optional<std::string> remote;  ///< default: Repository::default_remote()
  bool push = true;
  /// Who a merge commit is by; asked only when one is made.
  std::function<Actor()> actor;
  /// Receives progress lines ("Receiving objects  45% (9/20)"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct SyncResult {
  std::string remote;
  std::string branch;
  /// "up-to-date", "fast-forward", "merged" (a merge commit), or "pushed-only"
  /// (the remote had nothing new).
  std::string outcome;
  std::vector<std::string> merged_files;  ///< files both sides changed
  std::vector<std::string> conflicts;     ///< fields both sides changed (see merge_incident)
  bool pushed = false;
  int attempts = 1;
  std::string tip;  ///< the commit the branch is at afterwards
};

/// Throws Error(Errc::conflict) naming each file that cannot be merged and how
/// to finish, after fetching and before changing anything local; Errc::busy
/// when the remote moved on every attempt; Errc::not_found for an unknown
/// remote.
SyncResult sync_repository(Repository& repo, const SyncOptions& options);

/// Whether the repository has a remote of this name (irctl serve pushes
/// only when it does).
bool has_remote(const Repository& repo, const std::string& name);

/// The three-way merge of the files of two commits, as the writes that turn
/// `ours`' tree into the merged one. Throws Error(Errc::conflict) for files
/// that cannot be merged. Used by sync; exposed for tests.
struct TreeMerge {
  std::vector<FileWrite> writes;
  std::vector<std::string> merged_files;
  std::vector<std::string> conflicts;
};
TreeMerge merge_commits(Repository& repo, const git_oid& ours, const git_oid& theirs);

}  // namespace irctl
