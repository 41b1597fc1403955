// merge_texts: git_merge_file, and the conflicts it marked located in ours
// through a diff of ours against the marked merge.

#include "core/store/merge_text.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/store/git.hpp"

namespace irctl {
namespace {

git_merge_file_input input(const std::string& text) {
  git_merge_file_input in = GIT_MERGE_FILE_INPUT_INIT;
  in.ptr = text.data();
  in.size = text.size();
  return in;
}

git_merge_file_favor_t git_favor(MergeFavor favor) {
  switch (favor) {
    case MergeFavor::ours:
      return GIT_MERGE_FILE_FAVOR_OURS;
    case MergeFavor::theirs:
      return GIT_MERGE_FILE_FAVOR_THEIRS;
    case MergeFavor::none:
      break;
  }
  return GIT_MERGE_FILE_FAVOR_NORMAL;
}

struct RawMerge {
  std::string text;
  bool clean = true;
};

RawMerge git_merge(const std::string& base, const std::string& ours, const std::string& theirs,
                   const TextMergeOptions& options, MergeFavor favor) {
  git::ensure_initialised();
  const git_merge_file_input b = input(base), o = input(ours), t = input(theirs);
  git_merge_file_options opts = GIT_MERGE_FILE_OPTIONS_INIT;
  opts.our_label = options.ours_label.c_str();
  opts.their_label = options.theirs_label.c_str();
  opts.favor = git_favor(favor);
  git_merge_file_result r{};
  git::check(git_merge_file(&r, &b, &o, &t, &opts), "cannot merge the texts");
  RawMerge out{std::string(r.ptr ? r.ptr : "", r.len), r.automergeable != 0};
  git_merge_file_result_free(&r);
  return out;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// For each line of `merged` (from 1), the line of `ours` it is (0: none):
// a diff with the whole file as context reports every line.
std::vector<size_t> ours_line_of_each(const std::string& ours, const std::string& merged, size_t merged_lines) {
  std::vector<size_t> map(merged_lines + 1, 0);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_FORCE_TEXT;
  opts.context_lines = UINT32_MAX;
  const auto on_line = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
    auto& m = *static_cast<std::vector<size_t>*>(payload);
    if (line->origin == GIT_DIFF_LINE_CONTEXT && line->new_lineno > 0 &&
        static_cast<size_t>(line->new_lineno) < m.size())
      m[static_cast<size_t>(line->new_lineno)] = static_cast<size_t>(line->old_lineno);
    return 0;
  };
  git::check(git_diff_buffers(ours.data(), ours.size(), nullptr, merged.data(), merged.size(), nullptr, &opts, nullptr,
                              nullptr, nullptr, on_line, &map),
             "cannot compare the texts");
  return map;
}

// The lines of ours inside each block that git marked, in order.
std::vector<LineRange> marked_conflicts(const std::string& ours, const std::string& merged,
                                        const TextMergeOptions& options) {
  const auto lines = lines_of(merged);
  const auto ours_line = ours_line_of_each(ours, merged, lines.size());
  const std::string open = "<<<<<<< " + options.ours_label, close = ">>>>>>> " + options.theirs_label;
  std::vector<LineRange> out;
  size_t last_ours = 0;                            // the line of ours most recently passed
  std::optional<std::pair<size_t, size_t>> block;  // the lines of ours seen in the open block
  bool in_block = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t mine = ours_line[i + 1];
    if (!in_block && starts_with(lines[i], open)) {
      in_block = true;
      block.reset();
    } else if (in_block && starts_with(lines[i], close)) {
      in_block = false;
      out.push_back(block ? LineRange{block->first, block->second} : LineRange{last_ours + 1, last_ours});
    } else if (mine != 0 && in_block) {
      block = block ? std::make_pair(std::min(block->first, mine), std::max(block->second, mine))
                    : std::make_pair(mine, mine);
    }
    if (mine != 0) last_ours = std::max(last_ours, mine);
  }
  return out;
}

}  // namespace

TextMerge merge_texts(const std::string& base, const std::string& ours, const std::string& theirs,
                      const TextMergeOptions& options) {
  RawMerge marked = git_merge(base, ours, theirs, options, MergeFavor::none);
  if (marked.clean) return {std::move(marked.text), {}};
  std::vector<LineRange> conflicts = marked_conflicts(ours, marked.text, options);
  // git marked at least one conflict; were its marks ever not found, all of
  // ours is the conflict rather than none.
  if (conflicts.empty()) conflicts.push_back({1, lines_of(ours).size()});
  if (options.favor != MergeFavor::none) marked = git_merge(base, ours, theirs, options, options.favor);
  return {std::move(marked.text), std::move(conflicts)};
}

}  // namespace irctl
