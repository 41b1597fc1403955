#pragma once
// git's three-way merge of text, line by line (libgit2's git_merge_file),
// with the places where both sides changed the same lines told by their line
// numbers in "ours".

#include <cstddef>
#include <string>
#include <vector>

namespace irctl {

/// How lines that both sides changed differently are decided.
enum class MergeFavor {
  none,    ///< not at all: they are conflicts, marked in the text as git marks them
  ours,    ///< ours is taken there (GIT_MERGE_FILE_FAVOR_OURS)
  theirs,  ///< theirs is taken there (GIT_MERGE_FILE_FAVOR_THEIRS)
};

/// Lines `first` to `last` of ours, counted from 1. Where ours has no line
/// in the conflict (it removed them), `last` is `first` - 1: the place
/// after line `last`.
struct LineRange {
  size_t first = 0;
  size_t last = 0;
  bool operator==(const LineRange&) const = default;
};

struct TextMergeOptions {
  MergeFavor favor = MergeFavor::none;
  std::string ours_label = "ours";      ///< after '<<<<<<< ' in a conflict
  std::string theirs_label = "theirs";  ///< after '>>>>>>> '
};

struct TextMerge {
  /// The merge. With MergeFavor::none and conflicts, it has git's conflict
  /// markers ('<<<<<<< ours', '=======', '>>>>>>> theirs') around each.
  std::string text;
  /// Where both sides changed the same lines differently, in ours, in order;
  /// also when the favoured side decided them.
  std::vector<LineRange> conflicts;
  bool operator==(const TextMerge&) const = default;
};

/// Merges the changes from `base` to `ours` and from `base` to `theirs`.
/// Lines are compared byte for byte, line endings included.
TextMerge merge_texts(const std::string& base, const std::string& ours, const std::string& theirs,
                      const TextMergeOptions& options = {});

}  // namespace irctl
