#pragma once
// An incident repository, in one of two layouts: a git repository whose work
// tree holds .irctl/config.toml and the incident files (checkout), or a branch
// of a code repository that is never checked out (branch), read and written
// through git's objects alone. All writes go through Repository::commit, which
// makes exactly one commit, moves the branch with a compare-and-swap and, in
// the checkout layout, brings the work tree and the index along. A journal in
// the git directory lets the next command finish a write that was killed
// half-way.

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/actor.hpp"
#include "core/model/config.hpp"
#include "core/model/people.hpp"
#include "core/store/deflated.hpp"
#include "core/store/git.hpp"
#include "core/util/file.hpp"
#include "core/util/time.hpp"

namespace irctl {

class IncidentFile;

/// Built with designated initializers ({.path = p, .content = c, .mode = m}):
/// two of its fields are numbers that a positional list would mix up.
struct FileWrite {
  std::string path{};  ///< relative to the repository root, with '/'
  std::string content{};
  bool remove = false;  ///< delete the file instead (a merge can)
  /// The most permission bits the file gets in the work tree (the umask
  /// takes more away): evidence is never more readable than its source.
  /// git records 100644 whatever they are.
  mode_t work_tree_perms = kDefaultPerms;
  static constexpr mode_t kDefaultPerms = kDefaultFilePerms;
  /// The git mode of a file that comes from another commit (a merge): an
  /// executable or a symbolic link (whose content is its target). nullopt
  /// for irctl's own files: a regular file, or executable if it was.
  std::optional<git_filemode_t> mode = std::nullopt;
  /// An incident file written by appending (IncidentFile::is_split(); it
  /// stays alive until commit returns): it parsed and validated what changed,
  /// and the rest is bytes that read back before, so require_readable checks
  /// its severity against the scale rather than parsing the whole file again.
  const IncidentFile* appended = nullptr;
  /// For an appended file, what the timeline cache kept deflated of it:
  /// content.substr(deflated_at, deflated->size). Only the rest is then
  /// deflated to store the blob, into *deflated_rest (for the cache's next
  /// version, timelines.hpp), which is left empty when the kept piece was
  /// not the content's and the whole blob was deflated.
  const DeflatedSpan* deflated = nullptr;
  size_t deflated_at = 0;
  std::optional<DeflatedPiece>* deflated_rest = nullptr;
  /// Where commit() puts the id of the blob it stored, when given.
  git_oid* stored_as = nullptr;
  /// For a file the write only added to: how much of `content` the work
  /// tree's file holds as it was read under the repository lock. The
  /// checkout layout then appends the rest to it in place rather than write
  /// it anew (megabytes, for an event added to a long timeline).
  std::optional<size_t> work_tree_holds = std::nullopt;
};

/// Paths of the work tree written with fewer permission bits than
/// FileWrite::kDefaultPerms, and those bits.
using WorkTreePerms = std::map<std::string, mode_t>;

enum class Layout {
  checkout,  ///< the files are checked out in the work tree (irctl init)
  branch,    ///< the files live on a branch that is never checked out (irctl init --branch)
};

/// How long a write waits for a lock (irctl's or git's), and keeps redoing
/// itself while other programs move the branch: IRCTL_LOCK_TIMEOUT seconds,
/// 10 when unset; throws Error(Errc::usage) when it is not a number of
/// seconds (see core/util/env.hpp).
double lock_timeout_seconds();

/// The git configuration key naming the branch of the branch layout.
constexpr const char* kBranchConfigKey = "irctl.branch";
/// The git configuration key naming the remote that sync uses by default.
constexpr const char* kRemoteConfigKey = "irctl.remote";

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

struct OpenedRepository;

class Repository {
 public:
  /// Finds the repository that holds `start` (upwards, like git). Throws
  /// Error(Errc::not_found) with the fix when there is none.
  static Repository discover(const std::filesystem::path& start);

  /// Where open_or_create looks for an existing git repository.
  enum class Search {
    only_dir,  ///< `dir` itself, else a new one is created there
    upwards,   ///< also a git repository that holds `dir`, like git does
  };
  /// Opens the git repository at `dir`, creating it when there is none, for
  /// `irctl init`. Does not require .irctl/ to exist.
  static OpenedRepository open_or_create(const std::filesystem::path& dir, Search search = Search::only_dir);

  /// Sets (or with nullopt removes) a key of the repository's own git
  /// configuration (.git/config), never the user's.
  void set_git_config(const std::string& key, const std::optional<std::string>& value);
  /// A key of git's configuration (all levels); nullopt when unset or empty.
  std::optional<std::string> git_config_value(const std::string& key) const;

  /// Makes this the branch layout on `branch` (a short name such as
  /// "incidents"), for irctl init --branch. Refuses names git would refuse.
  void use_branch(const std::string& branch);

  Layout layout() const { return branch_.empty() ? Layout::checkout : Layout::branch; }
  /// The branch the incidents live on ("main", "incidents"); empty when HEAD
  /// is detached in the checkout layout.
  std::string branch() const;
  /// The reference irctl commits to: "refs/heads/incidents", or the branch
  /// HEAD points at in the checkout layout.
  std::string ref_name() const;
  /// The commit the incidents are read from; nullopt before the first one.
  /// In the branch layout, before the local branch exists, that is the
  /// remote-tracking branch fetched from the default remote.
  std::optional<git_oid> tip() const;
  /// The remote sync uses when none is named: irctl.remote, else the branch's
  /// upstream remote, else "origin".
  std::string default_remote() const;
  /// The libgit2 handle, for core code that works on git objects (sync).
  git_repository* handle() const { return repo_.get(); }

  /// The work tree (checkout layout) or the code repository's work tree
  /// (branch layout); hooks run there.
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path git_dir() const;
  bool is_initialised() const;

  /// The configuration, read and validated on first use.
  const Config& config();
  /// The directory of people (.irctl/people.toml), read and validated on
  /// first use; empty when the repository has none.
  const People& people();

  /// A file of the work tree; nullopt when it does not exist. Refuses
  /// (Errc::data) a file that symbolic links lead outside the work tree or
  /// into the git directory.
  std::optional<std::string> read(const std::string& path) const;
  /// Why `path` (relative) leads outside the work tree, or into the git
  /// directory, through symbolic links; nullopt when it does not (or is missing).
  std::optional<std::string> outside_reason(const std::string& path) const;
  /// True when `path` is in HEAD's tree: committed, not merely on disk.
  bool committed(const std::string& path) const;
  /// The blob id of `path` in HEAD's tree; nullopt when it is not committed.
  std::optional<git_oid> committed_blob(const std::string& path) const;
  /// The content of `path` as committed in HEAD (not the work tree's);
  /// nullopt when HEAD has no file there.
  std::optional<std::string> read_committed(const std::string& path) const;
  /// Why `path` (relative, with '/') cannot be written as a file of the work
  /// tree: one of its existing parts is a symbolic link (which could lead
  /// outside the repository), a file where a folder must be, or a folder
  /// where the file must be; or it ends with '/'. nullopt when it can.
  std::optional<std::string> unwritable_reason(const std::string& path) const;

  /// Every file under `dir` (relative, with '/'), recursively, sorted, as
  /// repository-relative paths; empty when there is no such folder.
  std::vector<std::string> list_files(const std::string& dir) const;

  /// The IDs of every incident, from the file names alone (no file is parsed).
  std::vector<std::string> incident_ids() const;

  /// Every incident file, with its git blob id when that is known without
  /// reading the file: from the tree in the branch layout; in the checkout
  /// layout from the index, when the file's stat data says it has not
  /// changed since it was staged (git's own test, racy entries excepted).
  struct IncidentBlob {
    std::string id;
    std::string path;
    std::optional<git_oid> oid;  ///< nullopt: hash the content to know it
  };
  std::vector<IncidentBlob> incident_blobs() const;

  /// A file irctl keeps for itself in the git directory (.git/irctl/NAME),
  /// never committed; nullopt when there is none.
  std::optional<std::string> read_private(const std::string& name) const;
  /// The same, mapped into memory rather than read; empty when there is none.
  /// A rename that replaces the file leaves the mapping as it was.
  MappedFile map_private(const std::string& name) const;
  /// Replaces it whole (through a rename: readers see the old or the new).
  void write_private(const std::string& name, const std::string& content) const;
  /// The same, from pieces written one after the other.
  void write_private(const std::string& name, const std::vector<std::string_view>& pieces) const;

  /// Waits (a bounded time) for the repository lock, then finishes any write
  /// a killed irctl left half-done. Errc::busy when the wait runs out.
  RepositoryLock lock();

  /// Refuses with Error(Errc::conflict) when `path` has changes that are not
  /// committed, so that irctl never overwrites what someone is editing.
  void require_clean(const std::string& path) const;

  /// A file about to be rewritten, as read() reads it and refused as
  /// require_clean() refuses, the file read and hashed once for both.
  struct CleanText {
    std::string text;
    std::optional<git_oid> blob;  ///< its blob id, when known without hashing it again
  };
  /// Whether a text is known to be the blob's (a copy kept of it): a
  /// comparison that spares hashing a long file.
  using KnownText = std::function<bool(std::string_view text, const git_oid& blob)>;
  std::optional<CleanText> read_clean(const std::string& path, const KnownText& known = {}) const;

  /// Commits the files on tip() as `author` (with `merge_parent` as a second
  /// parent when given), then moves ref_name() there only if it still points
  /// at tip() (Errc::busy otherwise: someone else committed meanwhile), then,
  /// in the checkout layout, writes the files and stages them. Returns the
  /// new commit's id. Refuses (Errc::conflict, before committing) a path
  /// that unwritable_reason() objects to.
  std::string commit(const std::vector<FileWrite>& files, const std::string& message, const Actor& author,
                     Timestamp author_time, const std::optional<git_oid>& merge_parent = std::nullopt);

  /// Refuses (Errc::conflict, naming the state and the way out) while git is
  /// in the middle of a merge, rebase, cherry-pick, revert or bisect's kin in
  /// the checkout layout, or while the index has conflicts: a write then
  /// would stage beside git's conflict stages and break 'git merge --abort'.
  void require_no_git_operation() const;

  /// Refuses (Errc::data) files that irctl could not read back: incident
  /// files that do not parse, validate or have a severity on the scale,
  /// maintenance windows' files that do not parse and validate, and a
  /// configuration that does not parse.
  void require_readable(const std::vector<FileWrite>& files);
  /// Writes each file to the work tree (in its mode) and stages it at stage
  /// 0, which drops the path's conflict stages, as 'git add' after a merge
  /// conflict does; commits nothing. For resolve_conflicts only: the one
  /// write that works while a merge is in progress.
  void stage_resolved(const std::vector<FileWrite>& files);

  /// Moves ref_name() from tip() to `to` (a fast-forward), bringing the files
  /// that differ along in the checkout layout. Refuses (Errc::conflict) when
  /// one of them has changes that are not committed.
  void fast_forward(const git_oid& to);

  /// The path of an executable kept in the repository (the on-event hook),
  /// nullopt when there is none; Errc::data for a symbolic link that leads
  /// outside the repository (or one committed in the branch layout). In the branch layout the program is copied
  /// out of git into the git directory first.
  std::optional<std::filesystem::path> program(const std::string& path) const;

  /// Finishes (or abandons, when it never reached the branch) a write that a
  /// killed irctl left half-done; needs the lock. Returns what it did, or
  /// nullopt when there was nothing to do. lock() calls it.
  std::optional<std::string> recover_interrupted_write();
  /// What lock() found and did last to a write a killed irctl left
  /// (recover_interrupted_write's account); nullopt when it found none.
  const std::optional<std::string>& recovered_write() const { return recovered_write_; }

  /// git's own identity (user.name and user.email), if configured.
  std::optional<Actor> git_identity() const;

  /// The commits that changed `path`, newest first.
  std::vector<CommitInfo> history(const std::string& path) const;
  /// The commit that brought `needle` into the file at `path`: from tip(),
  /// through parents whose file still holds it, the first whose parents'
  /// files do not. nullopt when tip()'s file does not hold it.
  std::optional<std::string> commit_introducing(const std::string& path, const std::string& needle) const;
  /// The commit that recorded each event (by event id), from the Event:
  /// trailers of the commits reachable from tip(). Kept in
  /// .git/irctl/event-commits with the tip it was read up to, so that the
  /// next call reads only the commits made since (all again when the
  /// history was rewritten). An event that no commit names (a file written
  /// by hand or by a script) is not in it.
  std::unordered_map<std::string, std::string> event_commits() const;
  /// The file at `path` in the commit `revision` names (what 'git rev-parse'
  /// takes: an id, "ID^"); nullopt when it has none or there is no such commit.
  std::optional<std::string> read_at(const std::string& revision, const std::string& path) const;

  /// The incident chosen with `irctl use`, kept in the git directory so that
  /// it is never committed.
  std::optional<std::string> current_incident() const;
  void set_current_incident(const std::optional<std::string>& id);

 private:
  Repository(git::RepositoryPtr repo, std::filesystem::path root);

  /// True when `f`, a file from another commit, replaces a symbolic link
  /// that tip() has at its path (the one case where the last part of the
  /// path may be a link: the rename replaces the link itself).
  bool replaces_committed_link(const FileWrite& f) const;
  /// The tree of tip(), kept until the next commit; null before the first.
  const git_tree* tip_tree() const;
  std::optional<std::string> read_from_tip(const std::string& path) const;
  /// require_clean; `read`, when given, gets the text of a regular file
  /// with its blob id, read once for the check.
  void require_clean(const std::string& path, CleanText* read, const KnownText& known = {}) const;
  /// Error(Errc::data) when outside_reason(path) has a reason.
  void refuse_outside(const std::string& path) const;
  /// Journal, compare-and-swap, then the work tree: the end of every write.
  /// `written`: the files commit() stored for `to`, whose contents the work
  /// tree then gets without reading them back out of git.
  void advance(const std::optional<git_oid>& from, const git_oid& to, const std::vector<std::string>& paths,
               const std::string& reflog_message, const WorkTreePerms& perms = {},
               const std::vector<FileWrite>* written = nullptr);
  /// Writes (or removes) each path of the work tree and the index as in `tree`.
  void sync_work_tree(const git_tree* tree, const std::vector<std::string>& paths, const WorkTreePerms& perms = {});
  /// True when the work tree and the index already hold `paths` as in `tree`.
  bool in_step(const git_tree* tree, const std::vector<std::string>& paths) const;
  void sync_work_tree_locked(const git_tree* tree, const std::vector<std::string>& paths, class IndexLock& lock,
                             const WorkTreePerms& perms = {}, const std::vector<FileWrite>* written = nullptr);
  std::filesystem::path journal_path() const;
  /// Whether a journal names a write that a killed irctl left (transaction.cpp).
  bool write_in_flight() const;
  /// Makes `text` the journal; "" empties it.
  void write_journal(std::string_view text) const;
  /// Whether visit_incident_files stats each file in the checkout layout.
  enum class StatData { skipped, read };
  /// Calls `visit` with the ID and path of every incident file, in no order,
  /// with its blob id in the branch layout, and in the checkout layout its
  /// stat data when StatData::read (null otherwise).
  using IncidentFileVisitor = std::function<void(const std::string& id, const std::string& path, const git_oid* blob,
                                                 const struct stat* st)>;
  void visit_incident_files(const IncidentFileVisitor& visit, StatData stat_data) const;

  git::RepositoryPtr repo_;
  std::filesystem::path root_;
  std::string branch_;  ///< set in the branch layout only
  std::optional<Config> config_;
  std::optional<People> people_;
  mutable git::TreePtr tip_tree_;
  mutable bool tip_tree_loaded_ = false;
  mutable std::filesystem::path canonical_root_;     ///< for outside_reason
  mutable std::filesystem::path canonical_git_dir_;  ///< for outside_reason
  std::optional<std::string> recovered_write_;
};

/// What Repository::open_or_create found or made.
struct OpenedRepository {
  Repository repository;
  bool created = false;  ///< there was no git repository: a new one was made
};

}  // namespace irctl
