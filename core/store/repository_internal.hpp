#pragma once
// What the files that define Repository's member functions share, and no
// other file includes: repository.cpp (opening, layout, configuration,
// reads), incident_walk.cpp (the incident files), transaction.cpp (the lock,
// the commit, the journal and its recovery), work_tree.cpp (the checkout
// layout's work tree and index) and history.cpp (the commits of a file).

#include <filesystem>
#include <string>
#include <string_view>

namespace irctl {

/// ", made 5 minutes ago": how old a lock file is, to tell a stale one.
std::string age_of(const std::filesystem::path& lock);

/// The first line of a commit message.
inline std::string subject_of(const std::string& message) { return message.substr(0, message.find('\n')); }

/// git's own lock on the index, .git/index.lock, held by irctl while it
/// writes the work tree and the index and moves the branch. As 'git commit'
/// does, the new index is written into the lock file itself and renamed into
/// place only after the branch has moved, which releases the lock: every git
/// command that writes the index takes this lock first, so none of them can
/// act on a half-done write, and one that read HEAD before it fails its own
/// compare-and-swap on HEAD; a 'git commit' never commits a stale index on
/// top of irctl's commit, and a 'git add' is never lost.
class IndexLock {
 public:
  explicit IndexLock(std::filesystem::path index);
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;
  ~IndexLock() { release(); }
  /// Waits for git to release its lock, up to IRCTL_LOCK_TIMEOUT seconds.
  void acquire();
  /// Makes `bytes` the index that commit() puts in place.
  void stage(std::string_view bytes);
  /// Makes the index file at `next` (which it moves) the one commit() puts in place.
  void stage_file(const std::filesystem::path& next);
  /// Puts what was staged in place as the index, which releases the lock.
  void commit();
  /// Gives the lock up, leaving the index as it was.
  void release();
  bool held() const { return held_; }

 private:
  void close_file();
  std::filesystem::path index_;
  std::filesystem::path lock_;
  int fd_ = -1;  ///< the lock file, open from acquire() to stage_file(), commit() or release()
  bool held_ = false;
  bool staged_ = false;
};

}  // namespace irctl
