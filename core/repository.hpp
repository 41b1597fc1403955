#pragma once
// An incident repository: a git repository whose work tree holds
// .irctl/config.toml and the incident files. All writes go through
// Repository::commit, which writes the files, stages them and makes exactly
// one commit, so the work tree, the index and HEAD stay in step.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/actor.hpp"
#include "core/config.hpp"
#include "core/git.hpp"
#include "core/time.hpp"

namespace irctl {

struct FileWrite {
  std::string path;  ///< relative to the repository root, with '/'
  std::string content;
};

struct CommitInfo {
  std::string sha;
  std::string author_name;
  std::string author_email;
  Timestamp author_time{};
  Timestamp commit_time{};
  std::string subject;
  std::string message;
};

/// Holds an exclusive lock on the repository for irctl's read-modify-write
/// cycles; released when destroyed (or when the process dies).
class RepositoryLock {
 public:
  explicit RepositoryLock(int fd) : fd_(fd) {}
  RepositoryLock(RepositoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  ~RepositoryLock() { release(); }
  void release();

 private:
  int fd_;
};

class Repository {
 public:
  /// Finds the repository that holds `start` (upwards, like git). Throws
  /// Error(Errc::not_found) with the fix when there is none.
  static Repository discover(const std::filesystem::path& start);

  /// Opens the git repository at `dir`, creating it when there is none, for
  /// `irctl init`. Does not require .irctl/ to exist.
  static Repository open_or_create(const std::filesystem::path& dir, bool& created);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path git_dir() const;
  bool is_initialised() const;

  /// The configuration, read and validated on first use.
  const Config& config();

  /// A file of the work tree; nullopt when it does not exist.
  std::optional<std::string> read(const std::string& path) const;
  /// True when `path` is in HEAD's tree: committed, not merely on disk.
  bool committed(const std::string& path) const;
  /// The content of `path` as committed in HEAD (not the work tree's);
  /// nullopt when HEAD has no file there.
  std::optional<std::string> read_committed(const std::string& path) const;
  /// Why `path` (relative, with '/') cannot be written as a file of the work
  /// tree: one of its existing parts is a symbolic link (which could lead
  /// outside the repository), a file where a folder must be, or a folder
  /// where the file must be; or it ends with '/'. nullopt when it can.
  std::optional<std::string> unwritable_reason(const std::string& path) const;

  /// The IDs of every incident, from the file names alone (no file is parsed).
  std::vector<std::string> incident_ids() const;

  /// Waits (a bounded time) for the repository lock.
  RepositoryLock lock();

  /// Refuses with Error(Errc::conflict) when `path` has changes that are not
  /// committed, so that irctl never overwrites what someone is editing.
  void require_clean(const std::string& path) const;

  /// Writes the files, stages them and commits them on HEAD as `author`.
  /// Returns the new commit's id. On failure the files are put back.
  /// Refuses (Errc::conflict, before committing) a path that
  /// unwritable_reason() objects to.
  std::string commit(const std::vector<FileWrite>& files, const std::string& message, const Actor& author,
                     Timestamp author_time);

  /// git's own identity (user.name and user.email), if configured.
  std::optional<Actor> git_identity() const;

  /// The commits that changed `path`, newest first.
  std::vector<CommitInfo> history(const std::string& path) const;

  /// The incident chosen with `irctl use`, kept in the git directory so that
  /// it is never committed.
  std::optional<std::string> current_incident() const;
  void set_current_incident(const std::optional<std::string>& id);

 private:
  Repository(git::RepositoryPtr repo, std::filesystem::path root);

  git::RepositoryPtr repo_;
  std::filesystem::path root_;
  std::optional<Config> config_;
};

}  // namespace irctl
