#pragma once
// What the files that define Repository's member functions share, and no
// other file includes: repository.cpp (opening, layout, configuration,
// reads), incident_walk.cpp (the incident files), transaction.cpp (the lock,
// the commit, the journal and its recovery), work_tree.cpp (the checkout
// layout's work tree and index) and history.cpp (the commits of a file).

#include <filesystem>
#include <string>

namespace irctl {

/// ", made 5 minutes ago": how old a lock file is, to tell a stale one.
std::string age_of(const std::filesystem::path& lock);

/// The first line of a commit message.
inline std::string subject_of(const std::string& message) { return message.substr(0, message.find('\n')); }

/// git's own lock on the index, .git/index.lock, held by irctl while it
/// writes the work tree and the index and moves the branch. The index is put
/// in place before the branch moves, and the lock released after: git reads
/// HEAD, then the index, before it takes the lock, so whatever it reads
/// either fails its own compare-and-swap on HEAD or is irctl's finished
/// state; a 'git commit' never commits a stale index on top of irctl's
/// commit, and a 'git add' is never lost. (Not git's own order, index after
/// HEAD: tried, and a 'git commit' that read HEAD after irctl moved it and
/// the index before it was in place committed the old file back on top,
/// concurrency.bats's 'git add, then git commit' stress. The new index is
/// therefore a file of its own, index.next, renamed over the index.)
class IndexLock {
 public:
  explicit IndexLock(std::filesystem::path index);
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;
  ~IndexLock() { release(); }
  /// Waits for git to release its lock, up to IRCTL_LOCK_TIMEOUT seconds.
  void acquire();
  /// Puts `next` in place as the index, still holding the lock.
  void install(const std::filesystem::path& next);
  void release();
  bool held() const { return held_; }

 private:
  std::filesystem::path index_;
  std::filesystem::path lock_;
  bool held_ = false;
};

}  // namespace irctl
