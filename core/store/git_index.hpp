#pragma once
// git's index file, patched for the files one write stages, rather than read
// whole into libgit2 and written back. At 10,000 files the index is 1 MB, and
// libgit2 parsing every entry, then writing every entry, was a third of a
// write in a checked-out repository; patching touches the bytes of one entry.
// Anything this does not recognise is left to libgit2 (the caller's fallback).

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

namespace irctl::git {

/// A file to stage at stage 0, as 'git add' records it: its blob and the
/// stat data of the file just written.
struct StagedFile {
  std::string path;
  git_oid id{};
  struct stat st {};
  /// git's mode for it (0100644, 0100755, 0120000), as the commit has it;
  /// 0: from the executable bit of `st`.
  uint32_t mode = 0;
};

/// The index entry 'git add' records for `file`: the stat data of the file
/// just written, its blob and its mode. Its path points into `file.path`.
git_index_entry index_entry_for(const StagedFile& file);

/// git's racy-timestamp rule (is_racy_timestamp in git's read-cache.c): an
/// entry whose file was modified no earlier than the index was written may
/// have changed again within the same instant, keeping the same times, so its
/// stat data does not prove it unchanged. Times compare as git's unsigned
/// 32-bit fields do.
bool is_racy(const git_index_time& entry_mtime, const struct timespec& index_mtime);

/// git's test that a file is what the index says without reading it: a
/// regular file whose stat data still matches the entry, which is not racy
/// against the index's modification time.
bool unchanged_since_staged(const git_index_entry& entry, const struct stat& file,
                            const struct timespec& index_mtime);

/// `index` (the bytes of an index file, checksum included) with each file
/// staged, the cache-tree entries of the folders above them invalidated, and
/// entries that were racily clean smudged (size 0, as git does, so that their
/// content is checked), given the old index file's modification time.
/// nullopt when the index holds anything this does not patch: a version
/// other than 2 or 3, an extension git requires readers to understand (split
/// or sparse index), one of the paths in conflict or with extended flags, a
/// path of 4,095 bytes or more, or damage (a wrong checksum included).
std::optional<std::string> index_with_files(std::string_view index, const std::vector<StagedFile>& files,
                                            const struct timespec& index_mtime);

/// True when an entry of the index is at a stage other than 0 (a conflict
/// git left for a person); nullopt for an index this does not read (see
/// index_with_files), for libgit2 to answer.
std::optional<bool> index_has_conflicts(std::string_view index);

/// The stage-0 entries of an index file, found by path without libgit2
/// reading every entry (and checking the checksum with its slower,
/// collision-detecting SHA-1): at 10,000 files that was a third of a
/// checked-out 'irctl list'.
class IndexEntries {
 public:
  /// nullopt for anything index_with_files would leave to libgit2 as well.
  static std::optional<IndexEntries> parse(std::string index);
  /// The entry of `path` at stage 0 as libgit2 gives it (times, device,
  /// inode, mode, ids, size, object id); its path is not filled in.
  std::optional<git_index_entry> find(std::string_view path) const;

 private:
  struct Located {
    size_t at;  ///< the entry's offset in the file
    std::string_view name;
    bool stage0;
  };
  std::unique_ptr<const std::string> bytes_;  // the views below point into it
  std::vector<Located> entries_;
};

}  // namespace irctl::git
